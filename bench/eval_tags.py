"""Precision and recall of relevance, and F1 of the suggested codes, on a labelled set.

    python bench/eval_tags.py                      # the project's set, tests/data/eval_tags.jsonl
    python bench/eval_tags.py other.jsonl -v       # any set in the same shape; -v lists the misses
    python bench/eval_tags.py --keywords mine.yaml # with another keywords file

Targets (issue 5): relevance precision and recall >= 0.90, macro-F1 over types >= 0.85, over
strategies >= 0.75. Types and strategies are scored on the texts labelled relevant.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from plaint.config import load_config
from plaint.evaluate import evaluate, read_labelled
from plaint.filters.relevance import Tagger

DEFAULT_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "eval_tags.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_SET)
    parser.add_argument("--keywords", type=Path, default=None)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every text tagged wrongly")
    args = parser.parse_args()

    result = evaluate(Tagger(load_config(args.keywords)), read_labelled(args.path))
    print(f"{args.path}: {result.texts} texts")
    r = result.relevance
    print(f"relevance   precision {r.precision:.3f}  recall {r.recall:.3f}  f1 {r.f1:.3f}  "
          f"(tp {r.tp}, fp {r.fp}, fn {r.fn})")
    for title, scores, macro in (("types", result.types, result.types_macro_f1),
                                 ("strategies", result.strategies, result.strategies_macro_f1)):
        print(f"{title}: macro-F1 {macro:.3f}")
        for code, s in scores.items():
            print(f"  {code:30s} f1 {s.f1:.3f}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
                  f"(tp {s.tp}, fp {s.fp}, fn {s.fn})")
    if args.verbose:
        for error in result.errors:
            print(json.dumps(error, ensure_ascii=False))


if __name__ == "__main__":
    main()
