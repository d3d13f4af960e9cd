"""Ladle beside the WordPress peer, on the same comment trees, measured in one interleaved run.

    uv run python bench/peer/run.py [--duration 10] [--rounds 2] [--only NAMES] [--bytes-only]
    LADLE_DATABASE_URL=postgres://root@127.0.0.1:5432/postgres uv run python bench/peer/run.py

Needs the WordPress peer running as its setup script leaves it (WordPress 6.1 on
127.0.0.1:8081 with posts 101 and 102 of 1,000 and 100 comments, MariaDB on its socket, nginx
serving a static folder on 127.0.0.1:8082), and `wrk`.

1. Reads the two posts' comment trees out of WordPress's database (parents, authors, dates,
   bodies) and loads exactly those trees into a new Ladle site (a new SQLite data folder, or a
   new PostgreSQL database beside the one LADLE_DATABASE_URL names), then serves it with
   gunicorn (2 workers, no access log: nginx on the WordPress side logs nothing either), as
   `ladle serve` does (uvicorn's worker over ladle.asgi) or, with --server wsgi, with
   gunicorn's own sync workers.
2. Saves Ladle's 1,000-comment page as a visitor gets it into nginx's static folder: the ceiling
   for Ladle's own bytes.
3. For each round, measures every target with `wrk -t2 -c16 --latency` in turn (WordPress,
   Ladle, WordPress, Ladle...), each after the machine has been idle for a second, with
   WordPress switched to its classic theme (twentytwentyone, restored afterwards).
4. Prints req/s, p50 and p99, the median time of one request at a time, the page's bytes and,
   for Ladle, its SQL queries; then the ratios the targets are written in.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _setup import bench_comment  # noqa: E402

WP = "http://127.0.0.1:8081"
STATIC = "http://127.0.0.1:8082"
STATIC_DIR = Path("/var/www/ladle-bench-static")
POSTS = {1000: 101, 100: 102}
PAGES: dict[int, str] = {}  # the posts' own addresses, found at the start
CLASSIC = "twentytwentyone"


# --- The peer's trees -----------------------------------------------------------------------


def mysql(sql: str) -> str:
    return subprocess.run(
        ["mysql", "-N", "-B", "wordpress", "-e", sql], check=True, capture_output=True, text=True
    ).stdout


def read_trees() -> dict:
    """Each seeded post and its comments, as WordPress stores them."""
    import pymysql

    db = pymysql.connect(unix_socket="/run/mysqld/mysqld.sock", user="root", database="wordpress")
    trees = {}
    with db.cursor() as cursor:
        for size, post in POSTS.items():
            cursor.execute("SELECT post_title, post_content FROM wp_posts WHERE ID = %s", [post])
            title, content = cursor.fetchone()
            cursor.execute(
                "SELECT comment_ID, comment_parent, comment_author, comment_date_gmt,"
                " comment_content FROM wp_comments WHERE comment_post_ID = %s"
                " AND comment_approved = '1' ORDER BY comment_ID",
                [post],
            )
            comments = cursor.fetchall()
            assert len(comments) == size, f"post {post} has {len(comments)} comments, not {size}"
            trees[size] = {"post": post, "title": title, "body": content, "comments": comments}
    db.close()
    return trees


# --- The same trees in Ladle ----------------------------------------------------------------


def new_site() -> dict:
    """The environment of a new, empty Ladle site for this run."""
    env = dict(os.environ, LADLE_ALLOWED_HOSTS="127.0.0.1,localhost,testserver")
    env["LADLE_DATA_DIR"] = tempfile.mkdtemp(prefix="ladle-peer-")
    url = os.environ.get("LADLE_DATABASE_URL", "")
    if url:
        import psycopg

        server = url.rsplit("/", 1)[0]
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS ladle_peer_bench")
            connection.execute("CREATE DATABASE ladle_peer_bench")
        env["LADLE_DATABASE_URL"] = f"{server}/ladle_peer_bench"
    return env


def load(trees: dict) -> tuple[dict, str]:
    """The trees as Ladle stories (in this process); {size: story URL}, a member's cookie."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from ladle.accounts.models import User
    from ladle.accounts.names import name_key
    from ladle.comments.models import Comment
    from ladle.lib.markup import render
    from ladle.stories.models import Section, Story

    call_command("migrate", verbosity=0)
    section = Section.objects.create(name="Bench", slug="bench")
    editor = User.objects.create_user("Editor", "editor@example.org", "bench password")
    names = sorted({row[2] for tree in trees.values() for row in tree["comments"]})
    now = timezone.now()
    members = {
        name: member
        for name, member in zip(
            names,
            User.objects.bulk_create(
                User(
                    username=name,
                    name_key=name_key(name),
                    email=f"m{i}@example.org",
                    email_confirmed_at=now,
                    password="!",
                )
                for i, name in enumerate(names)
            ),
            strict=True,
        )
    }
    urls = {}
    for size, tree in trees.items():
        body = re.sub(r"<!--.*?-->\n?", "", tree["body"]).strip()
        story = Story(
            title=tree["title"][:100],
            section=section,
            author=editor,
            intro=body.split("\n\n")[0],
            body=body,
            markup="html",
            status=Story.Status.PUBLISHED,
            published_at=now,
        )
        story.render_text()
        story.save()
        by_wp_id: dict[int, Comment] = {}
        comments = []
        for number, (wp_id, wp_parent, author, date, text) in enumerate(tree["comments"], 1):
            parent = by_wp_id.get(wp_parent)
            subject = " ".join(text.split()[:5])[:50]
            when = date.replace(tzinfo=UTC)
            html = render(text, markup="plain")
            comment = bench_comment(
                story, number, parent, members[author], subject, text, when,
                markup="plain", body_html=html,
            )  # fmt: skip
            by_wp_id[wp_id] = comment
            comments.append(comment)
        for depth in range(max(c.depth for c in comments) + 1):
            Comment.objects.bulk_create([c for c in comments if c.depth == depth])
        for comment in comments:
            comment.reply_count = sum(1 for c in comments if c.parent is comment)
        Comment.objects.bulk_update(comments, ["reply_count"], batch_size=500)
        story.comment_count = story.last_comment_number = len(comments)
        story.save()
        urls[size] = story.get_absolute_url()
    reader = User.objects.create_user(
        "Reader", "reader@example.org", "bench password", email_confirmed_at=now
    )
    client = Client()
    client.force_login(reader)
    return urls, f"sessionid={client.cookies['sessionid'].value}"


