"""Template helpers for the dashboard: times in a named zone, labelled with it."""

import datetime
from zoneinfo import ZoneInfo

from django import template

register = template.Library()


@register.filter
def in_zone(moment: datetime.datetime | None, zone: str | ZoneInfo) -> str:
    """'23 Nov 2026 10:15 AEDT' in the zone; '—' for none."""
    if moment is None:
        return "—"
    local = moment.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))
    return f"{local:%d %b %Y %H:%M %Z}"


@register.filter
def bar_height(count: int, peak: int) -> int:
    """A bar's height in percent of the tallest."""
    return round(100 * count / peak) if peak else 0
