"""The log a cron job keeps: one line per platform (or imported file) and run, with its counts.

Only counts and statuses go in: never a credential, a query string or a post.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from plaint.pipeline import RunSummary


def append_log(path: Path, summary: RunSummary, command: str) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    lines = []
    for source, result in summary.platforms.items():
        counts = {stage: sum(n for (s, st, _), n in summary.counts.items() if s == source and st == stage)
                  for stage in ("found", "tos", "relevance", "language", "kept")}
        stored = {outcome: n for (s, st, outcome), n in summary.counts.items() if s == source and st == "stored"}
        lines.append(
            f"{now} run={summary.run_id} {command} source={source} status={result.status} "
            f"found={counts['found']} dropped_tos={counts['tos']} dropped_relevance={counts['relevance']} "
            f"dropped_language={counts['language']} kept={counts['kept']} new={stored.get('new', 0)} "
            f"copies={stored.get('duplicate', 0) + stored.get('near duplicate', 0)}"
            + (f" detail={result.detail!r}" if result.status != "ok" else ""))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