def queries(url: str, cookie: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_COOKIE=cookie) if cookie else Client()
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# --- Measuring ------------------------------------------------------------------------------


def busy_share(seconds: float = 1.0) -> float:
    def ticks():
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]

    total0, idle0 = ticks()
    time.sleep(seconds)
    total1, idle1 = ticks()
    return 1 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_idle(limit: float = 0.10, patience: float = 60) -> float:
    deadline = time.monotonic() + patience
    while (share := busy_share()) > limit and time.monotonic() < deadline:
        pass
    return share


def fetch(url: str, cookie: str = "") -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200, (url, response.status)
        return response.read()


def one_at_a_time(url: str, cookie: str, runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fetch(url, cookie)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def to_ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def wrk(url: str, cookie: str, seconds: int, threads: int, connections: int) -> dict:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "60s"]
    command += ["--latency", *(["-H", f"Cookie: {cookie}"] if cookie else []), url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(percentiles["50"]) if "50" in percentiles else float("nan"),
        "p99": to_ms(percentiles["99"]) if "99" in percentiles else float("nan"),
        "bad": int(errors.group(1)) if errors else 0,
    }


SERVERS = {
    # What `ladle serve` runs: uvicorn's worker over ladle.asgi (pages on a thread pool).
    "asgi": ["ladle.asgi:application", "-k", "ladle.asgi.Worker"],
    # gunicorn's own sync workers over the WSGI application (no live comment streams).
    "wsgi": ["ladle.wsgi:application"],
}


