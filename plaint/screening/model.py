"""The screening model: a logistic regression over a post's n-grams and lexicon cues, which gives
each post the lexicon's first pass let through a probability of being a complaint of bias.

It ships inside the package as plain numbers (`data/screening.npz`, read with pickling refused)
and a JSON card (`data/screening.json`) that says how it was trained; `scripts/train_model.py`
makes both again from the committed labels. Scoring needs numpy only: training needs
scikit-learn, which is loaded only then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from plaint.errors import PlaintError
from plaint.filters.tagging import Tags
from plaint.screening.features import CUES, DIMENSIONS, cues, ngrams

PACKAGED = "screening"  # data/screening.npz and data/screening.json inside this package


class Scorer(Protocol):
    """What scores a post: the shipped model, or the study model stacked on it (study.py)."""

    @property
    def card(self) -> dict[str, Any]: ...

    @property
    def version(self) -> str: ...

    def score(self, normalized: str, tags: Tags) -> float: ...


class Calibrated:
    """A probability from a model's `linear` score and its `calibration` (slope, offset), for the
    shipped model and the study model alike."""

    calibration: tuple[float, float]

    def linear(self, places: np.ndarray, counts: np.ndarray, cue_values: np.ndarray) -> float:
        raise NotImplementedError

    def score(self, normalized: str, tags: Tags) -> float:
        """The probability that the text is a complaint of bias; `normalized` is the text in
        `normalize_text` form, `tags` what the lexicons found in it."""
        places, counts = ngrams(normalized)
        return self.score_features(places, counts, cues(tags))

    def score_features(self, places: np.ndarray, counts: np.ndarray, cue_values: np.ndarray) -> float:
        slope, offset = self.calibration
        return float(1.0 / (1.0 + np.exp(-(slope * self.linear(places, counts, cue_values) + offset))))


@dataclass(frozen=True)
class ScreeningModel(Calibrated):
    """Weights per hashed n-gram (already multiplied by the n-gram's idf), the idf itself (for
    the length normalisation), weights per cue, the intercept, the calibration that turns the
    linear score into a probability (slope, offset: fitted on cross-validated scores of real
    posts), and the card."""

    weights: np.ndarray
    idf: np.ndarray
    cue_weights: np.ndarray
    intercept: float
    calibration: tuple[float, float] = (1.0, 0.0)
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return str(self.card.get("version", "unversioned"))

    def linear(self, places: np.ndarray, counts: np.ndarray, cue_values: np.ndarray) -> float:
        """The fitted linear score, before calibration."""
        weighted = counts * self.idf[places]
        norm = float(np.sqrt(np.dot(weighted, weighted))) or 1.0
        linear = float(np.dot(counts, self.weights[places])) / norm
        return linear + float(np.dot(cue_values, self.cue_weights)) + self.intercept

    def save(self, stem: Path) -> None:
        """Writes `stem`.npz and `stem`.json."""
        np.savez_compressed(stem.with_suffix(".npz"), weights=self.weights.astype(np.float32),
                            idf=self.idf.astype(np.float32), cue_weights=self.cue_weights.astype(np.float32),
                            intercept=np.array([self.intercept], dtype=np.float64),
                            calibration=np.array(self.calibration, dtype=np.float64))
        stem.with_suffix(".json").write_text(json.dumps(self.card, indent=2, ensure_ascii=False) + "\n",
                                             encoding="utf-8")


def read_model(npz: Any, card: dict[str, Any], where: str) -> ScreeningModel:
    """A model from its arrays (a path or file object of an .npz) and card, checked for shape."""
    try:
        with np.load(npz, allow_pickle=False) as arrays:
            slope, offset = (float(x) for x in arrays["calibration"])
            model = ScreeningModel(arrays["weights"].astype(np.float64), arrays["idf"].astype(np.float64),
                                   arrays["cue_weights"].astype(np.float64), float(arrays["intercept"][0]),
                                   (slope, offset), card)
    except (OSError, KeyError, ValueError) as exc:
        raise PlaintError(f"{where}: not a screening model plaint can read ({exc})") from None
    if model.weights.shape != (DIMENSIONS,) or model.idf.shape != (DIMENSIONS,) or \
            model.cue_weights.shape != (len(CUES),):
        raise PlaintError(f"{where}: a screening model of another shape than this plaint's features; "
                          "train it again with this version")
    return model


@lru_cache(maxsize=1)
def packaged_model() -> ScreeningModel:
    """The model shipped with plaint, loaded once per process."""
    data = resources.files("plaint.screening").joinpath("data")
    card = json.loads(data.joinpath(f"{PACKAGED}.json").read_text(encoding="utf-8"))
    with data.joinpath(f"{PACKAGED}.npz").open("rb") as handle:
        return read_model(handle, card, f"plaint/screening/data/{PACKAGED}.npz")
