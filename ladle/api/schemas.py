"""The shapes the JSON API reads and writes (they become the OpenAPI schema)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from ladle.comments.rules import COMMENT_BODY_MAX

# A row id or comment number: it must fit the database's integer columns.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]


class Problem(Schema):
    detail: str
    errors: Any = None


class SectionOut(Schema):
    name: str
    slug: str


class MemberOut(Schema):
    name: str
    display_name: str
    url: str
    joined: datetime | None = None
    bio: str | None = None
    homepage: str | None = None
    mojo: float | None = None
    trust: str | None = None


class StorySummary(Schema):
    id: int
    title: str
    url: str
    section: SectionOut
    topics: list[str]
    author: MemberOut
    published_at: datetime | None
    front_page: bool
    comment_count: int
    word_count: int
    intro_html: str


class StoryDetail(StorySummary):
    body_html: str
    comment_status: str


class StoryPage(Schema):
    items: list[StorySummary]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page.")


class CommentOut(Schema):
    number: int
    parent: int | None
    depth: int
    subject: str
    body_html: str
    author: MemberOut
    created_at: datetime
    edited: bool
    score: float | None = Field(None, description="The mean rating; null when unrated.")
    rating_count: int
    hidden: bool
    removed: bool
    url: str
    replies: list["CommentOut"] = Field(default_factory=list)


CommentOut.model_rebuild()


class CommentList(Schema):
    story: int
    format: Literal["tree", "flat"]
    count: int
    comments: list[CommentOut]


class CommentIn(Schema):
    subject: str = Field(..., max_length=200)
    body: str = Field(..., max_length=COMMENT_BODY_MAX)
    parent: Id | None = Field(None, description="Number of the comment replied to.")
    markup: Literal["markdown", "plain"] = "markdown"


class RatingIn(Schema):
    value: int = Field(..., ge=-1000, le=1000)


class AnswerOut(Schema):
    id: int
    text: str
    votes: int


class PollOut(Schema):
    id: int
    question: str
    multiple_choice: bool
    closed: bool
    voters: int
    story: int
    url: str
    answers: list[AnswerOut]


class BallotIn(Schema):
    answers: list[Id] = Field(..., max_length=10)
