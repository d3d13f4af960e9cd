"""Scale benchmark: do page times stay flat as the database grows?

    uv run python bench/scale.py [--sizes 10000,100000] [--runs 9]
    LADLE_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres \\
        uv run python bench/scale.py --sizes 10000,100000,1000000

Grows one throwaway database (SQLite in a temporary folder, or a `test_` database beside
LADLE_DATABASE_URL's) to each size in turn with bulk inserts: stories of 200 comments each,
plus one story of 1,000 comments that every size keeps. At each size it prints, for a
logged-in member and for a visitor (with the page cache off, so every page is built), the
median server time and the SQL queries of the front page, the 1,000-comment story page and a
search, and the comments per second the inserts ran at. Flat times and constant query counts
from the smallest size to the largest are the target.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta

from _setup import bench_comment, bench_section_and_members, throwaway_database

PER_STORY = 200
WORDS = (  # noqa: SIM905 - easier to read as a sentence of words
    "the harbour council voted on the budget after a long night of argument about tides "
    "piers ferries and the price of fish while readers rated every reply in the thread"
).split()


def add_stories(section, members, n_comments: int, per_story: int, rng, start: int):
    """`n_comments` more comments, in new stories of `per_story` comments each."""
    from django.utils import timezone

    from ladle.comments.models import Comment
    from ladle.search.indexing import comment_entry
    from ladle.search.models import SearchEntry
    from ladle.stories.models import Story

    now = timezone.now()
    made = 0
    while made < n_comments:
        count = min(per_story, n_comments - made)
        story = Story(
            title=f"Story {start + made}",
            section=section,
            author=members[0],
            intro="Intro.",
            body="Body.",
            status=Story.Status.PUBLISHED,
            published_at=now - timedelta(hours=1 + (start + made) / per_story),
        )
        story.render_text()
        story.save()
        comments: list[Comment] = []
        for number in range(1, count + 1):
            parent = rng.choice(comments[-20:]) if comments and rng.random() < 0.6 else None
            if parent is not None and parent.depth >= 8:
                parent = None
            body = " ".join(rng.choice(WORDS) for _ in range(40))
            # In the hour after its story's publication: the newest comments are the newest
            # stories', stored together, as on a site (not spread over every story).
            when = story.published_at + timedelta(minutes=50 * number / count)
            author = rng.choice(members)
            comments.append(
                bench_comment(story, number, parent, author, f"Subject {number}", body, when)
            )
        for depth in range(9):
            Comment.objects.bulk_create([c for c in comments if c.depth == depth])
        # Every comment findable, as on a site, its entry written in bulk as importers do.
        SearchEntry.objects.bulk_create(
            SearchEntry(**comment_entry(c, story, author_name=c.author.username, hidden=False))
            for c in comments
        )
        story.comment_count = story.last_comment_number = count
        story.save(update_fields=["comment_count", "last_comment_number"])
        made += count
    return story


def measure(connection, client, url: str, runs: int) -> tuple[float, int]:
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        assert client.get(url).status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return statistics.median(timings), len(queries)


def slowest(connection, client, url: str, count: int, explain=False) -> list[tuple[float, str]]:
    """The `count` slowest SQL statements of one request, in ms, to see what grows; with
    `explain`, each with its plan as PostgreSQL ran it."""
    found: list[tuple[float, str, str, object]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            ms = (time.perf_counter() - started) * 1000
            found.append((ms, " ".join(sql.split())[:150], sql, params))

    with connection.execute_wrapper(timed):
        client.get(url)
    result = []
    for ms, short, sql, params in sorted(found, key=lambda f: f[0], reverse=True)[:count]:
        if explain and connection.vendor == "postgresql" and sql.lstrip().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(f"{'':>22}{row[0]}" for row in cursor.fetchall())
            short = f"{short}\n{plan}"
        result.append((ms, short))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--slowest", type=int, default=0, help="also print each page's N slowest statements"
    )
    parser.add_argument(
        "--explain", default="", help="pages (e.g. 'search') whose slowest statements' plans"
        " are printed too (PostgreSQL; with --slowest)",
    )  # fmt: skip
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    with throwaway_database() as connection:
        from django.conf import settings
        from django.test import Client

        settings.LADLE_PAGE_CACHE = False  # build every page: that is what is measured
        rng = random.Random(5)
        section, members = bench_section_and_members(200)
        big = add_stories(section, members, 1000, 1000, rng, 0)
        reader = members[1]
        member, visitor = Client(), Client()
        member.force_login(reader)
        # The member has read the big story, so every size measures the same reader (whose
        # front page then counts that story's new comments: one query more).
        member.get(big.get_absolute_url())
        pages = {
            "front page": "/",
            "story, 1,000 comments": big.get_absolute_url(),
            "search": "/search/?q=harbour+tides",
        }
        print(f"database: {connection.vendor}")
        print(f"{'comments':>10} {'insert/s':>9} {'page':<24} {'member ms':>10} {'queries':>8} "
              f"{'visitor ms':>11} {'queries':>8}")  # fmt: skip
        total = 1000
        for size in sizes:
            started = time.perf_counter()
            add_stories(section, members, size - total, PER_STORY, rng, total)
            rate = (size - total) / (time.perf_counter() - started)
            total = size
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            for name, url in pages.items():
                member_ms, member_q = measure(connection, member, url, args.runs)
                visitor_ms, visitor_q = measure(connection, visitor, url, args.runs)
                print(f"{size:>10,} {rate:>9,.0f} {name:<24} {member_ms:>10.1f} {member_q:>8} "
                      f"{visitor_ms:>11.1f} {visitor_q:>8}", flush=True)  # fmt: skip
                for who, client in (("member", member), ("visitor", visitor)):
                    explain = bool(args.explain) and args.explain in name
                    for ms, sql in slowest(connection, client, url, args.slowest, explain):
                        print(f"{'':>10} {who:>9} {ms:7.2f} ms  {sql}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
