"""Importing files: captures, exports and hand-gathered posts, through the same filters and storage
as a scrape. Each file is one source of a run; its format is recognised record by record.

    FileImporter(path).queries()  -> one query: the file
    FileImporter(path).search(q)  -> its records as Posts; bad records are reported, not fatal
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plaint.collectors.imports import (
    mediacrawler,
    reddit_dump,
    template,
    xhs_page,
    zeeschuimer,
    zhihu_api,
)
from plaint.collectors.imports.base import ImportFormat
from plaint.collectors.imports.readers import (
    MAX_TEXT_CHARS,
    Record,
    Span,
    Truncated,
    csv_rows,
    guess_encoding,
    json_document,
    ndjson_lines,
    ndjson_record,
    ndjson_spans,
    open_text,
    spans_readable,
)
from plaint.collectors.imports.values import NO_TEXT, BadRecord
from plaint.errors import CollectorFailed, ConfigError
from plaint.post import Post, Provenance
from plaint.queries import Query

# Most specific first: the template (platform + text) would match almost anything.
FORMATS: list[ImportFormat] = [*zeeschuimer.FORMATS, *xhs_page.FORMATS, *zhihu_api.FORMATS, *reddit_dump.FORMATS,
                               *mediacrawler.FORMATS, *template.FORMATS]
CONTAINER_BY_SUFFIX = {".csv": "csv", ".json": "json", ".jsonl": "ndjson", ".ndjson": "ndjson", ".zst": "ndjson",
                       ".txt": "ndjson"}
SNIFF_RECORDS = 20  # records looked at before a file is called a format plaint does not know
KEPT_PROBLEMS = 100  # problems listed in the summary (all are counted)


def known_formats() -> str:
    return ", ".join(f.name for f in FORMATS) + " (README: Importing)"


def container_of(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-1:] == [".zst"]:
        return "ndjson"
    if suffixes and suffixes[-1] in CONTAINER_BY_SUFFIX:
        return CONTAINER_BY_SUFFIX[suffixes[-1]]
    raise CollectorFailed(f"{path}: plaint reads .csv, .json, .jsonl, .ndjson, .txt (NDJSON) and .zst files; "
                          f"known formats: {known_formats()}")


# Records per block: the unit an import's worker processes map and filter (a megabyte or so).
BLOCK_RECORDS = 2000
# Files smaller than this are imported in-process: starting workers would cost more than it saves.
PARALLEL_BYTES = 4 << 20

# Records, or (line number, line) pairs of NDJSON still to be decoded; or a Span of an NDJSON
# file, which whoever maps the block reads.
Block = list[Any] | Span


@dataclass
class MappedBlock:
    """What a RecordMapper made of one block of records."""

    posts: list[Post]
    size: int  # records in the block
    formats: Counter[str] = field(default_factory=Counter)
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (place in block, where, problem)
    first_match: int | None = None  # place of the first record of a known format
    title_only: int = 0  # posts with a title and no body (an image or a link, most often)
    skipped: int = 0  # records the prescreen skipped (in `posts` as Skipped, in their places)


class RecordMapper:
    """Turns one file's records into Posts, recognising each record's format.

    Picklable, so that an import's worker processes can map blocks of the file: it travels as
    its settings and rebuilds its format list on arrival (formats hold functions). `prescreen`
    (plaint/prescreen.py), set by the pipeline for imports that are not --strict, skips the
    records the filters would leave no trace of; on arrival in a worker only the wish travels
    (`prescreened`), and the worker's own prescreen serves it."""

    def __init__(self, path: Path, container: str, platform_hint: str | None, fetched_at: datetime) -> None:
        self.path, self.container, self.platform_hint, self.fetched_at = path, container, platform_hint, fetched_at
        self.candidates = [f for f in FORMATS if container in f.containers
                           and (platform_hint is None or f.platform in (platform_hint, "any"))]
        self._last_first = list(self.candidates)
        self._provenances: dict[str, Provenance] = {}
        self.prescreen: Any = None
        self.prescreened = False

    def __getstate__(self) -> tuple[Path, str, str | None, datetime, bool]:
        return self.path, self.container, self.platform_hint, self.fetched_at, self.prescreen is not None

    def __setstate__(self, state: tuple[Path, str, str | None, datetime, bool]) -> None:
        self.__init__(*state[:4])  # type: ignore[misc]
        self.prescreened = state[4]

    def map_block(self, block: Block, prescreen: Any = None) -> MappedBlock:
        prescreen = prescreen or self.prescreen
        if isinstance(block, Span):
            block = block.lines()
        mapped = MappedBlock([], len(block))
        for place, item in enumerate(block):
            record = ndjson_record(*item) if isinstance(item, tuple) else item
            if prescreen is not None and record.data is not None:
                known = self._format_of(record.data)
                skipped = None if known is None else prescreen.skip(known.name, record.data)
                if known is not None and skipped is not None:
                    if mapped.first_match is None:
                        mapped.first_match = place
                    mapped.formats[known.name] += 1
                    mapped.posts.append(skipped)
                    mapped.skipped += 1
                    mapped.title_only += skipped.title_only
                    continue
            posts, problem, fmt = self.map(record)
            if fmt is not None and mapped.first_match is None:
                mapped.first_match = place
            if problem is not None or fmt is None:
                mapped.problems.append((place, record.where, problem or "no format"))
                continue
            mapped.formats[fmt] += 1
            mapped.posts += posts
            mapped.title_only += sum(1 for post in posts if _title_only(post))
        return mapped

    def map(self, record: Record) -> tuple[list[Post], str | None, str | None]:
        """The record's posts, or the problem with it; and the name of its format."""
        if record.problem is not None:
            return [], record.problem, None
        assert record.data is not None
        fmt = self._format_of(record.data)
        if fmt is None:
            return [], "not a record of any format plaint knows" + (
                f" for --platform {self.platform_hint}" if self.platform_hint else ""), None
        provenance = self._provenances.get(fmt.name)
        if provenance is None:
            provenance = self._provenances[fmt.name] = Provenance(
                fmt.route, fmt.name, f"file:{self.path.name}", fetched_at=self.fetched_at)
        try:
            posts = fmt.to_posts(record.data, provenance)
        except (BadRecord, KeyError, TypeError, ValueError, AttributeError, ArithmeticError, OSError) as exc:
            return [], f"{fmt.name}: {exc}", None
        longest = max((len(post.text) + len(post.title or "") for post in posts), default=0)
        if longest > MAX_TEXT_CHARS:
            return [], (f"{fmt.name}: a text of {longest:,} characters, more than the {MAX_TEXT_CHARS:,} a post "
                        "may hold"), None
        readable = [post for post in posts if _readable(post)]
        if posts and not readable:  # of a known format, with nothing in it to read
            return [], f"{fmt.name}: {NO_TEXT}", fmt.name
        if fmt is not self._last_first[0]:
            self._last_first = [fmt, *(f for f in self.candidates if f is not fmt)]
        return readable, None, fmt.name

    def _format_of(self, data: dict[str, Any]) -> ImportFormat | None:
        """The format a record is read as. Records of a file are nearly always of one format:
        the last one found is tried first."""
        return next((f for f in self._last_first if _safe(f.matches, data)), None)


