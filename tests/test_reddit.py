"""The Reddit collector through PRAW's real request path, answered by recorded responses.

HTTP is replaced only at the transport: a requests adapter serves Betamax cassettes (the demo's,
ones built here in Reddit's shapes, and the real ones in ../shared/recordings when present).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import build_demo_cassette as shapes
import praw
import pytest

from plaint.collectors.reddit import RedditCollector, connect, map_submission
from plaint.config import Config
from plaint.demo import DEMO_QUERY, demo_config
from plaint.demo.cassette import cassette_session, load_interactions
from plaint.errors import CollectorFailed, CollectorUnavailable
from plaint.post import Kind, Provenance, Visibility
from plaint.queries import Query

CREDENTIALS = {"REDDIT_CLIENT_ID": "test-id", "REDDIT_CLIENT_SECRET": "test-secret"}
SCOPE = shapes.SUBREDDITS


def collector_for(interactions, config: Config, match=("q", "after")):
    session, adapter = cassette_session(interactions, match)
    return RedditCollector(connect(session, env=CREDENTIALS), config), adapter


def token():
    return shapes.interaction("POST", "https://www.reddit.com/api/v1/access_token",
                              {"access_token": "<ACCESS_TOKEN>", "token_type": "bearer", "expires_in": 86400,
                               "scope": "*"})


def search_page(threads, after=None, query="q", status=200, page_after=None):
    params = f"q={query}" + (f"&after={page_after}" if page_after else "")
    item = shapes.interaction("GET", f"https://oauth.reddit.com/r/{SCOPE}/search/?{params}",
                              shapes.listing([{"kind": "t3", "data": shapes.submission(t)} for t in threads], after))
    item["response"]["status"]["code"] = status
    return item


def thread(n: int, **extra) -> dict:
    return {"id": f"z{n:05d}", "subreddit": "CharacterAI", "author": f"user{n}", "created": "2026-09-01T00:00:00Z",
            "score": n, "title": f"Thread {n}", "text": f"The bot was sexist to me, story number {n}.", **extra}


def no_comments(config: Config) -> Config:
    return dataclasses.replace(config, reddit=dataclasses.replace(config.reddit, comments=False))


def demo_interactions():
    with resources.as_file(resources.files("plaint.demo").joinpath("reddit_demo.json")) as path:
        return load_interactions(path)


# The demo cassette: paging, comment trees, every field ---------------------------------------

def test_demo_search_follows_paging_and_reads_comment_trees() -> None:
    collector, adapter = collector_for(demo_interactions(), demo_config(), match=("q", "after", "sort", "t"))
    query = collector.queries()[0]
    assert query.text == DEMO_QUERY and query.scope == SCOPE
    posts = list(collector.search(query))

    assert adapter.unplayed() == []
    searches = [r for r in adapter.requests if "/search/" in r]
    assert len(searches) == 2 and "after=t3_1q0aa08" in searches[1]
    assert "sort=new" in searches[0] and "syntax=lucene" in searches[0] and "t=all" in searches[0]
    kinds = [p.kind for p in posts]
    assert kinds.count(Kind.POST) == 15 and kinds.count(Kind.COMMENT) == 6
    assert len({p.native_id for p in posts}) == 21


def test_demo_fields_are_mapped() -> None:
    collector, _ = collector_for(demo_interactions(), demo_config(), match=("q", "after"))
    posts = {p.native_id: p for p in collector.search(collector.queries()[0])}

    first = posts["t3_1q0aa01"]
    assert first.url == ("https://www.reddit.com/r/CharacterAI/comments/1q0aa01/"
                         "my_bot_keeps_saying_women_belong_in_the_kitchen_an/")
    assert first.community == "CharacterAI" and first.thread_id == "t3_1q0aa01"
    assert first.title.startswith("My bot keeps saying women") and "detective roleplay" in first.text
    assert first.author.handle == "moonlit_tea" and first.author.platform_id.startswith("t2_")
    assert first.author.profile_url == "https://www.reddit.com/user/moonlit_tea/"
    assert first.created_at == datetime(2026, 10, 2, 21, 14, tzinfo=UTC)
    assert first.score == 412 and first.num_comments == 3
    assert first.visibility is Visibility.PUBLIC and first.nsfw is False and first.locked is False
    assert first.missing == () and first.provenance.route == "reddit_api"
    assert first.provenance.query == DEMO_QUERY

    reply = posts["t1_kc0aa02"]
    assert reply.kind is Kind.COMMENT and reply.parent_id == "t1_kc0aa01" and reply.thread_id == "t3_1q0aa01"
    assert reply.community == "CharacterAI" and reply.url.endswith("/1q0aa01/_/kc0aa02/")

    deleted_comment = posts["t1_kc0aa03"]
    assert deleted_comment.deleted and deleted_comment.author is None and deleted_comment.text == ""
    deleted_post = posts["t3_1q0aa15"]
    assert deleted_post.deleted and deleted_post.author is None
    assert posts["t3_1q0aa09"].removed and not posts["t3_1q0aa09"].deleted
    assert posts["t3_1q0aa10"].visibility is Visibility.QUARANTINED
    assert posts["t3_1q0aa08"].nsfw is True
    assert posts["t3_1q0aa06"].locked is True


# Built cassettes: failure, retry, caps ------------------------------------------------------

def test_missing_credentials_say_what_to_set() -> None:
    with pytest.raises(CollectorUnavailable, match="REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"):
        connect(env={})
    with pytest.raises(CollectorUnavailable, match="REDDIT_CLIENT_SECRET"):
        connect(env={"REDDIT_CLIENT_ID": "only-the-id"})


def test_praw_ini_in_the_working_folder_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("praw.ini").write_text("[plaint]\nclient_id=from-ini\nclient_secret=ini-secret\n")
    monkeypatch.setattr(praw.config.Config, "CONFIG", None)  # PRAW reads praw.ini once per process
    reddit = connect(env={})
    assert reddit.config.client_id == "from-ini" and reddit.read_only


def test_forbidden_search_fails_the_platform_with_the_status(config: Config) -> None:
    collector, _ = collector_for([token(), search_page([], status=403)], no_comments(config))
    with pytest.raises(CollectorFailed, match="HTTP 403"):
        list(collector.search(Query("reddit", SCOPE, "q")))


def test_server_error_is_retried_by_prawcore(config: Config) -> None:
    threads = [thread(1), thread(2)]
    collector, adapter = collector_for([token(), search_page([], status=503), search_page(threads)],
                                       no_comments(config))
    posts = list(collector.search(Query("reddit", SCOPE, "q")))
    assert [p.native_id for p in posts] == ["t3_z00001", "t3_z00002"]
    assert adapter.unplayed() == []


def test_listing_cap_is_reported_not_hidden(config: Config) -> None:
    pages, after = [token()], None
    for page in range(10):
        threads = [thread(page * 100 + i) for i in range(100)]
        next_after = None if page == 9 else f"t3_{threads[-1]['id']}"
        pages.append(search_page(threads, after=next_after, page_after=after))
        after = next_after
    collector, adapter = collector_for(pages, no_comments(config))
    posts = list(collector.search(Query("reddit", SCOPE, "q")))
    assert len(posts) == 1000 and adapter.unplayed() == []
    assert len(collector.warnings) == 1 and "listing cap" in collector.warnings[0]


def test_unread_more_comments_are_reported(config: Config) -> None:
    config = dataclasses.replace(config, reddit=dataclasses.replace(config.reddit, more_comments=0))
    item = thread(1, comments=[{"id": "c1", "author": "a", "score": 1, "body": "the bot is racist"}])
    comments = shapes.interaction("GET", "https://oauth.reddit.com/comments/z00001/", [
        shapes.listing([{"kind": "t3", "data": shapes.submission(item)}], None),
        shapes.listing([shapes.comment(item, item["comments"][0], "t3_z00001", 0, 1.0e9),
                        {"kind": "more", "data": {"count": 40, "name": "t1_more", "id": "more",
                                                  "parent_id": "t3_z00001", "depth": 0,
                                                  "children": ["c2", "c3"]}}], None)])
    collector, adapter = collector_for([token(), search_page([item]), comments], config)
    posts = list(collector.search(Query("reddit", SCOPE, "q")))
    assert [p.native_id for p in posts] == ["t3_z00001", "t1_c1"]
    assert adapter.unplayed() == []
    assert "1 'more comments' branches left unread" in collector.warnings[0]


def test_a_missing_page_is_a_failure_not_a_silent_end(config: Config) -> None:
    collector, _ = collector_for([token(), search_page([thread(1)], after="t3_z00001")], no_comments(config))
    posts = []
    with pytest.raises(CollectorFailed, match="could not be reached"):
        for post in collector.search(Query("reddit", SCOPE, "q")):
            posts.append(post)
    assert [p.native_id for p in posts] == ["t3_z00001"]


# The real recordings ------------------------------------------------------------------------

def test_real_search_2020_through_praw(recordings: Path, config: Config) -> None:
    interactions = load_interactions(recordings / "reddit/asyncpraw_cassette_r-all_search_praw-oauth-search_2020.json")
    collector, adapter = collector_for(interactions, no_comments(config))
    posts = list(collector.search(Query("reddit", "all", "praw oauth search")))
    assert len(posts) == 31 and adapter.unplayed() == []
    assert all(p.visibility is Visibility.PUBLIC and p.missing == () for p in posts)
    assert all(p.url.startswith("https://www.reddit.com/r/") and "?" not in p.url for p in posts)
    assert all(p.created_at.tzinfo is UTC for p in posts)
    assert len({p.community for p in posts}) > 1


def test_real_old_schema_search_2016_tolerates_missing_fields(recordings: Path, config: Config) -> None:
    interactions = load_interactions(recordings / "reddit/praw_cassette_r-all_search_praw-oauth-search_2016.json")
    collector, adapter = collector_for(interactions, no_comments(config))
    posts = list(collector.search(Query("reddit", "all", "praw oauth search")))
    assert len(posts) == 6 and adapter.unplayed() == []
    for post in posts:
        assert post.visibility is Visibility.UNKNOWN
        assert {"author_fullname", "subreddit_type", "removed_by_category"} <= set(post.missing)
        assert not post.deleted and not post.removed
        assert post.author is None or post.author.platform_id is None


def test_real_2026_listing_maps_every_post(recordings: Path) -> None:
    cassette = json.loads((recordings / "reddit/praw_cassette_r-popular_hot_listing_2026.json").read_text())
    listing = json.loads(cassette["interactions"][1]["response"]["body"]["string"])
    assert listing["data"]["after"]  # a real paging token
    posts = [map_submission(child["data"], Provenance("reddit_api")) for child in listing["data"]["children"]]
    assert len(posts) == 100 and len({p.native_id for p in posts}) == 100
    assert all(p.visibility is Visibility.PUBLIC and p.missing == () for p in posts)
    assert sum(1 for p in posts if p.text) == 35


def test_real_comment_tree_2016_with_deleted_authors(recordings: Path, config: Config) -> None:
    interactions = load_interactions(recordings / "reddit/praw_cassette_submission_comments_2gmzqe_2016.json")
    collector, adapter = collector_for(interactions, config, match=())
    submission = collector.reddit.submission("2gmzqe")
    thread_post = map_submission({"id": "2gmzqe", "subreddit": "redditdev"}, Provenance("reddit_api"))
    comments = list(collector._comments(submission, thread_post, Provenance("reddit_api")))
    assert adapter.unplayed() == []
    assert comments and all(c.kind is Kind.COMMENT and c.thread_id == "t3_2gmzqe" for c in comments)
    assert all(c.parent_id.startswith(("t1_", "t3_")) for c in comments)
    for comment in comments:
        if comment.deleted:
            assert comment.text == "" and comment.author is None
    by_id = {c.native_id for c in comments}
    assert all(c.parent_id in by_id or c.parent_id == "t3_2gmzqe" for c in comments)


def test_real_comment_thread_2025_depth_three(recordings: Path, config: Config) -> None:
    interactions = load_interactions(recordings / "reddit/praw_cassette_comment_context_thread_2025.json")
    context = [i for i in interactions if "context=100" in i["request"]["uri"]]
    context[0]["request"]["uri"] = "https://oauth.reddit.com/comments/1j7g9uj/"  # how plaint asks for a thread
    collector, adapter = collector_for([interactions[0], context[0]], config, match=())
    submission = collector.reddit.submission("1j7g9uj")
    thread_post = map_submission({"id": "1j7g9uj", "subreddit": "Lil_SpazJoekp"}, Provenance("reddit_api"))
    comments = list(collector._comments(submission, thread_post, Provenance("reddit_api")))
    assert adapter.unplayed() == []
    assert len(comments) == 67
    assert all(c.url.startswith("https://www.reddit.com/r/Lil_SpazJoekp/comments/1j7g9uj/") for c in comments)
    assert all("permalink" not in c.missing for c in comments)
