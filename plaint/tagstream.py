"""What `plaint tag` reads: JSON lines, each decoded and checked on its own, so that one bad line
(not UTF-8, not JSON, a title that is not text) is reported by its number and the rest are tagged."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

OPTIONAL_TEXTS = ("title", "platform", "community")


@dataclass(frozen=True)
class TagRequest:
    """One input line: its number, and the record to tag or what is wrong with it."""

    number: int
    record: dict[str, Any] | None = None
    problem: str | None = None


def tag_requests(lines: Iterable[bytes | str]) -> Iterator[TagRequest]:
    """The non-blank lines of the input as requests. Bytes are decoded here, line by line, so that
    invalid UTF-8 costs only its own line."""
    for number, raw in enumerate(lines, 1):
        if isinstance(raw, bytes):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield TagRequest(number, problem=f"not UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
                continue
        else:
            line = raw
        if line.strip():
            yield _request(number, line)


def _request(number: int, line: str) -> TagRequest:
    try:
        record = json.loads(line)
    except ValueError as exc:
        return TagRequest(number, problem=f"not JSON ({exc})")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return TagRequest(number, problem='expected an object with a "text" string')
    wrong = next((name for name in OPTIONAL_TEXTS if record.get(name) is not None
                  and not isinstance(record[name], str)), None)
    if wrong is not None:
        return TagRequest(number, problem=f'"{wrong}" must be a string (or left out)')
    try:  # "\ud800" is valid JSON but no character: it could not be written back out
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return TagRequest(number, problem=f"holds {exc.object[exc.start]!a}, half of a character (a lone surrogate)")
    return TagRequest(number, record)
