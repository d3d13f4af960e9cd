"""Scoop's way of writing a moment: `Sun Jun 28, 2015 at 08:59:41 PM EST`."""

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def scoop_datetime(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return local.strftime("%a %b %d, %Y at %I:%M:%S %p ") + (local.tzname() or "")


def utc_in_posting_order(local_times: Iterable[datetime], zone: ZoneInfo) -> list[datetime]:
    """UTC instants for naive local times that are in posting order (a story's comments by
    number), as Scoop stored them in the site's zone.

    In the hour repeated when clocks fall back, a local time names two instants: the first is
    meant unless it would come before something posted earlier, then the second is. A local
    time in the hour skipped when clocks spring forward is read with the offset in force before
    the change (01:30 standard time is written 02:30), as the clock that wrote it was.
    """
    instants: list[datetime] = []
    latest: datetime | None = None
    for local in local_times:
        first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
        second = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
        chosen = first
        if first != second and latest is not None and first < latest:
            chosen = max(first, second)
        instants.append(chosen)
        latest = chosen if latest is None else max(latest, chosen)
    return instants
