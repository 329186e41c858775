"""The corpus file a study analyses: one row per kept post, authors as keyed pseudonyms, and next
to it a methods manifest (JSON, and a Markdown paragraph a methods section can start from)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plaint.config import TYPE_CODES
from plaint.errors import ConfigError
from plaint.manifest import build_manifest, methods_paragraph
from plaint.pseudonym import Pseudonymiser
from plaint.sampling import sample
from plaint.storage.database import Database
from plaint.storage.models import PostRow
from plaint.storage.readout import corpus

CODER_COLUMNS = ("code_types", "code_strategies", "coder_notes")
COLUMNS = ("post_id", "platform", "kind", "community", "created_at", "language", "title", "text",
           "author", "types", "strategies", "score", "num_comments", "copies", "copy_post_ids",
           "route") + CODER_COLUMNS
IDENTIFYING_COLUMNS = ("url", "author_handle", "author_profile_url")
LIST_COLUMNS = ("types", "strategies", "copy_post_ids")
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx"}
STRATIFY = ("platform", "type")
IDENTIFIED_WARNING = ("this export names authors and links to their posts: verbatim quotes can be traced "
                      "back to them; keep the file where the ethics approval says identifiable data go")


@dataclass(frozen=True)
class ExportOptions:
    fmt: str | None = None  # csv | jsonl | xlsx; None: from the file's suffix
    sample: int | None = None
    seed: int | None = None
    stratify: str | None = None
    identified: bool = False

    def check(self) -> None:
        if self.sample is not None and (self.sample < 1 or self.seed is None):
            raise ConfigError("--sample needs a size of 1 or more and a --seed, so the same sample can be drawn again")
        if self.stratify is not None and self.sample is None:
            raise ConfigError("--stratify goes with --sample")
        if self.stratify not in (None, *STRATIFY):
            raise ConfigError(f"--stratify {self.stratify!r}: use one of {', '.join(STRATIFY)}")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    manifest_json: Path
    manifest_md: Path


def export_format(path: Path, fmt: str | None = None) -> str:
    if fmt is not None:
        if fmt not in set(FORMATS.values()):
            raise ConfigError(f"--format {fmt!r}: use csv, jsonl or xlsx")
        return fmt
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ConfigError(f"{path}: cannot tell the format from the suffix; use .csv, .jsonl or .xlsx, or --format")
    return found


def corpus_rows(database: Database, pseudonym: Pseudonymiser, identified: bool = False) -> Iterator[dict[str, Any]]:
    for row, copies in corpus(database):
        yield _row(row, copies, pseudonym, identified)


def _row(row: PostRow, copies: list[tuple[str, str]], pseudonym: Pseudonymiser, identified: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"post_id": pseudonym.post(row.platform, row.native_id)}
    if identified:
        out.update(url=row.url, author_handle=row.author.handle if row.author else None,
                   author_profile_url=row.author.profile_url if row.author else None)
    out.update({
        "platform": row.platform,
        "kind": row.kind,
        "community": row.community,
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "language": row.language,
        "title": row.title,
        "text": row.text,
        "author": pseudonym.author(row.author.platform, row.author.handle) if row.author else None,
        "types": list(row.types),
        "strategies": list(row.strategies),
        "score": row.score,
        "num_comments": row.num_comments,
        "copies": len(copies),
        "copy_post_ids": [pseudonym.post(platform, native_id) for platform, native_id in copies],
        "route": row.route,
        **{column: "" for column in CODER_COLUMNS},
    })
    return out


def _stratum(name: str | None):  # type: ignore[no-untyped-def]
    if name == "platform":
        return lambda row: row["platform"]
    if name == "type":  # the first of the study's types the post was tagged with
        return lambda row: min(row["types"], key=TYPE_CODES.index) if row["types"] else "none"
    return None


def write_corpus(database: Database, out: Path, pseudonym: Pseudonymiser,
                 options: ExportOptions = ExportOptions()) -> ExportResult:
    """Write the corpus and its manifest. Each file is written beside its final name and moved
    into place, so a failed export never leaves half a file where a finished one was."""
    options.check()
    fmt = export_format(out, options.fmt)
    rows: Sequence[dict[str, Any]] = list(corpus_rows(database, pseudonym, options.identified))
    available = len(rows)
    if options.sample is not None:
        assert options.seed is not None
        rows = sample(rows, options.sample, options.seed, identity=lambda r: r["post_id"],
                      stratum=_stratum(options.stratify))
    columns = (COLUMNS[:1] + IDENTIFYING_COLUMNS + COLUMNS[1:]) if options.identified else COLUMNS
    _atomic(out, lambda partial: _WRITERS[fmt](partial, rows, columns))
    manifest = build_manifest(database, rows, available, options, out.name)
    manifest_json = out.with_name(out.stem + ".manifest.json")
    manifest_md = out.with_name(out.stem + ".methods.md")
    _atomic(manifest_json, lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                                  encoding="utf-8"))
    _atomic(manifest_md, lambda p: p.write_text(methods_paragraph(manifest) + "\n", encoding="utf-8"))
    return ExportResult(out, len(rows), manifest_json, manifest_md)


def _atomic(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    partial = path.with_name(path.name + ".partial")
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _joined(row: dict[str, Any]) -> dict[str, Any]:
    return {k: "; ".join(v) if k in LIST_COLUMNS else v for k, v in row.items()}


def _write_csv(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(_joined(row) for row in rows)


def _write_jsonl(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_xlsx(path: Path, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import (
        ILLEGAL_CHARACTERS_RE,  # control characters Excel cannot hold
    )

    book = Workbook(write_only=True)
    sheet = book.create_sheet("corpus")
    sheet.append(list(columns))
    for row in rows:
        joined = _joined(row)
        sheet.append([ILLEGAL_CHARACTERS_RE.sub(" ", v) if isinstance(v, str) else v
                      for v in (joined[c] for c in columns)])
    book.save(path)


_WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "xlsx": _write_xlsx}
