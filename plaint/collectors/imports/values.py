"""Turning the loose values of exports into typed ones: counts such as "1.4万", times in seconds or
milliseconds or as Beijing-time strings. A value that cannot be read raises BadRecord with the
field's name; an absent one is None, never a made-up default."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8))
_COUNT = re.compile(r"^\s*([\d.,]+)\s*(万|w|W|亿|k|K|m|M)?\s*\+?\s*$")
_UNITS = {"万": 10_000, "w": 10_000, "W": 10_000, "亿": 100_000_000, "k": 1_000, "K": 1_000, "m": 1_000_000,
          "M": 1_000_000}


NO_TEXT = "no text and no title"  # the one record with nothing to read


class BadRecord(ValueError):
    """A record that does not have the shape its format promises; the message says which field."""


def text(record: dict[str, Any], *names: str) -> str:
    """The first of `names` that holds a non-empty value, as text ("" if none does): an id, a
    name, a URL. A string or a whole number (JSON exports write ids as numbers); anything else
    (a list, an object, true) is not an id and makes the record bad."""
    for name in names:
        value = record.get(name)
        if value in (None, ""):
            continue
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise BadRecord(f"{name} is {_kind(value)}, not text")
    return ""


def prose(record: dict[str, Any], *names: str) -> str:
    """What a person wrote (a text, a title): the first of `names` that holds a non-empty
    string. Only strings are text: a list, a number or true in its place makes the record bad,
    rather than being stored as "['Character.AI', 'sexist']"."""
    for name in names:
        value = record.get(name)
        if value in (None, ""):
            continue
        if not isinstance(value, str):
            raise BadRecord(f"{name} is {_kind(value)}, not text")
        return value
    return ""


def _kind(value: Any) -> str:
    kinds = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}
    return next((words for kind, words in kinds.items() if isinstance(value, kind)), type(value).__name__)


def required(record: dict[str, Any], name: str, reader: Callable[..., str] = text) -> str:
    value = reader(record, name)
    if not value:
        raise BadRecord(f"no {name}")
    return value


def count(record: dict[str, Any], *names: str) -> int | None:
    """The first of `names` present: "1,234", "1.4万", "10万+", 12 -> int; "" or absent -> None."""
    name = next((n for n in names if record.get(n) not in (None, "")), names[0])
    value = record.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    match = _COUNT.match(str(value))
    if not match:
        raise BadRecord(f"{name} is {value!r}, not a count")
    number = float(match.group(1).replace(",", ""))
    return round(number * _UNITS.get(match.group(2) or "", 1))


def timestamp(record: dict[str, Any], name: str, local: timezone = BEIJING) -> datetime | None:
    """Unix seconds or milliseconds, or a date string (ISO 8601, "2024-08-05 16:45"); a string
    without a zone is read in `local` time (Beijing for Chinese platforms' exports)."""
    value = record.get(name)
    if value in (None, "", 0, "0"):
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise BadRecord(f"{name} is {value!r}, outside the years a date can have") from None
    try:
        parsed = datetime.fromisoformat(value)  # most exports write ISO 8601 as it is
    except (TypeError, ValueError):
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00").replace("/", "-"))
        except ValueError:
            raise BadRecord(f"{name} is {value!r}, not a time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local)
    return utc(parsed, name)


def utc(moment: datetime, name: str) -> datetime:
    """The moment in UTC. 0001-01-01T00:00:00+14:00 is in the year 0 there, and
    9999-12-31T23:00-05:00 in the year 10000: neither can be stored, and each is a bad record."""
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadRecord(f"{name} is {moment.isoformat()}, which in UTC falls outside the years 1 to 9999") from None


def flag(record: dict[str, Any], name: str) -> bool | None:
    value = record.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    lowered = str(value).strip().lower()
    if lowered in ("true", "1", "yes", "y"):
        return True
    if lowered in ("false", "0", "no", "n"):
        return False
    raise BadRecord(f"{name} is {value!r}; use true or false")


def without_query(url: str) -> str:
    """A URL without its query string: exports carry the capturer's session tokens there."""
    return url.split("?", 1)[0].split("#", 1)[0] if url else url
