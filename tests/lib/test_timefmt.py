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
