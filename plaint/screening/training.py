"""Training the screening model from labelled texts, and choosing its tiers' thresholds.

scikit-learn's logistic regression, class-weighted since complaints are about one post in a
hundred, fits weights over the hashed n-grams (tf-idf, length-normalised) and the lexicon cues.
Thresholds come from cross-validated scores, never from the scores of the texts a model was fitted
on. scikit-learn is imported here only, so scoring posts never loads it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from plaint.errors import PlaintError
from plaint.filters.tagging import Tagger
from plaint.screening.features import CUES, DIMENSIONS, cues, ngrams
from plaint.screening.model import ScreeningModel
from plaint.text import normalize_text

REGULARISATION = 16.0  # scikit-learn's C: chosen on the training sources, one community held out at a time
# Texts written for plaint count less than real posts: they hold more complaints than any community,
# in a paper's words, and the model is for real posts.
WRITTEN_WEIGHT = 0.3
FOLDS = 5
# Cues are 0 or 1 where a text's n-grams together have length 1: scaled down, a cue's weight costs
# more in the regularisation, and one cue cannot decide a text on a few examples.
CUE_SCALE = 0.25
COMPLAINT_PRECISION = 0.5  # the complaint tier: at least this share of it complaints (cross-validated)
MIN_COMPLAINTS = 5  # ... and at least this many complaints in it, so that one lucky text does not decide
REVIEW_RECALL = 0.95  # the review tier: the highest threshold that keeps this share of complaints
_GONE_BODIES = ("[removed]", "[deleted]")


@dataclass(frozen=True)
class Example:
    """One labelled text. `source` is where it comes from (a corpus file, a labelled set): the
    unit of the split between training and test."""

    key: str
    source: str
    text: str
    relevant: bool
    title: str | None = None
    platform: str | None = None
    community: str | None = None
    types: tuple[str, ...] = ()
    strategies: tuple[str, ...] = ()
    doubtful: bool = False
    weight: float = 1.0  # how much the example counts in fitting


@dataclass
class Features:
    """The examples as the model reads them: n-gram counts (a sparse matrix), cues, and whether
    each passed the lexicons' first pass."""

    ngrams: Any  # scipy.sparse.csr_matrix, DIMENSIONS wide
    cues: np.ndarray
    first_pass: np.ndarray
    labels: np.ndarray
    weights: np.ndarray

    def subset(self, rows: np.ndarray) -> Features:
        return Features(self.ngrams[rows], self.cues[rows], self.first_pass[rows], self.labels[rows],
                        self.weights[rows])


@dataclass(frozen=True)
class Thresholds:
    complaint: float
    review: float


@dataclass
class TrainingReport:
    """What a training run did, for the model's card."""

    examples: dict[str, dict[str, int]] = field(default_factory=dict)  # per source: texts, complaints


@dataclass
class Trained:
    """A model fitted on all the examples, calibrated and given thresholds on the cross-validated
    scores of the real ones, and those scores (NaN where the first pass stopped a text)."""

    model: ScreeningModel
    thresholds: Thresholds
    cross_validated: np.ndarray
    features: Features


def train(examples: Sequence[Example], tagger: Tagger, real: Sequence[bool],
          regularisation: float = REGULARISATION, card: dict[str, Any] | None = None) -> Trained:
    """Fit on every example; calibrate and choose thresholds on the examples marked `real`
    (posts from the communities plaint reads, not texts written for plaint, which hold far more
    complaints than any community does)."""
    features = featurize(examples, tagger)
    linear = cross_validated_scores(features, [e.key for e in examples], regularisation)
    mask = np.asarray(real, dtype=bool)
    scored = mask & ~np.isnan(linear)
    if not features.labels[scored].any():
        raise PlaintError("calibrating needs real complaints among the texts the first pass lets through")
    model = calibrated(fit(features, regularisation, card), linear[scored], features.labels[scored])
    slope, offset = model.calibration
    probability = 1.0 / (1.0 + np.exp(-(slope * linear + offset)))
    thresholds = choose_thresholds(probability[mask], features.labels[mask])
    return Trained(model, thresholds, probability, features)


