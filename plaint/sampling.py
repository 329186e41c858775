"""Reproducible samples: the same rows, seed and strata always give the same sample.

Strata get seats in proportion to their size (largest remainder), so a sample of 77 from a
corpus that is 60% Reddit has 46 Reddit posts; within a stratum the seeded draw decides.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TypeVar

from plaint.errors import ConfigError

T = TypeVar("T")


def check_sample(size: int | None, seed: int | None) -> None:
    """A sample is of one or more, and has a seed (the same one then draws the same sample)."""
    if size is not None and size < 1:
        raise ConfigError(f"--sample {size}: a sample is of 1 or more; leave --sample out for all of them")
    if size is not None and seed is None:
        raise ConfigError("--sample needs --seed, so the same sample can be drawn again")


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Seats per stratum, proportional to its size, summing to `total` (largest remainder)."""
    population = sum(sizes.values())
    if total >= population:
        return dict(sizes)
    exact = {name: total * size / population for name, size in sizes.items()}
    seats = {name: math.floor(share) for name, share in exact.items()}
    left = total - sum(seats.values())
    for name in sorted(exact, key=lambda n: (-(exact[n] - seats[n]), n))[:left]:
        seats[name] += 1
    return seats


def sample(items: Sequence[T], size: int, seed: int, identity: Callable[[T], str],
           stratum: Callable[[T], str] | None = None) -> list[T]:
    """`size` items drawn with `seed`, proportionally from each stratum; returned in identity order."""
    ordered = sorted(items, key=identity)
    if size >= len(ordered):
        return ordered
    rng = random.Random(seed)
    if stratum is None:
        return sorted(rng.sample(ordered, size), key=identity)
    groups: dict[str, list[T]] = defaultdict(list)
    for item in ordered:
        groups[stratum(item)].append(item)
    seats = allocate({name: len(group) for name, group in groups.items()}, size)
    chosen: list[T] = []
    for name in sorted(groups):
        chosen.extend(rng.sample(groups[name], seats[name]))
    return sorted(chosen, key=identity)
