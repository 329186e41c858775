"""The benchmark's input (bench/synthetic.py) is what plaint imports as the formats it imitates,
and the floor reads the same files: a benchmark that drifted from the formats would measure
nothing. Built-in vocabulary only, so the test needs nothing outside the repository."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from plaint.collectors.imports import import_sources
from plaint.filters.tagging import Tagger
from plaint.pipeline import Pipeline
from plaint.storage.models import PostRow
from plaint.storage.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import pipeline as bench
import synthetic

EXPECTED = {
    "reddit-dump": {"companions_submissions.ndjson": {"reddit-dump-submissions": 300},
                    "companions_comments.ndjson": {"reddit-dump-comments": 900}},
    "template": {"hand.jsonl": {"plaint-template": 1200}},
    "template-csv": {"hand.csv": {"plaint-template": 1200}},
    "mediacrawler": {"xhs_search_contents.jsonl": {"mediacrawler-xhs-notes": 180},
                     "xhs_search_comments.jsonl": {"mediacrawler-xhs-comments": 1020}},
}


@pytest.fixture(scope="module")
def model() -> synthetic.TextModel:
    return synthetic.TextModel.builtin()


@pytest.mark.parametrize("fmt", synthetic.FORMATS)
def test_each_format_imports_as_the_format_it_imitates(fmt: str, model, store: Store, config, tmp_path: Path) -> None:
    facts = synthetic.write(fmt, tmp_path / fmt, 1200, seed=3, model=model)
    summary = Pipeline(config, store).run(import_sources(facts.files), command="import")
    assert {Path(s).name: r.info["formats"] for s, r in summary.platforms.items()} == EXPECTED[fmt]
    assert all(r.info["bad"] == 0 for r in summary.platforms.values())
    stored = _stored(store)
    assert facts.planted and len(set(facts.planted) & stored) >= 0.8 * len(facts.planted)
    assert bench.floor(fmt, facts.files, tmp_path / "floor.db")["posts"] == 1200


def _stored(store: Store) -> set[str]:
    with store.database.session() as session:
        return set(session.scalars(select(PostRow.native_id).where(PostRow.text != "")))


def test_dump_lines_carry_the_full_field_set_escaped_as_the_dumps_are(model, tmp_path: Path) -> None:
    facts = synthetic.write("reddit-dump", tmp_path, 4000, seed=5, model=model)
    submissions, comments = ([json.loads(line) for line in path.read_text(encoding="ascii").splitlines()]
                             for path in facts.files)
    for record in submissions + comments:
        assert {"_meta", "all_awardings", "author_flair_richtext", "author_flair_type", "edited", "gildings",
                "permalink", "subreddit_id", "treatment_tags", "retrieved_on"} <= record.keys()
    assert all({"link_id", "parent_id", "body"} <= c.keys() for c in comments)
    ids = {s["name"] for s in submissions}
    assert all(c["link_id"] in ids for c in comments)
    assert {"[removed]", "[deleted]", ""} <= {s["selftext"] for s in submissions}
    assert {"[removed]", "[deleted]"} <= {c["body"] for c in comments}
    raw = facts.files[1].read_text(encoding="ascii")
    assert "\\u" in raw  # non-ASCII as escapes, as Pushshift and Arctic Shift write it
    assert 0.01 < facts.chinese / facts.lines < 0.03 and 0.003 < len(facts.planted) / facts.lines < 0.012
    assert 1200 < (facts.line_bytes - facts.text_bytes) / facts.lines < 2600  # metadata a line


def test_chinese_texts_are_sentences_not_characters_that_trip_the_lexicon(model, config) -> None:
    """No sentence of Chinese chatter is a complaint of bias to the lexicons by itself; a post of
    several is one only now and then, as real chatter is (a subject term in one sentence, 人设 or
    居然 in another)."""
    tagger = Tagger(config)
    rng = random.Random(2)
    for sentence in synthetic.ZH_CHATTER:
        tags = tagger.tag(synthetic._fill(rng, sentence), None, "xiaohongshu", None)
        assert not (tags.companion and tags.bias), sentence
    texts = synthetic.Texts(model, rng, chinese_share=1.0, complaint_share=0.0, repost_share=0.0)
    pieces = [texts.piece("note") for _ in range(2000)]
    complaints = [tagger.tag(p.text, p.title, "xiaohongshu", None) for p in pieces]
    assert sum(t.companion and t.bias for t in complaints) < 0.1 * len(pieces)


def test_a_corpus_fits_the_lengths_and_words_but_is_never_copied_whole(tmp_path: Path) -> None:
    corpus = tmp_path / "wild"
    corpus.mkdir()
    rows = [{"kind": None, "title": f"title number {i} about the app",
             "text": " ".join(["alpha", "beta"] * (1 + i % 150))} for i in range(300)]
    rows += [{"kind": None, "title": "gone", "text": "[removed]"}] * 100
    (corpus / "posts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    model = synthetic.TextModel.load(corpus)
    assert model.source == "wild" and model.posts == 300
    assert model.submission_bodies["removed"] == pytest.approx(0.25)
    assert max(model.submission_words.sample) == 300
    assert synthetic.TextModel.load(tmp_path / "absent").source == "built-in"
