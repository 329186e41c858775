"""`plaint report`: the corpus at a glance. The flow from found to kept, posts per discrimination
type and platform (as in "48 posts about misogyny, 30 about LGBTQ+ bias"), and posts over time.

The HTML page is one self-contained file with inline SVG charts: it opens offline, in any browser,
and can be archived with the study's data.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from plaint import __version__
from plaint.config import TYPE_CODES
from plaint.filters.relevance import TIER_STAGE
from plaint.manifest import SCREENED, exported_in_words
from plaint.post import COMPLAINT, REVIEW
from plaint.storage.database import Database
from plaint.storage.readout import corpus, corpus_counts, stage_totals
from plaint.storage.screenings import CONFIRMED, DEFAULT, status_counts

PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f")


def build_report(database: Database, statuses: Sequence[str] = DEFAULT) -> dict[str, Any]:
    """The flow over all runs, and the types and months of the corpus's posts of these screening
    statuses (a confirmed post counted under its confirmed types)."""
    totals = stage_totals(database)
    counts = corpus_counts(database, statuses)
    screening = status_counts(database)
    by_type: Counter[tuple[str, str]] = Counter()
    by_month: Counter[tuple[str, str]] = Counter()
    platforms: set[str] = set()
    for row, _, screened in corpus(database, statuses):
        platforms.add(row.platform)
        for code in (screened.types if screened.status == CONFIRMED else row.types):
            by_type[(code, row.platform)] += 1
        if row.created_at:
            by_month[(row.created_at.strftime("%Y-%m"), row.platform)] += 1

    def stage(name: str) -> int:
        return sum(n for (s, _), n in totals.items() if s == name)

    found = stage("found")
    after_tos = found - stage("tos")
    relevant = after_tos - stage("relevance")
    tier = {name: n for (s, name), n in totals.items() if s == TIER_STAGE}
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "statuses": list(statuses),
        "flow": [
            ("found", found),
            ("within terms of service", after_tos),
            ("passed the first pass (companion, and a bias or identity term)", stage(TIER_STAGE)),
            ("scored into the complaint tier", tier.get(COMPLAINT, 0)),
            ("scored into the review tier", tier.get(REVIEW, 0)),
            ("in the study's languages (kept)", relevant - stage("language")),
            ("screened by a person", sum(screening.get(s, 0) for s in SCREENED)),
            ("confirmed as complaints", screening.get(CONFIRMED, 0)),
            (f"in the corpus now ({exported_in_words(statuses)}, each text once)", counts["in_corpus"]),
        ],
        "platforms": sorted(platforms),
        "types": [{"type": code, **{p: by_type[(code, p)] for p in sorted(platforms)},
                   "total": sum(by_type[(code, p)] for p in platforms)} for code in TYPE_CODES],
        "months": sorted({m for m, _ in by_month}),
        "by_month": {p: {m: n for (m, q), n in by_month.items() if q == p} for p in sorted(platforms)},
    }


def _bars(items: list[tuple[str, int]], width: int = 640, bar: int = 26) -> str:
    top = max((n for _, n in items), default=0) or 1
    label_width = 250
    rows = []
    for i, (label, value) in enumerate(items):
        y = i * (bar + 8)
        length = (width - label_width - 60) * value / top
        rows.append(f'<text x="{label_width - 8}" y="{y + bar * 0.7:.0f}" text-anchor="end">{html.escape(label)}</text>'
                    f'<rect class="bar" x="{label_width}" y="{y}" width="{length:.1f}" height="{bar}" '
                    f'fill="{PALETTE[0]}"><title>{html.escape(label)}: {value}</title></rect>'
                    f'<text x="{label_width + length + 6:.1f}" y="{y + bar * 0.7:.0f}">{value}</text>')
    height = len(items) * (bar + 8)
    return (f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'{"".join(rows)}</svg>')


def _grouped(report: dict[str, Any], width: int = 720, height: int = 280) -> str:
    platforms, types = report["platforms"], report["types"]
    top = max((t[p] for t in types for p in platforms), default=0) or 1
    group = (width - 60) / max(len(types), 1)
    bar = (group - 16) / max(len(platforms), 1)
    shapes = []
    for i, row in enumerate(types):
        x0 = 50 + i * group
        for j, platform in enumerate(platforms):
            h = (height - 60) * row[platform] / top
            shapes.append(f'<rect class="bar" x="{x0 + j * bar:.1f}" y="{height - 40 - h:.1f}" width="{bar - 2:.1f}" '
                          f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}"><title>{html.escape(row["type"])}, '
                          f'{html.escape(platform)}: {row[platform]}</title></rect>'
                          f'<text x="{x0 + j * bar + (bar - 2) / 2:.1f}" y="{height - 44 - h:.1f}" '
                          f'text-anchor="middle">{row[platform]}</text>')
        shapes.append(f'<text x="{x0 + (group - 16) / 2:.1f}" y="{height - 22}" text-anchor="middle">'
                      f'{html.escape(row["type"])}</text>')
    legend = "".join(f'<rect x="{50 + k * 130}" y="{height - 14}" width="10" height="10" '
                     f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                     f'<text x="{64 + k * 130}" y="{height - 5}">{html.escape(p)}</text>'
                     for k, p in enumerate(platforms))
    return (f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'{"".join(shapes)}{legend}</svg>')


def _timeline(report: dict[str, Any], width: int = 720, height: int = 240) -> str:
    months, series = report["months"], report["by_month"]
    if not months:
        return "<p>No dated posts yet.</p>"
    top = max((n for counts in series.values() for n in counts.values()), default=0) or 1
    step = (width - 80) / max(len(months) - 1, 1)
    lines = []
    for k, (platform, counts) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = [(50 + i * step, height - 40 - (height - 70) * counts.get(m, 0) / top, m, counts.get(m, 0))
                  for i, m in enumerate(months)]
        lines.append(f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2.5" '
                     f'points="{" ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)}">'
                     f'<title>{html.escape(platform)}</title></polyline>')
        lines.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{html.escape(platform)} '
                     f'{m}: {n}</title></circle>' for x, y, m, n in points)
    legend = "".join(f'<rect x="{50 + k * 130}" y="{height - 14}" width="10" height="10" '
                     f'fill="{PALETTE[k % len(PALETTE)]}"/>'
                     f'<text x="{64 + k * 130}" y="{height - 5}">{html.escape(p)}</text>' for k, p in enumerate(series))
    labels = "".join(f'<text x="{50 + i * step:.1f}" y="{height - 22}" text-anchor="middle">{m}</text>'
                     for i, m in enumerate(months) if len(months) <= 12 or i % (len(months) // 12 + 1) == 0)
    return (f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
            f'<text x="8" y="20">posts a month (most: {top})</text>{"".join(lines)}{labels}{legend}</svg>')


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: dict[str, Any]) -> str:
    type_columns = ["type", *report["platforms"], "total"]
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>plaint report</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 800px; color: #222; }}
svg text {{ font: 12px system-ui, sans-serif; fill: #333; }}
table {{ border-collapse: collapse; margin: .5rem 0 1.5rem; }}
td, th {{ border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }}
td:first-child, th:first-child {{ text-align: left; }}
</style></head><body>
<h1>plaint report</h1>
<p>Generated {html.escape(report['generated_at'])} by plaint {__version__}.</p>
<h2 id="flow">From found to kept</h2>
{_bars(report['flow'])}
<h2 id="types">Posts per discrimination type and platform</h2>
{_grouped(report)}
{_table(report['types'], type_columns)}
<h2 id="time">Posts over time</h2>
{_timeline(report)}
</body></html>
"""
