"""The one HTTP layer every httpx collector uses: polite by construction.

- a descriptive User-Agent and timeouts;
- robots.txt read once per host per run (urllib's robotparser); a path it disallows is refused
  with the reason and never requested;
- at most one request per `min_interval` seconds per host;
- retries with exponential backoff and jitter on connection errors, 429 and 5xx, honouring
  Retry-After, a bounded number of times;
- an answer that is a block (a login wall, a CAPTCHA, HTTP 432/461/471) stops with a message
  that says so: it is never retried around.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from plaint import __version__
from plaint.errors import CollectorFailed

if TYPE_CHECKING:  # httpx is imported when a client is made: commands that fetch nothing skip it
    import httpx

USER_AGENT = f"plaint/{__version__} (academic research on harms in AI companion apps; polite, robots.txt-aware)"
BLOCK_STATUSES = {432: "HTTP 432 (a login cookie is required)", 461: "HTTP 461 (blocked by the platform)",
                  471: "HTTP 471 (verification required)"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
_BLOCK_MARKERS = ("captcha", "验证码", "安全验证", "请登录", "登录后查看", "sec.douban.com",
                  "passport.baidu.com/v2/?login", "wappass.baidu.com")


class Disallowed(CollectorFailed):
    """robots.txt does not allow this path: it was not fetched."""


class Blocked(CollectorFailed):
    """The platform answered with a wall instead of content."""


@dataclass
class PoliteClient:
    transport: httpx.BaseTransport | None = None
    min_interval: float = 1.0
    retries: int = 3
    backoff: float = 1.0
    max_wait: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    log: list[str] = field(default_factory=list)  # what was fetched, for reports and tests

    def __post_init__(self) -> None:
        import httpx

        self.client = httpx.Client(transport=self.transport, headers={"User-Agent": USER_AGENT},
                                   timeout=httpx.Timeout(20.0, connect=10.0), follow_redirects=True)
        self._robots: dict[str, RobotFileParser] = {}
        self._last: dict[str, float] = {}

    def close(self) -> None:
        self.client.close()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        if host not in self._robots:
            self._robots[host] = self._read_robots(host)
        return self._robots[host].can_fetch(USER_AGENT, url)

    def _read_robots(self, host: str) -> RobotFileParser:
        parser = RobotFileParser(f"{host}/robots.txt")
        try:
            response = self._send("GET", f"{host}/robots.txt")
        except CollectorFailed:
            response = None
        if response is None or response.status_code >= 500:
            parser.disallow_all = True  # type: ignore[attr-defined]  # as robotparser.read() sets it; no answer: assume nothing is allowed, as robotparser does
        elif response.status_code in (401, 403):
            parser.disallow_all = True  # type: ignore[attr-defined]
        elif response.status_code >= 400:
            parser.allow_all = True  # type: ignore[attr-defined]  # no robots.txt: nothing is disallowed
        else:
            parser.parse(response.text.splitlines())
        return parser

    def get(self, url: str) -> httpx.Response:
        """GET a page that robots.txt allows; raises Disallowed, Blocked or CollectorFailed."""
        if not self.allowed(url):
            raise Disallowed(f"robots.txt of {urlsplit(url).netloc} does not allow {urlsplit(url).path}: not fetched")
        response = self._send("GET", url)
        if response.status_code in BLOCK_STATUSES:
            raise Blocked(f"{url}: {BLOCK_STATUSES[response.status_code]}; plaint does not work around blocks")
        if response.status_code >= 400:
            raise CollectorFailed(f"{url}: HTTP {response.status_code}")
        lowered = response.text[:20000].lower()
        marker = next((m for m in _BLOCK_MARKERS if m in lowered), None)
        if marker is not None and len(response.text) < 20000:
            raise Blocked(f"{url}: the answer is a login or verification page ({marker!r}), not the content")
        return response

    def api(self, method: str, url: str, **options: object) -> httpx.Response:
        """Call a platform's API (not a web page: robots.txt governs crawlers of pages). Spacing
        and retries apply; the caller reads the API's own error codes from the answer."""
        response = self._send(method, url, give_back_429=True, **options)
        if response.status_code in BLOCK_STATUSES:
            raise Blocked(f"{url}: {BLOCK_STATUSES[response.status_code]}; plaint does not work around blocks")
        return response

    def _send(self, method: str, url: str, give_back_429: bool = False, **options: object) -> httpx.Response:
        """Send with spacing and retries. An API's 429 that outlasts the retries is handed back
        (with `give_back_429`), as its body says whether a daily quota is spent."""
        import httpx

        host = urlsplit(url).netloc
        for attempt in range(self.retries + 1):
            wait = self._last.get(host, -1e9) + self.min_interval - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last[host] = time.monotonic()
            self.log.append(f"{method} {url.split('?', 1)[0]}")  # never a query string: it may hold a token
            try:
                response = self.client.request(method, url, **options)  # type: ignore[arg-type]
            except httpx.TransportError as exc:
                if attempt == self.retries:
                    raise CollectorFailed(f"{url}: could not be reached ({type(exc).__name__}: {exc})") from None
                self.sleep(self._backoff(attempt, None))
                continue
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                self.sleep(self._backoff(attempt, response.headers.get("Retry-After")))
                continue
            if response.status_code == 429 and give_back_429:
                return response
            if response.status_code in RETRY_STATUSES:
                raise CollectorFailed(f"{url}: HTTP {response.status_code} after {self.retries + 1} tries")
            return response
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                seconds = float(retry_after)
            except ValueError:
                try:
                    seconds = parsedate_to_datetime(retry_after).timestamp() - time.time()
                except (TypeError, ValueError):
                    seconds = 0.0
            if seconds > self.max_wait:
                raise CollectorFailed(f"the platform asks to wait {seconds:.0f} s (Retry-After); try again later")
            return max(seconds, 0.0)
        return min(self.max_wait, self.backoff * 2 ** attempt) * (0.5 + random.random() / 2)
