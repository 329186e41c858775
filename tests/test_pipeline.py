"""A whole run: collectors, filters and storage together, with what each stage did counted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import yaml
from sqlalchemy import select

from plaint.collectors.reddit import RedditCollector, connect
from plaint.demo import demo_config
from plaint.demo.cassette import cassette_session, load_interactions
from plaint.errors import CollectorUnavailable
from plaint.pipeline import Pipeline
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.queries import Query
from plaint.storage.models import PostRow, RunCountRow, RunRow
from plaint.storage.store import Store

SPEC = Path(__file__).resolve().parents[1] / "scripts" / "demo_threads.yaml"
CREDENTIALS = {"REDDIT_CLIENT_ID": "test-id", "REDDIT_CLIENT_SECRET": "test-secret"}


def demo_source(interactions=None):
    if interactions is None:
        with resources.as_file(resources.files("plaint.demo").joinpath("reddit_demo.json")) as path:
            interactions = load_interactions(path)
    session, _ = cassette_session(interactions)
    reddit = connect(session, env=CREDENTIALS)
    return lambda: RedditCollector(reddit, demo_config())


def expectations() -> dict[str, str]:
    """What scripts/demo_threads.yaml says the pipeline must do with each thread and comment."""
    expected: dict[str, str] = {}

    def walk(items, prefix):
        for item in items:
            expected[f"{prefix}_{item['id']}"] = item["expect"]
            walk(item.get("replies", []), "t1")

    for thread in yaml.safe_load(SPEC.read_text(encoding="utf-8"))["threads"]:
        expected[f"t3_{thread['id']}"] = thread["expect"]
        walk(thread.get("comments", []), "t1")
    return expected


def stored(store: Store) -> dict[str, PostRow]:
    with store.database.session() as session:
        return {r.native_id: r for r in session.scalars(select(PostRow))}


def test_every_demo_record_meets_its_written_expectation(store: Store) -> None:
    summary = Pipeline(demo_config(), store).run({"reddit": demo_source()})
    assert summary.status == "ok"
    rows = stored(store)
    for native_id, expect in expectations().items():
        row = rows.get(native_id)
        if expect.startswith("kept"):
            assert row is not None and row.duplicate_of is None, native_id
            assert bool(row.no_contact) == ("never contacted" in expect), native_id
            assert row.tier == ("review" if "review tier" in expect else "complaint"), native_id
            assert row.relevance_score is not None and 0.0 < row.relevance_score < 1.0, native_id
        elif expect.startswith("duplicate of"):
            original = rows[f"t3_{expect.split()[-1]}"]
            assert row is not None and row.duplicate_of == original.id, native_id
        else:
            assert row is None, native_id
    dropped = {(stage, outcome): n for (_, stage, outcome), n in summary.counts.items()}
    for native_id, expect in expectations().items():
        if not expect.startswith(("kept", "duplicate")):
            reason = expect.split(" (")[0]
            assert any(outcome == reason for (_, outcome) in dropped), (native_id, reason)


def test_counts_add_up_and_are_stored_with_the_run(store: Store) -> None:
    summary = Pipeline(demo_config(), store).run({"reddit": demo_source()})
    found = summary.total("found")
    dropped = sum(n for (_, stage, _), n in summary.counts.items() if stage in ("tos", "relevance", "language"))
    assert found == 21 and found == dropped + summary.total("kept")
    assert summary.total("kept") == summary.total("stored")
    with store.database.session() as session:
        run = session.get_one(RunRow, summary.run_id)
        assert run.status == "ok" and run.ended_at is not None
        assert run.platforms == {"reddit": {"status": "ok", "detail": "21 posts"}}
        saved = {(c.source, c.stage, c.outcome): c.count
                 for c in session.scalars(select(RunCountRow).where(RunCountRow.run_id == run.id))}
    assert saved == dict(summary.counts)


def test_langdetect_runs_only_where_nothing_cheaper_decides(store: Store) -> None:
    summary = Pipeline(demo_config(), store).run({"reddit": demo_source()})
    reached_language = summary.total("kept") + summary.total("language")
    assert reached_language == 13 and summary.total("found") == 21  # 8 were dropped by cheaper filters
    # Of the 13 that reached the language filter, the Chinese ones are decided by script and the
    # English ones by their function words: only the Spanish post needs langdetect.
    assert summary.langdetect_calls == 1 and summary.total("language", "other language") == 1


def test_a_second_run_stops_where_the_first_ended_and_a_full_run_rewalks(store: Store) -> None:
    def cassette():
        with resources.as_file(resources.files("plaint.demo").joinpath("reddit_demo.json")) as path:
            return cassette_session(load_interactions(path))

    Pipeline(demo_config(), store).run({"reddit": demo_source()})
    session, adapter = cassette()
    reddit = connect(session, env=CREDENTIALS)
    again = Pipeline(demo_config(), store).run({"reddit": lambda: RedditCollector(reddit, demo_config())})
    searches = [r for r in adapter.requests if "/search/" in r]
    assert len(searches) == 1  # one request for the query: its newest post was seen last time
    assert again.total("stored", "new") == 0 and again.total("found") == 0
    full = Pipeline(demo_config(), store)
    full.full = True
    rewalk = full.run({"reddit": demo_source()})
    assert rewalk.total("stored", "new") == 0 and rewalk.total("stored", "duplicate") == 0
    assert rewalk.total("stored", "unchanged") == rewalk.total("kept") == 12


def test_a_skipped_platform_does_not_stop_the_others(store: Store) -> None:
    def no_token():
        raise CollectorUnavailable("TikTok needs TIKTOK_CLIENT_KEY")

    summary = Pipeline(demo_config(), store).run({"tiktok": no_token, "reddit": demo_source()})
    assert summary.status == "partial"
    assert summary.platforms["tiktok"].status == "skipped"
    assert "TIKTOK_CLIENT_KEY" in summary.platforms["tiktok"].detail
    assert summary.platforms["reddit"].status == "ok" and summary.total("stored", "new") == 11


def test_a_platform_failing_midway_keeps_what_it_stored(store: Store) -> None:
    with resources.as_file(resources.files("plaint.demo").joinpath("reddit_demo.json")) as path:
        interactions = load_interactions(path)
    first_page_only = [i for i in interactions if "after=" not in i["request"]["uri"]]
    summary = Pipeline(demo_config(), store, batch_size=3).run({"reddit": demo_source(first_page_only)})
    assert summary.status == "failed"
    assert summary.platforms["reddit"].status == "failed"
    assert "could not be reached" in summary.platforms["reddit"].detail
    rows = stored(store)
    assert "t3_1q0aa14" in rows and "t3_1q0aa01" not in rows  # page 1 (the newest) kept, page 2 never came
    with store.database.session() as session:
        assert session.get_one(RunRow, summary.run_id).status == "failed"


class TwoSearches:
    """A collector whose two searches both find the same complaint (as two keyword searches of
    one subreddit do)."""

    platform = "reddit"

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def queries(self) -> list[Query]:
        return [Query("reddit", "CharacterAI", "sexist"), Query("reddit", "CharacterAI", "misogyny")]

    def search(self, query: Query) -> Iterator[Post]:
        yield Post(platform="reddit", native_id="t3_same", kind=Kind.POST, provenance=Provenance("reddit_api"),
                   community="CharacterAI", text="My Character.AI bot said women belong in the kitchen. So sexist.",
                   author=Author("reddit", "someone"), created_at=datetime(2026, 11, 1, tzinfo=UTC),
                   visibility=Visibility.PUBLIC)


def test_a_post_found_by_two_searches_is_sorted_and_stored_once(store: Store) -> None:
    summary = Pipeline(demo_config(), store).run({"reddit": TwoSearches})
    assert summary.counts[("reddit", "repeat", "seen again this run")] == 1
    assert summary.total("found") == 1 and summary.total("kept") == 1
    assert summary.total("stored") == 1 and list(stored(store)) == ["t3_same"]


def test_a_search_is_stored_before_its_cursor_moves_past_it(store: Store) -> None:
    """A run killed after a search's cursor was saved must not leave that search's posts
    unstored: later runs start where the cursor says and would never see them again."""
    stored_when_noted: list[list[str]] = []
    note = store.cursors.note

    def noting(query: Query, results: int, newest: datetime | None = None) -> None:
        stored_when_noted.append(sorted(stored(store)))
        note(query, results, newest)

    store.cursors.note = noting  # type: ignore[method-assign]
    Pipeline(demo_config(), store).run({"reddit": TwoSearches})
    assert stored_when_noted == [["t3_same"], ["t3_same"]]
