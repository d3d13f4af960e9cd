"""Keeping the search index current. Services call these inside their own transactions."""

from ladle.lib.markup import plain_text

from .models import SearchEntry

Kind = SearchEntry.Kind


def _save(kind: str, object_id: int, **fields) -> None:
    SearchEntry.objects.update_or_create(kind=kind, object_id=object_id, defaults=fields)


def index_story(story) -> None:
    """A story or diary entry, and the visibility of its comments with it."""
    visible = story.status == story.Status.PUBLISHED and story.published_at is not None
    kind = Kind.DIARY if story.is_diary else Kind.STORY
    SearchEntry.objects.filter(object_id=story.pk, kind__in=[Kind.STORY, Kind.DIARY]).exclude(
        kind=kind
    ).delete()
    _save(
        kind,
        story.pk,
        title=story.title[:300],
        text=plain_text(story.intro_html + " " + story.body_html),
        url=story.get_absolute_url(),
        story_id=story.pk,
        section_id=story.section_id,
        author_id=story.author_id,
        author_name=story.author.shown_name[:60],
        date=story.published_at or story.submitted_at or story.created_at,
        visible=visible,
        visible_from=story.published_at,
    )
    SearchEntry.objects.filter(kind=Kind.COMMENT, story_id=story.pk).update(
        visible=visible, visible_from=story.published_at, section_id=story.section_id
    )
    if story.status == story.Status.PUBLISHED:
        # Editorial comments leave the thread (and the search) once the story is published.
        editorial = story.comments.filter(editorial=True).values("pk")
        SearchEntry.objects.filter(kind=Kind.COMMENT, object_id__in=editorial).update(visible=False)


def index_comment(comment, story=None, *, hidden: bool) -> None:
    """A comment: removed and deleted ones are not findable. `hidden`: the comment is in a
    hidden subtree, so an ordinary reader may not find it (see `mark_hidden`)."""
    story = story or comment.story
    if comment.state != comment.State.SHOWN:
        SearchEntry.objects.filter(kind=Kind.COMMENT, object_id=comment.pk).delete()
        return
    fields = comment_entry(comment, story, author_name=comment.author_name, hidden=hidden)
    _save(fields.pop("kind"), fields.pop("object_id"), **fields)


def comment_entry(
    comment, story, *, author_name: str, hidden: bool, url: str = "", text: str = ""
) -> dict:
    """The fields of a shown comment's search entry; importers write these in bulk (and
    pass each comment's `url` and plain `text` when they have them already)."""
    published = story.status == story.Status.PUBLISHED and story.published_at is not None
    return dict(
        kind=Kind.COMMENT,
        object_id=comment.pk,
        title=comment.subject,
        text=text or plain_text(comment.body_html),
        url=url or comment.get_absolute_url(),
        story_id=story.pk,
        section_id=story.section_id,
        author_id=comment.author_id,
        author_name=author_name[:60],
        date=comment.created_at,
        visible=published and not comment.editorial,
        visible_from=story.published_at,
        hidden=hidden,
    )


def index_member(member) -> None:
    visible = member.is_active and member.email_confirmed_at is not None
    _save(
        Kind.MEMBER,
        member.pk,
        title=member.username,
        text=" ".join(filter(None, [member.display_name, member.bio])),
        url=member.get_absolute_url(),
        author_id=member.pk,
        author_name=member.shown_name,
        date=member.date_joined,
        visible=visible,
    )


def index_poll(poll) -> None:
    answers = " ".join(a.text for a in poll.answers.all())
    story = poll.story
    _save(
        Kind.POLL,
        poll.pk,
        title=poll.question[:300],
        text=answers,
        url=poll.get_absolute_url(),
        story_id=story.pk,
        section_id=story.section_id,
        author_id=story.author_id,
        author_name=story.author.shown_name[:60],
        date=poll.created_at,
        visible=story.status == story.Status.PUBLISHED,
        visible_from=story.published_at,
    )


def mark_hidden(*, hidden: list[int], public: list[int]) -> None:
    """A rating moved a comment across the hide threshold: the comments of its subtree that an
    ordinary reader may no longer (`hidden`) or again (`public`) find."""
    for ids, flag in ((hidden, True), (public, False)):
        if ids:
            SearchEntry.objects.filter(kind=Kind.COMMENT, object_id__in=ids).update(hidden=flag)


def set_hidden_comments(hidden_ids) -> None:
    """Exactly these comments are hidden from an ordinary reader (after the threshold moved)."""
    entries = SearchEntry.objects.filter(kind=Kind.COMMENT)
    entries.filter(hidden=True).update(hidden=False)
    entries.filter(object_id__in=list(hidden_ids)).update(hidden=True)


def rename_author(member) -> None:
    """A member's shown name changed: their stories' and comments' entries carry the new one
    (one UPDATE). The guest account's comments show their guests' names and keep them."""
    if member.is_guest:
        return
    SearchEntry.objects.filter(
        author_id=member.pk, kind__in=[Kind.STORY, Kind.DIARY, Kind.COMMENT]
    ).update(author_name=member.shown_name[:60])
