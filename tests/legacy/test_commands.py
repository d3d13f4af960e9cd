"""The import commands an operator runs: what they print, the report they leave, and how they
refuse what they cannot do."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ladle.legacy.models import ImportRun

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_scoop_prints_and_files_its_report_then_says_when_there_is_nothing_to_do(
    tmp_path,
):
    report = tmp_path / "report.txt"
    printed = run("import_scoop", str(FIXTURES / "scoop-small.sql"), "--report", str(report))
    assert "comments: 605" in printed
    assert "made top-level in place" in printed
    assert report.read_text() in printed
    assert ImportRun.objects.get().report == report.read_text()
    again = run("import_scoop", str(FIXTURES / "scoop-small.sql"), "--report", str(report))
    assert "already imported" in again and "nothing was changed" in again


def test_import_wxr_prints_its_report(tmp_path):
    printed = run(
        "import_wxr", str(FIXTURES / "wordpress-small.xml"), "--report", str(tmp_path / "r.txt")
    )
    assert "posts: 3" in printed and "comments: 5" in printed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import_scoop"], "either a dump file or --mysql"),
        (["import_scoop", "/nonexistent.sql"], "No such file"),
        (["import_scoop", "--mysql", "http://x/y"], "mysql://"),
        (["import_wxr", "/nonexistent.xml"], "No such file"),
    ],
)
def test_import_commands_refuse_what_they_cannot_read(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_import_scoop_refuses_a_file_that_is_not_a_scoop_dump(tmp_path):
    junk = tmp_path / "junk.sql"
    junk.write_bytes(b"CREATE TABLE `x` (\n  `a` int\n);\nINSERT INTO `x` VALUES (1);\n")
    with pytest.raises(CommandError, match="no `users` rows"):
        run("import_scoop", str(junk))
    truncated = tmp_path / "cut.sql"
    truncated.write_bytes((FIXTURES / "scoop-small.sql").read_bytes()[:200_000])
    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import_scoop", str(truncated))
    assert not ImportRun.objects.exists()


def test_import_wxr_refuses_a_file_that_is_not_an_export(tmp_path):
    junk = tmp_path / "junk.xml"
    junk.write_text("<html><body>not an export")
    with pytest.raises(CommandError, match="not a readable WordPress export"):
        run("import_wxr", str(junk))


def test_an_import_that_fails_half_way_leaves_the_site_as_it_was(monkeypatch):
    from ladle.accounts.models import User
    from ladle.comments.models import Comment
    from ladle.legacy.threads import ThreadPlacer
    from ladle.stories.models import Section, Story

    before = (User.objects.count(), Section.objects.count())
    placed = []
    real = ThreadPlacer.place

    def fail_on_the_third_story(self, *args, **kwargs):
        placed.append(args)
        if len(placed) == 3:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ThreadPlacer, "place", fail_on_the_third_story)
    with pytest.raises(OSError, match="disk full"):
        run("import_scoop", str(FIXTURES / "scoop-small.sql"))
    assert len(placed) == 3
    assert (User.objects.count(), Section.objects.count()) == before
    assert not Story.objects.exists() and not Comment.objects.exists()
    assert not ImportRun.objects.exists()
