"""How results look on a terminal, in CSV and in JSON; and progress that only a terminal sees."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from rich.console import Console
from rich.progress import Progress as RichProgress
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from plaint.pipeline import RunSummary
from plaint.post import DROPPED, TIERS
from plaint.queries import Query
from plaint.sorting import DATED_AHEAD, SUSPICIOUS
from plaint.storage.readout import UNSCORED
from plaint.storage.screenings import STATUSES

if TYPE_CHECKING:
    from plaint.agreement import Agreement
    from plaint.sweep import SweepResult

FORMATS = ("table", "csv", "json")
STAGE_ORDER = ("found", "suspicious", "repeat", "prescreen", "tos", "relevance", "language", "kept", "stored",
               "forgotten")
STAGE_LABELS = {
    "found": "found",
    "suspicious": "found, and suspicious (stored as found)",
    "repeat": "found again in this run (counted once)",
    "prescreen": "skipped by the prescreen (no term the first pass needs)",
    "tos": "dropped by terms of service",
    "relevance": "dropped as not relevant",
    "language": "dropped for language",
    "kept": "kept",
    "stored": "stored",
    "forgotten": "by an author who asked to be forgotten",
}


COMPARISON_COLUMNS = ("model", "auc", "average_precision", "recall_complaint_tier", "precision_complaint_tier",
                      "recall_kept_tiers")


def comparison_rows(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    """The study model's and the shipped model's measures (screening/study.py), a row each."""
    return [{"model": name, **comparison[name]} for name in ("study", "shipped")]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def write_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, out: TextIO,
               title: str | None = None) -> None:
    """Rows as a terminal table, CSV (lists joined with "; ") or a JSON array."""
    if fmt == "json":
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
                             for k, v in row.items()})
    else:
        table = Table(title=title)
        for column in columns:
            table.add_column(column.replace("_", " "))
        for row in rows:
            table.add_row(*(_cell(row.get(column)) for column in columns))
        Console(file=out, width=max(120, Console(file=out).width)).print(table)


def summary_dict(summary: RunSummary) -> dict[str, Any]:
    return {
        "run_id": summary.run_id,
        "status": summary.status,
        "sources": {p: {"status": r.status, "detail": r.detail, **r.info} for p, r in summary.platforms.items()},
        "counts": [{"source": p, "stage": s, "outcome": o, "count": n}
                   for (p, s, o), n in sorted(summary.counts.items(), key=_stage_key)],
        "warnings": summary.warnings,
        "langdetect_calls": summary.langdetect_calls,
    }


def print_import_summary(summary: RunSummary, out: TextIO, err: TextIO) -> None:
    """A line per imported file (formats, records, bad ones, title-only posts, suspicious dates),
    and its first problems, each with its line, on `err`."""
    for source, result in summary.platforms.items():
        formats = ", ".join(f"{name} ({n})" for name, n in result.info.get("formats", {}).items())
        ahead = summary.counts[(source, SUSPICIOUS, DATED_AHEAD)]
        titled = result.info.get("title_only", 0)
        skipped = result.info.get("skipped", 0)
        print(f"{source}: read as {formats or 'nothing'}; {result.info.get('records', 0)} records, "
              f"{result.info.get('bad', 0)} bad"
              + (f"; {titled} with a title and no text (their content may be a picture or a link "
                 "plaint cannot read)" if titled else "")
              + (f"; {skipped} skipped by the prescreen (no term the first pass needs)" if skipped else "")
              + (f"; {ahead} dated after tomorrow (suspicious: check the file's dates and zone)"
                 if ahead else ""), file=out)
        for problem in result.info.get("problems", [])[:10]:
            print(f"  {problem['where']}: {problem['problem']}", file=err)


def print_stats(numbers: dict[str, Any], database: str, out: TextIO, err: TextIO) -> None:
    """What `plaint stats` shows of storage/readout.py's numbers."""
    print(f"database: {database}", file=out)
    print(f"posts in the corpus: {numbers['posts']} by {numbers['authors']} authors "
          f"({numbers['copies']} copies linked to their original, {numbers['erased']} erased)", file=out)
    tiers = numbers["tiers"]
    print("screening: " + ", ".join(f"{name} tier {tiers[name]}" for name in (*TIERS, DROPPED, UNSCORED)
                                    if name in tiers), file=out)
    screening = numbers["screening"]
    if screening:
        print("screened by a person: " + ", ".join(f"{name} {screening[name]}" for name in STATUSES
                                                   if name in screening), file=out)
    if tiers.get(UNSCORED):
        print(f"note: {tiers[UNSCORED]} posts were stored before the screening model and have no tier; "
              "plaint rescore gives them one", file=err)
    write_rows(numbers["by_platform"], ("platform", "kind", "posts"), "table", out)
    write_rows([{"type": t, "posts": n} for t, n in numbers["types"].items()], ("type", "posts"), "table",
               out, title="suggested discrimination types")
    write_rows(numbers["runs"], ("id", "command", "status", "started_at", "found", "kept", "new"), "table",
               out, title="recent runs")


