"""Time the near-duplicate check against a database of stored posts (default 100,000).

    python bench/near_duplicates.py [--stored 100000] [--checked 2000] [--db /tmp/near.db] [--similar]

Fills a fresh SQLite database with --stored posts through plaint's own store (so their LSH band
keys are indexed as in real use), then stores --checked more posts, some of them reposts, and
reports the time per checked post. The check is an index lookup of 16 band keys plus an exact
comparison with the few candidates, so its cost should not grow with the database.

--similar stores complaints written from one template instead (bench/synthetic.py), the worst
case: they crowd the same band keys by the thousand. A --db that already holds --stored posts
is not filled again, so one filled database can be timed by two versions of plaint.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from synthetic import posts, similar_posts

from plaint.identity import TextIdentity
from plaint.post import Annotations, Author, Kind, Post, Provenance, Visibility
from plaint.storage.copies import CopyLinker
from plaint.storage.database import Database
from plaint.storage.store import Store

BATCH = 1000
LINK_SECONDS = [0.0]
_link = CopyLinker.link
_identify = TextIdentity.of.__func__  # type: ignore[attr-defined]


def _timed_link(self: CopyLinker, rows):  # type: ignore[no-untyped-def]
    """CopyLinker.link, timed: the lookups and decisions of the copy check."""
    started = time.perf_counter()
    try:
        return _link(self, rows)
    finally:
        LINK_SECONDS[0] += time.perf_counter() - started


def _timed_identity(cls, title, text, *rest):  # type: ignore[no-untyped-def]
    """TextIdentity.of, timed: the hashes and shingles the check compares (an import computes
    them in its worker processes)."""
    started = time.perf_counter()
    try:
        return _identify(cls, title, text, *rest)
    finally:
        LINK_SECONDS[0] += time.perf_counter() - started


CopyLinker.link = _timed_link  # type: ignore[method-assign]
TextIdentity.of = classmethod(_timed_identity)  # type: ignore[method-assign, assignment]


def as_post(item: dict) -> Post:
    return Post(platform=item["platform"], native_id=item["id"], kind=Kind.POST, provenance=Provenance("import"),
                text=item["text"], author=Author(item["platform"], item["author"]),
                created_at=datetime.fromtimestamp(item["created_utc"], tz=UTC),
                visibility=Visibility.PUBLIC)


def store_all(store: Store, items: list[dict]) -> tuple[float, Counter]:
    outcomes: Counter = Counter()
    run = store.runs.start("bench")
    started = time.perf_counter()
    for start in range(0, len(items), BATCH):
        by_platform: dict[str, list] = {}
        for item in items[start:start + BATCH]:
            by_platform.setdefault(item["platform"], []).append((as_post(item), Annotations()))
        for platform, kept in by_platform.items():
            outcomes += store.posts.save_batch(run, platform, kept, [], [], Counter())
    return time.perf_counter() - started, outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--checked", type=int, default=2_000)
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--similar", action="store_true", help="posts written from one template (the worst case)")
    args = parser.parse_args()

    path = args.db or Path(tempfile.mkdtemp()) / "near.db"
    store = Store(Database(f"sqlite:///{path}"))
    count = args.stored + args.checked
    everything = list(similar_posts(count) if args.similar else posts(count, repost_share=0.05))
    with sqlite3.connect(path) as raw:
        held = raw.execute("select count(*) from posts").fetchone()[0]
    if held >= args.stored:
        print(f"{path} holds {held:,} posts already: not filled again")
    else:
        seconds, outcomes = store_all(store, everything[:args.stored])
        print(f"filled {path} with {args.stored:,} posts in {seconds:.1f} s ({args.stored / seconds:,.0f} posts/s); "
              f"{dict(outcomes)}")
    if not args.checked:
        return
    LINK_SECONDS[0] = 0.0
    seconds, outcomes = store_all(store, everything[args.stored:])
    print(f"stored {args.checked:,} more posts against {args.stored:,}: {seconds / args.checked * 1000:.2f} ms "
          f"per post, of which the copy check (exact and near) {LINK_SECONDS[0] / args.checked * 1000:.2f} ms; "
          f"{dict(outcomes)}")


if __name__ == "__main__":
    main()
