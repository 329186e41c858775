"""The polite HTTP layer, over httpx's MockTransport: retries, Retry-After, blocks, robots.txt."""

from __future__ import annotations

import httpx
import pytest

from plaint.errors import CollectorFailed
from plaint.http import Blocked, Disallowed, PoliteClient

ROBOTS_OK = "User-agent: *\nDisallow: /search\nDisallow: /group/search\n"


class Site:
    """A fake host: answers from a table of path -> list of responses (the last one repeats)."""

    def __init__(self, pages: dict[str, list[httpx.Response]]) -> None:
        self.pages = pages
        self.requests: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.url.path)
        answers = self.pages.get(request.url.path)
        if not answers:
            return httpx.Response(404, text="not here")
        return answers.pop(0) if len(answers) > 1 else answers[0]


def client(site: Site, **options) -> tuple[PoliteClient, list[float]]:
    slept: list[float] = []
    polite = PoliteClient(transport=httpx.MockTransport(site), sleep=slept.append, **options)
    return polite, slept


def test_429_with_retry_after_then_success() -> None:
    site = Site({"/robots.txt": [httpx.Response(200, text=ROBOTS_OK)],
                 "/page": [httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, text="<p>ok</p>")]})
    polite, slept = client(site, min_interval=0)
    assert polite.get("https://example.org/page").text == "<p>ok</p>"
    assert site.requests == ["/robots.txt", "/page", "/page"]
    assert 7.0 in slept


def test_a_server_error_that_never_recovers_fails_after_bounded_retries() -> None:
    site = Site({"/robots.txt": [httpx.Response(200, text=ROBOTS_OK)], "/page": [httpx.Response(503)]})
    polite, slept = client(site, min_interval=0, retries=3)
    with pytest.raises(CollectorFailed, match="HTTP 503 after 4 tries"):
        polite.get("https://example.org/page")
    assert site.requests.count("/page") == 4
    assert len([s for s in slept if s > 0]) == 3 and all(s <= 120 for s in slept)


def test_connection_errors_are_retried_then_reported() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    polite = PoliteClient(transport=httpx.MockTransport(refuse), sleep=lambda s: None, min_interval=0, retries=2)
    with pytest.raises(CollectorFailed, match=r"robots\.txt of example\.org does not allow"):
        polite.get("https://example.org/page")  # no robots.txt answer: nothing is assumed allowed
    assert len(polite.log) == 3


def test_robots_txt_disallowing_a_path_means_no_request_for_it() -> None:
    site = Site({"/robots.txt": [httpx.Response(200, text=ROBOTS_OK)],
                 "/group/search": [httpx.Response(200, text="results")]})
    polite, _ = client(site, min_interval=0)
    with pytest.raises(Disallowed, match="does not allow /group/search"):
        polite.get("https://www.douban.com/group/search?q=AI")
    assert site.requests == ["/robots.txt"]
    polite.allowed("https://www.douban.com/group/topic/1/")
    assert site.requests == ["/robots.txt"]  # read once per host and run


def test_a_missing_robots_txt_allows_everything() -> None:
    site = Site({"/page": [httpx.Response(200, text="<p>ok</p>")]})
    polite, _ = client(site, min_interval=0)
    assert polite.get("https://example.org/page").status_code == 200


@pytest.mark.parametrize("response, message", [
    (httpx.Response(432, text=""), "HTTP 432"),
    (httpx.Response(200, text="<html><title>登录</title><div>请登录后查看</div></html>"), "login or verification page"),
    (httpx.Response(200, text="<html>Please solve the CAPTCHA to continue</html>"), "login or verification page"),
])
def test_blocks_stop_with_a_message_and_are_not_retried(response: httpx.Response, message: str) -> None:
    site = Site({"/robots.txt": [httpx.Response(200, text=ROBOTS_OK)], "/page": [response]})
    polite, _ = client(site, min_interval=0)
    with pytest.raises(Blocked, match=message):
        polite.get("https://example.org/page")
    assert site.requests.count("/page") == 1


def test_a_retry_after_longer_than_plaint_waits_stops_the_run() -> None:
    site = Site({"/robots.txt": [httpx.Response(200, text=ROBOTS_OK)],
                 "/page": [httpx.Response(429, headers={"Retry-After": "86400"})]})
    polite, _ = client(site, min_interval=0)
    with pytest.raises(CollectorFailed, match="asks to wait 86400 s"):
        polite.get("https://example.org/page")


def test_requests_to_one_host_are_spaced() -> None:
    site = Site({"/robots.txt": [httpx.Response(200, text=ROBOTS_OK)], "/a": [httpx.Response(200, text="a")],
                 "/b": [httpx.Response(200, text="b")]})
    polite, slept = client(site, min_interval=5.0)
    polite.get("https://example.org/a")
    polite.get("https://example.org/b")
    assert len([s for s in slept if 4.0 < s <= 5.0]) >= 2  # before /a (after robots.txt) and before /b
    assert "plaint/" in polite.client.headers["User-Agent"]
