"""CPU time a line of what an import's worker does (decode, prescreen, map, filter, copy identity of
kept posts), in this one process, on the files `bench/pipeline.py` generated.

    python bench/worker_cost.py WORKDIR/reddit-dump-100000-seed7-wild-<fingerprint> [--lines 20000]

Process CPU time (`time.process_time`), so other processes on the machine weigh on it far less than
on the wall-clock figures of bench/pipeline.py. Each file's first --lines lines are read into
memory first; a version without the prescreen (an older checkout on PYTHONPATH) is measured the
same way, without it.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from plaint.collectors.imports import RecordMapper
from plaint.config import default_config
from plaint.sorting import Sorter


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of generated files (companions_*.ndjson)")
    parser.add_argument("--lines", type=int, default=20_000)
    args = parser.parse_args()
    sorter = Sorter(default_config(), identities=True)
    all_lines = all_seconds = 0.0
    for path in sorted(args.folder.glob("companions_*.ndjson")):
        lines = []
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if number > args.lines:
                    break
                lines.append((number, line))
        mapper = RecordMapper(path, "ndjson", None, datetime.now(UTC))
        mapper.map_block(lines[:10])  # the format found, as after a file's first block
        mapper.prescreen = getattr(sorter, "prescreen", None)
        counts: Counter = Counter()
        started = time.process_time()
        mapped = mapper.map_block(lines)
        mapped_at = time.process_time()
        for post in mapped.posts:
            sorter.sort(post, counts, "bench")
        seconds = time.process_time() - started
        all_lines += len(lines)
        all_seconds += seconds
        skipped = getattr(mapped, "skipped", 0)
        print(f"{path.name}: {1e6 * seconds / len(lines):.0f} µs a line (reading, prescreen and mapping "
              f"{1e6 * (mapped_at - started) / len(lines):.0f}, filters and identities "
              f"{1e6 * (seconds - mapped_at + started) / len(lines):.0f}); prescreen skipped "
              f"{skipped / len(lines):.1%}, kept {counts[('bench', 'kept', 'kept')]:,}")
    print(f"all: {1e6 * all_seconds / max(all_lines, 1):.0f} µs a line")


if __name__ == "__main__":
    main()
