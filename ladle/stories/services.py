"""Writes to stories: editors' stories and versions, diaries, the submission queue, visits.

Locking rule: every change to a story's queue state or tally locks the story's row first
(`select_for_update`; on SQLite the IMMEDIATE transaction holds the write lock). The tally is
recomputed from the vote rows under that lock, so concurrent votes can neither be lost nor
publish a story twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from ladle.accounts.models import User
from ladle.accounts.throttle import take_turn
from ladle.lib import queue as queue_rules
from ladle.moderation.services import checked_reason, log_action, resolve_flags
from ladle.notifications.services import notify
from ladle.search.indexing import index_story
from ladle.site.values import value

from .models import (
    DIARY_SECTION_SLUG,
    Hotlist,
    QueueVote,
    Section,
    Story,
    StoryVersion,
    StoryVisit,
    Topic,
)

# The longest intro or body accepted, in characters (docs/rules.md).
TEXT_MAX = 100_000
# What a save of a story's text writes. Counters and the queue's tally are never among them:
# only the services that compute them write them, under the story's row lock.
TEXT_FIELDS = ["title", "slug", "intro", "body", "intro_html", "body_html", "body_word_count"]


def _write_text(story: Story, *, title: str, intro: str, body: str) -> None:
    title, intro = title.strip(), intro.strip()
    errors = {}
    if not title:
        errors["title"] = "Give the story a title."
    elif len(title) > 200:
        errors["title"] = "Keep the title under 200 characters."
    if not intro:
        errors["intro"] = "Write an intro: it is what the front page shows."
    for name, text in (("title", title), ("intro", intro), ("body", body)):
        if len(text) > TEXT_MAX:
            errors[name] = f"At most {TEXT_MAX:,} characters (this has {len(text):,})."
        elif "\x00" in text:
            errors[name] = "The text contains a NUL character; remove it and try again."
    if errors:
        raise ValidationError(errors)
    story.title, story.intro, story.body = title, intro, body
    story.render_text()


def preview_text(*, title: str, intro: str, body: str = "", **_) -> Story:
    """A story as its text would be published, checked and rendered, saved nowhere (the
    preview on members' writing forms)."""
    story = Story()
    _write_text(story, title=title, intro=intro, body=body)
    return story


def _save(story: Story, *fields: str) -> None:
    """Insert a new story, or write only `fields` (and the text) of an existing one."""
    if story.pk is None:
        story.save()
    else:
        story.save(update_fields=[*TEXT_FIELDS, *fields, "updated_at"])


def _keep_version(story: Story, changed_by) -> None:
    """Before a published story is saved, keep its text as it was."""
    if story.pk is None:
        return
    before = Story.objects.select_related("section").filter(pk=story.pk).first()
    if before is None or before.status != Story.Status.PUBLISHED:
        return
    StoryVersion.objects.create(
        story=story,
        changed_by=changed_by,
        title=before.title,
        intro=before.intro,
        body=before.body,
        section_name=before.section.name,
    )


def save_story(
    *,
    editor,
    story: Story | None = None,
    title: str,
    intro: str,
    body: str = "",
    section: Section,
    topics: list[Topic] | tuple = (),
    status: str = Story.Status.DRAFT,
    published_at: datetime | None = None,
    comment_status: str = Story.CommentStatus.OPEN,
    front_page: bool | None = None,
    author=None,
) -> Story:
    """Create or update a story. Only editors may; the text is rendered and sanitized here.

    Publishing without a time publishes now; a future time schedules the story. Saving a
    published story keeps its previous text as a version.
    """
    if not editor.is_editor:
        raise PermissionDenied("Only editors may write and edit stories.")
    story = story or Story(author=author or editor)
    with transaction.atomic():
        _keep_version(story, editor)
        _write_text(story, title=title, intro=intro, body=body)
        story.section = section
        story.status = status
        story.comment_status = comment_status
        story.front_page = section.on_front_page if front_page is None else front_page
        if status == Story.Status.PUBLISHED and published_at is None:
            published_at = story.published_at or timezone.now()
        story.published_at = published_at
        _save(story, "section", "status", "comment_status", "front_page", "published_at")
        story.topics.set(topics)
        index_story(story)
    return story


# --- Diaries -----------------------------------------------------------------------------------


def diary_section() -> Section:
    section, _ = Section.objects.get_or_create(
        slug=DIARY_SECTION_SLUG,
        defaults={
            "name": "Diaries",
            "on_front_page": False,
            "position": 90,
            "description": "Members' diaries, published without review.",
        },
    )
    return section


def write_diary_entry(
    *,
    author,
    title: str,
    intro: str,
    body: str = "",
    topics: list[Topic] | tuple = (),
    story: Story | None = None,
) -> Story:
    """Publish (or edit) an entry in the member's own diary: no review, never on the front
    page unless an editor promotes it."""
    if not author.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address keep a diary.")
    if refusal := author.suspension_refusal():
        raise PermissionDenied(refusal)
    if story is not None and story.author_id != author.pk:
        raise PermissionDenied("You can only edit your own diary.")
    if story is None:
        if refusal := diary_section().posting_refusal(author, "stories"):
            raise PermissionDenied(refusal)
        take_turn(author, "story")  # the post throttle; commits on its own, may refuse
    with transaction.atomic():
        if story is None:
            story = Story(
                author=author,
                section=diary_section(),
                front_page=False,
                status=Story.Status.PUBLISHED,
                published_at=timezone.now(),
            )
        else:
            _keep_version(story, author)
        _write_text(story, title=title, intro=intro, body=body)
        _save(story)
        story.topics.set(topics)
        index_story(story)
    return story


def promote_to_front_page(*, story: Story, editor) -> Story:
    if not editor.is_editor:
        raise PermissionDenied("Only editors may promote stories.")
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        story.front_page = True
        story.save(update_fields=["front_page"])
    return story


# --- The submission queue ----------------------------------------------------------------------


def submit_story(
    *,
    author,
    title: str,
    intro: str,
    body: str = "",
    section: Section,
    topics: list[Topic] | tuple = (),
    edit_queue: bool = False,
) -> Story:
    """A member submits a story for the community's vote, optionally via the edit queue."""
    if not author.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address submit stories.")
    if refusal := author.suspension_refusal():
        raise PermissionDenied(refusal)
    if section.slug == DIARY_SECTION_SLUG:
        raise ValidationError({"section": "Diary entries go in your diary, not the queue."})
    if refusal := section.posting_refusal(author, "stories"):
        raise ValidationError({"section": refusal})
    take_turn(author, "story")  # the post throttle; commits on its own, may refuse
    now = timezone.now()
    story = Story(author=author, section=section, front_page=False, submitted_at=now)
    _write_text(story, title=title, intro=intro, body=body)
    if edit_queue:
        story.status = Story.Status.EDIT_QUEUE
        story.edit_queue_until = now + timedelta(hours=value("edit_queue_hours"))
    else:
        story.status = Story.Status.VOTING
    with transaction.atomic():
        story.save()
        story.topics.set(topics)
        index_story(story)
    return story


def edit_queued_story(
    *,
    story: Story,
    author,
    title: str,
    intro: str,
    body: str = "",
    topics: list[Topic] | tuple = (),
) -> Story:
    """Only the author changes a story, and only while it is in the edit queue."""
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.author_id != author.pk or not story.is_in_edit_queue():
            raise PermissionDenied("Only the author may edit a story, and only in the edit queue.")
        _write_text(story, title=title, intro=intro, body=body)
        _save(story)
        story.topics.set(topics)
        index_story(story)
    return story


def move_to_voting(*, story: Story, author) -> Story:
    with transaction.atomic():
        story = Story.objects.select_for_update().get(pk=story.pk)
        if story.author_id != author.pk or story.status != Story.Status.EDIT_QUEUE:
            raise PermissionDenied("Only the author moves their story from the edit queue.")
        story.status = Story.Status.VOTING
        story.edit_queue_until = None
        story.save(update_fields=["status", "edit_queue_until"])
    return story


def _active_members() -> int:
    since = timezone.now() - timedelta(days=settings.LADLE_ACTIVE_MEMBER_DAYS)
    return User.objects.filter(is_active=True, last_login__gte=since).count()


def queue_thresholds() -> tuple[int, int]:
    rules = (value("queue_post_at"), value("queue_hide_at"))
    active = _active_members() if any(str(r).strip().endswith("%") for r in rules) else 0
    return queue_rules.threshold(rules[0], active), queue_rules.threshold(rules[1], active)


def recount_votes(story: Story) -> queue_rules.Tally:
    counts = dict(story.queue_votes.values_list("choice").annotate(n=Count("id")))
    tally = queue_rules.Tally(
        front_page=counts.get(QueueVote.Choice.FRONT_PAGE, 0),
        section=counts.get(QueueVote.Choice.SECTION, 0),
        abstain=counts.get(QueueVote.Choice.ABSTAIN, 0),
        dump=counts.get(QueueVote.Choice.DUMP, 0),
    )
    story.votes_front_page, story.votes_section = tally.front_page, tally.section
    story.votes_abstain, story.votes_dump = tally.abstain, tally.dump
    story.queue_score = tally.score
    return tally


def _publish(story: Story, *, front_page: bool, reason: str) -> None:
    story.status = Story.Status.PUBLISHED
    story.front_page = front_page
    story.published_at = timezone.now()
    story.edit_queue_until = None
    where = "the front page" if front_page else f"the {story.section.name} section"
    notify(
        member=story.author,
        text=f"Your story “{story.title}” was published to {where}.",
        url=story.get_absolute_url(),
        email_subject=f"Published: {story.title}",
        email_body=f"{reason}\n\nYour story “{story.title}” is now on {where}.",
    )


def _hide(story: Story, *, reason: str) -> None:
    story.status = Story.Status.HIDDEN
    story.edit_queue_until = None
    notify(
        member=story.author,
        text=f"Your story “{story.title}” was not accepted.",
        url="",
        email_subject=f"Not accepted: {story.title}",
        email_body=f"{reason}\n\nYour story “{story.title}” was hidden from the queue.",
    )


QUEUE_FIELDS = [
    "updated_at",
    "status",
    "front_page",
    "published_at",
    "edit_queue_until",
    "queue_score",
    "votes_front_page",
    "votes_section",
    "votes_abstain",
    "votes_dump",
]


def vote_on_story(*, story: Story, voter, choice: int) -> Story:
    """Record a member's queue vote and apply the queue's rules to the new tally.

    One vote per member per story (a database constraint); no vote on one's own story. The
    story's row is locked while the vote is added and the tally recomputed, so a publication
    happens exactly once however many votes arrive together.
    """
    if not voter.is_member:
        raise PermissionDenied("Only members with a confirmed e-mail address vote.")
    if refusal := voter.suspension_refusal():
        raise PermissionDenied(refusal)
    if choice not in QueueVote.Choice.values:
        raise ValidationError({"choice": "Choose one of the votes offered."})
    post_at, hide_at = queue_thresholds()
    with transaction.atomic():
        story = Story.objects.select_for_update().select_related("section").get(pk=story.pk)
        if not story.is_open_for_votes():
            raise PermissionDenied("This story is not open for votes.")
        if story.author_id == voter.pk:
            raise PermissionDenied("You cannot vote on your own story.")
        try:
            with transaction.atomic():
                QueueVote.objects.create(story=story, voter=voter, choice=choice)
        except IntegrityError as error:
            raise ValidationError("You have already voted on this story.") from error
        tally = recount_votes(story)
        outcome = queue_rules.decide(tally, post_at=post_at, hide_at=hide_at)
        reason = f"The queue's vote: score {tally.score} from {tally.total} votes."
        if outcome in (queue_rules.Outcome.FRONT_PAGE, queue_rules.Outcome.SECTION):
            _publish(story, front_page=outcome is queue_rules.Outcome.FRONT_PAGE, reason=reason)
        elif outcome is queue_rules.Outcome.HIDE:
            _hide(story, reason=reason)
        story.save(update_fields=QUEUE_FIELDS)
        if outcome is not queue_rules.Outcome.WAIT:
            index_story(story)
    return story


def decide_queued_story(*, story: Story, editor, action: str) -> Story:
    """An editor publishes (front page or section), hides or sends back a queued story."""
    if not editor.is_editor:
        raise PermissionDenied("Only editors decide on queued stories directly.")
    with transaction.atomic():
        story = Story.objects.select_for_update().select_related("section").get(pk=story.pk)
        if not story.is_queued():
            raise ValidationError("This story is no longer in the queue.")
        reason = f"An editor ({editor.username}) decided."
        if action == "front_page":
            _publish(story, front_page=True, reason=reason)
        elif action == "section":
            _publish(story, front_page=False, reason=reason)
        elif action == "hide":
            _hide(story, reason=reason)
        elif action == "send_back":
            story.status = Story.Status.EDIT_QUEUE
            story.edit_queue_until = timezone.now() + timedelta(hours=value("edit_queue_hours"))
            notify(
                member=story.author,
                url=story.get_absolute_url(),
                text=f"An editor sent “{story.title}” back to the edit queue for changes.",
            )
        else:
            raise ValidationError("Unknown decision.")
        story.save(update_fields=QUEUE_FIELDS)
        index_story(story)
    return story


# --- Reading: visits and the hotlist -----------------------------------------------------------


def record_visit(*, member, story: Story) -> datetime | None:
    """Note that `member` reads `story` now; return their previous visit (None: first visit).

    Two queries whatever the story's size: read the visit row, then write it.
    """
    now = timezone.now()
    visit = StoryVisit.objects.filter(member=member, story=story).first()
    if visit is None:
        try:
            with transaction.atomic():
                StoryVisit.objects.create(member=member, story=story, last_visit=now)
        except IntegrityError:
            pass  # the same member's other tab got there first
        return None
    StoryVisit.objects.filter(pk=visit.pk).update(last_visit=now)
    return visit.last_visit


def add_to_hotlist(*, member, story: Story) -> None:
    if not member.is_authenticated:
        raise PermissionDenied("Log in to keep a hotlist.")
    Hotlist.objects.get_or_create(member=member, story=story)


def remove_from_hotlist(*, member, story: Story) -> None:
    Hotlist.objects.filter(member=member, story=story).delete()


# --- Moderation ---------------------------------------------------------------------------------


def hide_story(*, story: Story, editor, reason: str) -> Story:
    """A moderator takes a published story off the site (its page, lists, feeds, search), with
    a public reason; `restore_story` puts it back."""
    return _moderate_story(story, editor, reason, hide=True)


def restore_story(*, story: Story, editor, reason: str) -> Story:
    return _moderate_story(story, editor, reason, hide=False)


def _moderate_story(story: Story, editor, reason: str, *, hide: bool) -> Story:
    if not editor.is_editor:
        raise PermissionDenied("Only moderators hide and restore stories.")
    reason = checked_reason(reason, what="the story is " + ("hidden" if hide else "restored"))
    with transaction.atomic():
        story = (
            Story.objects.select_for_update().select_related("section", "author").get(pk=story.pk)
        )
        if hide and story.status != Story.Status.PUBLISHED:
            raise ValidationError("Only a published story can be hidden.")
        if not hide and story.status != Story.Status.HIDDEN:
            raise ValidationError("Only a hidden story can be restored.")
        story.status = Story.Status.HIDDEN if hide else Story.Status.PUBLISHED
        if not hide and story.published_at is None:
            story.published_at = timezone.now()
        _save(story, "status", "published_at")
        index_story(story)
        resolve_flags(moderator=editor, resolution=reason, story=story)
        log_action(
            moderator=editor,
            action="hide_story" if hide else "restore_story",
            target=f"“{story.title}”",
            url=story.get_absolute_url(),
            reason=reason,
        )
    return story
