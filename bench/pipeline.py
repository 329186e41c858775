"""plaint's own cost per post, side by side with the floor of simply reading and storing the data.

    python bench/pipeline.py --posts 1000000

Generates N realistic posts as NDJSON in plaint's template (English and Chinese, a few percent
complaints of bias, some exact and near reposts), then measures, each in a fresh process so peak
memory is its own:
  1. the floor: parse the NDJSON and insert every row into a fresh SQLite database with plain
     sqlite3 executemany in large transactions;
  2. `plaint import` of the same file into a fresh database, end to end (all filters, exact and
     near-duplicate checks, storage), with a worker process per core as the command has;
and prints posts per second, peak memory, their ratio, how many langdetect calls were made (only
posts that passed the cheaper filters need one), and the time of a near-duplicate check against
100,000 stored posts (bench/near_duplicates.py, with --near).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import posts  # noqa: E402

FLOOR_BATCH = 50_000


def generate(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for item in posts(count, relevant_share=0.04, repost_share=0.02):
            handle.write(json.dumps({
                "platform": item["platform"], "native_id": item["id"], "kind": "post",
                "community": item["community"] or "", "text": item["text"], "author": item["author"],
                "created_at": datetime.fromtimestamp(item["created_utc"], tz=timezone.utc).isoformat(),
                "url": f"https://example.org/{item['platform']}/{item['id']}",
            }, ensure_ascii=False) + "\n")


def floor(source: Path, database: Path) -> dict:
    """Read the NDJSON and insert every row, nothing else: the cost of the data itself."""
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute("create table posts (platform text, native_id text, kind text, community text, "
                       "text text, author text, created_at text, url text, unique(platform, native_id))")
    rows = []
    count = 0
    with open(source, encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            rows.append((r["platform"], r["native_id"], r["kind"], r["community"], r["text"], r["author"],
                         r["created_at"], r["url"]))
            if len(rows) >= FLOOR_BATCH:
                with connection:
                    connection.executemany("insert or ignore into posts values (?,?,?,?,?,?,?,?)", rows)
                count += len(rows)
                rows.clear()
    with connection:
        connection.executemany("insert or ignore into posts values (?,?,?,?,?,?,?,?)", rows)
    count += len(rows)
    connection.close()
    return {"posts": count, "seconds": time.perf_counter() - started}


def plaint_import(source: Path, database: Path) -> dict:
    """`plaint import` end to end, through the same code the command runs."""
    from plaint.collectors.imports import import_sources
    from plaint.config import default_config
    from plaint.pipeline import Pipeline
    from plaint.storage.database import Database
    from plaint.storage.store import Store
    from plaint.workers import default_workers

    started = time.perf_counter()
    store = Store(Database(f"sqlite:///{database}"))
    pipeline = Pipeline(default_config(), store, workers=default_workers())  # as `plaint import` does
    summary = pipeline.run(import_sources([source]), command="import")
    seconds = time.perf_counter() - started
    return {"posts": summary.total("found"), "seconds": seconds, "kept": summary.total("kept"),
            "workers": pipeline.workers, "worker_peak_mb": pipeline.worker_peak_memory_kb / 1024,
            "stored_new": summary.total("stored", "new"),
            "copies": summary.total("stored", "duplicate") + summary.total("stored", "near duplicate"),
            "langdetect_calls": summary.langdetect_calls,
            "reached_language_filter": summary.total("kept") + summary.total("language"),
            "status": summary.status}


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """The memory of this process and every process it started (worker processes, the process
    that forks them), summed as PSS so that pages they share count once, sampled twice a second."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in _descendants(os.getpid())))


def child(phase: str, source: Path, database: Path) -> None:
    sampler = MemorySampler()
    if Path("/proc/self/smaps_rollup").exists():
        sampler.start()
    result = floor(source, database) if phase == "floor" else plaint_import(source, database)
    sampler.done.set()
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    result["all_processes_mb"] = sampler.peak_kb / 1024
    print(json.dumps(result))


def run_phase(phase: str, source: Path, workdir: Path) -> dict:
    database = workdir / f"{phase}.db"
    database.unlink(missing_ok=True)
    output = subprocess.run([sys.executable, __file__, "--child", phase, str(source), str(database)],
                            check=True, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--near", action="store_true", help="also time the near-duplicate check against 100,000 posts")
    parser.add_argument("--child", nargs=3, metavar=("PHASE", "SOURCE", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="plaint-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"posts-{args.posts}.ndjson"
    if not source.exists():
        started = time.perf_counter()
        generate(source, args.posts)
        print(f"generated {args.posts:,} posts in {time.perf_counter() - started:.1f} s: {source} "
              f"({source.stat().st_size / 1e6:.0f} MB)")
    base = run_phase("floor", source, workdir)
    ours = run_phase("plaint", source, workdir)
    base_rate, our_rate = base["posts"] / base["seconds"], ours["posts"] / ours["seconds"]
    print(f"floor  (json.loads + sqlite3 executemany): {base_rate:10,.0f} posts/s  peak {base['peak_mb']:6.0f} MB  "
          f"({base['seconds']:.1f} s)")
    workers = ours["workers"]
    print(f"plaint import (filters, copies, storage):  {our_rate:10,.0f} posts/s  peak {ours['peak_mb']:6.0f} MB  "
          f"({ours['seconds']:.1f} s)")
    if workers > 0:
        print(f"  with {workers} worker processes, each at most {ours['worker_peak_mb']:.0f} MB (resident); "
              f"all of the import's processes together at most {ours['all_processes_mb']:.0f} MB (PSS)")
    print(f"ratio plaint/floor: {our_rate / base_rate:.2f}")
    print(f"kept {ours['kept']:,} ({ours['stored_new']:,} new, {ours['copies']:,} copies); langdetect calls: "
          f"{ours['langdetect_calls']:,} of {ours['reached_language_filter']:,} posts that reached the language "
          f"filter (the rest were decided by their script or English function words), none for the "
          f"{ours['posts'] - ours['reached_language_filter']:,} dropped earlier")
    if args.near:
        subprocess.run([sys.executable, str(HERE / "near_duplicates.py"), "--stored", "100000", "--checked", "2000"],
                       check=True)


if __name__ == "__main__":
    main()
