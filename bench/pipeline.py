"""plaint's own cost per post, side by side with the floor of simply reading and storing the data.

    python bench/pipeline.py --posts 1000000 [--format reddit-dump|template|template-csv|mediacrawler]

Generates N posts shaped like the work (bench/synthetic.py: by default a Reddit archive dump, a
file of submissions and one of comments, with texts fitted on ../shared/corpora/wild when it is
there), then measures, each in a fresh process so its memory and CPU are its own:
  1. the floor: decode every record (json.loads, or csv for the CSV template) and insert its
     post fields into a fresh SQLite database with plain sqlite3 executemany in large
     transactions;
  2. `plaint import` of the same files into a fresh database, end to end (all filters, exact and
     near-copy checks, storage), with a worker process per core as the command has;
and prints posts per second and their ratio, CPU seconds of every process (the writing process,
each worker), peak memory of all of the import's processes together (PSS), langdetect calls,
what each filter dropped, and how many of the planted complaints plaint kept. Generated files
are kept in --workdir and reused by a later run with the same format, size, seed, generator and
corpus.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402

FLOOR_BATCH = 50_000
TICKS = os.sysconf("SC_CLK_TCK")


# The floor ---------------------------------------------------------------------------------------

Row = tuple  # platform, native_id, kind, community, title, text, author, created, url


def _reddit_row(r: dict) -> Row:
    if "body" in r:
        return ("reddit", r["name"], "comment", r["subreddit"], None, r["body"], r["author"], r["created_utc"],
                r["permalink"])
    return ("reddit", r["name"], "post", r["subreddit"], r["title"], r["selftext"], r["author"], r["created_utc"],
            r["permalink"])


def _template_row(r: dict) -> Row:
    return (r["platform"], r["native_id"] or r["url"], r["kind"], r["community"], r["title"], r["text"], r["author"],
            r["created_at"], r["url"])


def _mediacrawler_row(r: dict) -> Row:
    if "comment_id" in r:
        return ("xiaohongshu", "comment:" + r["comment_id"], "comment", None, None, r["content"], r["nickname"],
                r["create_time"], r["note_id"])
    return ("xiaohongshu", r["note_id"], "note", None, r["title"], r["desc"], r["nickname"], r["time"],
            r["note_url"].split("?", 1)[0])


FLOOR_ROWS: dict[str, Callable[[dict], Row]] = {"reddit-dump": _reddit_row, "template": _template_row,
                                                "template-csv": _template_row, "mediacrawler": _mediacrawler_row}


def _records(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        if path.suffix == ".csv":
            yield from csv.DictReader(handle)
        else:
            for line in handle:
                yield json.loads(line)


def floor(fmt: str, sources: list[Path], database: Path) -> dict:
    """Decode every record and insert its post, nothing else: the cost of the data itself."""
    started = time.perf_counter()
    connection = sqlite3.connect(database)
    connection.execute("create table posts (platform text, native_id text, kind text, community text, title text, "
                       "text text, author text, created text, url text, unique(platform, native_id))")
    to_row, rows, count = FLOOR_ROWS[fmt], [], 0

    def flush() -> None:
        with connection:
            connection.executemany("insert or ignore into posts values (?,?,?,?,?,?,?,?,?)", rows)

    for source in sources:
        for record in _records(source):
            rows.append(to_row(record))
            if len(rows) >= FLOOR_BATCH:
                flush()
                count += len(rows)
                rows.clear()
    flush()
    count += len(rows)
    connection.close()
    return {"posts": count, "seconds": time.perf_counter() - started}


# plaint ------------------------------------------------------------------------------------------

def plaint_import(sources: list[Path], database: Path, workers: int | None, sampler: ProcessSampler) -> dict:
    """`plaint import` end to end, through the same code the command runs."""
    from plaint import workers as worker_module
    from plaint.collectors.imports import import_sources
    from plaint.config import default_config
    from plaint.pipeline import Pipeline
    from plaint.storage.database import Database
    from plaint.storage.store import Store

    close = worker_module.WorkerPool.close

    def close_after_a_last_look(pool: worker_module.WorkerPool) -> None:
        sampler.sample()  # the workers' CPU time, before they are ended
        close(pool)

    worker_module.WorkerPool.close = close_after_a_last_look  # type: ignore[method-assign]
    started = time.perf_counter()
    store = Store(Database(f"sqlite:///{database}"))
    pipeline = Pipeline(default_config(), store,  # as `plaint import` does
                        workers=worker_module.default_workers() if workers is None else workers)
    summary = pipeline.run(import_sources(sources), command="import")
    seconds = time.perf_counter() - started
    counts: Counter[str] = Counter()
    for (_, stage, outcome), n in summary.counts.items():
        counts[f"{stage}: {outcome}"] += n
    return {"posts": summary.total("found"), "seconds": seconds, "kept": summary.total("kept"),
            "workers": pipeline.workers, "worker_peak_mb": pipeline.worker_peak_memory_kb / 1024,
            "stored_new": summary.total("stored", "new"),
            "copies": summary.total("stored", "duplicate") + summary.total("stored", "near duplicate"),
            "langdetect_calls": summary.langdetect_calls,
            "reached_language_filter": summary.total("kept") + summary.total("language"),
            "counts": dict(sorted(counts.items())),
            "formats": {Path(s).name: r.info.get("formats") for s, r in summary.platforms.items()},
            "status": summary.status}


def stored_ids(database: Path) -> set[str]:
    """The native ids of the posts plaint stored with their text."""
    connection = sqlite3.connect(database)
    try:
        return {row[0] for row in connection.execute("select native_id from posts where text != ''")}
    finally:
        connection.close()


# Measuring processes -----------------------------------------------------------------------------

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


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


class ProcessSampler(threading.Thread):
    """Every process this one started (the fork server, the workers it forks), looked at twice
    a second: their memory summed as PSS, so pages they share count once, and each one's CPU
    time so far. Its own CPU time is kept apart, so as not to count against the writer."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.cpu: dict[int, float] = {}  # pid -> CPU seconds, at its last sample
        self.roles: dict[int, str] = {}
        self.own_cpu = 0.0
        self.done = threading.Event()
        self._lock = threading.Lock()

    def run(self) -> None:
        while not self.done.wait(0.5):
            self.sample()

    def sample(self) -> None:
        started = time.thread_time()
        with self._lock:
            me, total = os.getpid(), 0
            for pid in _descendants(me):
                for line in _read(f"/proc/{pid}/smaps_rollup").splitlines():
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                if pid == me:
                    continue
                fields = _read(f"/proc/{pid}/stat").rsplit(")", 1)[-1].split()
                if len(fields) < 13:
                    continue  # it has just ended
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / TICKS
                if pid not in self.roles:  # workers forked by the fork server share its command line
                    command = _read(f"/proc/{pid}/cmdline")
                    self.roles[pid] = ("worker" if int(fields[1]) != me else "fork server" if "forkserver" in command
                                       else "resource tracker" if "resource_tracker" in command else "worker")
            self.peak_kb = max(self.peak_kb, total)
        self.own_cpu += time.thread_time() - started

    def by_role(self) -> dict[str, list[float]]:
        roles: dict[str, list[float]] = {}
        for pid, seconds in sorted(self.cpu.items()):
            roles.setdefault(self.roles.get(pid, "other"), []).append(round(seconds, 2))
        return roles


