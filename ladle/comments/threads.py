"""Reading a story's thread: one query for the comments, the layout done in memory."""

from django.db.models import Q

from .models import Comment
from .tree import Thread, build_thread


def _by_number(comment: Comment):
    return comment.number


def story_thread(story) -> Thread:
    """The whole thread of `story`, in one query whatever its size."""
    comments = list(Comment.objects.for_story(story).shown().with_authors())
    _attach_parent_numbers(comments)
    return build_thread(comments, sort_key=_by_number)


def subthread(story, comment: Comment) -> Thread:
    """`comment` and every reply below it, in one query."""
    # Replies always come after their parent and sit deeper, so this bounds the subtree; the
    # layout drops the later, deeper comments that hang from other parents.
    rows = list(
        Comment.objects.for_story(story)
        .shown()
        .with_authors()
        .filter(Q(pk=comment.pk) | Q(number__gt=comment.number, depth__gt=comment.depth))
    )
    _attach_parent_numbers(rows)
    if comment.parent_id is not None:
        parent_number = (
            Comment.objects.filter(pk=comment.parent_id).values_list("number", flat=True).first()
        )
        comment.parent_number = parent_number
        for row in rows:
            if row.pk == comment.pk:
                row.parent_number = parent_number
    return build_thread(rows, sort_key=_by_number, root_id=comment.parent_id)


def _attach_parent_numbers(comments: list[Comment]) -> None:
    """Give each comment `parent_number` for its Parent link, from the list itself."""
    numbers = {c.pk: c.number for c in comments}
    for c in comments:
        c.parent_number = numbers.get(c.parent_id)
