"""Reading a story's thread for one reader: a fixed number of queries, the layout in memory."""

from dataclasses import dataclass

from django.db.models import Q

from .display import ArrangedThread, Display, ViewOptions, arrange
from .models import Comment, Rating
from .preferences import ReaderChoices
from .rules import large_thread, rating_choices
from .tree import Thread


@dataclass
class StoryThread:
    arranged: ArrangedThread
    options: ViewOptions
    total: int  # comments that have a place in the thread (removed placeholders included)
    hidden_total: int  # comments below the hide threshold, whoever reads
    rating_choices: list[tuple[int, str]]

    @property
    def thread(self) -> Thread:
        return self.arranged.thread


def _reader_ratings(reader, comments_filter: Q) -> dict[int, int]:
    if not reader.is_authenticated:
        return {}
    return dict(
        Rating.objects.filter(comments_filter, rater=reader).values_list("comment_id", "value")
    )


def _annotate(comments: list[Comment], reader, ratings: dict[int, int]) -> None:
    """Attach what each comment's template needs about this reader, without more queries."""
    numbers = {c.pk: c.number for c in comments}
    trusted = reader.is_authenticated and reader.is_trusted
    member = getattr(reader, "is_member", False)
    for c in comments:
        c.parent_number = numbers.get(c.parent_id)
        c.my_rating = ratings.get(c.pk)
        c.can_rate = (
            member
            and c.author_id != reader.pk
            and c.state == Comment.State.SHOWN
            and (trusted or not c.is_hidden)
        )


def shows_for(reader, choices: ReaderChoices, ratings: dict[int, int]):
    """Whether `reader` sees a comment (its replies go with it when not)."""
    trusted = reader.is_authenticated and reader.is_trusted
    hidden_choice = choices.hidden_comments if trusted else "never"

    def shows(comment: Comment) -> bool:
        if not comment.is_hidden:
            return True
        if reader.is_authenticated and comment.author_id == reader.pk:
            return True  # authors always see their own comments, marked as hidden
        if hidden_choice == "always":
            return True
        if hidden_choice == "until_rated":
            return comment.pk not in ratings
        return False

    return shows


def story_thread(story, reader, choices: ReaderChoices) -> StoryThread:
    """The whole thread of `story` as `reader` sees it: two queries whatever its size."""
    comments = list(Comment.objects.for_story(story).shown().with_authors())
    ratings = _reader_ratings(reader, Q(comment__story=story))
    _annotate(comments, reader, ratings)
    arranged = arrange(
        comments,
        options=choices.options,
        shows=shows_for(reader, choices, ratings),
        large_thread_at=large_thread(),
        large_thread_display=choices.large_thread_display,
        display_forced=choices.display_forced,
    )
    trusted = reader.is_authenticated and reader.is_trusted
    return StoryThread(
        arranged=arranged,
        options=choices.options,
        total=len(comments),
        hidden_total=sum(1 for c in comments if c.is_hidden),
        rating_choices=rating_choices(may_hide=trusted),
    )


def subthread(story, comment: Comment, reader, choices: ReaderChoices) -> StoryThread:
    """`comment` and every reply below it that the reader sees, in full, nested."""
    # Replies always come after their parent and sit deeper, so this bounds the subtree; the
    # layout drops the later, deeper comments that hang from other parents.
    rows = list(
        Comment.objects.for_story(story)
        .shown()
        .with_authors()
        .filter(Q(pk=comment.pk) | Q(number__gt=comment.number, depth__gt=comment.depth))
    )
    ratings = _reader_ratings(reader, Q(comment__in=[r.pk for r in rows]))
    _annotate(rows, reader, ratings)
    if comment.parent_id is not None:
        parent_number = (
            Comment.objects.filter(pk=comment.parent_id).values_list("number", flat=True).first()
        )
        for row in [comment, *rows]:
            if row.pk == comment.pk:
                row.parent_number = parent_number
    shows = shows_for(reader, choices, ratings)
    options = ViewOptions(Display.NESTED, choices.options.rating_sort, choices.options.age_sort)
    arranged = arrange(
        rows,
        options=options,
        shows=lambda c: c.pk == comment.pk or shows(c),
        large_thread_at=len(rows) + 1,
        display_forced=True,
        root_id=comment.parent_id,
    )
    trusted = reader.is_authenticated and reader.is_trusted
    return StoryThread(
        arranged=arranged,
        options=options,
        total=len(rows),
        hidden_total=sum(1 for c in rows if c.is_hidden),
        rating_choices=rating_choices(may_hide=trusted),
    )
