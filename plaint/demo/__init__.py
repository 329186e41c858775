"""`plaint demo`: the whole pipeline over recorded Reddit answers, with no network or credentials.

The cassette (written for the demo, in the shapes Reddit's API answers with) is replayed under
PRAW, so the demo runs the same collector, filters, storage and read-out as a real scrape.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from plaint.collectors.reddit import RedditCollector, connect
from plaint.config import Config, default_config
from plaint.export import ExportOptions, write_corpus
from plaint.pipeline import Pipeline, Progress, RunSummary
from plaint.pseudonym import Pseudonymiser
from plaint.recruit import Candidate, list_candidates
from plaint.storage.database import Database
from plaint.storage.store import Store

# The one query the cassette answers; a real scrape builds its queries from keywords.yaml.
DEMO_QUERY = ('sexist OR misogyny OR homophobic OR misgendered OR racist OR ableist OR "fat shaming" '
              'OR classist OR discrimination OR 歧视')
DEMO_DB = "plaint-demo.db"
DEMO_EXPORT = "plaint-demo-corpus.csv"
_CREDENTIALS = {"REDDIT_CLIENT_ID": "demo-client", "REDDIT_CLIENT_SECRET": "demo-secret"}


@dataclass
class DemoResult:
    summary: RunSummary
    candidates: list[Candidate]
    export_path: Path
    exported: int
    unplayed: list[str]


def demo_config() -> Config:
    """The packaged keywords.yaml, with the demo's single recorded query."""
    config = default_config()
    return dataclasses.replace(config, reddit=dataclasses.replace(config.reddit, queries=(DEMO_QUERY,)))


def run_demo(database: Database, export_path: Path, pseudonym: Pseudonymiser,
             progress: Progress | None = None) -> DemoResult:
    cassette = resources.files("plaint.demo").joinpath("reddit_demo.json")
    with resources.as_file(cassette) as path:
        from plaint.demo.cassette import cassette_session, load_interactions  # requests: only for the demo

        session, adapter = cassette_session(load_interactions(path))
    config = demo_config()
    reddit = connect(session, env=_CREDENTIALS)
    pipeline = Pipeline(config, Store(database), progress=progress)
    pipeline.full = True  # every demo walks the whole recording, so a second one shows re-sightings
    summary = pipeline.run({"reddit": lambda: RedditCollector(reddit, config)}, command="demo")
    exported = write_corpus(database, export_path, pseudonym, ExportOptions(force=True)).rows  # its own file
    return DemoResult(summary, list_candidates(database, pseudonym), export_path, exported, adapter.unplayed())