def sweep_line(what: str, result: SweepResult) -> str:
    erased = ", ".join(f"{n} {reason}" for reason, n in result.erased.most_common()) or "none"
    skipped = ", ".join(f"{n} ({reason})" for reason, n in result.skipped.most_common())
    return f"{what}: {result.checked} stored posts checked; erased: {erased}" + (f"; not checked: {skipped}"
                                                                                if skipped else "")


def kappa_rows(result: Agreement) -> list[dict[str, Any]]:
    """Cohen's kappa for relevance, then per code, with the posts it was computed on."""
    def shown(kappa: float | None) -> str:
        return "undefined" if kappa is None else f"{kappa:.3f}"

    rows = [{"measure": "relevance (complaint / not / unsure)", "posts": result.both, "kappa": shown(result.relevance)}]
    return rows + [{"measure": code, "posts": n, "kappa": shown(kappa)} for code, (n, kappa) in result.codes.items()]


def _stage_key(item: tuple[tuple[str, str, str], int]) -> tuple:
    (source, stage, outcome), _ = item
    return (source, STAGE_ORDER.index(stage) if stage in STAGE_ORDER else 99, outcome)


def print_summary(summary: RunSummary, out: TextIO) -> None:
    console = Console(file=out, width=max(100, Console(file=out).width))
    if not summary.counts:
        console.print(f"Run {summary.run_id}: no posts were found.")
    table = Table(title=f"Run {summary.run_id}: what each stage kept and dropped")
    for column in ("source", "stage", "outcome", "posts"):
        table.add_column(column, justify="right" if column == "posts" else "left")
    for (source, stage, outcome), count in sorted(summary.counts.items(), key=_stage_key):
        table.add_row(source, STAGE_LABELS.get(stage, stage), outcome, str(count))
    if summary.counts:
        console.print(table)
    for platform, result in summary.platforms.items():
        console.print(f"{platform}: {result.status}" + (f" - {result.detail}" if result.detail else ""),
                      markup=False, highlight=False)
    for warning in summary.warnings:
        console.print(f"note: {warning}", markup=False, highlight=False)


class TerminalProgress:
    """A spinner with counts on stderr; created only when stderr is a terminal."""

    def __init__(self) -> None:
        self._progress = RichProgress(SpinnerColumn(), TextColumn("{task.description}"),
                                      TextColumn("{task.completed} posts"), TimeElapsedColumn(),
                                      console=Console(file=sys.stderr), transient=True)
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def query_started(self, platform: str, index: int, total: int, query: Query) -> None:
        description = f"{platform}: query {index}/{total}"
        if platform not in self._tasks:
            self._tasks[platform] = self._progress.add_task(description, total=None)
        self._progress.update(self._tasks[platform], description=description)

    def post_seen(self, platform: str, count: int = 1) -> None:
        self._progress.advance(self._tasks[platform], count)