def wild_examples(labels: Path, corpus: Path) -> list[Example]:
    """The labelled real posts: labels (source file, line, codes) joined to the posts' texts in the
    corpus folder, which stays outside the repository."""
    wanted: dict[str, dict[int, dict[str, Any]]] = {}
    for number, row in _jsonl(labels):
        try:
            wanted.setdefault(str(row["source"]), {})[int(row["line"])] = row
        except (KeyError, TypeError, ValueError):
            raise PlaintError(f"{labels}, line {number}: expected a label with source and line") from None
    examples = []
    for source, lines in sorted(wanted.items()):
        path = corpus / source
        if not path.is_file():
            raise PlaintError(f"{labels} labels posts of {path}, which is not there; point --corpus at the "
                              "folder of the wild corpus (../shared/corpora/wild)")
        for line, post in _jsonl(path):
            label = lines.get(line)
            if label is None:
                continue
            if post.get("id") != label.get("id"):
                raise PlaintError(f"{path}, line {line}: id {post.get('id')!r}, but {labels} expects "
                                  f"{label.get('id')!r}; the corpus file changed")
            body = post.get("text") or ""
            examples.append(Example(
                key=f"{source}:{line}", source=source, text="" if body.strip() in _GONE_BODIES else body,
                title=post.get("title") or None, platform=post.get("platform"), community=post.get("community"),
                relevant=bool(label["relevant"]), types=tuple(label.get("types", ())),
                strategies=tuple(label.get("strategies", ())), doubtful=label.get("confidence") == "doubtful"))
    return examples


def written_examples(paths: Iterable[Path]) -> list[Example]:
    """The labelled sets written for plaint (tests/data/eval_tags*.jsonl): paper-style and Chinese."""
    examples = []
    for path in paths:
        for number, row in _jsonl(path):
            examples.append(Example(
                key=f"{path.stem}:{row.get('id', number)}", source=path.stem, text=row["text"],
                title=row.get("title"), platform=row.get("platform"), community=row.get("community"),
                relevant=bool(row["relevant"]), types=tuple(row.get("types", ())),
                strategies=tuple(row.get("strategies", ())), weight=WRITTEN_WEIGHT))
    return examples


def featurize(examples: Sequence[Example], tagger: Tagger) -> Features:
    from scipy.sparse import csr_matrix

    indptr, places, counts = [0], [], []
    cue_rows, first = [], []
    for example in examples:
        body = normalize_text("\n".join(part for part in (example.title, example.text) if part))
        tags = tagger.tag_normalized(body, example.platform, example.community)
        found, weights = ngrams(body)
        places.append(found)
        counts.append(weights)
        indptr.append(indptr[-1] + len(found))
        cue_rows.append(cues(tags))
        first.append(tags.candidate)
    matrix = csr_matrix((np.concatenate(counts) if counts else np.empty(0, np.float32),
                         np.concatenate(places) if places else np.empty(0, np.int64), np.asarray(indptr)),
                        shape=(len(examples), DIMENSIONS), dtype=np.float64)
    return Features(matrix, np.asarray(cue_rows, dtype=np.float64).reshape(len(examples), len(CUES)),
                    np.asarray(first, dtype=bool), np.asarray([e.relevant for e in examples], dtype=bool),
                    np.asarray([e.weight for e in examples], dtype=np.float64))


def fit(features: Features, regularisation: float = REGULARISATION, card: dict[str, Any] | None = None
        ) -> ScreeningModel:
    """A model fitted on these features. Only first-pass texts are fitted on: the model never
    sees any other kind."""
    from scipy.sparse import hstack
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    train = features.subset(np.flatnonzero(features.first_pass))
    if train.labels.all() or not train.labels.any():
        raise PlaintError("training needs complaints and other posts among the texts the first pass lets through")
    document_frequency = np.bincount(train.ngrams.indices, minlength=DIMENSIONS)
    idf = np.log((1 + train.ngrams.shape[0]) / (1 + document_frequency)) + 1.0
    # scipy-stubs types hstack for sparse blocks only; scipy stacks a dense block beside them as it always has.
    matrix = hstack([_normalised(train.ngrams, idf), train.cues * CUE_SCALE]).tocsr()  # type: ignore[list-item]
    classifier = LogisticRegression(C=regularisation, class_weight="balanced", max_iter=5000, solver="lbfgs")
    with threadpool_limits(1):  # the BLAS threads fight over a small problem: 3-4x slower on two cores
        classifier.fit(matrix, train.labels, sample_weight=train.weights)
    coefficients = classifier.coef_[0]
    return ScreeningModel(coefficients[:DIMENSIONS] * idf, idf, coefficients[DIMENSIONS:] * CUE_SCALE,
                          float(classifier.intercept_[0]), card=card or {})


