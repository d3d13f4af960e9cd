"""Story pages, one module per job. Views are thin: they read through querysets, write
through `services`, and redirect after a successful POST; service errors land on the form
beside their field, with the text kept."""

from .editing import edit_diary, edit_story, flag, moderate, promote, write_diary
from .hotlist import hotlist, toggle_hotlist
from .listings import archive, diary, front_page, section, topic
from .queue import decide, edit_queued, queue, queued_story, submit, to_voting, vote
from .reading import history, story

__all__ = [
    "front_page",
    "section",
    "topic",
    "archive",
    "diary",
    "story",
    "history",
    "edit_story",
    "promote",
    "moderate",
    "flag",
    "write_diary",
    "edit_diary",
    "submit",
    "queue",
    "queued_story",
    "vote",
    "decide",
    "edit_queued",
    "to_voting",
    "hotlist",
    "toggle_hotlist",
]
