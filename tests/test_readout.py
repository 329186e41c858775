"""Candidates and the exported corpus: who may be contacted, and what leaves the database."""

from __future__ import annotations

import csv
import json
import os
import stat
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from plaint.errors import ConfigError
from plaint.export import COLUMNS, load_pseudonymiser, write_corpus
from plaint.post import Author, Kind, Post, Provenance, Visibility
from plaint.recruit import list_candidates
from plaint.storage.store import Annotations, Store


def post(native_id: str, handle: str | None, text: str, **fields) -> Post:
    author = Author("reddit", handle, f"t2_{handle}", f"https://www.reddit.com/user/{handle}/") if handle else None
    return Post(platform="reddit", native_id=native_id, kind=Kind.POST, provenance=Provenance("reddit_api", "q"),
                url=f"https://www.reddit.com/r/CharacterAI/comments/{native_id}/", title="Bot complaint",
                text=text, author=author, created_at=datetime(2026, 10, int(native_id[-1]) + 1, tzinfo=timezone.utc),
                visibility=Visibility.PUBLIC, community="CharacterAI", **fields)


@pytest.fixture
def filled(store: Store) -> Store:
    run = store.start_run("t")
    kept = [
        (post("t3_1", "alice_writes", "My bot said women belong in the kitchen. Sexist!"),
         Annotations("en", ["misogyny"], ["backtrack_regenerate_rewrite"])),
        (post("t3_2", "alice_writes", "Now it calls me fat every time I mention dinner."),
         Annotations("en", ["appearance"], ["low_feedback_score"])),
        (post("t3_3", "locked_larry", "The bot made a racist joke and the thread got locked."),
         Annotations("en", ["racism"], [], no_contact="locked thread")),
        (post("t3_4", None, "Account deleted but the post about a homophobic bot stays up."),
         Annotations("en", ["lgbtq"], [], no_contact="no author")),
        (post("t3_5", "copycat", "My bot said women belong in the kitchen. Sexist!"),
         Annotations("en", ["misogyny"], [])),
        (post("t3_6", "gone_gina", "A classist bot told me poor people don't deserve friends."),
         Annotations("en", ["socioeconomic"], [])),
        (post("t3_7", "teen_tom", "Older post by someone who later said they are fifteen, about an ableist bot."),
         Annotations("en", ["ableism"], [])),
    ]
    store.save_batch(run, "reddit", kept, [], [Author("reddit", "teen_tom")], Counter())
    store.save_batch(run, "reddit", [], [post("t3_6", "gone_gina", "", deleted=True)], [], Counter())
    return store


def test_candidates_follow_the_contact_rules(filled: Store) -> None:
    candidates = list_candidates(filled.database)
    assert [c.handle for c in candidates] == ["alice_writes"]  # copy, locked, no author, erased, minor: out
    alice = candidates[0]
    assert alice.posts == 2 and alice.types == ["appearance", "misogyny"]
    assert alice.strategies == ["backtrack_regenerate_rewrite", "low_feedback_score"]
    assert alice.profile_url == "https://www.reddit.com/user/alice_writes/"
    assert alice.latest_post_at == datetime(2026, 10, 3, tzinfo=timezone.utc)
    assert alice.latest_post_url.endswith("/t3_2/")


def test_export_has_no_handle_or_url_and_counts_copies(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "corpus.csv"
    assert write_corpus(filled.database, out, load_pseudonymiser()) == 5  # the copy and the erased post are out
    data = out.read_bytes()
    for secret in (b"alice_writes", b"locked_larry", b"teen_tom", b"reddit.com", b"t2_", b"t3_1", b"copycat"):
        assert secret not in data
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0]) == COLUMNS
    first = next(r for r in rows if r["text"].startswith("My bot said women"))
    assert first["copies"] == "1" and first["types"] == "misogyny" and first["author"].startswith("a_")
    assert first["code_types"] == first["code_strategies"] == first["coder_notes"] == ""
    assert len({r["author"] for r in rows if r["author"]}) == 3


def test_pseudonyms_are_stable_per_key_and_differ_between_keys(filled: Store, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def authors(name: str) -> list[str]:
        out = tmp_path / name
        write_corpus(filled.database, out, load_pseudonymiser())
        return [json.loads(line)["author"] for line in out.read_text(encoding="utf-8").splitlines()]

    first, second = authors("a.jsonl"), authors("b.jsonl")
    assert first == second
    monkeypatch.setenv("PLAINT_SECRET", "another-team-secret-of-enough-length")
    assert all(a != b for a, b in zip(first, authors("c.jsonl")) if a)


def test_key_file_is_created_private_once(tmp_path: Path) -> None:
    first = load_pseudonymiser()
    assert first.created and Path(first.source).is_file()
    assert stat.S_IMODE(os.stat(first.source).st_mode) == 0o600
    second = load_pseudonymiser()
    assert not second.created and second.secret == first.secret
    assert second("a", "reddit", "x") == first("a", "reddit", "x") != second("a", "reddit", "y")


def test_a_short_secret_or_an_unknown_suffix_is_refused(filled: Store, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match=r"\.csv or \.jsonl"):
        write_corpus(filled.database, tmp_path / "corpus.xls", load_pseudonymiser())
    monkeypatch.setenv("PLAINT_SECRET", "short")
    with pytest.raises(ConfigError, match="PLAINT_SECRET is shorter"):
        load_pseudonymiser()
