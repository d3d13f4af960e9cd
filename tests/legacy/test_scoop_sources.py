"""Every way of reading a Scoop site imports it the same: a dump read alone or by worker
processes, and a live database (`ladle import-scoop --mysql URL`)."""

import io
import os
from pathlib import Path

import pytest
from django.db import transaction

from ladle.comments.models import Comment, Rating
from ladle.legacy.report import Progress
from ladle.legacy.scoop import ScoopImport
from ladle.legacy.sources import DumpFile, MySQLDatabase
from ladle.lib.mysqldump import statements
from ladle.polls.models import Poll
from ladle.stories.models import Story

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SERVER = os.environ.get("LADLE_TEST_MYSQL", "mysql://root@127.0.0.1:3306/")
DATABASE = "ladle_scoop_test"


@pytest.fixture(scope="module")
def scoop_database():
    """The fixture dump loaded into a scratch database of the machine's MariaDB/MySQL."""
    import pymysql

    try:
        server = pymysql.connect(host="127.0.0.1", port=3306, user="root", charset="latin1")
    except pymysql.err.OperationalError as error:
        if os.environ.get("CI"):
            pytest.fail(f"no MySQL/MariaDB server at 127.0.0.1:3306 (.ci/run starts one): {error}")
        pytest.skip(f"no MySQL/MariaDB server at 127.0.0.1:3306: {error}")
    with server.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE} DEFAULT CHARACTER SET latin1")
        cursor.execute(f"USE {DATABASE}")
        with (FIXTURES / "scoop-small.sql").open("rb") as dump:
            for statement in statements(dump):
                cursor.execute(statement.rstrip(b";"))
    server.commit()
    yield SERVER + DATABASE
    with server.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
    server.close()


def fingerprint() -> dict:
    """What a reader would notice of an imported site, independent of row ids."""
    return {
        "comments": sorted(
            Comment.objects.values_list(
                "story__title", "number", "parent__number", "subject", "body_html", "score",
                "rating_count", "created_at", "author__username", "state", "editorial",
            )
        ),
        "ratings": sorted(
            Rating.objects.values_list("comment__story__title", "comment__number",
                                       "rater__username", "value")
        ),
        "stories": sorted(
            Story.objects.values_list("title", "status", "section__slug", "published_at",
                                      "intro_html", "comment_count", "hidden_comment_count")
        ),
        "polls": sorted(Poll.objects.values_list("question", "ballot_count", "is_current")),
    }  # fmt: skip


def import_from(source, **options) -> tuple[dict, dict]:
    with transaction.atomic():
        report = ScoopImport(source, Progress(None, out=io.StringIO()), **options).run()
        seen = fingerprint()
        transaction.set_rollback(True)
    return dict(report.imported), seen


@pytest.mark.django_db
def test_a_dump_read_by_worker_processes_imports_exactly_like_one_read_alone():
    alone = import_from(DumpFile(FIXTURES / "scoop-small.sql"), workers=0)
    with_workers = import_from(DumpFile(FIXTURES / "scoop-small.sql"), workers=2)
    assert alone[0]["comments"] == 605
    assert with_workers == alone


@pytest.mark.django_db
def test_a_live_scoop_database_imports_exactly_like_its_dump(scoop_database):
    from_dump = import_from(DumpFile(FIXTURES / "scoop-small.sql"))
    from_database = import_from(MySQLDatabase(scoop_database))
    assert from_dump[0]["comments"] == 605
    assert from_database == from_dump