def _peak_resident_kb() -> int:
    """This process's own peak resident memory. (Not ru_maxrss: a process started by another
    inherits that one's peak through fork and exec.)"""
    for line in _read("/proc/self/status").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: kilobytes or bytes


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(phase: str, fmt: str, sources: list[Path], database: Path, workers: int | None) -> None:
    sampler = ProcessSampler()
    measured = Path("/proc/self/smaps_rollup").exists()
    if measured:
        sampler.start()
    result = floor(fmt, sources, database) if phase == "floor" else plaint_import(sources, database, workers, sampler)
    sampler.done.set()
    if measured:
        sampler.join()
        sampler.sample()
    result["cpu"] = {"writer" if phase == "plaint" else "floor": round(_cpu_seconds() - sampler.own_cpu, 2),
                     **sampler.by_role()}
    result["sampler_cpu"] = round(sampler.own_cpu, 2)
    result["peak_mb"] = _peak_resident_kb() / 1024
    result["all_processes_mb"] = sampler.peak_kb / 1024
    print(json.dumps(result))


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy since it started (all cores, /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICKS


def run_phase(phase: str, fmt: str, sources: list[Path], workdir: Path, workers: int | None) -> dict:
    """One measurement in a fresh process; and how much CPU other processes on the machine took
    meanwhile (the benchmark's figures hold only on an otherwise idle machine)."""
    database = workdir / f"{phase}.db"
    for leftover in workdir.glob(f"{phase}.db*"):
        leftover.unlink()
    command = [sys.executable, __file__, "--child", phase, "--format", fmt, "--db", str(database),
               *(["--workers", str(workers)] if workers is not None else []), *map(str, sources)]
    busy, started = _machine_busy(), time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"})
    busy, wall = _machine_busy() - busy, time.perf_counter() - started
    result = json.loads(output.stdout.strip().splitlines()[-1])
    result["database"] = str(database)
    ours = result["sampler_cpu"] + sum(v if isinstance(v, float) else sum(v) for v in result["cpu"].values())
    result["others_share"] = max(0.0, busy - ours) / (wall * len(os.sched_getaffinity(0)))
    return result


# The benchmark file ------------------------------------------------------------------------------

def benchmark_files(fmt: str, count: int, seed: int, corpus: Path | None, workdir: Path) -> synthetic.Facts:
    """The files for this format, size, seed and corpus: written now, or by an earlier run of
    the same generator on the same corpus (their fingerprint names the folder)."""
    files = sorted(corpus.glob("*.jsonl")) if corpus is not None and corpus.is_dir() else []
    fingerprint = hashlib.sha1(Path(synthetic.__file__).read_bytes())
    for path in files:
        fingerprint.update(f"{path.name}:{path.stat().st_size}".encode())
    folder = workdir / f"{fmt}-{count}-seed{seed}-{'wild' if files else 'built-in'}-{fingerprint.hexdigest()[:10]}"
    facts_path = folder / "facts.json"
    if facts_path.exists():
        saved = json.loads(facts_path.read_text())
        if all(Path(f).exists() for f in saved["files"]):
            return synthetic.Facts(**{**saved, "files": [Path(f) for f in saved["files"]]})
    started = time.perf_counter()
    model = synthetic.TextModel.load(corpus if files else None)
    facts = synthetic.write(fmt, folder, count, seed, model)
    facts_path.write_text(json.dumps(facts.to_json()))
    size = sum(p.stat().st_size for p in facts.files)
    print(f"generated {count:,} posts ({fmt}, texts from the {model.source} model"
          + (f", fitted on {model.posts:,} real texts" if model.posts else "")
          + f") in {time.perf_counter() - started:.0f} s: {folder} ({size / 1e6:,.0f} MB)")
    return facts


# Report ------------------------------------------------------------------------------------------

def report(facts: synthetic.Facts, base: dict, ours: dict, kept_planted: int, cores: int) -> None:
    base_rate, our_rate = base["posts"] / base["seconds"], ours["posts"] / ours["seconds"]
    lines = max(facts.lines, 1)
    print(f"input: {facts.lines:,} lines ({', '.join(f'{n:,} {k}' for k, n in facts.kinds.items())}), "
          f"{facts.line_bytes / lines:,.0f} bytes a line of which {facts.text_bytes / lines:,.0f} of title and text; "
          f"{facts.chinese / lines:.1%} Chinese, {facts.gone / lines:.1%} removed or deleted, "
          f"{facts.empty / lines:.1%} without a body, {facts.reposts:,} reposts, {len(facts.planted):,} planted "
          f"complaints ({len(facts.planted) / lines:.2%}); texts from the {facts.model} model")
    print(f"floor  (decode + sqlite3 executemany):    {base_rate:10,.0f} posts/s  ({base['seconds']:.1f} s, "
          f"{base['cpu']['floor']:.1f} s CPU, peak {base['peak_mb']:.0f} MB)")
    print(f"plaint import (filters, copies, storage): {our_rate:10,.0f} posts/s  ({ours['seconds']:.1f} s)")
    print(f"ratio plaint/floor: {our_rate / base_rate:.3f}")
    cpu = ours["cpu"]
    workers = cpu.get("worker", [])
    total = cpu["writer"] + sum(sum(v) for k, v in cpu.items() if k != "writer")
    print(f"CPU seconds: writer {cpu['writer']:.1f}"
          + (f", workers {' + '.join(f'{s:.1f}' for s in workers)}" if workers else "")
          + "".join(f", {role} {sum(v):.1f}" for role, v in cpu.items() if role not in ("writer", "worker"))
          + f"; {total:.1f} in all, the {cores} cores {total / (ours['seconds'] * cores):.0%} busy "
          f"(other processes took {ours['others_share']:.0%} of them meanwhile)")
    print(f"memory: the writing process peaks at {ours['peak_mb']:.0f} MB"
          + (f", each of {ours['workers']} workers at most {ours['worker_peak_mb']:.0f} MB (resident)"
             if ours["workers"] else "")
          + f"; all of the import's processes together at most {ours['all_processes_mb']:.0f} MB (PSS)")
    print(f"kept {ours['kept']:,} ({ours['kept'] / lines:.2%}: {ours['stored_new']:,} new, {ours['copies']:,} copies); "
          f"of {len(facts.planted):,} planted complaints {kept_planted:,} kept; the other "
          f"{ours['kept'] - kept_planted:,} kept posts are chatter the relevance filter let through")
    skipped = sum(n for stage, n in ours["counts"].items() if stage.startswith("prescreen: "))
    print(f"prescreen: {skipped:,} of {lines:,} lines ({skipped / lines:.1%}) skipped before mapping, their text "
          "holding no term the first pass needs")
    print(f"langdetect calls: {ours['langdetect_calls']:,} of {ours['reached_language_filter']:,} posts that reached "
          f"the language filter (the rest were decided by their script or English function words)")
    print("what each stage did: " + "; ".join(f"{k} {v:,}" for k, v in ours["counts"].items()))
    for name, phase in (("floor", base), ("plaint", ours)):
        if phase["others_share"] > 0.05:
            print(f"warning: other processes took {phase['others_share']:.0%} of the cores during the {name} run: "
                  f"its figures are not this code's alone; run again on an idle machine")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--format", choices=synthetic.FORMATS, default="reddit-dump")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=synthetic.WILD,
                        help="real posts to fit the texts on (default ../shared/corpora/wild, if it is there)")
    parser.add_argument("--no-corpus", action="store_true", help="texts from the built-in vocabulary only")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: as `plaint import`)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    parser.add_argument("--near", action="store_true", help="also time the near-duplicate check against 100,000 posts")
    parser.add_argument("--child", choices=("floor", "plaint"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("sources", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.format, args.sources, args.db, args.workers)
        return

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="plaint-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    facts = benchmark_files(args.format, args.posts, args.seed, None if args.no_corpus else args.corpus, workdir)
    base = run_phase("floor", args.format, facts.files, workdir, args.workers)
    ours = run_phase("plaint", args.format, facts.files, workdir, args.workers)
    kept_planted = len(set(facts.planted) & stored_ids(Path(ours["database"])))
    cores = len(os.sched_getaffinity(0))
    report(facts, base, ours, kept_planted, cores)
    if args.json:
        args.json.write_text(json.dumps({"input": {k: v for k, v in facts.to_json().items() if k != "planted"},
                                         "floor": base, "plaint": ours, "kept_planted": kept_planted,
                                         "ratio": ours["posts"] / ours["seconds"] / (base["posts"] / base["seconds"])},
                                        indent=1))
    if args.near:
        subprocess.run([sys.executable, str(HERE / "near_duplicates.py"), "--stored", "100000", "--checked", "2000"],
                       check=True)


if __name__ == "__main__":
    main()
