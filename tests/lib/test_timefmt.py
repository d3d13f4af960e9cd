from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ladle.lib.timefmt import scoop_datetime


def test_scoop_format_in_eastern_winter_time():
    moment = datetime(2015, 1, 29, 1, 59, 41, tzinfo=UTC)
    assert scoop_datetime(moment, ZoneInfo("America/New_York")) == (
        "Wed Jan 28, 2015 at 08:59:41 PM EST"
    )


def test_scoop_format_uses_the_readers_zone_and_summer_time():
    moment = datetime(2015, 6, 29, 0, 59, 41, tzinfo=UTC)
    assert scoop_datetime(moment, ZoneInfo("America/New_York")) == (
        "Sun Jun 28, 2015 at 08:59:41 PM EDT"
    )
    assert scoop_datetime(moment, ZoneInfo("Europe/Berlin")) == (
        "Mon Jun 29, 2015 at 02:59:41 AM CEST"
    )


def test_scoop_times_convert_to_utc_across_both_dst_changes():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ladle.lib.timefmt import utc_in_posting_order

    zone = ZoneInfo("America/New_York")
    local = [
        datetime(2005, 10, 30, 0, 59),  # EDT
        datetime(2005, 10, 30, 1, 10),  # first 01:10 (EDT)
        datetime(2005, 10, 30, 1, 50),  # first 01:50 (EDT)
        datetime(2005, 10, 30, 1, 5),  # earlier on the clock, so the second 01:05 (EST)
        datetime(2005, 10, 30, 1, 30),  # still the second hour (EST)
        datetime(2005, 10, 30, 3, 0),  # EST
        datetime(2006, 4, 2, 1, 59),  # EST
        datetime(2006, 4, 2, 2, 30),  # in the skipped hour: written by a clock still on EST
        datetime(2006, 4, 2, 3, 1),  # EDT
    ]
    hours = [(t.day, t.hour, t.minute) for t in utc_in_posting_order(local, zone)]
    assert hours == [
        (30, 4, 59),
        (30, 5, 10),
        (30, 5, 50),
        (30, 6, 5),
        (30, 6, 30),
        (30, 8, 0),
        (2, 6, 59),
        (2, 7, 30),
        (2, 7, 1),
    ]
    assert all(t.tzinfo is UTC for t in utc_in_posting_order(local, zone))


def test_the_scoop_fixtures_dst_samples_convert_to_their_true_instants():
    import json
    from collections import defaultdict
    from datetime import datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from ladle.lib.mysqldump import open_dump, read_dump
    from ladle.lib.timefmt import utc_in_posting_order

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    samples = json.loads((fixtures / "scoop-small.expected.json").read_text())["dst_samples"]
    wanted = {s["sid"] for s in samples}
    threads = defaultdict(list)
    with open_dump(fixtures / "scoop-small.sql") as dump:
        for row in read_dump(dump, ["comments"]):
            if (sid := row.values["sid"].decode()) in wanted:
                stamp = datetime.fromisoformat(row.values["date"].decode())
                threads[sid].append((row.values["cid"], stamp))
    utc = {}
    for sid, comments in threads.items():
        comments.sort()
        instants = utc_in_posting_order([t for _, t in comments], ZoneInfo("America/New_York"))
        utc |= {(sid, cid): t for (cid, _), t in zip(comments, instants, strict=True)}
    for sample in samples:
        got = utc[(sample["sid"], sample["cid"])].strftime("%Y-%m-%dT%H:%M:%SZ")
        assert got == sample["utc"], sample
