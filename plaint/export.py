"""The corpus file a study analyses: one row per kept post, authors as keyed pseudonyms, and next
to it a methods manifest (JSON, and a Markdown paragraph a methods section can start from)."""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plaint.config import TYPE_CODES
from plaint.errors import ConfigError, PlaintError
from plaint.manifest import build_manifest, methods_paragraph
from plaint.pseudonym import Pseudonymiser
from plaint.sampling import check_sample, sample
from plaint.storage.database import Database
from plaint.storage.models import PostRow
from plaint.storage.readout import corpus
from plaint.storage.screenings import DEFAULT, Screened

CODER_COLUMNS = ("code_types", "code_strategies", "coder_notes")
COLUMNS = ("post_id", "platform", "kind", "community", "created_at", "language", "tier", "relevance_score",
           "screening", "title", "text", "title_only", "author", "types", "strategies", "confirmed_types",
           "confirmed_strategies", "score", "num_comments", "copies", "copy_post_ids", "route", *CODER_COLUMNS)
IDENTIFYING_COLUMNS = ("url", "author_handle", "author_profile_url")
LIST_COLUMNS = ("types", "strategies", "confirmed_types", "confirmed_strategies", "copy_post_ids")
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
    force: bool = False  # replace an existing file (and its manifests): coders may have filled it in
    # The screening statuses exported (storage/screenings.py): confirmed and auto by default; a
    # rejected or disputed post never.
    statuses: tuple[str, ...] = DEFAULT

    def check(self) -> None:
        check_sample(self.sample, self.seed)
        if self.stratify is not None and self.sample is None:
            raise ConfigError("--stratify goes with --sample")
        if self.stratify not in (None, *STRATIFY):
            raise ConfigError(f"--stratify {self.stratify!r}: use one of {', '.join(STRATIFY)}")


def manifest_paths(out: Path) -> tuple[Path, Path]:
    """The manifests beside an export, named after its whole file name: c.csv, c.jsonl and c.xlsx
    each have their own."""
    return out.with_name(out.name + ".manifest.json"), out.with_name(out.name + ".methods.md")


def check_destination(out: Path, force: bool) -> None:
    """Refuse, before anything is read or written, an --out that cannot be written or that would
    replace a file without --force."""
    if out.is_dir():
        raise ConfigError(f"--out {out} is a folder; name a file in it, such as {out / 'corpus.csv'}")
    if not out.parent.is_dir():
        raise ConfigError(f"--out {out}: the folder {out.parent} does not exist; create it or name another")
    existing = [path for path in (out, *manifest_paths(out)) if path.exists()]
    if existing and not force:
        raise ConfigError(f"{existing[0]} exists (coders may have filled it in): choose another --out, or add "
                          "--force to replace it and its manifests")
    if any(path.is_dir() for path in existing):
        raise ConfigError(f"{next(p for p in existing if p.is_dir())} is a folder; choose another --out")


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


def corpus_rows(database: Database, pseudonym: Pseudonymiser, identified: bool = False,
                statuses: Sequence[str] = DEFAULT) -> Iterator[dict[str, Any]]:
    for row, copies, screened in corpus(database, statuses):
        yield _row(row, copies, screened, pseudonym, identified)


def _row(row: PostRow, copies: list[tuple[str, str]], screened: Screened, pseudonym: Pseudonymiser,
         identified: bool) -> dict[str, Any]:
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
        "tier": row.tier,
        "relevance_score": None if row.relevance_score is None else round(row.relevance_score, 4),
        "screening": screened.status,
        "title": row.title,
        "text": row.text,
        # An image or link post: the title is all plaint has, the content is behind the post's link.
        "title_only": not (row.text or "").strip() and bool((row.title or "").strip()),
        "author": pseudonym.author(row.author.platform, row.author.handle) if row.author else None,
        "types": list(row.types),
        "strategies": list(row.strategies),
        "confirmed_types": list(screened.types),
        "confirmed_strategies": list(screened.strategies),
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
    """Write the corpus and its manifests, never over an existing file without `force`."""
    options.check()
    check_destination(out, options.force)
    fmt = export_format(out, options.fmt)
    rows: Sequence[dict[str, Any]] = list(corpus_rows(database, pseudonym, options.identified, options.statuses))
    available = len(rows)
    if options.sample is not None:
        assert options.seed is not None
        rows = sample(rows, options.sample, options.seed, identity=lambda r: r["post_id"],
                      stratum=_stratum(options.stratify))
    columns = (COLUMNS[:1] + IDENTIFYING_COLUMNS + COLUMNS[1:]) if options.identified else COLUMNS
    manifest = build_manifest(database, rows, available, options, out.name)
    manifest_json, manifest_md = manifest_paths(out)
    write_together([
        (out, lambda partial: WRITERS[fmt](partial, rows, columns)),
        (manifest_json, lambda p: p.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")),
        (manifest_md, lambda p: p.write_text(methods_paragraph(manifest) + "\n", encoding="utf-8")),
    ])
    return ExportResult(out, len(rows), manifest_json, manifest_md)


def write_together(files: Sequence[tuple[Path, Callable[[Path], object]]]) -> None:
    """Each file is written beside its final name, and only when all are written are they moved
    into place: a failed export (a read-only folder, a full disk) leaves what was there untouched."""
    partials = [path.with_name(path.name + ".partial") for path, _ in files]
    current = files[0][0]
    try:
        # B007 does not apply: the except clause reads `current` to name the file that failed.
        for partial, (current, write) in zip(partials, files, strict=True):  # noqa: B007
            write(partial)
        for partial, (current, _) in zip(partials, files, strict=True):
            partial.replace(current)
    except OSError as exc:
        raise PlaintError(f"cannot write {current}: {exc.strerror or exc}; the files already there are "
                          "unchanged") from None
    finally:
        for partial in partials:
            with contextlib.suppress(OSError):
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


WRITERS = {"csv": _write_csv, "jsonl": _write_jsonl, "xlsx": _write_xlsx}  # fmt -> writer(path, rows, columns)
