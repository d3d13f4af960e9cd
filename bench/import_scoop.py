"""Import benchmark: a generated Scoop dump of 100,000 comments, moved in with import-scoop.

    uv run python bench/import_scoop.py [--comments 100000] [--stories 100]
    LADLE_DATABASE_URL=postgres://root@127.0.0.1:5432/ladle uv run python bench/import_scoop.py

Writes a mysqldump-format file in Scoop's schema (the test fixture's members, sections and
settings, then generated stories, comments with threads, ratings and visits), imports it into a
throwaway database in a child process, and prints comments per second and the child's peak
memory. Aim (issue 9): at least 10,000 comments a second, and under 300 MB whatever the size.
"""

import argparse
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "scoop-small.sql"
GENERATED = ("stories", "comments", "commentratings", "viewed_stories", "storymoderate")
WORDS = (  # noqa: SIM905 - easier to read as a sentence of words
    "the senate vote on the budget was close and the governor said he would veto it "
    "precinct captains knocked on doors all weekend turnout in the suburbs looks strong"
).split()


def quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fixture_without_generated_tables() -> bytes:
    """The fixture's schema and small tables, without the rows this benchmark generates."""
    dump = FIXTURE.read_bytes()
    for table in GENERATED:
        dump = re.sub(rb"INSERT INTO `" + table.encode() + rb"` VALUES [^\n]*;\n", b"", dump)
    return dump


def write_dump(path: Path, n_comments: int, n_stories: int, seed: int = 9) -> None:
    rng = random.Random(seed)
    members = list(range(2, 41))
    per_story = n_comments // n_stories
    with path.open("wb") as out:
        out.write(fixture_without_generated_tables())
        stories = []
        for s in range(n_stories):
            sid = f"2006/{1 + s % 12}/{1 + s % 28}/{10000 + s}/{s}"
            stories.append(sid)
            text = " ".join(rng.choice(WORDS) for _ in range(80))
            stories_row = (
                f"({quote(sid)},'politics',{rng.choice(members)},{quote('Story ' + str(s))},"
                f"NULL,'2006-{1 + s % 12:02d}-{1 + s % 28:02d} 12:00:00',"
                f"{quote('<P>' + text + '</P>')},{quote('<P>' + text + '</P>')},0,0,'news',"
                "0,0,0,0,0,NULL,0,0)"
            )
            out.write(f"INSERT INTO `stories` VALUES {stories_row};\n".encode())
        for sid in stories:
            rows, ratings = [], []
            for cid in range(1, per_story + 1):
                pid = 0 if cid < 5 or rng.random() < 0.2 else rng.randrange(1, cid)
                uid = rng.choice(members)
                body = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(15, 90)))
                rated = rng.random() < 0.5
                raters = rng.sample([m for m in members if m != uid], 2) if rated else []
                values = [rng.randrange(1, 6) for _ in raters]
                points = f"{sum(values) / len(values):.2f}" if values else "NULL"
                rows.append(
                    f"({quote(sid)},{cid},{pid},'2006-03-04 {cid % 24:02d}:{cid % 60:02d}:00',"
                    f"NULL,{quote('Re: comment ' + str(pid))},{quote('<p>' + body + '</p>')},0,"
                    f"{uid},{points},{len(values) or -1},1,'',NULL,NULL)"
                )
                ratings += [
                    f"({r},{v},{cid},{quote(sid)},'2006-03-05 10:00:00','127.0.0.1')"
                    for r, v in zip(raters, values, strict=True)
                ]
                if len(rows) >= 500:
                    out.write(f"INSERT INTO `comments` VALUES {','.join(rows)};\n".encode())
                    rows = []
            if rows:
                out.write(f"INSERT INTO `comments` VALUES {','.join(rows)};\n".encode())
            for start in range(0, len(ratings), 1000):
                chunk = ",".join(ratings[start : start + 1000])
                out.write(f"INSERT INTO `commentratings` VALUES {chunk};\n".encode())


def run_import(dump: Path) -> None:
    """In the child process: import `dump` into a throwaway database and print the timing."""
    import io

    from _setup import throwaway_database

    with throwaway_database():
        from ladle.comments.models import Comment
        from ladle.legacy.report import Progress
        from ladle.legacy.scoop import ScoopImport
        from ladle.legacy.sources import DumpFile

        started = time.perf_counter()
        ScoopImport(DumpFile(dump), Progress(None, out=io.StringIO())).run()
        elapsed = time.perf_counter() - started
        print(f"{Comment.objects.count()} {elapsed:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--run", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_import(Path(args.run))
        return 0
    with tempfile.TemporaryDirectory(prefix="ladle-bench-import-") as folder:
        dump = Path(folder) / "scoop-bench.sql"
        write_dump(dump, args.comments, args.stories)
        size = dump.stat().st_size
        child = subprocess.run(
            [sys.executable, __file__, "--run", str(dump)],
            capture_output=True,
            text=True,
            check=False,
        )
        if child.returncode:
            print(child.stdout, child.stderr, file=sys.stderr)
            return 1
        comments, seconds = child.stdout.split()[-2:]
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    database = "PostgreSQL" if "LADLE_DATABASE_URL" in __import__("os").environ else "SQLite"
    rate = int(comments) / float(seconds)
    print(f"import-scoop on {database}: {int(comments):,} comments from a {size / 1e6:.0f} MB dump")
    print(f"  {float(seconds):.1f} s, {rate:,.0f} comments/s (aim: >= 10,000/s)")
    print(f"  peak memory of the importing process: {peak_mb:.0f} MB (aim: < 300 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