def _readable(post: Post) -> bool:
    """A post with a text or a title to read, or one the platform deleted or removed (which the
    terms-of-service filter needs to see, to erase any stored copy)."""
    return bool(post.text.strip() or (post.title or "").strip() or post.deleted or post.removed)


def _title_only(post: Post) -> bool:
    return not post.text.strip() and bool((post.title or "").strip()) and not (post.deleted or post.removed)


class FileImporter:
    """One file as a source: read in blocks of records, which a RecordMapper turns into Posts
    (here, or in an import's worker processes), and the tally of formats and bad records."""

    platform = "import"

    def __init__(self, path: Path, platform: str | None = None, encoding: str | None = None,
                 strict: bool = False) -> None:
        self.path = path
        self.platform_hint = platform
        self.strict = strict
        self.container = container_of(path)
        self.encoding = encoding or guess_encoding(path)
        self.warnings: list[str] = []
        self.formats: Counter[str] = Counter()
        self.records = 0
        self.problems: list[dict[str, str]] = []
        self.bad = 0
        self.title_only = 0
        self.skipped = 0  # records the prescreen skipped
        self.mapper = RecordMapper(path, self.container, platform, datetime.now(UTC))
        self._seen = 0  # records read so far, good or bad
        self._matched_any = False
        self._read_problem: tuple[str, str] | None = None  # (where, problem) that ended the reading

    @property
    def info(self) -> dict[str, Any]:
        return {"file": str(self.path), "formats": dict(self.formats), "encoding": self.encoding,
                "records": self.records, "bad": self.bad, "title_only": self.title_only, "skipped": self.skipped,
                "problems": self.problems}

    @property
    def large(self) -> bool:
        """Whether the file is worth worker processes."""
        return self.path.stat().st_size >= PARALLEL_BYTES

    def queries(self) -> list[Query]:
        return [Query("import", str(self.path), "file")]

    def search(self, query: Query) -> Iterator[Post]:
        if self.strict:  # a first pass that stores nothing: the file is imported whole or not at all
            for block in self.blocks(query):
                for _, where, problem in self.mapper.map_block(block).problems[:1]:
                    raise self._strict_failure(where, problem)
            if self._read_problem is not None:
                raise self._strict_failure(*self._read_problem)
        for block in self.blocks(query):
            yield from self.absorb(self.mapper.map_block(block))
        self.finish()

    def blocks(self, query: Query | None = None) -> Iterator[Block]:
        """The file's records in blocks, in order. A file that cannot be read to its end (cut
        off, not in its encoding) ends the blocks; `finish` reports why."""
        self._read_problem = None
        readers: dict[str, Callable[[Any], Iterator[Any]]] = {"ndjson": ndjson_lines, "csv": csv_rows,
                                                              "json": json_document}
        block: list[Any] = []
        try:
            if self.container == "ndjson" and spans_readable(self.path, self.encoding):
                yield from ndjson_spans(self.path, self.encoding)  # read where they are mapped
                return
            with open_text(self.path, self.encoding) as handle:
                for item in readers[self.container](handle):
                    block.append(item)
                    if len(block) >= BLOCK_RECORDS:
                        yield block
                        block = []
        except Truncated as exc:
            self._read_problem = ("end of file", f"truncated: {exc}")
        except UnicodeDecodeError as exc:
            self._read_problem = ("start of file", f"not {self.encoding} ({exc.reason}); try --encoding")
        if block:
            yield block

    def absorb(self, mapped: MappedBlock) -> list[Post]:
        """Tally a mapped block (formats, bad records) and return its posts. A file whose first
        records are all of no known format is refused before more of it is read."""
        for place, where, problem in mapped.problems:
            matched_before = self._matched_any or (mapped.first_match is not None and mapped.first_match < place)
            if not matched_before and self._seen + place + 1 >= SNIFF_RECORDS:
                raise CollectorFailed(f"none of the first {self._seen + place + 1} records is of a format plaint "
                                      f"knows (last: {problem}); plaint reads {known_formats()}")
            self._problem(where, problem)
        self._seen += mapped.size
        self._matched_any = self._matched_any or mapped.first_match is not None
        self.records += sum(mapped.formats.values())
        self.formats.update(mapped.formats)
        self.title_only += mapped.title_only
        self.skipped += mapped.skipped
        return mapped.posts

    def finish(self) -> None:
        """After the last block: report a file cut off or unreadable, or holding nothing."""
        if self._read_problem is not None:
            self._problem(*self._read_problem)
        if not self._matched_any and self.records == 0 and not self.bad:
            self.warnings.append(f"{self.path}: the file holds no records")
        elif not self._matched_any and self.bad:
            raise CollectorFailed(f"no record of a format plaint knows; plaint reads {known_formats()}")

    def _strict_failure(self, where: str, problem: str) -> CollectorFailed:
        return CollectorFailed(f"{self.path}, {where}: {problem}; --strict: nothing from this file was stored")

    def _problem(self, where: str, problem: str) -> None:
        self.bad += 1
        if len(self.problems) < KEPT_PROBLEMS:
            self.problems.append({"where": where, "problem": problem})


def _safe(test: Callable[[dict[str, Any]], bool], record: dict[str, Any]) -> bool:
    try:
        return bool(test(record))
    except (AttributeError, TypeError, KeyError):
        return False


def files_in(paths: list[Path]) -> list[Path]:
    """The files named, and the files inside the folders named (hidden ones left out), in order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file()
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            found.append(path)
        else:
            raise ConfigError(f"{path}: no such file or folder")
    return found


def import_sources(paths: list[Path], platform: str | None = None, encoding: str | None = None,
                   strict: bool = False) -> dict[str, Callable[[], FileImporter]]:
    """One source per file, for the pipeline."""
    if encoding:
        try:
            "".encode(encoding)
        except LookupError:
            raise ConfigError(f"--encoding {encoding!r} is not an encoding Python knows") from None
    return {str(path): functools.partial(FileImporter, path, platform, encoding, strict) for path in files_in(paths)}
