"""The store: what plaint keeps of runs and posts, one part for each thing it knows.

A consumer holds one Store and reaches for the part it needs:

- `runs` (runs.py): run rows and their counts, started, finished, ended at once or found dead;
- `cursors` (cursors.py): where each search stopped;
- `posts` (posts.py): writing a batch of posts and their authors, one transaction each;
- `erasure` (erasure.py): erasing posts gone from their platform, forgetting an author;
- `sweep` (sweeping.py): the stored posts `plaint sweep` asks the platforms about again;
- `forgotten` (forgotten.py): the forgotten authors, read once a run, whose later posts are
  stored without them.
"""

from __future__ import annotations

from plaint.pseudonym import Pseudonymiser
from plaint.storage.cursors import Cursors
from plaint.storage.database import Database
from plaint.storage.erasure import Erasure
from plaint.storage.forgotten import ForgottenList
from plaint.storage.posts import Posts
from plaint.storage.runs import Runs
from plaint.storage.sweeping import SweepQueries


class Store:
    """The one object consumers hold: its parts each know one thing about what is stored."""

    def __init__(self, database: Database, pseudonym: Pseudonymiser | None = None) -> None:
        """`pseudonym`: the key forgotten authors are recognised by (default: load_pseudonymiser,
        read only if the database has forgotten anyone)."""
        self.database = database
        self.forgotten = ForgottenList(database, pseudonym)
        self.runs = Runs(database, self.forgotten)
        self.cursors = Cursors(database)
        self.posts = Posts(database, self.forgotten)
        self.erasure = Erasure(database, self.forgotten)
        self.sweep = SweepQueries(database)
