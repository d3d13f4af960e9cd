"""Story page benchmark: a story with 2,000 comments, rendered in every display mode.

    uv run python bench/story_page.py [--comments 2000] [--runs 15]

Builds the story in a throwaway database (SQLite in a temporary folder, or a `test_` database
beside LADLE_DATABASE_URL's), then prints, per display mode, the median server time to render
the story page for a logged-in member (rendered for them) and for an anonymous reader (the
page the page cache keeps, after a first request), and the number of SQL queries it took.
"""

import argparse
import random
import statistics
import sys
import time
from datetime import timedelta

from _setup import bench_comment, bench_section_and_members, throwaway_database


def build(n_comments: int, seed: int = 1):
    from django.utils import timezone

    from ladle.comments.models import Comment, Rating
    from ladle.lib.ranking import mean_score
    from ladle.stories.models import Story

    rng = random.Random(seed)
    now = timezone.now()
    section, members = bench_section_and_members(40)
    editor = members[0]
    story = Story(
        title="A story with many comments",
        section=section,
        author=editor,
        intro="Intro.",
        body="Body text.",
        status=Story.Status.PUBLISHED,
        published_at=now - timedelta(days=1),
    )
    story.render_text()
    story.save()

    comments: list[Comment] = []
    for number in range(1, n_comments + 1):
        parent = None
        if comments and rng.random() < 0.85:
            parent = rng.choice(comments[-50:])
            if parent.depth >= 10:
                parent = None
        body = f"Comment {number}: " + " ".join(
            rng.choice(["a", "thought", "reply", "on", "this", "point"]) for _ in range(30)
        )
        when = now - timedelta(minutes=n_comments - number)
        author = rng.choice(members)
        comments.append(
            bench_comment(story, number, parent, author, f"Subject {number}", body, when)
        )
        # bulk_create needs parents saved first: save in depth order below.
    for depth in range(11):
        Comment.objects.bulk_create([c for c in comments if c.depth == depth])
    ratings = []
    for comment in comments[::2]:
        raters = [m for m in rng.sample(members, 4) if m.pk != comment.author_id]
        values = [rng.choice([1, 2, 3, 4, 5, 5]) for _ in raters]
        ratings += [
            Rating(comment=comment, rater=r, value=v) for r, v in zip(raters, values, strict=True)
        ]
        comment.score, comment.rating_count = mean_score(values)
    Rating.objects.bulk_create(ratings)
    Comment.objects.bulk_update(comments, ["score", "rating_count"], batch_size=500)
    story.comment_count = story.last_comment_number = n_comments
    story.save()
    reader = members[1]
    reader.set_password("bench password")
    reader.save()
    return story, reader


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    with throwaway_database() as connection:
        from django.conf import settings
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        # Measure each mode as asked, not the large-thread replacement.
        settings.LADLE_LARGE_THREAD = 10**9
        started = time.perf_counter()
        story, reader = build(args.comments)
        print(
            f"database: {connection.vendor}; built {args.comments} comments "
            f"(ratings on half) in {time.perf_counter() - started:.1f} s"
        )
        url = story.get_absolute_url()
        member = Client()
        member.force_login(reader)
        anonymous = Client()
        print(
            f"{'reader':<10} {'display':<17} {'median ms':>10} {'min ms':>8} {'queries':>8} "
            f"{'KB':>6}"
        )
        for who, client in (("member", member), ("anonymous", anonymous)):
            for mode in ("threaded", "nested", "minimal", "flat", "flat_unthreaded"):
                client.get(url, {"display": mode})  # warm up
                timings = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    response = client.get(url, {"display": mode})
                    timings.append((time.perf_counter() - t0) * 1000)
                    assert response.status_code == 200
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url, {"display": mode})
                print(
                    f"{who:<10} {mode:<17} {statistics.median(timings):>10.1f} "
                    f"{min(timings):>8.1f} {len(queries):>8} {len(response.content) // 1024:>6}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
