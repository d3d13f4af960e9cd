"""Search benchmark: 100,000 comments in the index, searched through the search page.

    uv run python bench/search.py [--comments 100000] [--runs 15]

Prints, for a few kinds of query, the median server time of /search/ on the current database
(SQLite FTS5, or PostgreSQL when LADLE_DATABASE_URL is set) and the number of SQL queries.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta

from _setup import bench_section_and_members, throwaway_database

WORDS = (  # noqa: SIM905 - easier to read as a sentence of words
    "library evening hours council budget river bridge garden market train bus bike school "
    "teacher music concert bread flour harbour ferry museum painting winter summer storm rain "
    "sunshine election vote committee street lamp bench park"
).split()


def build(n_comments: int, seed: int = 3) -> None:
    from django.utils import timezone

    from ladle.comments.models import Comment
    from ladle.search.models import SearchEntry
    from ladle.stories.models import Story

    rng = random.Random(seed)
    now = timezone.now()
    section, members = bench_section_and_members(200)
    stories = []
    for i in range(200):
        story = Story(
            title=f"Story {i} about the {rng.choice(WORDS)}",
            section=section,
            author=members[0],
            intro="Intro.",
            status=Story.Status.PUBLISHED,
            published_at=now - timedelta(days=30),
        )
        story.render_text()
        stories.append(story)
    Story.objects.bulk_create(stories)
    batch = 5000
    for start in range(0, n_comments, batch):
        comments = []
        for number in range(start + 1, min(start + batch, n_comments) + 1):
            story = stories[number % len(stories)]
            text = " ".join(rng.choice(WORDS) for _ in range(40))
            comments.append(
                Comment(
                    story=story,
                    number=number,
                    author=rng.choice(members),
                    subject=" ".join(rng.sample(WORDS, 3)),
                    body=text,
                    body_html=f"<p>{text}</p>",
                    created_at=now - timedelta(minutes=number),
                )
            )
        Comment.objects.bulk_create(comments)
        SearchEntry.objects.bulk_create(
            SearchEntry(
                kind="comment",
                object_id=c.pk,
                title=c.subject,
                text=c.body,
                url=f"/story/{c.story_id}/comments/{c.number}/",
                story_id=c.story_id,
                section_id=section.pk,
                author_id=c.author_id,
                author_name="bench",
                date=c.created_at,
                visible=True,
                visible_from=c.story.published_at,
            )
            for c in comments
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with throwaway_database() as connection:
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        started = time.perf_counter()
        build(args.comments)
        print(
            f"database: {connection.vendor}; indexed {args.comments} comments in "
            f"{time.perf_counter() - started:.1f} s"
        )
        client = Client()
        searches = {
            "one common word": {"q": "library"},
            "two words": {"q": "harbour ferry"},
            "phrase": {"q": '"winter storm"'},
            "newest first": {"q": "garden", "order": "newest"},
            "page 50": {"q": "bread", "page": "50"},
            "no match": {"q": "zeppelin"},
        }
        print(f"{'search':<18} {'median ms':>10} {'min ms':>8} {'queries':>8}")
        for label, params in searches.items():
            client.get("/search/", params)  # warm up
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                assert client.get("/search/", params).status_code == 200
                timings.append((time.perf_counter() - t0) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get("/search/", params)
            print(
                f"{label:<18} {statistics.median(timings):>10.1f} {min(timings):>8.1f} "
                f"{len(queries):>8}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
