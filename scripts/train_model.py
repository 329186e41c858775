"""Train the screening model shipped in plaint/screening/data/ again, from the committed labels.

    python scripts/train_model.py                                 # writes plaint/screening/data/screening.*
    python scripts/train_model.py --corpus ../shared/corpora/wild --out /tmp/screening
    python scripts/train_model.py --check                         # compare with the shipped model

It reads labels/wild.jsonl (labels of real posts, by source file and line; the posts themselves
are in the wild corpus, outside this repository) and the labelled sets tests/data/eval_tags*.jsonl,
fits the model on all of them, and chooses the tiers' thresholds from 5-fold cross-validated
scores. It prints the thresholds to put under `screening:` in keywords.yaml. Training is
deterministic: the same labels and corpus give the same model, byte for byte in its weights.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

from plaint.config import default_config
from plaint.errors import PlaintError
from plaint.filters.tagging import Tagger
from plaint.screening import training
from plaint.screening.features import CUES, DIMENSIONS, FEATURES, lexicon_fingerprint
from plaint.screening.model import PACKAGED, packaged_model

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "labels" / "wild.jsonl"
WRITTEN = sorted((ROOT / "tests" / "data").glob("eval_tags*.jsonl"))
CORPUS = ROOT.parent / "shared" / "corpora" / "wild"
OUT = ROOT / "plaint" / "screening" / "data" / PACKAGED


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the wild corpus folder")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write STEM.npz and STEM.json")
    parser.add_argument("--check", action="store_true", help="train, and compare with the shipped model "
                        "instead of writing")
    args = parser.parse_args()
    try:
        model, thresholds = train(args.corpus)
    except PlaintError as exc:
        print(f"train_model: {exc}", file=sys.stderr)
        return 2
    if args.check:
        shipped = packaged_model()
        difference = float(np.max(np.abs(shipped.weights - model.weights)))
        same = shipped.version == model.version
        print(f"shipped {shipped.version}, trained {model.version}; largest weight difference {difference:.2e}")
        return 0 if same and difference < 1e-4 else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out}.npz and .json: {model.version}")
    print(f"thresholds for keywords.yaml:\nscreening:\n  complaint: {thresholds.complaint}\n"
          f"  review: {thresholds.review}")
    return 0


def train(corpus: Path) -> tuple[training.ScreeningModel, training.Thresholds]:
    config = default_config()
    tagger = Tagger(config)
    wild = training.wild_examples(LABELS, corpus)
    examples = wild + training.written_examples(WRITTEN)
    trained = training.train(examples, tagger, [i < len(wild) for i in range(len(examples))])
    thresholds = trained.thresholds
    sources: dict[str, Counter[str]] = {}
    for example, passed in zip(examples, trained.features.first_pass, strict=True):
        counts = sources.setdefault(example.source, Counter())
        counts["texts"] += 1
        counts["complaints"] += example.relevant
        counts["first pass"] += bool(passed)
    lexicons = lexicon_fingerprint(config)
    version = training.version_of(LABELS.read_bytes(), *(p.read_bytes() for p in WRITTEN), lexicons.encode(),
                                  "\n".join(e.text for e in examples).encode("utf-8"),
                                  f"{FEATURES} {training.REGULARISATION} {DIMENSIONS} {CUES}".encode())
    trained.model.card.update({
        "version": version,
        "made_by": "scripts/train_model.py",
        "classifier": f"logistic regression (scikit-learn), C={training.REGULARISATION}, class-weighted",
        "features": f"{FEATURES}: words, word pairs, letter 4-grams, Han 1-3-grams hashed into 2^18 places "
                    "(tf-idf, l2-normalised), and lexicon cues",
        "cues": list(CUES),
        "trained_on": {source: dict(counts) for source, counts in sorted(sources.items())},
        "lexicons": lexicons,
        "thresholds": {"complaint": thresholds.complaint, "review": thresholds.review,
                       "rule": f"complaint: cross-validated precision >= {training.COMPLAINT_PRECISION}; "
                               f"review: cross-validated recall >= {training.REVIEW_RECALL}, "
                               "both on real posts"},
    })
    return trained.model, thresholds


if __name__ == "__main__":
    sys.exit(main())
