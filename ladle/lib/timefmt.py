"""Scoop's way of writing a moment: `Sun Jun 28, 2015 at 08:59:41 PM EST`."""

from datetime import datetime
from zoneinfo import ZoneInfo


def scoop_datetime(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return local.strftime("%a %b %d, %Y at %I:%M:%S %p ") + (local.tzname() or "")
