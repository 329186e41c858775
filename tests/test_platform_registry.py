"""Every platform is one definition in plaint/platforms, and every consumer reads it there.

The first tests fail when a platform lacks a part a consumer needs; the last shows that adding an
import-only platform is one definition: the terms-of-service filter, the template import,
`plaint add` and the candidate list all take it with nothing else changed."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plaint import platforms
from plaint.cli import app
from plaint.config import default_config
from plaint.filters.tos import TosFilter
from plaint.platforms import ADD_URL, ARCHIVE_DUMP, IMPORT, Platform
from plaint.post import Author, Kind, Post, Provenance, Visibility

EVERY = sorted(platforms.every())


def test_the_loader_finds_every_platform_module() -> None:
    modules = {p.stem for p in Path(platforms.__file__).parent.glob("*.py") if not p.stem.startswith("_")}
    assert set(EVERY) == modules
    assert {"reddit", "tiktok", "zhihu", "weibo", "douban", "tieba", "xiaohongshu", "douyin"} <= set(EVERY)
    assert next(iter(platforms.every())) == "reddit"  # a scrape searches Reddit first


@pytest.mark.parametrize("name", EVERY)
def test_a_platform_has_what_the_filters_pages_and_recruitment_read(name: str) -> None:
    platform = platforms.every()[name]
    assert platform.name == name and platform.label and platform.hosts
    assert platform.allows(IMPORT), "every platform can be imported"
    for host in platform.hosts:
        assert platforms.of_url(f"https://www.{host}/some/page") is platform
    assert platform.page is not None or platform.not_fetched, "plaint add must read its pages or say why not"
    if platform.page is not None:
        assert callable(platforms.load(platform.page.parser)) and platform.page.host.endswith(platform.hosts)
    assert platform.public_routes <= platform.all_routes
    special = {IMPORT, ADD_URL, ARCHIVE_DUMP}
    assert set(platform.limits) <= platform.all_routes
    assert platform.all_routes - special <= set(platform.limits), "a methods section must say what a route misses"
    if platform.message_url is not None:
        assert "{handle}" in platform.message_url


@pytest.mark.parametrize("name", sorted(platforms.searchable()))
def test_a_searchable_platform_has_a_collector_and_settings(name: str) -> None:
    platform = platforms.every()[name]
    collector = platforms.load(platform.collector or "")
    for method in ("from_environment", "queries", "search"):
        assert callable(getattr(collector, method))
    assert platform.settings is not None and platform.read_settings is not None
    settings = getattr(default_config(), name)
    assert isinstance(settings, platform.settings)
    assert {f.name for f in fields(platform.settings)}, "keywords.yaml platforms.<name> reads these"


@pytest.mark.parametrize("name", sorted(platforms.sweepable()))
def test_a_sweepable_platform_names_a_sweeper(name: str) -> None:
    platform = platforms.every()[name]
    assert callable(platforms.load(platform.sweeper or ""))
    if platform.sweeper == "plaint.sweep:page_sweeper":
        assert platform.url_of_thread("42"), "a page sweep fetches the thread's page again"


def test_a_broken_reference_is_caught() -> None:
    with pytest.raises(AttributeError):
        platforms.load("plaint.sweep:no_such_sweeper")


BILIBILI = Platform(name="bilibili", label="Bilibili", hosts=("bilibili.com",),
                    not_fetched="Bilibili's pages are read by import only")


@pytest.fixture
def bilibili(monkeypatch: pytest.MonkeyPatch) -> Platform:
    monkeypatch.setitem(platforms.every(), "bilibili", BILIBILI)
    return BILIBILI


def test_an_unknown_platform_is_refused_by_name(config) -> None:
    post = Post(platform="bilibili", native_id="1", kind=Kind.POST, provenance=Provenance(IMPORT), text="x",
                visibility=Visibility.PUBLIC)
    assert TosFilter(config.tos).check(post).reason == "unknown platform"


def test_a_new_import_only_platform_is_one_definition(bilibili: Platform, tmp_path: Path) -> None:
    text = "My Character.AI bot keeps calling me a girl after I told it I'm a man, it ignores my pronouns. So annoying."
    post = Post(platform="bilibili", native_id="1", kind=Kind.POST, provenance=Provenance(IMPORT), text=text,
                author=Author("bilibili", "up_zhu"), visibility=Visibility.PUBLIC)
    assert TosFilter(default_config().tos).check(post).keep
    assert not TosFilter(default_config().tos).check(
        Post(platform="bilibili", native_id="2", kind=Kind.POST, provenance=Provenance("bilibili_api"), text=text,
             visibility=Visibility.PUBLIC)).keep  # only the routes its definition allows

    runner = CliRunner()
    rows = [{"platform": "bilibili", "url": "https://www.bilibili.com/video/BV1", "author": "up_zhu", "text": text}]
    (tmp_path / "hand.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    imported = runner.invoke(app, ["import", "hand.jsonl", "--db", "study.db", "--json"])
    assert imported.exit_code == 0, imported.output
    stored = {c["stage"]: c["outcome"] for c in json.loads(imported.stdout)["counts"]}
    assert stored["stored"] == "new"

    refused = runner.invoke(app, ["add", "https://www.bilibili.com/video/BV2", "--db", "study.db"])
    assert refused.exit_code == 2 and "read by import only" in refused.output
    added = runner.invoke(app, ["add", "https://www.bilibili.com/video/BV3", "--text", text + " Again today.",
                                "--author", "another_up", "--db", "study.db"])
    assert added.exit_code == 0, added.output
    listed = json.loads(runner.invoke(app, ["candidates", "--db", "study.db", "--format", "json"]).stdout)
    assert {(c["platform"], c["handle"]) for c in listed} <= {("bilibili", "up_zhu"), ("bilibili", "another_up")}
    assert listed and all(c["message_url"] is None for c in listed)  # no message page: the profile is the way in
