"""Reposts across platforms: exact and near copies linked to their first sighting, in both languages."""

from __future__ import annotations

import json
import pickle
from collections import Counter
from datetime import UTC, datetime
from functools import partial

import numpy as np
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from plaint.cli import app
from plaint.export import write_corpus
from plaint.identity import LSH_BANDS, MinHasher, TextIdentity, jaccard, near_basis, shingles
from plaint.post import Annotations, Author, Kind, Post, Provenance, Visibility
from plaint.pseudonym import load_pseudonymiser
from plaint.recruit import list_candidates
from plaint.storage.models import PostBandRow, PostRow
from plaint.storage.store import Store

REDDIT = ("My Character.AI bot keeps telling my persona that women should stay home and leave decisions to "
          "men. I regenerated the reply five times and every version said the same thing. This is blatant "
          "sexism and I'm tired of it. Has anyone found a way to stop it?")
# The same post as a TikTok caption: a prefix, two words changed, hashtags and emoji added.
TIKTOK = ("reposting from reddit: My Character.AI bot keeps telling my persona that women should stay home "
          "and leave decisions to men. I regenerated the reply 5 times and every version said the same "
          "thing. This is blatant sexism and I'm so tired of it 😤 Has anyone found a way to stop it? #cai")
# Same topic, same vocabulary, different post: must stay separate.
OTHER = ("My Character.AI bot told my persona that women are too emotional to lead a team. I rerolled it "
         "twice and it kept saying it. Honestly sexist, and I don't know how to make it stop.")
XHS = ("和星野里的男主聊工作，他居然说女孩子不用那么拼，以后嫁人在家带孩子就好。这也太爹味了吧！"
       "我重新生成了好几次才正常一点，真的很无语。")
# Copied to Weibo: hashtags around it, punctuation changed, one phrase cut.
WEIBO = ("#星野# 和星野里的男主聊工作，他居然说女孩子不用那么拼，以后嫁人在家带孩子就好。这也太爹味了吧"
         "我重新生成了好几次才正常一点 转自小红书")
XHS_TRADITIONAL = ("和星野裡的男主聊工作，他居然說女孩子不用那麼拼，以後嫁人在家帶孩子就好。這也太爹味了吧！"
                   "我重新生成了好幾次才正常一點，真的很無語。")


# Posts as the relevance filter keeps them: in the complaint tier.
Kept = partial(Annotations, tier="complaint", score=0.9)


def post(native_id: str, text: str, platform: str = "reddit", handle: str | None = None, title=None) -> Post:
    return Post(platform=platform, native_id=native_id, kind=Kind.POST, provenance=Provenance("import"),
                title=title, text=text, author=Author(platform, handle or f"user_{native_id}"),
                created_at=datetime(2026, 10, 1, tzinfo=UTC), visibility=Visibility.PUBLIC)


def save(store: Store, *posts: Post) -> Counter:
    by_platform: dict[str, list] = {}
    for p in posts:
        by_platform.setdefault(p.platform, []).append((p, Kept(types=["misogyny"])))
    outcomes: Counter = Counter()
    run = store.runs.start("t")
    for platform, kept in by_platform.items():
        outcomes += store.posts.save_batch(run, platform, kept, [], [], Counter())
    return outcomes


def rows(store: Store) -> dict[str, PostRow]:
    with store.database.session() as session:
        return {r.native_id: r for r in session.scalars(select(PostRow))}


def test_shingle_similarity_of_the_fixtures() -> None:
    def similarity(a: str, b: str) -> float:
        return jaccard(shingles(near_basis(None, a)), shingles(near_basis(None, b)))

    assert similarity(REDDIT, TIKTOK) >= 0.8 and similarity(XHS, WEIBO) >= 0.8
    assert similarity(REDDIT, OTHER) < 0.5


def test_minhash_estimates_jaccard() -> None:
    hasher = MinHasher()
    a, b = shingles(near_basis(None, REDDIT)), shingles(near_basis(None, TIKTOK))
    estimate = float(np.mean(hasher.signature(a) == hasher.signature(b)))
    assert abs(estimate - jaccard(a, b)) < 0.12
    other = MinHasher()
    assert hasher.band_keys(hasher.signature(a)) == other.band_keys(other.signature(a))  # stable across runs


@pytest.mark.parametrize("title, text", [(None, REDDIT), ("同意", "同意"), (None, "lol"), ("A title", WEIBO)])
def test_a_text_identity_survives_the_trip_from_a_worker_process(title, text) -> None:
    identity = TextIdentity.of(title, text)
    copy = pickle.loads(pickle.dumps(identity))
    assert (copy.text_hash, copy.keys) == (identity.text_hash, identity.keys)
    assert all(isinstance(n, int) for pair in copy.keys for n in pair)
    for mine, theirs in ((copy.shingles, identity.shingles), (copy.signature, identity.signature)):
        assert (mine is None and theirs is None) or (mine.dtype == theirs.dtype and np.array_equal(mine, theirs))


def test_a_cross_platform_repost_in_english_is_linked_to_its_first_sighting(store: Store) -> None:
    assert save(store, post("t3_a", REDDIT)) == Counter(new=1)
    assert save(store, post("v1", TIKTOK, platform="tiktok"), post("t3_b", OTHER)) == Counter(
        {"near duplicate": 1, "new": 1})
    stored = rows(store)
    copy = stored["v1"]
    assert copy.duplicate_of == stored["t3_a"].id and copy.duplicate_kind == "near"
    assert 0.8 <= copy.similarity < 1.0
    assert stored["t3_b"].duplicate_of is None


