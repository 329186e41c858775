"""The `plaint` command: each module holds one group of commands, and each command parses its
arguments, calls the package, and prints. Nothing else lives here.

    base.py      the app, the options every command shares, exit statuses, error reporting
    collect.py   scrape, import, add, demo: posts in
    screen.py    tag, rescore, review, agreement, screenings import: deciding what is a complaint
    corpus.py    runs, stats, copies, export, report: the corpus out
    people.py    candidates, contact, forget: the people behind the posts
    maintain.py  sweep, init, db upgrade, version, --version
"""

from __future__ import annotations

# isort: off
# Each module registers its commands on the app; --help lists them in this order.
from plaint.cli import collect, screen, people, corpus, maintain  # noqa: F401
# isort: on
from plaint.cli.base import EXIT_INTERRUPTED, EXIT_NOTHING_RAN, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, app

__all__ = ["EXIT_INTERRUPTED", "EXIT_NOTHING_RAN", "EXIT_OK", "EXIT_PARTIAL", "EXIT_USAGE", "app", "main"]


def main() -> None:
    app()


