"""Candidate participants and contact status: who may be invited, and who never again."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from functools import partial

import pytest
from sqlalchemy import delete, select

from plaint.errors import ConfigError, PlaintError
from plaint.post import Annotations, Author, Kind, Post, Provenance, Visibility
from plaint.pseudonym import load_pseudonymiser
from plaint.recruit import (
    CandidateFilter,
    contact_history,
    forget_author,
    list_candidates,
    sample_candidates,
    set_contact_status,
)
from plaint.sampling import allocate, sample
from plaint.storage.models import AuthorRow, PostBandRow, PostRow
from plaint.storage.store import Store

# Posts as the relevance filter keeps them: in the complaint tier.
Kept = partial(Annotations, tier="complaint", score=0.9)


def post(native_id: str, handle: str | None, text: str, day: int = 1, platform: str = "reddit", **fields) -> Post:
    author = Author(platform, handle, f"id_{handle}", f"https://example.org/u/{handle}") if handle else None
    return Post(platform=platform, native_id=native_id, kind=Kind.POST, provenance=Provenance(
                "reddit_api" if platform == "reddit" else "import"),
                url=f"https://example.org/p/{native_id}", title="Bot complaint", text=text, author=author,
                created_at=datetime(2026, 10, day, tzinfo=UTC), visibility=Visibility.PUBLIC, **fields)


def keep(store: Store, platform: str, *items) -> None:
    store.posts.save_batch(store.runs.start("t"), platform, list(items), [], [], Counter())


@pytest.fixture
def filled(store: Store) -> Store:
    keep(store, "reddit",
         (post("t3_1", "alice_writes", "My bot said women belong in the kitchen. Sexist!", 2),
          Kept("en", ["misogyny"], ["backtrack_regenerate_rewrite"])),
         (post("t3_2", "alice_writes", "Now it calls me fat every time I mention dinner.", 9),
          Kept("en", ["appearance"], ["low_feedback_score"])),
         (post("t3_3", "locked_larry", "The bot made a racist joke and the thread got locked."),
          Kept("en", ["racism"], [], no_contact="locked thread")),
         (post("t3_4", None, "Account deleted but the post about a homophobic bot stays up."),
          Kept("en", ["lgbtq"], [], no_contact="no author")),
         (post("t3_5", "copycat", "My bot said women belong in the kitchen. Sexist!", 3),  # copied a day later
          Kept("en", ["misogyny"])),
         (post("t3_6", "gone_gina", "A classist bot told me poor people don't deserve friends."),
          Kept("en", ["socioeconomic"])),
         (post("t3_7", "gone_gina", "Another post of hers, still public, about an ableist bot reply."),
          Kept("en", ["ableism"])),
         (post("t3_8", "teen_tom", "An older post by someone who later said they are fifteen, ableist bot."),
          Kept("en", ["ableism"])),
         (post("t3_9", "dnc_dan", "A racist companion bot reply that I argued with for an hour.", 5),
          Kept("en", ["racism"], ["reason_and_preach"])))
    keep(store, "weibo", (post("m1", "微博用户", "筑梦岛的角色说我胖，身材羞辱，我直接骂回去了", 20, platform="weibo"),
                          Kept("zh", ["appearance"], ["anger_expression"])))
    run = store.runs.start("t")
    store.posts.save_batch(run, "reddit", [], [post("t3_6", "gone_gina", "", deleted=True)],
                           [Author("reddit", "teen_tom")], Counter())
    set_contact_status(store.database, load_pseudonymiser(), "reddit:dnc_dan", "do-not-contact", "asked us not to")
    return store


def handles(store: Store, **where) -> list[str]:
    return [c.handle for c in list_candidates(store.database, load_pseudonymiser(), CandidateFilter(**where))]


def test_only_contactable_authors_are_listed(filled: Store) -> None:
    assert handles(filled) == ["alice_writes", "微博用户"]  # locked, no author, copy, deleted, minor, dnc: out


def test_candidate_columns(filled: Store) -> None:
    alice = list_candidates(filled.database, load_pseudonymiser())[0]
    assert alice.posts == 2 and alice.types == ["misogyny", "appearance"]
    assert alice.strategies == ["backtrack_regenerate_rewrite", "low_feedback_score"]
    assert alice.profile_url == "https://example.org/u/alice_writes"
    assert alice.message_url == "https://www.reddit.com/message/compose/?to=alice_writes"
    assert alice.first_post_at == datetime(2026, 10, 2, tzinfo=UTC)
    assert alice.latest_post_at == datetime(2026, 10, 9, tzinfo=UTC)
    assert alice.post_urls == ["https://example.org/p/t3_1", "https://example.org/p/t3_2"]
    assert alice.contact_status == "new"
    weibo = list_candidates(filled.database, load_pseudonymiser())[1]
    assert weibo.message_url is None  # no page to write from that plaint knows of


def test_candidate_filters(filled: Store) -> None:
    assert handles(filled, platforms=("weibo",)) == ["微博用户"]
    assert handles(filled, types=("appearance",)) == ["alice_writes", "微博用户"]
    assert handles(filled, types=("misogyny",)) == ["alice_writes"]
    assert handles(filled, strategies=("anger_expression",)) == ["微博用户"]
    assert handles(filled, min_posts=2) == ["alice_writes"]
    assert handles(filled, since=datetime(2026, 10, 15, tzinfo=UTC)) == ["微博用户"]
    with pytest.raises(PlaintError, match="unknown type 'sexism'"):
        CandidateFilter(types=("sexism",))


def test_contact_status_history_is_time_stamped(filled: Store) -> None:
    pseudonym = load_pseudonymiser()
    set_contact_status(filled.database, pseudonym, "alice_writes", "invited", "DM sent")
    set_contact_status(filled.database, pseudonym, "reddit:Alice_Writes", "agreed")
    events = contact_history(filled.database, pseudonym, "reddit", "alice_writes")
    assert [(e["status"], e["note"]) for e in events] == [("invited", "DM sent"), ("agreed", None)]
    assert events[0]["at"] <= events[1]["at"]
    assert list_candidates(filled.database, pseudonym)[0].contact_status == "agreed"
    with pytest.raises(PlaintError, match="status 'maybe'"):
        set_contact_status(filled.database, pseudonym, "alice_writes", "maybe")
    with pytest.raises(PlaintError, match="no stored author 'nobody'"):
        set_contact_status(filled.database, pseudonym, "nobody", "invited")


def test_a_handle_on_two_platforms_must_be_named_with_its_platform(filled: Store) -> None:
    keep(filled, "douban", (post("d1", "alice_writes", "豆瓣上也有她，AI角色说女生就该听话，太厌女了",
                                 platform="douban"),
                            Kept("zh", ["misogyny"])))
    with pytest.raises(PlaintError, match="several authors"):
        set_contact_status(filled.database, load_pseudonymiser(), "alice_writes", "invited")


def test_do_not_contact_survives_a_purge_and_a_new_sighting(filled: Store) -> None:
    with filled.database.session() as session, session.begin():  # an author purged by hand or by `forget`
        post_id = session.scalar(select(PostRow.id).where(PostRow.native_id == "t3_9"))
        session.execute(delete(PostBandRow).where(PostBandRow.post_id == post_id))
        session.execute(delete(PostRow).where(PostRow.id == post_id))
        session.execute(delete(AuthorRow).where(AuthorRow.handle == "dnc_dan"))
    keep(filled, "reddit", (post("t3_99", "dnc_dan", "A new racist bot complaint by the same person.", 28),
                            Kept("en", ["racism"])))
    assert "dnc_dan" not in handles(filled)
    # An author plaint has never stored can be put on the list too (someone who wrote to the team).
    set_contact_status(filled.database, load_pseudonymiser(), "weibo:later_person", "do-not-contact")
    keep(filled, "weibo", (post("m2", "later_person", "AI男友说我胖，我很生气，给它打了一星", 29, platform="weibo"),
                           Kept("zh", ["appearance"])))
    assert "later_person" not in handles(filled)


def test_do_not_contact_under_another_key_is_refused_not_ignored(filled: Store, monkeypatch) -> None:
    """Do-not-contact is forever: read with a key that is not the list's, nobody on it would be
    recognised, so listing candidates is refused rather than listing them again."""
    set_contact_status(filled.database, load_pseudonymiser(), "reddit:alice_writes", "do-not-contact")
    assert "alice_writes" not in handles(filled)
    monkeypatch.setenv("PLAINT_SECRET", "another-secret-of-enough-length")
    with pytest.raises(ConfigError, match="do-not-contact list under another pseudonym key"):
        list_candidates(filled.database, load_pseudonymiser())
    monkeypatch.delenv("PLAINT_SECRET")
    assert "alice_writes" not in handles(filled)  # the list's own key: listed as before, and she is not


def test_candidate_samples_are_reproducible_and_stratified(filled: Store) -> None:
    for i in range(30):
        keep(filled, "douban", (post(f"d{i}", f"douban_user{i}", f"AI角色说女生就该听话，第{i}个帖子，太厌女了",
                                     platform="douban"),
                                Kept("zh", ["misogyny"])))
    everyone = list_candidates(filled.database, load_pseudonymiser())
    first = sample_candidates(everyone, 8, seed=42, stratify="platform")
    assert first == sample_candidates(everyone, 8, seed=42, stratify="platform")
    assert first != sample_candidates(everyone, 8, seed=43, stratify="platform")
    assert Counter(c.platform for c in first) == Counter(douban=8)  # 30 of 32 authors: 7.5 seats, rounded up
    assert len(sample_candidates(everyone, 100, seed=1, stratify=None)) == len(everyone)


def test_allocation_is_proportional_and_exact() -> None:
    assert allocate({"reddit": 60, "weibo": 30, "douban": 10}, 77) == {"reddit": 46, "weibo": 23, "douban": 8}
    assert sum(allocate({"a": 1, "b": 1, "c": 1}, 2).values()) == 2
    items = [f"id{i}" for i in range(100)]
    drawn = sample(items, 10, seed=5, identity=str, stratum=lambda s: "even" if int(s[2:]) % 2 == 0 else "odd")
    assert len(drawn) == 10 and sum(int(s[2:]) % 2 == 0 for s in drawn) == 5
    assert drawn == sorted(drawn)


def test_forget_removes_an_author_everywhere_and_for_good(filled: Store, tmp_path) -> None:
    from typer.testing import CliRunner

    from plaint.cli import app

    keep(filled, "reddit", (post("t3_50", "copy_of_alice", "My bot said women belong in the kitchen. Sexist!"),
                            Kept("en", ["misogyny"])))
    result = CliRunner().invoke(app, ["forget", "reddit:alice_writes", "--db", filled.database.url])
    assert result.exit_code == 0 and "2 posts erased" in result.output
    with filled.database.session() as session:
        rows = {r.native_id: r for r in session.scalars(select(PostRow))}
        assert session.scalar(select(AuthorRow).where(AuthorRow.handle == "alice_writes")) is None
    assert rows["t3_1"].text == "" and rows["t3_1"].tombstoned_at is not None and rows["t3_2"].author_id is None
    assert "alice_writes" not in handles(filled)
    # Seen again later (a re-import, a new scrape): the erased posts stay erased, the author unlisted.
    keep(filled, "reddit", (post("t3_1", "alice_writes", "My bot said women belong in the kitchen. Sexist!"),
                            Kept("en", ["misogyny"])),
         (post("t3_77", "alice_writes", "A brand new complaint about a racist companion bot."),
          Kept("en", ["racism"])))
    with filled.database.session() as session:
        assert session.scalar(select(PostRow.text).where(PostRow.native_id == "t3_1")) == ""
    assert "alice_writes" not in handles(filled)
    history = contact_history(filled.database, load_pseudonymiser(), "reddit", "alice_writes")
    assert history[-1]["status"] == "do-not-contact"


def forgotten_rows(store: Store, *native_ids: str) -> list[PostRow]:
    with store.database.session() as session:
        return list(session.scalars(select(PostRow).where(PostRow.native_id.in_(native_ids))
                                    .order_by(PostRow.native_id)))


def test_a_forgotten_author_later_posts_are_stored_without_them_and_counted(filled: Store, tmp_path) -> None:
    import csv

    from typer.testing import CliRunner

    from plaint.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["forget", "reddit:alice_writes", "--db", filled.database.url]).exit_code == 0
    counts: Counter = Counter()
    run = filled.runs.start("t")
    filled.posts.save_batch(run, "reddit", [
        (post("t3_200", "alice_writes", "A brand new complaint: the bot said women cannot lead a team."),
         Kept("en", ["misogyny"])),
        (post("t3_201", "Alice_Writes", "And another: it called me fat when I said I had pizza for dinner."),
         Kept("en", ["appearance"])),
        (post("t3_202", "someone_else", "A classist bot told me poor people should not have hobbies at all."),
         Kept("en", ["socioeconomic"]))], [], [Author("reddit", "alice_writes")], counts)
    assert counts[("reddit", "forgotten", "stored without the author")] == 2
    first, second, other = forgotten_rows(filled, "t3_200", "t3_201", "t3_202")
    for row in (first, second):
        assert row.text and row.author_id is None and row.url is None
        assert row.no_contact == "author asked to be forgotten"
    assert other.author_id is not None and other.url
    with filled.database.session() as session:
        assert session.scalar(select(AuthorRow).where(AuthorRow.handle.ilike("alice_writes"))) is None
    assert "alice_writes" not in handles(filled) and "someone_else" in handles(filled)
    # Seen again with its author: still without them.
    filled.posts.save_batch(filled.runs.start("t"), "reddit", [
        (post("t3_200", "alice_writes", "A brand new complaint: the bot said women cannot lead a team."),
         Kept("en", ["misogyny"]))], [], [], Counter())
    assert forgotten_rows(filled, "t3_200")[0].author_id is None
    named = runner.invoke(app, ["export", "--db", filled.database.url, "--out", "named.csv", "--identified"])
    assert named.exit_code == 0, named.output
    with open(tmp_path / "named.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert not any("alice" in json.dumps(row).lower() for row in rows)
    assert any(row["text"].startswith("A brand new complaint") and row["author_handle"] == "" for row in rows)


def test_an_author_not_stored_yet_can_be_forgotten_ahead(filled: Store) -> None:
    from typer.testing import CliRunner

    from plaint.cli import app

    result = CliRunner().invoke(app, ["forget", "weibo:later_person", "--db", filled.database.url])
    assert result.exit_code == 0 and "forgot weibo:later_person: 0 posts erased" in result.output
    assert CliRunner().invoke(app, ["forget", "nobody_at_all", "--db", filled.database.url]).exit_code == 2
    keep(filled, "weibo", (post("m9", "later_person", "AI男友说我胖，我很生气，给它打了一星", 29, platform="weibo"),
                           Kept("zh", ["appearance"])))
    assert forgotten_rows(filled, "m9")[0].author_id is None


def test_a_run_under_another_pseudonym_key_is_refused_once_someone_is_forgotten(filled: Store, monkeypatch) -> None:
    from plaint.errors import ConfigError

    forget_author(filled.database, load_pseudonymiser(), "reddit:alice_writes")
    monkeypatch.setenv("PLAINT_SECRET", "a-different-key-of-enough-length")
    with pytest.raises(ConfigError, match="1 author\\(s\\) were forgotten under another pseudonym key than "
                                          "PLAINT_SECRET"):
        Store(filled.database).runs.start("scrape")
