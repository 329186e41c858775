"""Importing files: captures, exports and hand-gathered posts, through the same filters and storage
as a scrape. Each file is one source of a run; its format is recognised record by record.

    FileImporter(path).queries()  -> one query: the file
    FileImporter(path).search(q)  -> its records as Posts; bad records are reported, not fatal
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
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
    Record,
    Truncated,
    csv_rows,
    guess_encoding,
    json_document,
    ndjson,
    open_text,
)
from plaint.collectors.imports.values import BadRecord
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


class FileImporter:
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
        self.candidates = [f for f in FORMATS if self.container in f.containers
                           and (platform is None or f.platform in (platform, "any"))]
        self._last_first = list(self.candidates)

    @property
    def info(self) -> dict[str, Any]:
        return {"file": str(self.path), "formats": dict(self.formats), "encoding": self.encoding,
                "records": self.records, "bad": self.bad, "problems": self.problems}

    def queries(self) -> list[Query]:
        return [Query("import", str(self.path), "file")]

    def search(self, query: Query) -> Iterator[Post]:
        if self.strict:  # a first pass that stores nothing: the file is imported whole or not at all
            for item in self._posts(counting=False):
                if isinstance(item, str):
                    raise CollectorFailed(f"{item}; --strict: nothing from this file was stored")
        for item in self._posts(counting=True):
            if isinstance(item, str):
                continue
            yield item

    def _posts(self, counting: bool) -> Iterator[Post | str]:
        """Posts, and a problem text for each record that could not be read or mapped."""
        provenance_by_format: dict[str, Provenance] = {}
        matched_any = False
        try:
            for seen, record in enumerate(self._records(), 1):
                posts, problem = self._map(record, provenance_by_format, counting)
                if problem is not None:
                    if not matched_any and seen >= SNIFF_RECORDS:
                        raise CollectorFailed(f"none of the first {seen} records is of a format plaint knows "
                                              f"(last: {problem}); plaint reads {known_formats()}")
                    yield self._problem(record.where, problem, counting)
                    continue
                matched_any = True
                yield from posts
        except Truncated as exc:
            yield self._problem("end of file", f"truncated: {exc}", counting)
        except UnicodeDecodeError as exc:
            yield self._problem("start of file", f"not {self.encoding} ({exc.reason}); try --encoding", counting)
        if counting and not matched_any and self.records == 0 and not self.bad:
            self.warnings.append(f"{self.path}: the file holds no records")
        elif not matched_any and self.bad:
            raise CollectorFailed(f"no record of a format plaint knows; plaint reads {known_formats()}")

    def _records(self) -> Iterator[Record]:
        readers: dict[str, Callable[[Any], Iterator[Record]]] = {"ndjson": ndjson, "csv": csv_rows,
                                                                 "json": json_document}
        with open_text(self.path, self.encoding) as handle:
            yield from readers[self.container](handle)

    def _map(self, record: Record, provenances: dict[str, Provenance],
             counting: bool) -> tuple[list[Post], str | None]:
        if record.problem is not None:
            return [], record.problem
        assert record.data is not None
        # Records of a file are nearly always of one format: the last one found is tried first.
        fmt = next((f for f in self._last_first if _safe(f.matches, record.data)), None)
        if fmt is None:
            return [], "not a record of any format plaint knows" + (
                f" for --platform {self.platform_hint}" if self.platform_hint else "")
        provenance = provenances.get(fmt.name)
        if provenance is None:
            provenance = provenances[fmt.name] = Provenance(fmt.route, fmt.name, f"file:{self.path.name}")
        try:
            posts = fmt.to_posts(record.data, provenance)
        except (BadRecord, KeyError, TypeError, ValueError, AttributeError) as exc:
            return [], f"{fmt.name}: {exc}"
        if fmt is not self._last_first[0]:
            self._last_first = [fmt, *(f for f in self.candidates if f is not fmt)]
        if counting:
            self.records += 1
            self.formats[fmt.name] += 1
        return posts, None

    def _problem(self, where: str, problem: str, counting: bool) -> str:
        message = f"{self.path}, {where}: {problem}"
        if counting:
            self.bad += 1
            if len(self.problems) < KEPT_PROBLEMS:
                self.problems.append({"where": where, "problem": problem})
        return message


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
    return {str(path): (lambda path=path: FileImporter(path, platform, encoding, strict)) for path in files_in(paths)}
