"""JSON and date encoding as Xero writes them, with money kept as Decimal end to end."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from email.utils import parsedate_to_datetime
from typing import Any

TWO_PLACES = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(T[\d:.]+)?$")
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")

# A Xero object as the sandbox stores and answers it: parsed JSON, non-integers as Decimal.
JsonObject = dict[str, Any]


def loads(raw: str | bytes) -> Any:
    """Parse JSON so every non-integer number becomes a Decimal, never a float."""
    return json.loads(raw, parse_float=Decimal)


def dumps(value: Any) -> str:
    """Serialise to JSON, writing Decimal as its plain digits. Floats are refused outright."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, float):
        raise TypeError("the sandbox never answers floats; use Decimal")
    if isinstance(value, dict):
        items = (json.dumps(str(k)) + ":" + dumps(v) for k, v in value.items())
        return "{" + ",".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value)


def money(value: Decimal | int | str) -> Decimal:
    """Round half-up to cents, as Xero rounds every summary amount."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def unit_amount(value: Decimal | int | str, unitdp: int) -> Decimal:
    """UnitAmount keeps 4 dp only when the caller opted in with unitdp=4 (Xero rounding guide)."""
    places = FOUR_PLACES if unitdp == 4 else TWO_PLACES
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)


def ms_date(ms: int) -> str:
    """Xero's .NET JSON date, e.g. /Date(1439434356790+0000)/."""
    return f"/Date({ms}+0000)/"


def date_to_ms_date(day: date) -> str:
    midnight = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return ms_date(int(midnight.timestamp() * 1000))


def parse_request_date(text: object) -> date | None:
    """Accept YYYY-MM-DD (optionally with a time part) or /Date(ms)/; None if unparseable."""
    if not isinstance(text, str):
        return None
    iso = _ISO_DATE.match(text.strip())
    if iso:
        try:
            return date.fromisoformat(iso.group(1))
        except ValueError:
            return None
    ms = _MS_DATE.match(text.strip())
    if ms:
        return datetime.fromtimestamp(int(ms.group(1)) / 1000, UTC).date()
    return None


def parse_http_time(text: str | None) -> int | None:
    """If-Modified-Since may be RFC 1123 or ISO 8601 (the spec's own example); naive means UTC."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def org_today() -> date:
    """Today in the demo organisation's zone (AEST, UTC+10; the sandbox ignores daylight saving)."""
    return (datetime.now(UTC) + timedelta(hours=10)).date()
