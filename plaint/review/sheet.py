"""The spreadsheet route of screening, for people who prefer one to the page: `plaint export
--for-screening` writes the queue (as `plaint review` would serve it) with empty decision columns,
and `plaint screenings import` reads the filled file back (CSV or XLSX).

A row it cannot read is named (file, row, why) and left out; every other row is stored, in one
transaction, as if decided on the page (a later decision by the same reviewer replaces theirs).
A row left without a decision is not screened yet, and is skipped.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plaint.config import STRATEGY_CODES, TYPE_CODES
from plaint.errors import ConfigError, PlaintError
from plaint.export import WRITERS, write_together
from plaint.pseudonym import Pseudonymiser
from plaint.review.queue import Queue
from plaint.storage.database import Database
from plaint.storage.screenings import NO, UNSURE, YES, Decision, check_reviewer, decisions_of, live_posts, record

ID = "plaint_id"  # the post's id in this database: what the import reads back
DECISION_COLUMNS = ("decision", "types", "strategies", "note", "reviewer")
COLUMNS = (ID, "post_id", "platform", "community", "created_at", "tier", "relevance_score", "title", "text",
           "suggested_types", "suggested_strategies", "terms", *DECISION_COLUMNS)
WORDS = {"complaint": YES, "y": YES, "yes": YES, "not": NO, "n": NO, "no": NO, "unsure": UNSURE, "u": UNSURE,
         "?": UNSURE}
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


def _format(path: Path) -> str:
    found = FORMATS.get(path.suffix.lower())
    if found is None:
        raise ConfigError(f"{path}: a screening sheet is .csv or .xlsx")
    return found


def write_queue(database: Database, out: Path, pseudonym: Pseudonymiser, reviewer: str | None = None,
                quality_sample: int = 20, seed: int = 0, identified: bool = False, force: bool = False) -> int:
    """The queue, with empty decision columns; a reviewer's own decided posts left out when one is
    named. Never over an existing file without `force`. Returns the rows written."""
    fmt = _format(out)
    if out.is_dir() or not out.parent.is_dir():
        raise ConfigError(f"--out {out}: name a file in a folder that exists")
    if out.exists() and not force:
        raise ConfigError(f"{out} exists (a reviewer may have filled it in): choose another --out, or add --force "
                          "to replace it")
    queue = Queue(database, check_reviewer(reviewer) if reviewer else "", quality_sample, seed)
    done = decisions_of(database, queue.reviewer) if reviewer else {}
    rows = []
    for post_id in queue.order():
        if post_id in done:
            continue
        post = queue.post(post_id)
        if post is None:
            continue
        rows.append({ID: post_id, "post_id": pseudonym.post(post["platform"], post["native_id"]),
                     "platform": post["platform"], "community": post["community"],
                     "created_at": post["created_at"], "tier": post["tier"], "relevance_score": post["score"],
                     "title": post["title"], "text": post["text"], "suggested_types": "; ".join(post["types"]),
                     "suggested_strategies": "; ".join(post["strategies"]), "terms": "; ".join(post["terms"]),
                     **({"url": post["url"]} if identified else {}),
                     **{column: "" for column in DECISION_COLUMNS},
                     **({"reviewer": reviewer} if reviewer else {})})
    columns = (*COLUMNS[:9], "url", *COLUMNS[9:]) if identified else COLUMNS
    write_together([(out, lambda partial: WRITERS[fmt](partial, rows, columns))])
    return len(rows)


@dataclass
class Imported:
    stored: int = 0
    blank: int = 0  # rows without a decision: not screened yet
    problems: list[str] = field(default_factory=list)  # "FILE, row N: why", one per row left out


def import_sheet(database: Database, path: Path, reviewer: str | None = None) -> Imported:
    """Read a filled screening sheet and store its decisions (see the module's docstring)."""
    result = Imported()
    decisions: list[tuple[str, Decision]] = []
    default = check_reviewer(reviewer) if reviewer else None
    for number, row in _rows(path):
        where = f"{path.name}, row {number}"
        decided = str(row.get("decision") or "").strip().lower()
        if not decided:
            result.blank += 1
            continue
        try:
            decisions.append((where, _decision(row, decided, default)))
        except ConfigError as exc:
            result.problems.append(f"{where}: {exc}")
    present = live_posts(database, [d.post_id for _, d in decisions])
    good = []
    for where, decision in decisions:
        if decision.post_id not in present:
            result.problems.append(f"{where}: unknown post id {decision.post_id} (not in this database: a sheet of "
                                   "another database?)")
        elif not present[decision.post_id]:
            result.problems.append(f"{where}: post {decision.post_id} was erased since (deleted on its platform, or "
                                   "its author forgotten); not stored")
        else:
            good.append(decision)
    record(database, good, source="spreadsheet")
    result.stored = len(good)
    return result


def _decision(row: dict[str, Any], decided: str, default: str | None) -> Decision:
    value = row.get(ID)
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's numbers are floats
        value = int(value)
    try:
        post_id = int(str("" if value is None else value).strip())
    except ValueError:
        raise ConfigError(f"{ID} {value!r} is not a post id (a whole number from the exported sheet)") from None
    if decided not in WORDS:
        raise ConfigError(f"decision {decided!r}: write complaint, not or unsure (or y, n, u)")
    name = str(row.get("reviewer") or "").strip() or default
    if not name:
        raise ConfigError("no reviewer: fill the reviewer column, or give --reviewer")
    decision = Decision(post_id, check_reviewer(name), WORDS[decided], _codes(row.get("types"), TYPE_CODES, "type"),
                        _codes(row.get("strategies"), STRATEGY_CODES, "strategy"),
                        str(row.get("note") or "").strip() or None)
    return decision


def _codes(cell: Any, codes: tuple[str, ...], what: str) -> tuple[str, ...]:
    found = []
    for part in re.split(r"[;,\n]", str(cell or "")):
        code = part.strip().lower().replace(" ", "_").replace("-", "_")
        if not code:
            continue
        if code not in codes:
            raise ConfigError(f"unknown {what} {part.strip()!r}; use {', '.join(codes)}")
        found.append(code)
    return tuple(found)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the spreadsheet shows it, the row by column name); the header is row 1."""
    fmt = _format(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such file")
    rows = _xlsx(path) if fmt == "xlsx" else _csv(path)
    header = next(rows, None)
    if header is None:
        raise PlaintError(f"{path}: empty; expected the sheet plaint export --for-screening wrote")
    names = [str(name or "").strip() for name in header]
    for needed in (ID, "decision"):
        if needed not in names:
            raise PlaintError(f"{path}: no {needed} column; expected the sheet plaint export --for-screening wrote")
    for number, values in enumerate(rows, start=2):
        yield number, dict(zip(names, values, strict=False))


def _csv(path: Path) -> Iterator[list[Any]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            yield from csv.reader(handle)
    except UnicodeDecodeError:
        raise PlaintError(f"{path}: not UTF-8 text; save the sheet as CSV UTF-8, or as .xlsx") from None
    except OSError as exc:
        raise PlaintError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def _xlsx(path: Path) -> Iterator[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlaintError(f"{path}: not an .xlsx workbook plaint can read ({exc})") from None
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield list(values)
    finally:
        book.close()