def calibrated(model: ScreeningModel, linear: np.ndarray, labels: np.ndarray) -> ScreeningModel:
    """The model with a calibration (Platt scaling) fitted on cross-validated linear scores of
    real posts: class weights make every fitted score too high, and a score read as a
    probability should mean one."""
    from sklearn.linear_model import LogisticRegression

    platt = LogisticRegression(C=1e6, max_iter=1000).fit(linear.reshape(-1, 1), labels)
    return dataclasses.replace(model, calibration=(float(platt.coef_[0][0]), float(platt.intercept_[0])))


def scores(model: ScreeningModel, features: Features, linear: bool = False) -> np.ndarray:
    """The model's score of every text that passed the first pass (its linear score before
    calibration, with `linear`); NaN for the others."""
    out = np.full(features.ngrams.shape[0], np.nan)
    score = model.linear if linear else model.score_features
    for row in np.flatnonzero(features.first_pass):
        start, end = features.ngrams.indptr[row], features.ngrams.indptr[row + 1]
        out[row] = score(features.ngrams.indices[start:end], features.ngrams.data[start:end], features.cues[row])
    return out


def cross_validated_scores(features: Features, keys: Sequence[str], regularisation: float = REGULARISATION,
                           folds: int = FOLDS) -> np.ndarray:
    """Each text's linear score by a model fitted on the other folds (folds fixed by each text's
    key); NaN for texts the first pass stops."""
    fold = np.asarray([zlib.crc32(key.encode("utf-8")) % folds for key in keys])
    out = np.full(len(keys), np.nan)
    for k in range(folds):
        held = np.flatnonzero(fold == k)
        model = fit(features.subset(np.flatnonzero(fold != k)), regularisation)
        out[held] = scores(model, features.subset(held), linear=True)
    return out


def choose_thresholds(scored: np.ndarray, labels: np.ndarray, complaint_precision: float = COMPLAINT_PRECISION,
                      review_recall: float = REVIEW_RECALL) -> Thresholds:
    """Thresholds from cross-validated scores (NaN: texts the first pass stopped, missed).

    The complaint tier goes to the authors' list and the export unread, so its threshold is the
    lowest at which at least `complaint_precision` of the texts above it are complaints (and
    at least a few complaints are). The review tier's is the highest that keeps `review_recall`
    of the complaints in one tier or the other."""
    scored = np.where(np.isnan(scored), -1.0, scored)
    positives = np.sort(scored[labels])[::-1]
    if not len(positives):
        raise PlaintError("choosing thresholds needs labelled complaints")
    review = float(max(positives[max(1, math.ceil(review_recall * len(positives))) - 1], 0.0))
    order = np.argsort(-scored, kind="stable")
    hits = np.cumsum(labels[order])
    precision = hits / np.arange(1, len(order) + 1)
    ok = np.flatnonzero((precision >= complaint_precision) & (hits >= MIN_COMPLAINTS) & (scored[order] >= 0))
    complaint = float(scored[order][ok[-1]]) if len(ok) else float(positives[0])
    return Thresholds(complaint=_down(max(complaint, review)), review=_down(review))


def version_of(*parts: bytes) -> str:
    """A model's version: a digest of what it was made from (labels, texts, settings)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return "screening-" + digest.hexdigest()[:12]


def _down(value: float) -> float:
    """Rounded down to four places: a threshold written in keywords.yaml must not rise above the
    score it was chosen at."""
    return math.floor(value * 10_000) / 10_000


def _normalised(matrix: Any, idf: np.ndarray) -> Any:
    from scipy.sparse import csr_matrix, diags

    weighted = csr_matrix(matrix @ diags(idf))
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return csr_matrix(diags(1.0 / norms) @ weighted)


def _jsonl(path: Path) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        handle = open(path, encoding="utf-8-sig")  # noqa: SIM115 - opened apart from the `with` to report a failed open
    except OSError as exc:
        raise PlaintError(f"{path}: cannot read it ({exc.strerror})") from None
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                raise PlaintError(f"{path}, line {number}: not a JSON object") from None
            if not isinstance(row, dict):
                raise PlaintError(f"{path}, line {number}: not a JSON object")
            yield number, row
