"""The screening model: shipped in the package as numbers, the same scores every time, trained
again from the committed labels to the same model, and asked only about what the first pass lets
through."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from plaint.config import default_config
from plaint.errors import PlaintError
from plaint.filters.relevance import Screen
from plaint.pipeline import LEXICONS_DIFFER, Pipeline
from plaint.post import Kind, Post, Provenance, Visibility
from plaint.screening import training
from plaint.screening.features import CUES, DIMENSIONS, ngrams
from plaint.screening.model import ScreeningModel, packaged_model, read_model
from plaint.sorting import Sorter
from plaint.text import normalize_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpora" / "wild"
TEXTS = ["My bot keeps calling my male persona a girl even though he is a guy.",
         "角色一直嘲笑我的身材，说我胖，我重新生成了好几次。",
         "My character is a tall guy, here is his outfit!"]


def test_the_packaged_model_gives_the_same_scores_every_time() -> None:
    screen = Screen(default_config())
    first = [screen.judge(text, None, "reddit", "CharacterAI").score for text in TEXTS]
    packaged_model.cache_clear()
    again = [Screen(default_config()).judge(text, None, "reddit", "CharacterAI").score for text in TEXTS]
    assert first == again and all(score is not None and 0.0 < score < 1.0 for score in first)
    assert packaged_model().version.startswith("screening-")


def test_the_shipped_thresholds_are_the_model_cards() -> None:
    card = packaged_model().card["thresholds"]
    shipped = default_config().screening
    assert (shipped.complaint, shipped.review) == (card["complaint"], card["review"])
    assert yaml.safe_load((ROOT / "plaint" / "keywords.yaml").read_text(encoding="utf-8"))["screening"] == \
        {"complaint": card["complaint"], "review": card["review"]}


def test_ngrams_are_stable_hashes_of_words_letters_and_han_characters() -> None:
    places, counts = ngrams(normalize_text("Misgendered again, misgendered AGAIN"))
    assert places.dtype == np.int64 and ((places >= 0) & (places < DIMENSIONS)).all()
    assert counts.max() == pytest.approx(1 + np.log(2))  # each n-gram twice
    shared = set(ngrams("misgendered")[0]) & set(ngrams("misgendering")[0])
    assert len(shared) >= 5  # the letter 4-grams the two words share
    han, _ = ngrams("身材羞辱")
    assert len(han) == 4 + 3 + 2  # 1-, 2- and 3-grams of four characters
    assert list(ngrams(normalize_text("身材羞辱"))[0]) == list(han)


def test_a_model_file_that_holds_pickled_objects_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.npz"
    np.savez(path, weights=np.array([object()], dtype=object))
    with pytest.raises(PlaintError, match="not a screening model"):
        read_model(path, {}, str(path))


def test_a_model_of_another_shape_is_refused(tmp_path: Path) -> None:
    stem = tmp_path / "small"
    ScreeningModel(np.zeros(8), np.ones(8), np.zeros(len(CUES)), 0.0).save(stem)
    with pytest.raises(PlaintError, match="another shape"):
        read_model(stem.with_suffix(".npz"), {}, "small.npz")


def test_the_model_is_asked_only_about_posts_the_first_pass_lets_through(monkeypatch, config) -> None:
    asked: Counter[str] = Counter()
    score = ScreeningModel.score

    def counting(self: ScreeningModel, normalized: str, tags) -> float:  # type: ignore[no-untyped-def]
        asked[normalized] += 1
        return score(self, normalized, tags)

    monkeypatch.setattr(ScreeningModel, "score", counting)
    sorter = Sorter(config)
    counts: Counter = Counter()
    for text in ("The app is down again", "My bot is so slow today", *TEXTS):
        post = Post(platform="reddit", native_id=text, kind=Kind.POST, provenance=Provenance("reddit_api"),
                    community="CharacterAI", text=text, visibility=Visibility.PUBLIC)
        sorter.sort(post, counts, "test")
    assert sum(asked.values()) == 3 and all(n == 1 for n in asked.values())
    assert counts[("test", "relevance", "no bias or identity term")] == 2


def test_the_model_ships_in_the_wheel_and_loads_from_it(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("plaint-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        card = json.loads(archive.read("plaint/screening/data/screening.json"))
        model = read_model(io.BytesIO(archive.read("plaint/screening/data/screening.npz")), card, wheel.name)
    shipped = packaged_model()
    assert model.version == shipped.version and np.array_equal(model.weights, shipped.weights)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the wild corpus (../shared/corpora/wild) is not here")
def test_training_again_from_the_committed_labels_gives_the_shipped_model() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import train_model
    finally:
        sys.path.pop(0)
    model, thresholds = train_model.train(CORPUS)
    shipped = packaged_model()
    assert model.version == shipped.version
    assert np.allclose(model.weights, shipped.weights, atol=1e-4)
    assert model.calibration == pytest.approx(shipped.calibration, abs=1e-4)
    assert (thresholds.complaint, thresholds.review) == (shipped.card["thresholds"]["complaint"],
                                                          shipped.card["thresholds"]["review"])
    examples = training.written_examples(sorted((ROOT / "tests" / "data").glob("eval_tags*.jsonl")))
    features = training.featurize(examples, Screen(default_config()).tagger)
    assert np.allclose(np.nan_to_num(training.scores(model, features)),
                       np.nan_to_num(training.scores(shipped, features)), atol=1e-4)


def test_a_run_with_other_lexicons_than_the_models_says_so(store, config) -> None:  # type: ignore[no-untyped-def]
    edited = dataclasses.replace(config, bias_terms=(*config.bias_terms, "unfair"))
    assert Pipeline(edited, store).run({}).warnings == [LEXICONS_DIFFER]
    assert Pipeline(default_config(), store).run({}).warnings == []
