"""The submission queue's arithmetic (docs/rules.md, *The queue*). No database here.

Votes: +1 front page, +1 section only, 0 abstain, -1 dump. The score is the sum of the signs.
At score >= the post threshold the story is published: to the front page if at least half of
the positive votes asked for the front page, else to its section only. At score <= the hide
threshold it is hidden. A threshold is an absolute number ("4", "-2") or a percentage of the
active members ("5%", "-2%"), rounded away from zero and never weaker than one vote.
"""

import math
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    WAIT = "wait"
    FRONT_PAGE = "front_page"
    SECTION = "section"
    HIDE = "hide"


@dataclass(frozen=True)
class Tally:
    front_page: int = 0
    section: int = 0
    abstain: int = 0
    dump: int = 0

    @property
    def score(self) -> int:
        return self.front_page + self.section - self.dump

    @property
    def total(self) -> int:
        return self.front_page + self.section + self.abstain + self.dump


def threshold(rule: str | int, active_members: int) -> int:
    """The number of votes a threshold rule stands for."""
    text = str(rule).strip()
    if not text.endswith("%"):
        return int(text)
    percent = float(text[:-1])
    votes = math.ceil(abs(percent) * active_members / 100)
    return int(math.copysign(max(votes, 1), percent))


def decide(tally: Tally, *, post_at: int, hide_at: int) -> Outcome:
    if tally.score >= post_at:
        positive = tally.front_page + tally.section
        if tally.front_page * 2 >= positive:
            return Outcome.FRONT_PAGE
        return Outcome.SECTION
    if tally.score <= hide_at:
        return Outcome.HIDE
    return Outcome.WAIT
