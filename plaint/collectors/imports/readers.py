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
import re
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
# An NDJSON file read by place (Span): about this many bytes of whole lines a span. Encodings in
# which a newline byte is always a newline (ASCII-compatible, no multi-byte form holds 0x0A).
SPAN_BYTES = 1 << 21
SPAN_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
_LONE_CARRIAGE_RETURN = re.compile(rb"\r(?!\n)")


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
                yield Record(f"line {number}", problem=_too_long(length))
            elif line.strip():
                yield number, line
    except (zstandard.ZstdError, UnicodeDecodeError) as exc:
        raise Truncated(f"unreadable after line {number} ({exc})") from None


@dataclass(frozen=True)
class Span:
    """Whole lines of an NDJSON file, by place. An import's worker processes read a span
    themselves: the process that writes only finds where lines end, and passes these few numbers
    to a worker rather than megabytes of text through a pipe."""

    path: Path
    encoding: str
    start: int  # byte offset of the first line
    end: int  # byte offset just past the last line
    first_line: int  # its line number

    def lines(self) -> list[tuple[int, str] | Record]:
        """As ndjson_lines gives them: non-blank lines with their numbers, a line too long for
        any record as a Record with its problem."""
        with open(self.path, "rb") as handle:
            handle.seek(self.start)
            text = handle.read(self.end - self.start).decode(self.encoding)  # it decoded when found
        pieces = text.split("\n")  # JSON holds no raw newline, but may hold U+2028 or \x1c raw
        last = pieces.pop()  # after the span's last newline: empty, unless the file ends without one
        found: list[tuple[int, str] | Record] = []
        for number, piece in enumerate(pieces, self.first_line):
            if len(piece) > MAX_LINE_CHARS:
                found.append(Record(f"line {number}", problem=_too_long(len(piece) + 1)))
            elif piece.strip():
                found.append((number, piece + "\n"))
        if len(last) > MAX_LINE_CHARS:
            found.append(Record(f"line {self.first_line + len(pieces)}", problem=_too_long(len(last))))
        elif last.strip():
            found.append((self.first_line + len(pieces), last))
        return found


def _too_long(length: int) -> str:
    return f"a line of {length:,} characters, longer than a record of {MAX_TEXT_CHARS:,} characters of text can be"


def spans_readable(path: Path, encoding: str) -> bool:
    """Whether a file can be read by place: NDJSON, not compressed, in an encoding whose newline
    byte is always a newline, its lines ended by \\n (a lone \\r ends a line for Python's text
    reader, not here)."""
    if path.suffix.lower() == ".zst" or encoding.lower().replace("_", "-") not in SPAN_ENCODINGS:
        return False
    with open(path, "rb") as handle:
        return _LONE_CARRIAGE_RETURN.search(handle.read(SNIFF_BYTES)) is None


def ndjson_spans(path: Path, encoding: str) -> Iterator[Span | list[Record]]:
    """The file's lines as Spans of about SPAN_BYTES, each checked to decode. A line longer than
    a span is a span of its own, or a Record of its problem when too long for any record. Where
    the file stops decoding, the lines before are given and Truncated is raised."""
    encoding = encoding.lower().replace("_", "-")
    with open(path, "rb") as handle:
        position, number = 0, 1
        while True:
            handle.seek(position)
            chunk = handle.read(SPAN_BYTES)
            if not chunk:
                return
            this = "utf-8" if encoding == "utf-8-sig" and position else encoding  # the mark opens the file only
            cut = chunk.rfind(b"\n") + 1 or (len(chunk) if len(chunk) < SPAN_BYTES else 0)
            if not cut:  # a line longer than a span: found to its end in bounded pieces
                end, length, ended = _long_line(handle, position, this, number)
                yield [Record(f"line {number}", problem=_too_long(length))] if length - ended > MAX_LINE_CHARS \
                    else Span(path, this, position, end, number)
                position, number = end, number + 1
                continue
            try:
                codecs.decode(memoryview(chunk)[:cut], this)
            except UnicodeDecodeError as exc:
                good = chunk.rfind(b"\n", 0, exc.start) + 1
                if good:
                    yield Span(path, this, position, position + good, number)
                last_good = number + chunk.count(b"\n", 0, good) - 1
                raise Truncated(f"unreadable after line {last_good} ({exc})") from None
            yield Span(path, this, position, position + cut, number)
            position, number = position + cut, number + chunk.count(b"\n", 0, cut)


def _long_line(handle: Any, start: int, encoding: str, number: int) -> tuple[int, int, bool]:
    """Where the line starting at `start` ends (past its newline), its length in characters (its
    newline included), and whether a newline ends it (the file's last line may lack one)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    handle.seek(start)
    end, length, ended = start, 0, False
    try:
        while piece := handle.read(SPAN_BYTES):
            newline = piece.find(b"\n")
            piece, ended = (piece, False) if newline < 0 else (piece[:newline + 1], True)
            length += len(decoder.decode(piece))
            end += len(piece)
            if ended:
                break
        length += len(decoder.decode(b"", final=True))
    except UnicodeDecodeError as exc:
        raise Truncated(f"unreadable after line {number - 1} ({exc})") from None
    return end, length, ended


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
