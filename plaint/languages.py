"""The language codes plaint can give a post: langdetect's, with Chinese of either script as zh.

A neutral module: keywords.yaml's reader checks codes against it, and the language filter gives them.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def known_codes() -> frozenset[str]:
    """langdetect's languages (read from its profiles), Chinese of either script as zh."""
    profiles = resources.files("langdetect").joinpath("profiles")
    return frozenset(entry.name.split("-")[0] for entry in profiles.iterdir())
