"""Storage on real SQLite files: upserts, repeat sightings, copies, erasure, atomic batches."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from plaint.errors import ConfigError
from plaint.identity import fingerprint
from plaint.post import Annotations, Author, Kind, Post, Provenance, Visibility
from plaint.storage.database import Database, StorageError, database_url
from plaint.storage.models import AuthorRow, PostRow
from plaint.storage.store import Store

TEXT = "The companion bot told me women should stay quiet and let men decide. So sexist."


# Posts as the relevance filter keeps them: in the complaint tier.
Kept = partial(Annotations, tier="complaint", score=0.9)


def post(native_id: str, text: str = TEXT, **fields) -> Post:
    defaults = dict(platform="reddit", native_id=native_id, kind=Kind.POST,
                    provenance=Provenance("reddit_api", "q"), title="A title", text=text,
                    author=Author("reddit", f"author_{native_id}", None, "https://www.reddit.com/user/x/"),
                    created_at=datetime(2026, 10, 1, 12, 0, tzinfo=UTC), score=10, num_comments=2,
                    visibility=Visibility.PUBLIC, community="CharacterAI")
    defaults.update(fields)
    return Post(**defaults)


def save(store: Store, run_id: int, posts, gone=(), minors=()) -> Counter:
    return store.posts.save_batch(run_id, "reddit", [(p, Kept(language="en", types=["misogyny"])) for p in posts],
                                  list(gone), list(minors), Counter())


def rows(store: Store) -> dict[str, PostRow]:
    with store.database.session() as session:
        return {r.native_id: r for r in session.scalars(select(PostRow))}


def test_the_same_input_twice_stores_nothing_new(store: Store, tmp_path: Path) -> None:
    batch = [post("t3_a"), post("t3_b", text="Another complaint: the AI mocked my wheelchair, ableist.")]
    assert save(store, store.runs.start("t"), batch) == Counter(new=2)
    assert save(store, store.runs.start("t"), batch) == Counter(unchanged=2)
    with store.database.engine.connect() as raw:  # the rows themselves, read without plaint's models
        assert raw.exec_driver_sql("select count(*) from posts").fetchone() == (2,)
        assert raw.exec_driver_sql("select count(*) from authors").fetchone() == (2,)


def test_a_later_sighting_refreshes_engagement_and_last_seen(store: Store) -> None:
    first = store.runs.start("t")
    save(store, first, [post("t3_a")])
    before = rows(store)["t3_a"]
    second = store.runs.start("t")
    assert save(store, second, [post("t3_a", score=99, num_comments=7)]) == Counter(updated=1)
    after = rows(store)["t3_a"]
    assert (after.score, after.num_comments) == (99, 7)
    assert after.first_run_id == first and after.last_run_id == second
    assert after.last_seen >= before.last_seen and after.first_seen == before.first_seen


def test_a_partial_copy_never_overwrites_a_complete_one(store: Store) -> None:
    save(store, store.runs.start("t"), [post("t3_a")])
    partial = post("t3_a", text="", title=None, created_at=None, score=None, author=None, community=None)
    assert save(store, store.runs.start("t"), [partial]) == Counter(unchanged=1)
    row = rows(store)["t3_a"]
    assert row.text == TEXT and row.title == "A title" and row.score == 10 and row.community == "CharacterAI"
    assert row.author_id is not None and row.created_at == datetime(2026, 10, 1, 12, tzinfo=UTC)


def test_reposted_text_is_linked_to_its_first_sighting(store: Store) -> None:
    run = store.runs.start("t")
    save(store, run, [post("t3_a")])
    # A cross-post: same words, other case, spacing, punctuation and a link; and a copy in the same batch.
    repost = post("t3_b", title="xpost", text="the companion bot told me: women should stay quiet and let men "
                                                "decide!!  so SEXIST https://example.com/x")
    same_batch = [post("t3_c", text="Fresh complaint: it called me fat in Chinese, 说我胖, again and again."),
                  post("t3_d", text="Fresh complaint: it called me fat in Chinese, 说我胖, again and again.")]
    outcomes = save(store, run, [repost, *same_batch])
    assert outcomes == Counter(new=1, duplicate=2)
    stored = rows(store)
    assert stored["t3_b"].duplicate_of == stored["t3_a"].id
    assert stored["t3_d"].duplicate_of == stored["t3_c"].id and stored["t3_c"].duplicate_of is None


def test_short_texts_are_not_taken_for_copies() -> None:
    assert fingerprint(None, "lol same") is None
    assert fingerprint("Same here", "+1") is None
    assert fingerprint(None, "同意") is None
    assert fingerprint("Bot called me fat", "+1") is not None  # a short body is taken with its title


def test_a_post_gone_from_the_platform_is_erased_and_never_stored_again(store: Store) -> None:
    run = store.runs.start("t")
    save(store, run, [post("t3_a"), post("t3_copy", title="x")])
    assert rows(store)["t3_copy"].duplicate_of == rows(store)["t3_a"].id
    save(store, run, [], gone=[post("t3_a", deleted=True)])
    erased = rows(store)["t3_a"]
    assert erased.tombstoned_at is not None
    assert (erased.text, erased.title, erased.url, erased.author_id, erased.terms) == ("", None, None, None, {})
    assert rows(store)["t3_copy"].duplicate_of is None  # the public copy now stands for itself
    assert save(store, store.runs.start("t"), [post("t3_a")]) == Counter(tombstoned=1)
    assert rows(store)["t3_a"].text == ""


def test_a_post_kept_and_gone_in_one_batch_is_erased_as_across_two(store: Store) -> None:
    """A large import stores a thousand posts a batch: a post and its later deletion can share one."""
    save(store, store.runs.start("t"), [post("t3_a"), post("t3_copy", title="x"), post("t3_b", text="Another "
         "complaint: the AI mocked my wheelchair, ableist.")], gone=[post("t3_a", deleted=True), post("t3_b")])
    stored = rows(store)
    assert stored["t3_a"].tombstoned_at is not None and stored["t3_a"].text == ""
    assert stored["t3_b"].tombstoned_at is not None and stored["t3_copy"].tombstoned_at is None
    assert stored["t3_copy"].duplicate_of is None  # its original is gone: it stands for itself
    assert save(store, store.runs.start("t"), [post("t3_a")]) == Counter(tombstoned=1)


def test_a_failed_batch_rolls_back_alone(store: Store) -> None:
    run = store.runs.start("t")
    save(store, run, [post("t3_a")])
    naive_time = post("t3_bad", created_at=datetime(2026, 1, 1))  # no timezone: refused at write
    with pytest.raises(Exception, match="timezone-aware"):
        save(store, run, [post("t3_b", text="A second complaint about a racist bot, stored with the bad one."),
                          naive_time])
    assert set(rows(store)) == {"t3_a"}


def test_authors_who_state_they_are_minors_are_remembered(store: Store) -> None:
    save(store, store.runs.start("t"), [], minors=[Author("reddit", "teen")])
    with store.database.session() as session:
        author = session.scalar(select(AuthorRow).where(AuthorRow.handle == "teen"))
    assert author is not None and author.stated_minor


def test_times_come_back_as_utc(store: Store) -> None:
    from datetime import timedelta

    beijing = timezone(timedelta(hours=8))
    save(store, store.runs.start("t"), [post("t3_a", created_at=datetime(2026, 10, 2, 5, 0, tzinfo=beijing))])
    assert rows(store)["t3_a"].created_at == datetime(2026, 10, 1, 21, 0, tzinfo=UTC)


def test_database_url_from_path_url_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert database_url("study.db") == f"sqlite:///{tmp_path / 'study.db'}"
    assert database_url("postgresql+psycopg://u:p@host/db") == "postgresql+psycopg://u:p@host/db"
    monkeypatch.setenv("PLAINT_DB", str(tmp_path / "env.db"))
    assert database_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    with pytest.raises(ConfigError, match="does not exist"):
        database_url(str(tmp_path / "no" / "such" / "folder" / "x.db"))


def test_a_database_that_is_not_one_is_refused_clearly(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StorageError, match="is damaged or is not a SQLite database"):
        Database(database_url(str(not_a_db)))
    assert "my notes" in not_a_db.read_text()


def test_the_post_record_serialises(store: Store) -> None:
    record = post("t3_a").to_dict()
    assert record["kind"] == "post" and record["visibility"] == "public"
    assert record["created_at"] == "2026-10-01T12:00:00+00:00"
    assert dataclasses.asdict(post("t3_a"))["author"]["handle"] == "author_t3_a"


def test_rows_inserted_through_the_driver_are_stored_as_sqlalchemy_stores_them(store: Store) -> None:
    """insert_rows (new posts and authors of an import) skips SQLAlchemy's per-row handling but
    uses its bind processors: zoned dates, JSON, booleans, bytes and NULLs read back identical,
    raw, to a row SQLAlchemy inserted."""
    from sqlalchemy import Table, insert

    from plaint.storage import insert_rows
    from plaint.storage.sightings import new_row

    run_id = store.runs.start("t")
    when = datetime(2026, 10, 2, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    notes = Kept(language="zh", types=["misogyny"], strategies=["overriding"], terms={"bias": ["厌女"]})
    odd = post("t3_raw", title=None, text="女生就该在家", score=None, nsfw=True,
               created_at=datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=-5))))
    values = new_row(odd, notes, None, None, run_id, when)
    values["minhash"] = b"\x00\x01\xff"
    table: Table = PostRow.__table__  # type: ignore[assignment]
    with store.database.session() as session, session.begin():
        insert_rows(session.connection(), table, [{**values, "native_id": "by_driver"}])
        session.execute(insert(table), [{**values, "native_id": "by_sqlalchemy"}])
    with store.database.engine.connect() as raw:
        found = {row[2]: row[3:] for row in raw.exec_driver_sql(
            "select * from posts where native_id in ('by_driver', 'by_sqlalchemy')")}
    assert found["by_driver"] == found["by_sqlalchemy"]
    stored = rows(store)["by_driver"]
    assert stored.created_at == datetime(2026, 1, 1, 5, tzinfo=UTC) and stored.terms == {"bias": ["厌女"]}
    with store.database.session() as session, pytest.raises(ValueError, match="no value for text"):
        insert_rows(session.connection(), table, [{k: v for k, v in values.items() if k != "text"}])
