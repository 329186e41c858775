"""The study model: the shipped screening model taught this study's decisions.

The texts the shipped model was trained on stay outside the package, so it cannot simply be
trained again with the decisions added. Instead the study model is stacked on it: a logistic
regression whose inputs are the shipped model's linear score, the same hashed n-grams (weighted
by the shipped model's idf) and the same lexicon cues, fitted on the posts this database's
reviewers confirmed or rejected (unsure and disputed posts left out), class-weighted, and
calibrated (Platt scaling) on its cross-validated scores. With no decision the shipped model's
score is all it has; each decision moves the n-grams and cues of the posts decided.

It needs at least two confirmed and two rejected posts (to calibrate and compare on held-out
decisions); until then the shipped model scores. It is stored in the database (an .npz of its
arrays, read with pickling refused, and a JSON card), never as a pickle. The card carries how it
compares with the shipped model, cross-validated on the decisions so far.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from plaint.errors import PlaintError
from plaint.screening.features import CUES, DIMENSIONS, cues, ngrams
from plaint.screening.model import Calibrated, ScreeningModel

if TYPE_CHECKING:
    from plaint.filters.tagging import Tags

FEATURES = "stacked-on-shipped-1"  # change with any change to what the study model reads
MIN_EACH = 2  # confirmed and rejected posts needed, each, before a study model replaces the shipped one
FOLDS = 5
REGULARISATION = 1.0  # scikit-learn's C: a few dozen decisions must not outweigh the shipped model
CUE_SCALE = 0.25  # as the shipped model's (training.CUE_SCALE)


@dataclass(frozen=True)
class StudyModel(Calibrated):
    """`base_weight` times the shipped model's linear score, plus `own`'s n-gram and cue weights
    (with the shipped idf), then `calibration`: the same interface as ScreeningModel."""

    base: ScreeningModel
    base_weight: float
    own: ScreeningModel
    calibration: tuple[float, float] = (1.0, 0.0)
    card: dict[str, Any] = field(default_factory=dict)

    @property
    def version(self) -> str:
        """Short: run counts name the scoring model in 64 characters with its thresholds; the card
        names the shipped model it is stacked on."""
        return str(self.card.get("version", "study"))

    def linear(self, places: np.ndarray, counts: np.ndarray, cue_values: np.ndarray) -> float:
        return (self.base_weight * self.base.linear(places, counts, cue_values)
                + self.own.linear(places, counts, cue_values))

    def to_bytes(self) -> bytes:
        """The arrays as an .npz (the n-gram weights sparse: only n-grams of decided posts have any)."""
        places = np.flatnonzero(self.own.weights)
        buffer = io.BytesIO()
        np.savez_compressed(buffer, base_weight=np.array([self.base_weight]), places=places.astype(np.int64),
                            weights=self.own.weights[places], cue_weights=self.own.cue_weights,
                            intercept=np.array([self.own.intercept]), calibration=np.array(self.calibration))
        return buffer.getvalue()


class StaleModel(PlaintError):
    """The stored study model was stacked on another shipped model than this plaint's."""


def from_bytes(data: bytes, card: dict[str, Any], base: ScreeningModel) -> StudyModel:
    """A stored study model, checked for shape and for the shipped model it was stacked on."""
    if card.get("base") != base.version or card.get("features") != FEATURES:
        raise StaleModel(f"the stored study model was fitted on {card.get('base')}, and this plaint ships "
                         f"{base.version}; plaint rescore fits it again")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            places = arrays["places"]
            weights = np.zeros(DIMENSIONS)
            weights[places] = arrays["weights"]
            own = ScreeningModel(weights, base.idf, arrays["cue_weights"].astype(np.float64),
                                 float(arrays["intercept"][0]))
            slope, offset = (float(x) for x in arrays["calibration"])
            model = StudyModel(base, float(arrays["base_weight"][0]), own, (slope, offset), card)
    except (OSError, KeyError, ValueError, IndexError) as exc:
        raise PlaintError(f"the study model stored in the database cannot be read ({exc}); plaint rescore "
                          "fits it again") from None
    if own.cue_weights.shape != (len(CUES),):
        raise StaleModel("the stored study model has other cues than this plaint's; plaint rescore fits it again")
    return model


@dataclass(frozen=True)
class Labelled:
    """A decided post as the study model reads it."""

    post_id: int
    normalized: str
    tags: Tags
    complaint: bool


@dataclass
class Fitted:
    model: StudyModel
    comparison: dict[str, Any]


