"""What the fork server of an import's worker processes loads before it forks them.

A forked worker shares its parent's memory until it writes to it. langdetect's language profiles
(about 60 MB) and the shipped screening model are only read, so loaded once here they are held
once, not once in every worker. Frozen out of the cycle collector's reach, which would otherwise
write to every object it walks and so copy the pages into each worker.
"""

from __future__ import annotations

import gc

import plaint.workers  # noqa: F401  (what the workers run, imported once for all of them)
from plaint.filters.language import load_profiles
from plaint.screening.model import packaged_model

load_profiles()
packaged_model()
gc.freeze()
