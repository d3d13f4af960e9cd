"""Dumps of the same shape as the fixture but with what real sites hold and the fixture does
not: names Ladle cannot take, shared e-mail addresses, rows pointing at nothing. Each is
repaired or skipped, and said in the report."""

# ruff: noqa: E501 - the dump's rows read best one per line, as mysqldump would write them

import io
import re
from pathlib import Path

import pytest
from django.test import Client

from ladle.accounts.models import User
from ladle.comments.models import Comment, Rating
from ladle.legacy.report import Progress
from ladle.legacy.scoop import ScoopImport
from ladle.legacy.sources import DumpFile
from ladle.stories.models import Story

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "scoop-small.sql"
REPLACED = ("users", "stories", "comments", "commentratings", "userprefs", "viewed_stories",
            "storymoderate", "pollvoters", "pollquestions", "pollanswers")  # fmt: skip


def dump_with(tmp_path, inserts: str) -> Path:
    """The fixture's schema and settings with these rows in place of its own."""
    dump = FIXTURE.read_bytes()
    for table in REPLACED:
        dump = re.sub(rb"INSERT INTO `" + table.encode() + rb"` VALUES [^\n]*;\n", b"", dump)
    path = tmp_path / "site.sql"
    path.write_bytes(dump + inserts.encode("cp1252"))
    return path


ROWS = """INSERT INTO `users` VALUES
(2,'D.C. Dem','dc@example.org','dc@example.org','ZPsRqP2q.Hw',1,'Users','2.5','','2005-01-01 10:00:00',NULL,NULL,0,NULL),
(3,'dc dem','dc@example.org','dc@example.org','ZPsRqP2q.Hw',1,'Users','2.5','','2005-01-01 11:00:00',NULL,NULL,0,NULL),
(4,'Writer','not an address','','ZPsRqP2q.Hw',2,'Advertisers','4.5','','2005-01-01 12:00:00',NULL,NULL,0,NULL);
INSERT INTO `stories` VALUES ('2005/1/2/3/4','politics',4,'A story',NULL,'2005-01-02 03:00:00','<P>Intro</P>','',0,0,'news',0,0,0,0,0,NULL,0,0),
('2005/1/2/3/5','nosuchtopic',99,'Orphaned author',NULL,'2005-01-02 04:00:00','<P>Intro</P>','',0,0,'nosection',0,0,0,0,0,NULL,0,0);
INSERT INTO `comments` VALUES ('2005/1/2/3/4',1,0,'2005-01-02 05:00:00',NULL,'First','<p>one</p>',0,2,NULL,-1,1,'',NULL,NULL),
('2005/1/2/3/4',2,3,'2005-01-02 06:00:00',NULL,'Loop a','<p>two</p>',0,3,NULL,-1,1,'',NULL,NULL),
('2005/1/2/3/4',3,2,'2005-01-02 07:00:00',NULL,'Loop b','<p>three</p>',0,77,NULL,-1,1,'',NULL,NULL),
('2005/1/2/3/4',4,1,'0000-00-00 00:00:00',NULL,'No time','<p>four</p>',0,2,NULL,-1,1,'',NULL,NULL),
('2005/1/2/3/4',4,1,'2005-01-02 08:00:00',NULL,'Twice','<p>again</p>',0,2,NULL,-1,1,'',NULL,NULL),
('1999/9/9/9/9',1,0,'2005-01-02 05:00:00',NULL,'Lost','<p>lost</p>',0,2,NULL,-1,1,'',NULL,NULL);
INSERT INTO `commentratings` VALUES (3,4,1,'2005/1/2/3/4','2005-01-03 00:00:00',''),
(2,5,1,'2005/1/2/3/4','2005-01-03 00:00:00',''),(55,1,1,'2005/1/2/3/4','2005-01-03 00:00:00',''),
(3,9,2,'2005/1/2/3/4','2005-01-03 00:00:00',''),(3,2,42,'2005/1/2/3/4','2005-01-03 00:00:00','');
"""


def test_what_a_site_cannot_hold_is_repaired_or_skipped_and_reported(tmp_path):
    report = ScoopImport(
        DumpFile(dump_with(tmp_path, ROWS)), Progress(None, out=io.StringIO())
    ).run()
    text = report.text()
    # Names: "D.C. Dem" does not fit Ladle's rules, so it is renamed and reported.
    names = set(User.objects.values_list("username", flat=True))
    assert {"D C Dem", "dc dem"} <= names
    assert "renamed" in text
    # The old nickname still finds its member.
    renamed = User.objects.get(username="D C Dem")
    assert Client().get("/user/D.C.%20Dem")["Location"] == renamed.get_absolute_url()
    # E-mail: shared and unusable addresses become placeholders, reported.
    assert User.objects.filter(email__endswith="@moved.invalid").count() >= 2
    assert "placeholder" in text
    assert User.objects.get(username="Writer").role == User.Role.MEMBER  # group Advertisers
    # The story by a member the dump lacks is shown as the anonymous one; unknown section made.
    orphaned = Story.objects.get(title="Orphaned author")
    assert orphaned.author.username == "Anonymous Hero"
    assert "section the dump does not have" in text
    # The thread: the loop broken, the duplicate skipped, the time-less comment placed.
    story = Story.objects.get(title="A story")
    assert story.comments.count() == 4
    assert story.comments.filter(parent=None).count() >= 2
    assert "reply loop" in text and "listed twice" in text and "without a readable time" in text
    assert "comments on a story the dump does not have" in text
    # Ratings: one good (by member 3 on comment 1); the others skipped for reasons.
    first = Comment.objects.get(story=story, number=1)
    assert list(Rating.objects.filter(comment=first).values_list("value", flat=True)) == [4]
    assert (first.score, first.rating_count) == (4.0, 1)
    for reason in ("own comment", "members the dump does not have", "outside Ladle's scale",
                   "comments that no longer exist"):  # fmt: skip
        assert reason in text, reason