def fit_study(examples: Sequence[Labelled], base: ScreeningModel, thresholds: tuple[float, float],
              card: dict[str, Any] | None = None) -> Fitted:
    """Fit on every example, calibrate on cross-validated scores, and compare with the shipped
    model on those same held-out scores. `thresholds`: (complaint, review) tiers' thresholds, at
    which recall and precision are reported."""
    from sklearn.model_selection import StratifiedKFold

    labels = np.asarray([e.complaint for e in examples], dtype=bool)
    fewest = min(int(labels.sum()), int((~labels).sum()))
    if fewest < MIN_EACH:
        raise PlaintError(f"a study model needs at least {MIN_EACH} confirmed and {MIN_EACH} rejected posts "
                          f"(so far {int(labels.sum())} confirmed, {int((~labels).sum())} rejected)")
    features = _features(examples, base)
    folds = StratifiedKFold(n_splits=min(FOLDS, fewest), shuffle=True, random_state=0)
    held_out = np.zeros(len(examples))
    for train, test in folds.split(np.zeros(len(labels)), labels):
        fold = _fit(features, labels, train, base)
        held_out[test] = [fold.linear(*features.row(i)) for i in test]
    calibration = _platt(held_out, labels)
    model = _fit(features, labels, np.arange(len(labels)), base)
    slope, offset = calibration
    study_scores = 1.0 / (1.0 + np.exp(-(slope * held_out + offset)))
    shipped_scores = np.asarray([base.score_features(*features.row(i)) for i in range(len(labels))])
    comparison = {"decided_posts": len(labels), "complaints": int(labels.sum()), "folds": folds.get_n_splits(),
                  "study": _measures(study_scores, labels, thresholds),
                  "shipped": _measures(shipped_scores, labels, thresholds),
                  "complaint_threshold": thresholds[0], "review_threshold": thresholds[1]}
    digest = hashlib.sha256(json.dumps([[e.post_id, e.complaint] for e in examples]).encode("utf-8"))
    digest.update(base.version.encode("utf-8"))
    full_card = {**(card or {}), "version": "study-" + digest.hexdigest()[:12], "base": base.version,
                 "features": FEATURES, "lexicons": base.card.get("lexicons"), "regularisation": REGULARISATION,
                 "complaints": int(labels.sum()), "not_complaints": int((~labels).sum()), "comparison": comparison}
    return Fitted(StudyModel(base, model.base_weight, model.own, calibration, full_card), comparison)


@dataclass
class _Features:
    ngrams: Any  # scipy.sparse.csr_matrix of n-gram weights, DIMENSIONS wide
    cues: np.ndarray
    base_linear: np.ndarray

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        start, end = self.ngrams.indptr[i], self.ngrams.indptr[i + 1]
        return self.ngrams.indices[start:end], self.ngrams.data[start:end], self.cues[i]


def _features(examples: Sequence[Labelled], base: ScreeningModel) -> _Features:
    from scipy.sparse import csr_matrix

    indptr, places, counts, cue_rows = [0], [], [], []
    for example in examples:
        found, weights = ngrams(example.normalized)
        places.append(found)
        counts.append(weights)
        indptr.append(indptr[-1] + len(found))
        cue_rows.append(cues(example.tags))
    matrix = csr_matrix((np.concatenate(counts), np.concatenate(places), np.asarray(indptr)),
                        shape=(len(examples), DIMENSIONS), dtype=np.float64)
    cue_matrix = np.asarray(cue_rows, dtype=np.float64).reshape(len(examples), len(CUES))
    partial = _Features(matrix, cue_matrix, np.zeros(len(examples)))
    partial.base_linear = np.asarray([base.linear(*partial.row(i)) for i in range(len(examples))])
    return partial


def _fit(features: _Features, labels: np.ndarray, rows: np.ndarray, base: ScreeningModel) -> StudyModel:
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    from plaint.screening.training import _normalised

    matrix = hstack([csr_matrix(features.base_linear[rows].reshape(-1, 1)),
                     _normalised(features.ngrams[rows], base.idf), features.cues[rows] * CUE_SCALE]).tocsr()
    classifier = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000, solver="lbfgs")
    with threadpool_limits(1):
        classifier.fit(matrix, labels[rows])
    coefficients = classifier.coef_[0]
    own = ScreeningModel(coefficients[1:DIMENSIONS + 1] * base.idf, base.idf,
                         coefficients[DIMENSIONS + 1:] * CUE_SCALE, float(classifier.intercept_[0]))
    return StudyModel(base, float(coefficients[0]), own)


def _platt(linear: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e6, max_iter=1000).fit(linear.reshape(-1, 1), labels)
    return float(platt.coef_[0][0]), float(platt.intercept_[0])


def _measures(scores: np.ndarray, labels: np.ndarray, thresholds: tuple[float, float]) -> dict[str, Any]:
    """AUC, average precision, and recall and precision of the complaint tier (and recall of both
    kept tiers together) at these thresholds."""
    from sklearn.metrics import average_precision_score, roc_auc_score

    complaint, review = thresholds
    in_tier = scores >= complaint
    return {"auc": round(float(roc_auc_score(labels, scores)), 3),
            "average_precision": round(float(average_precision_score(labels, scores)), 3),
            "recall_complaint_tier": round(float(in_tier[labels].mean()), 3),
            "precision_complaint_tier": round(float(labels[in_tier].mean()), 3) if in_tier.any() else None,
            "recall_kept_tiers": round(float((scores >= review)[labels].mean()), 3)}