def test_a_chinese_repost_from_xiaohongshu_to_weibo_is_linked(store: Store) -> None:
    save(store, post("note1", XHS, platform="xiaohongshu"))
    assert save(store, post("mblog1", WEIBO, platform="weibo")) == Counter({"near duplicate": 1})
    assert rows(store)["mblog1"].duplicate_of == rows(store)["note1"].id


def test_traditional_characters_are_the_same_text(store: Store) -> None:
    save(store, post("note1", XHS, platform="xiaohongshu"))
    assert save(store, post("mblog1", XHS_TRADITIONAL, platform="weibo")) == Counter(duplicate=1)


def test_copies_within_one_batch_and_copies_of_copies_point_at_the_original(store: Store) -> None:
    assert save(store, post("t3_a", REDDIT), post("t3_b", TIKTOK)) == Counter({"new": 1, "near duplicate": 1})
    third = TIKTOK.replace("reposting from reddit", "saw this on tiktok")
    assert save(store, post("t3_c", third)) == Counter({"near duplicate": 1})
    stored = rows(store)
    assert stored["t3_b"].duplicate_of == stored["t3_c"].duplicate_of == stored["t3_a"].id


def test_short_texts_are_never_near_copies(store: Store) -> None:
    assert save(store, post("t1_a", "same here, the bot is sexist"),
                post("t1_b", "same here, the bot is so sexist")) == Counter(new=2)


def test_the_original_erased_leaves_its_copy_standing_and_indexed(store: Store) -> None:
    save(store, post("t3_a", REDDIT))
    save(store, post("v1", TIKTOK, platform="tiktok"))
    run = store.runs.start("t")
    store.posts.save_batch(run, "reddit", [], [post("t3_a", REDDIT)], [], Counter())
    stored = rows(store)
    assert stored["v1"].duplicate_of is None and stored["v1"].duplicate_kind is None
    with store.database.session() as session:
        bands = dict(session.execute(select(PostBandRow.post_id, func.count()).group_by(PostBandRow.post_id)).all())
    assert stored["t3_a"].id not in bands and bands[stored["v1"].id] == LSH_BANDS
    # A later repost of the same text now links to the copy that took the original's place.
    assert save(store, post("t3_z", REDDIT + " (edited)")) == Counter({"near duplicate": 1})
    assert rows(store)["t3_z"].duplicate_of == stored["v1"].id


def test_candidates_and_export_count_the_original_once_and_list_its_copies(store: Store, tmp_path) -> None:
    save(store, post("t3_a", REDDIT, handle="first_poster"))
    save(store, post("v1", TIKTOK, platform="tiktok", handle="reposter"))
    assert [c.handle for c in list_candidates(store.database, load_pseudonymiser())] == ["first_poster"]
    out = tmp_path / "corpus.jsonl"
    assert write_corpus(store.database, out, load_pseudonymiser()).rows == 1
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["copies"] == 1 and len(row["copy_post_ids"]) == 1 and row["copy_post_ids"][0].startswith("p_")


def test_plaint_copies_lists_each_copy_with_its_original(store: Store, tmp_path) -> None:
    save(store, post("t3_a", REDDIT), post("t3_x", REDDIT, handle="crossposter"))
    save(store, post("v1", TIKTOK, platform="tiktok"))
    result = CliRunner().invoke(app, ["copies", "--db", store.database.url, "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert sorted((c["copy_platform"], c["kind"]) for c in listed) == [("reddit", "exact"), ("tiktok", "near")]
    assert all(c["original_platform"] == "reddit" for c in listed)


def test_shingles_are_the_crc32_of_each_distinct_4_gram_of_the_utf8_text() -> None:
    """The same hashes however they are computed (ASCII texts are sliced as bytes): stored
    signatures and band keys depend on them."""
    import zlib

    for words in ("abcdabcdxyzabcd", "womenbelonginthekitchensosexist" * 3, "女生就该在家带孩子太厌女了",
                  "mixed文字abcd文字", "caféaucaféoléé", "a" * 40, "abcd"):
        grams = {words[i:i + 4] for i in range(len(words) - 3)}
        expected = np.unique(np.array([zlib.crc32(g.encode("utf-8")) for g in grams], dtype=np.uint64))
        assert np.array_equal(shingles(words), expected), words
    rng = np.random.default_rng(5)
    for length in [*range(8), 100, 3000]:  # every ASCII byte, short texts, and past a block
        words = bytes(rng.integers(0, 128, length, dtype=np.uint8)).decode("ascii")
        grams = {words[i:i + 4] for i in range(len(words) - 3)}
        expected = np.unique(np.array([zlib.crc32(g.encode("utf-8")) for g in grams], dtype=np.uint64))
        assert shingles(words).dtype == np.uint64 and np.array_equal(shingles(words), expected), length


def test_signature_is_the_minimum_of_each_universal_hash() -> None:
    """Worked in blocks and without `%`, the signature is still min((a*x + b) mod p) for each of
    the 120 hash functions: stored signatures and band keys depend on it."""
    from plaint.identity import _PRIME

    rng = np.random.default_rng(11)
    hasher = MinHasher()
    for size in (1, 5, 255, 256, 257, 1000):
        hashes = np.unique(rng.integers(0, 2**32, size, dtype=np.uint64))
        hashes[-1] = 2**32 - 1  # the largest a CRC can be: a*x + b stays below 2**64
        expected = ((hasher._a[:, None] * hashes[None, :] + hasher._b[:, None]) % _PRIME).min(axis=1)  # type: ignore[attr-defined]
        assert np.array_equal(hasher.signature(hashes), expected), size
