"""Reading records out of files, a record at a time: NDJSON (plain or zstandard), CSV, JSON.

Memory stays flat however large the file: NDJSON and CSV are read line by line, and a JSON array
is decoded one element at a time. Each record comes with where it stood (line or element number),
so a bad one can be reported precisely while the rest of the file is read on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import orjson
import zstandard

SNIFF_BYTES = 1 << 16
_JSON_CHUNK = 1 << 16
# A post's title and text together may hold this many characters (a Reddit post holds at most
# 40,000, a long Zhihu answer some hundred thousand). A record beyond it is a bad record, reported
# before the filters spend minutes on it; an NDJSON line longer than six times this (the most
# JSON's \u escapes make of such a text) is reported without being decoded at all.
MAX_TEXT_CHARS = 1_000_000
MAX_LINE_CHARS = 6 * MAX_TEXT_CHARS


@dataclass(frozen=True)
class Record:
    """One record of a file, or the reason it could not be read."""

    where: str  # "line 12", "row 12", "element 3"
    data: dict[str, Any] | None = None
    problem: str | None = None


class Truncated(Exception):
    """The file ends in the middle of its data (a cut download, a broken compressed stream)."""


def guess_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the start of the file decodes as UTF-8, else GB18030."""
    if path.suffix == ".zst":
        return "utf-8"
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut by the sniff window
            return "gb18030"
    return "utf-8"


class _ZstdStream(io.RawIOBase):
    """Zstandard frames decompressed as they are read, with the long window Reddit archive dumps
    need. A stream that stops inside a frame raises Truncated (zstandard's own reader would just
    end there, and a cut download would pass for a short file)."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self._decompressor = zstandard.ZstdDecompressor(max_window_size=2**31)
        self._frame = self._decompressor.decompressobj()
        self._pending = b""
        self._offset = 0  # how much of _pending was handed out (slicing it would copy it again)
        self._inside = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        while self._offset >= len(self._pending):
            self._pending, self._offset = b"", 0
            chunk = self._raw.read(1 << 20)
            if not chunk:
                if self._inside:
                    raise Truncated("the compressed data stops in the middle of a frame")
                return 0
            while chunk:
                self._inside = True
                self._pending += self._frame.decompress(chunk)
                if self._frame.eof:  # a frame ended; what follows starts the next one
                    chunk, self._inside = self._frame.unused_data, False
                    self._frame = self._decompressor.decompressobj()
                else:
                    chunk = b""
        size = min(len(buffer), len(self._pending) - self._offset)
        buffer[:size] = memoryview(self._pending)[self._offset:self._offset + size]
        self._offset += size
        return size


@contextmanager
def open_text(path: Path, encoding: str) -> Iterator[TextIO]:
    """The file as text; `.zst` files are decompressed on the fly."""
    if path.suffix == ".zst":
        with open(path, "rb") as raw:
            stream = io.BufferedReader(_ZstdStream(raw), buffer_size=1 << 20)
            yield io.TextIOWrapper(stream, encoding="utf-8", errors="strict", newline="")
    else:
        with open(path, encoding=encoding, errors="strict", newline="") as handle:
            yield handle


def ndjson_lines(handle: TextIO) -> Iterator[tuple[int, str] | Record]:
    """The file's non-blank lines and their numbers, undecoded: an import's worker processes
    decode them (ndjson_record), so the reading process only reads. A line too long for any
    record is reported here, and never sent to a worker."""
    number = 0
    read = handle.readline
    try:
        while line := read(MAX_LINE_CHARS + 1):
            number += 1
            if len(line) > MAX_LINE_CHARS and not line.endswith("\n"):
                length = len(line)
                while not line.endswith("\n") and (line := read(MAX_LINE_CHARS + 1)):
                    length += len(line)  # the rest of the line, read a bounded piece at a time
                yield Record(f"line {number}", problem=f"a line of {length:,} characters, longer than a "
                                                       f"record of {MAX_TEXT_CHARS:,} characters of text can be")
            elif line.strip():
                yield number, line
    except (zstandard.ZstdError, UnicodeDecodeError) as exc:
        raise Truncated(f"unreadable after line {number} ({exc})") from None


def ndjson_record(number: int, line: str) -> Record:
    try:
        value = _loads(line)
    except ValueError as exc:
        cut = not line.endswith("\n")
        return Record(f"line {number}", problem=("the last line is cut off" if cut else f"not JSON ({exc})"))
    if not isinstance(value, dict):
        return Record(f"line {number}", problem="not a JSON object")
    return Record(f"line {number}", value)


def _loads(line: str) -> Any:
    """orjson decodes twice as fast as json; what it refuses (NaN, integers beyond 64 bits) the
    standard decoder still reads, and its message names what is wrong."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def csv_rows(handle: TextIO) -> Iterator[Record]:
    csv.field_size_limit(max(csv.field_size_limit(), MAX_TEXT_CHARS))
    reader = csv.DictReader(handle)
    rows = iter(reader)
    try:
        while True:
            start = reader.line_num + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                if "field limit" not in str(exc):
                    raise
                # The reader goes on after the field; the rest of the file is read as ever.
                yield Record(f"line {start}", problem=f"a field longer than {MAX_TEXT_CHARS:,} characters")
                continue
            where = f"line {reader.line_num}"
            if None in row:  # more fields than the header has
                yield Record(where, problem=f"{len(row) - 1 + len(row[None])} fields, the header has {len(row) - 1}")
                continue
            if any(value is None for value in row.values()):
                yield Record(where, problem=f"fewer fields than the header's {len(reader.fieldnames or [])}")
                continue
            yield Record(where, dict(row))
    except csv.Error as exc:
        raise Truncated(f"CSV broken at line {reader.line_num} ({exc})") from None
    except UnicodeDecodeError as exc:
        raise Truncated(f"unreadable after line {reader.line_num} ({exc}); try --encoding") from None


def json_document(handle: TextIO) -> Iterator[Record]:
    """A JSON array of objects, streamed element by element; or a single JSON object."""
    decoder = json.JSONDecoder()
    buffer = _skip_space(handle, "")
    if buffer.startswith("{"):
        buffer += handle.read()
        try:
            value = json.loads(buffer)
        except ValueError as exc:
            raise Truncated(f"not a complete JSON document ({exc})") from None
        yield Record("element 1", value)
        return
    if not buffer.startswith("["):
        raise Truncated("not a JSON array or object")
    buffer, number = buffer[1:], 0
    while True:
        buffer = _skip_space(handle, buffer).lstrip(",")
        buffer = _skip_space(handle, buffer)
        if buffer.startswith("]"):
            return
        if not buffer:
            raise Truncated(f"the array ends after element {number} without its closing ]")
        while True:
            try:
                value, end = decoder.raw_decode(buffer)
                break
            except ValueError:
                more = handle.read(_JSON_CHUNK)
                if not more:
                    raise Truncated(f"element {number + 1} is cut off") from None
                buffer += more
        number += 1
        buffer = buffer[end:]
        if isinstance(value, dict):
            yield Record(f"element {number}", value)
        else:
            yield Record(f"element {number}", problem="not a JSON object")


def _skip_space(handle: TextIO, buffer: str) -> str:
    buffer = buffer.lstrip()
    while not buffer:
        more = handle.read(_JSON_CHUNK)
        if not more:
            return ""
        buffer = more.lstrip()
    return buffer
