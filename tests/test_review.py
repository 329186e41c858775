"""The screening page, served for real on 127.0.0.1 and driven in Debian's headless chromium:
keyboard decisions land in the database, a request without the token is refused, and decisions
retrain the model and re-rank the queue."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from plaint.cli import app
from plaint.config import default_config
from plaint.review.app import Review, Server, create_app, listen, new_token
from plaint.review.queue import Queue
from plaint.storage.database import Database

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]
runner = CliRunner()

# Review-tier posts (the shipped model's scores put them in this order), and two of the complaint tier.
POSTS = [
    {"native_id": "chinese", "platform": "xiaohongshu", "community": "星野",
     "text": "角色一直提到我的身高，有点奇怪。"},
    {"native_id": "markup", "text": "My rep described my avatar as <b>exotic</b> <img src=x onerror=\"document.title="
                                    "'pwned'\"> again, what does that even mean"},
    {"native_id": "skin", "text": "Does anyone else's rep mention their persona's skin colour a lot? Mine does it "
                                  "every few messages."},
    {"native_id": "gender", "text": "My rep asked me about my gender today and I told her. She was nice about it."},
    {"native_id": "lighter", "text": "After the update my avatar's skin is lighter than what I set, third time now."},
    {"native_id": "kitchen", "text": "My Replika said women belong in the kitchen and should obey men. So sexist. I "
                                     "told it that was wrong and gave it a thumbs down."},
    {"native_id": "nurse", "text": "My persona is a woman engineer and the bot keeps saying she should be a nurse "
                                   "instead."},
]


# An image post as a Reddit archive dump holds it: a title, and the picture behind the link.
IMAGE_POST = {"id": "title_only", "subreddit": "replika", "subreddit_type": "public", "author": "u_image",
              "title": "What my rep said about my skin colour today (screenshot)", "selftext": "", "is_self": False,
              "url": "https://i.redd.it/title_only.png", "permalink": "/r/replika/comments/title_only/what_my_rep/",
              "created_utc": 1767225600, "score": 12, "num_comments": 3, "over_18": False}


def import_posts(path: Path, posts: list[dict], image: bool = True) -> dict[str, int]:
    source = path.with_suffix(".jsonl")
    source.write_text("".join(json.dumps({"platform": "reddit", "community": "replika", "author": f"u_{p['native_id']}",
                                          **p}, ensure_ascii=False) + "\n" for p in posts), encoding="utf-8")
    sources = [str(source)]
    if image:
        dump = path.with_suffix(".ndjson")
        dump.write_text(json.dumps(IMAGE_POST) + "\n", encoding="utf-8")
        sources.append(str(dump))
    result = runner.invoke(app, ["import", *sources, "--db", str(path)])
    assert result.exit_code == 0 and " bad" not in result.output.replace(" 0 bad", ""), result.output
    with sqlite3.connect(path) as raw:
        return {native_id.removeprefix("t3_"): post_id for native_id, post_id in
                raw.execute("select native_id, id from posts")}


@pytest.fixture
def served(tmp_path: Path):
    """The page for reviewer alice, on a real server on a free port of 127.0.0.1."""
    ids = import_posts(tmp_path / "study.db", POSTS)
    database = Database(f"sqlite:///{tmp_path / 'study.db'}")
    review = Review(database, default_config(), Queue(database, "alice", quality_sample=1))
    token = new_token()
    server = Server(create_app(review, token), listen(0))
    server.start()
    yield server, token, ids, review, tmp_path / "study.db"
    server.stop()
    review.wait()
    database.close()


def decisions(path: Path) -> dict[int, tuple[str, list[str], list[str]]]:
    with sqlite3.connect(path) as raw:
        return {post_id: (decision, json.loads(types), json.loads(strategies)) for post_id, decision, types, strategies
                in raw.execute("select post_id, decision, types, strategies from screenings where reviewer = 'alice'")}


def suggested(path: Path, post_id: int) -> tuple[set[str], set[str]]:
    with sqlite3.connect(path) as raw:
        types, strategies = raw.execute("select types, strategies from posts where id = ?", (post_id,)).fetchone()
    return set(json.loads(types)), set(json.loads(strategies))


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Debian's chromium is not installed ({CHROMIUM}): "
                    "apt-get install chromium")
def test_screening_with_the_keyboard_in_a_real_browser(served) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright (the test extra) is not installed")
    server, token, ids, _, path = served
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        page = browser.new_page()
        page.goto(server.url(token))
        assert "token" not in page.url  # the token moved into a cookie
        page.wait_for_selector("body[data-ready=true]")

        def current() -> int:
            return int(page.locator("#post").get_attribute("data-id"))

        def press(key: str) -> None:
            before = page.locator("#post").get_attribute("data-id")
            page.keyboard.press(key)
            page.wait_for_function("old => document.querySelector('#post').dataset.id !== old", arg=before)

        # 1: a post that is only its title and a picture: the title large, the link to it there.
        assert current() == ids["title_only"]
        assert "title-only" in page.locator("#post").get_attribute("class")
        assert page.locator("#link").get_attribute("href").endswith(IMAGE_POST["permalink"])
        assert page.locator("#title mark").count() >= 1  # the terms that fired, highlighted
        types, _ = suggested(path, ids["title_only"])
        page.keyboard.press("Digit3")  # toggle appearance before deciding
        press("y")
        expected = {ids["title_only"]: ("complaint", sorted(types ^ {"appearance"}), [])}
        # 2: Chinese, readable as Chinese.
        assert current() == ids["chinese"] and page.locator("#text").get_attribute("lang") == "zh"
        assert "身高" in page.locator("#text").inner_text()
        press("n")
        expected[ids["chinese"]] = ("not", [], [])
        # 3: markup in a post is shown as text, never run or rendered.
        assert current() == ids["markup"]
        assert "<img src=x" in page.locator("#text").inner_text() and page.locator("#text img").count() == 0
        assert page.title() == "plaint review"
        _, strategies = suggested(path, ids["markup"])
        page.keyboard.press("Shift+Digit2")  # toggle low_feedback_score
        press("u")
        types, _ = suggested(path, ids["markup"])
        expected[ids["markup"]] = ("unsure", sorted(types), sorted(strategies ^ {"low_feedback_score"}))
        for key in ("skin", "gender"):
            assert current() == ids[key]
            press("y")
            types, strategies = suggested(path, ids[key])
            expected[ids[key]] = ("complaint", sorted(types), sorted(strategies))
        assert "screened 5" in page.locator("#counts").inner_text()
        # Back one: the last decision is shown, and a code changed there is saved at once.
        press("ArrowLeft")
        assert current() == ids["gender"] and "complaint" in page.locator("#decision").inner_text()
        page.keyboard.press("Digit1")  # toggle misogyny
        page.wait_for_selector("body[data-saves='6']")
        decided, types, strategies = expected[ids["gender"]]
        expected[ids["gender"]] = (decided, sorted(set(types) ^ {"misogyny"}), strategies)
        page.screenshot(path=str(path.parent / "review.png"))
        browser.close()
    order = ("misogyny", "lgbtq", "appearance", "ableism", "racism", "socioeconomic")
    stored = decisions(path)
    assert {k: (d, sorted(t), sorted(s)) for k, (d, t, s) in stored.items()} == expected
    assert stored[ids["gender"]][1] == sorted(stored[ids["gender"]][1], key=order.index)


def test_a_request_without_the_token_is_refused(served) -> None:
    server, token, _, _, _ = served
    base = f"http://127.0.0.1:{server.port}"
    with httpx.Client(base_url=base) as client:
        for path in ("/", "/api/next", "/api/state", "/static/review.js", "/?token=wrong"):
            refused = client.get(path)
            assert refused.status_code == 403 and "link plaint review printed" in refused.text, path
        assert client.post("/api/decisions", json={"post_id": 1, "decision": "not"}).status_code == 403
        entry = client.get(f"/?token={token}")
        assert entry.status_code == 303 and entry.headers["location"] == "/"
        assert ("httponly" in entry.headers["set-cookie"].lower()
                and "samesite=strict" in entry.headers["set-cookie"].lower())
        page = client.get("/")
        assert page.status_code == 200 and "default-src 'none'" in page.headers["content-security-policy"]
        assert client.get("/api/next").json()["post"]["id"] > 0
        assert client.get("/", headers={"Host": "evil.example"}).status_code == 400  # no DNS rebinding
    assert decisions(served[4]) == {}


def test_decisions_on_the_page_retrain_the_model_and_rerank_the_queue(tmp_path: Path) -> None:
    from test_study import FRIENDLY, LIGHTENED, UNSEEN_FRIENDLY, UNSEEN_LIGHTENED

    posts = [{"native_id": f"yes{i}", "text": t} for i, t in enumerate(LIGHTENED)] + \
            [{"native_id": f"no{i}", "text": t} for i, t in enumerate(FRIENDLY)] + \
            [{"native_id": "unseen_lightened", "text": UNSEEN_LIGHTENED},
             {"native_id": "unseen_friendly", "text": UNSEEN_FRIENDLY}]
    ids = import_posts(tmp_path / "study.db", posts, image=False)
    database = Database(f"sqlite:///{tmp_path / 'study.db'}")
    review = Review(database, default_config(), Queue(database, "alice", quality_sample=10), retrain_every=8)
    def tiers() -> dict[str, tuple[str, float]]:
        with sqlite3.connect(tmp_path / "study.db") as raw:
            return {key: (tier, score) for key, tier, score in raw.execute(
                "select native_id, tier, relevance_score from posts where native_id like 'unseen%'")}

    # The shipped model: the complaint the study cares about waits in the review tier, the friendly
    # remark sits in the complaint tier (screened last, in the quality-control sample).
    shipped = tiers()
    assert shipped["unseen_lightened"][0] == "review" and shipped["unseen_friendly"][0] == "complaint"
    before = review.queue.order()
    assert before.index(ids["unseen_lightened"]) < before.index(ids["unseen_friendly"])
    token = new_token()
    server = Server(create_app(review, token), listen(0))
    server.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}") as client:
            client.get(f"/?token={token}")
            for key in [*(f"yes{i}" for i in range(4)), *(f"no{i}" for i in range(4))]:
                answer = client.post("/api/decisions", json={"post_id": ids[key],
                                                             "decision": "complaint" if key[:3] == "yes" else "not"})
                assert answer.status_code == 200, answer.text
            review.wait()  # the eighth decision started a fit in its own thread
            state = client.get("/api/state").json()
    finally:
        server.stop()
    assert state["model"]["note"].startswith("the study model study-") and state["model"]["comparison"]["study"]
    now = tiers()
    assert now["unseen_lightened"][1] > now["unseen_friendly"][1]  # re-scored the way the reviewer pointed
    assert now["unseen_lightened"][0] == "complaint" and now["unseen_friendly"][0] == "review"
    after = review.queue.order()  # the friendly remark now waits for a person, ahead of the sample
    assert after.index(ids["unseen_friendly"]) < after.index(ids["unseen_lightened"])
    database.close()


def test_a_busy_port_or_a_missing_database_is_one_line(tmp_path: Path) -> None:
    import_posts(tmp_path / "study.db", POSTS[:1], image=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = runner.invoke(app, ["review", "--db", str(tmp_path / "study.db"), "--reviewer", "alice",
                                     "--port", str(port), "--no-browser"])
    assert result.exit_code == 2 and f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert result.stderr.count("\n") == 1
    missing = runner.invoke(app, ["review", "--db", str(tmp_path / "nope.db"), "--reviewer", "alice", "--no-browser"])
    assert missing.exit_code == 2 and "no database at" in missing.stderr and not (tmp_path / "nope.db").exists()