def serve(env: dict, port: int, kind: str = "asgi") -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *SERVERS[kind], "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            fetch(f"http://127.0.0.1:{port}/")
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per target")
    parser.add_argument("--rounds", type=int, default=1, help="times the whole list is run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument(
        "--server", choices=sorted(SERVERS), default="asgi",
        help="asgi: as `ladle serve` runs (default); wsgi: gunicorn's sync workers",
    )  # fmt: skip
    parser.add_argument(
        "--only", default="",
        help="measure only the targets whose names hold one of these, comma-separated"
        " (e.g. 'visitor, 1,000;nginx'); separate with ';' when a name holds a comma",
    )  # fmt: skip
    parser.add_argument(
        "--bytes-only", action="store_true",
        help="measure no throughput: only the HTML per comment of both",
    )  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed (Debian: apt-get install wrk)")
    try:
        fetch(f"{WP}/?p={POSTS[100]}")
    except OSError as error:
        raise SystemExit(f"The WordPress peer does not answer on {WP}: {error}") from None

    # WordPress answers ?p=N with a 301 to the post's pretty address: measure the page itself.
    for size, post in POSTS.items():
        with urllib.request.urlopen(f"{WP}/?p={post}", timeout=60) as response:
            PAGES[size] = response.geturl()
    trees = read_trees()
    env = new_site()
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ladle.settings")
    started = time.perf_counter()
    urls, cookie = load(trees)
    print(f"loaded {sum(len(t['comments']) for t in trees.values())} comments into Ladle "
          f"({'PostgreSQL' if env.get('LADLE_DATABASE_URL') else 'SQLite'}) in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    ladle = f"http://127.0.0.1:{args.port}"
    server = serve(env, args.port, args.server)
    old_theme = mysql("SELECT option_value FROM wp_options WHERE option_name='stylesheet'").strip()
    mysql(f"UPDATE wp_options SET option_value='{CLASSIC}' WHERE option_name IN "
          "('template','stylesheet')")  # fmt: skip
    try:
        page = fetch(ladle + urls[1000])
        (STATIC_DIR / "ladle-1000.html").write_bytes(page)
        targets = [
            ("WordPress classic, 1,000 comments", PAGES[1000], "", None),
            ("Ladle member, 1,000, threaded", ladle + urls[1000], cookie, urls[1000]),
            ("Ladle member, 1,000, nested", ladle + urls[1000] + "?display=nested", cookie,
             urls[1000] + "?display=nested"),
            ("Ladle visitor, 1,000", ladle + urls[1000], "", urls[1000]),
            ("nginx static, Ladle's 1,000 page", f"{STATIC}/ladle-1000.html", "", None),
            ("WordPress classic, 100 comments", PAGES[100], "", None),
            ("Ladle member, 100", ladle + urls[100], cookie, urls[100]),
            ("Ladle visitor, 100", ladle + urls[100], "", urls[100]),
            ("WordPress classic, front page", f"{WP}/", "", None),
            ("Ladle member, front page", ladle + "/", cookie, "/"),
            ("Ladle visitor, front page", ladle + "/", "", "/"),
        ]  # fmt: skip
        if args.bytes_only:
            targets = []
        if args.only:
            wanted = [part.strip() for part in args.only.split(";" if ";" in args.only else ",")]
            targets = [t for t in targets if any(part in t[0] for part in wanted)]
        results: dict[str, list[dict]] = {name: [] for name, *_ in targets}
        for round_number in range(args.rounds):
            for name, url, who, path in targets:
                fetch(url, who)  # warm up
                idle = wait_idle()
                # WordPress takes seconds a page under 16 connections: give it time to finish
                # enough requests (its own measurements ran 20 s and more).
                seconds = max(args.duration, 25) if url.startswith(WP) else args.duration
                row = wrk(url, who, seconds, args.threads, args.connections)
                row["one"] = one_at_a_time(url, who)
                row["bytes"] = len(fetch(url, who))
                row["queries"] = queries(path, who) if path else None
                row["busy_before"] = idle
                results[name].append(row)
                print(f"round {round_number + 1}: {name}: {row['rps']:.1f} req/s", flush=True)
        # Bytes per comment, like for like: every comment in full (Ladle's Nested display).
        sizes = {
            (who, size): len(fetch(f"{ladle}{urls[size]}?display=nested", cookie if who else ""))
            for who in (True, False)
            for size in (100, 1000)
        }
        sizes |= {("wp", size): len(fetch(PAGES[size])) for size in (100, 1000)}
    finally:
        mysql(f"UPDATE wp_options SET option_value='{old_theme}' WHERE option_name IN "
              "('template','stylesheet')")  # fmt: skip
        server.terminate()
        server.wait()
    report(results, sizes, args)
    return 0


def report(results: dict[str, list[dict]], sizes: dict, args) -> None:
    def median(name, field):
        return statistics.median(row[field] for row in results[name])

    print(f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, medians of "
          f"{args.rounds} round(s); load average now {os.getloadavg()[0]:.2f}")  # fmt: skip
    print(f"{'target':<36} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'one ms':>8} "
          f"{'bytes':>10} {'queries':>8} {'non-2xx':>8}")  # fmt: skip
    for name, rows in results.items():
        q = rows[0]["queries"]
        print(f"{name:<36} {median(name, 'rps'):>9.1f} {median(name, 'p50'):>8.1f} "
              f"{median(name, 'p99'):>8.1f} {median(name, 'one'):>8.1f} {rows[0]['bytes']:>10,} "
              f"{'' if q is None else q:>8} {sum(r['bad'] for r in rows):>8}")  # fmt: skip
    print("\nratios (targets: member >= 10x WordPress classic; visitor >= 0.5x nginx static)")
    pairs = [
        ("Ladle member, 1,000, threaded", "WordPress classic, 1,000 comments"),
        ("Ladle member, 1,000, nested", "WordPress classic, 1,000 comments"),
        ("Ladle visitor, 1,000", "nginx static, Ladle's 1,000 page"),
        ("Ladle member, 100", "WordPress classic, 100 comments"),
        ("Ladle visitor, 100", "WordPress classic, 100 comments"),
        ("Ladle member, front page", "WordPress classic, front page"),
    ]
    for ours, theirs in pairs:
        if not (results.get(ours) and results.get(theirs)):
            continue
        print(f"  {ours} / {theirs}: {median(ours, 'rps') / median(theirs, 'rps'):.2f}x")
    wp_each = (sizes[("wp", 1000)] - sizes[("wp", 100)]) / 900
    print(f"  HTML per comment (1,000-page minus 100-page, over 900): WordPress {wp_each:,.0f} B")
    for who, label in ((True, "member"), (False, "visitor")):
        each = (sizes[(who, 1000)] - sizes[(who, 100)]) / 900
        print(f"    Ladle {label}, Nested: {each:,.0f} B ({each / wp_each:.2f}x WordPress)")


if __name__ == "__main__":
    sys.exit(main())
