"""Keeping the search index current. Services call these inside their own transactions."""

import html
import re

import nh3

from .models import SearchEntry

Kind = SearchEntry.Kind
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain_text(rendered_html: str) -> str:
    """Readable text from sanitized HTML: tags out, entities decoded, control characters out
    (the highlighter uses two of them as markers)."""
    text = html.unescape(nh3.clean(rendered_html.replace("<", " <"), tags=set()))
    return _CONTROL.sub(" ", re.sub(r"\s+", " ", text)).strip()


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
        from ladle.comments.models import Comment

        editorial = Comment.objects.filter(story=story, editorial=True).values("pk")
        SearchEntry.objects.filter(kind=Kind.COMMENT, object_id__in=editorial).update(visible=False)


def index_comment(comment, story=None) -> None:
    """A comment: removed and deleted ones are not findable; hidden ones only by the trusted."""
    story = story or comment.story
    if comment.state != comment.State.SHOWN:
        SearchEntry.objects.filter(kind=Kind.COMMENT, object_id=comment.pk).delete()
        return
    published = story.status == story.Status.PUBLISHED and story.published_at is not None
    _save(
        Kind.COMMENT,
        comment.pk,
        title=comment.subject,
        text=plain_text(comment.body_html),
        url=comment.get_absolute_url(),
        story_id=story.pk,
        section_id=story.section_id,
        author_id=comment.author_id,
        author_name=comment.author.shown_name[:60],
        date=comment.created_at,
        visible=published and not comment.editorial,
        visible_from=story.published_at,
        hidden=comment.is_hidden,
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


def rebuild() -> int:
    """Index everything again (after an import, or to repair the index)."""
    from ladle.accounts.models import User
    from ladle.comments.models import Comment
    from ladle.polls.models import Poll
    from ladle.stories.models import Story

    SearchEntry.objects.all().delete()
    count = 0
    for story in Story.objects.select_related("section", "author").iterator():
        index_story(story)
        count += 1
    for comment in Comment.objects.select_related("story", "story__section", "author").iterator():
        index_comment(comment, comment.story)
        count += 1
    for member in User.objects.iterator():
        index_member(member)
        count += 1
    for poll in Poll.objects.select_related("story", "story__author").prefetch_related("answers"):
        index_poll(poll)
        count += 1
    return count


def mark_hidden(comment) -> None:
    """A rating moved a comment across the hide threshold (or not): keep the flag current."""
    SearchEntry.objects.filter(kind=Kind.COMMENT, object_id=comment.pk).update(
        hidden=comment.is_hidden
    )
