"""Old links keep working: where an address of the old Scoop or WordPress site now lives.

Scoop's addresses: `/story/<sid>` (a sid is `2004/3/12/222115/671`), `/comments/<sid>/<cid>`,
`/user/<nickname>` and `/user/<nickname>/diary`, `/section/<name>`, `/poll/<qid>`, and the
older query forms `/?op=displaystory;sid=...` (Scoop separated parameters with `;`).
WordPress's: `/?p=<id>`, `/?page_id=<id>`, the post's own permalink, `/category/<slug>/` and
`/tag/<slug>/` and `/author/<nicename>/`. Each is answered from the `OldKey` rows an import left.
"""

from urllib.parse import parse_qsl, quote

from django.urls import reverse

from ladle.accounts.models import User
from ladle.polls.models import Poll
from ladle.stories.models import Section, Story, Topic

from .models import OldKey

Kind = OldKey.Kind


def _target(kind: str, key: str) -> int | None:
    return (
        OldKey.objects.filter(kind=kind, key=key[:255]).values_list("target_id", flat=True).first()
    )


def _story_url(story_id: int | None) -> str | None:
    story = Story.objects.filter(pk=story_id).only("slug").first() if story_id else None
    return story.get_absolute_url() if story else None


def _story(sid: str) -> str | None:
    return _story_url(_target(Kind.SCOOP_STORY, sid))


def _comment(sid: str, cid: str) -> str | None:
    story_id = _target(Kind.SCOOP_STORY, sid)
    if story_id is None or not cid.isdigit() or len(cid) > 9:
        return None
    return reverse("comments:permalink", args=[story_id, int(cid)])


def _member(nick: str, rest: str = "") -> str | None:
    member_id = _target(Kind.SCOOP_NICK, nick.lower())
    if member_id is None and nick.startswith("uid:"):
        member_id = _target(Kind.SCOOP_MEMBER, nick[4:])
    member = User.objects.filter(pk=member_id).only("username").first() if member_id else None
    if member is None:
        return None
    if rest.strip("/").startswith("diary"):
        return reverse("stories:diary", args=[member.username])
    return member.get_absolute_url()


def _section(name: str) -> str | None:
    section_id = _target(Kind.SCOOP_SECTION, name)
    section = Section.objects.filter(pk=section_id).first() if section_id else None
    return section.get_absolute_url() if section else None


def _poll(qid: str) -> str | None:
    poll_id = _target(Kind.SCOOP_POLL, qid)
    poll = Poll.objects.filter(pk=poll_id).first() if poll_id else None
    return poll.get_absolute_url() if poll else None


def _wordpress(path: str) -> str | None:
    story_id = _target(Kind.WP_PATH, path.rstrip("/") + "/")
    if story_id is not None:
        return _story_url(story_id)
    parts = path.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "author":
        member_id = _target(Kind.WP_MEMBER, parts[1].lower())
        member = User.objects.filter(pk=member_id).first() if member_id else None
        return member.get_absolute_url() if member else None
    if len(parts) == 2 and parts[0] in ("category", "tag"):
        kind, model = (
            (Kind.WP_SECTION, Section) if parts[0] == "category" else (Kind.WP_TOPIC, Topic)
        )
        target_id = _target(kind, parts[1])
        found = model.objects.filter(pk=target_id).first() if target_id else None
        return found.get_absolute_url() if found else None
    return None


def new_address_for_path(path: str) -> str | None:
    """Where an old site's path (one that matched nothing here) went, or None."""
    head, _, rest = path.strip("/").partition("/")
    if not rest:
        return _wordpress(path)
    if head == "story":
        return _story(rest)
    if head == "comments":
        if found := _story(rest):
            return found
        sid, _, cid = rest.rpartition("/")
        return _comment(sid, cid)
    if head == "user":
        nick, _, more = rest.partition("/")
        return _member(nick, more)
    if head == "section":
        return _section(rest.split("/")[0])
    if head == "poll":
        return _poll(rest)
    return _wordpress(path)


def new_address_for_query(query: str) -> str | None:
    """Where an old query-string address of the front page (`/?op=...`, `/?p=...`) went."""
    params = dict(parse_qsl(query.replace(";", "&"), keep_blank_values=True))
    op = params.get("op", "")
    if op == "displaystory" and "sid" in params:
        return _story(params["sid"])
    if op in ("comments", "displaycomment") and "sid" in params:
        if "cid" in params:
            return _comment(params["sid"], params["cid"])
        return _story(params["sid"])
    if op == "user" and ("nick" in params or "uid" in params):
        nick = params.get("nick") or f"uid:{params['uid']}"
        return _member(nick, "diary" if params.get("tool") == "diary" else "")
    if op == "section" and "section" in params:
        return _section(params["section"])
    if op in ("view_poll", "poll_vote", "poll") and "qid" in params:
        return _poll(params["qid"])
    if op == "search" and params.get("string"):
        return reverse("search:search") + "?q=" + quote(params["string"])
    for name in ("p", "page_id"):
        value = params.get(name, "")
        if value.isdigit():
            return _story_url(_target(Kind.WP_POST, value))
    return None
