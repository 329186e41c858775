"""The screening page: a Starlette app on 127.0.0.1 that serves one post at a time from the
reviewer's queue, records their decisions, and every N decisions fits the study model again and
re-scores the stored posts (in a thread of its own, so screening goes on meanwhile).

Every request needs the random token of the link `plaint review` prints: in the link's query,
then in a cookie (HttpOnly, SameSite=Strict) the first answer sets. Without it: 403. Every asset
comes from the package; the page's Content-Security-Policy lets it load nothing from anywhere
else, and post text is put on the page as text, never as HTML (it is untrusted).
"""

from __future__ import annotations

import errno
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plaint import platforms
from plaint.config import STRATEGY_CODES, TYPE_CODES, Config
from plaint.errors import ConfigError, PlaintError
from plaint.review.queue import RETRAIN_EVERY, Queue
from plaint.runcontrol import LockHeld, RunLock
from plaint.storage.database import Database
from plaint.storage.screenings import Decision, decision_count, load_study_model, record

COOKIE = "plaint_review"
HOST = "127.0.0.1"
ASSETS = {"review.js": "text/javascript; charset=utf-8", "review.css": "text/css; charset=utf-8"}
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
REFUSED = "403: this page opens only from the link plaint review printed (it carries the page's token)\n"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class TokenGate:
    """Refuses (403) every request without the token; a request with it in the query gets the
    cookie and is sent on to the same page without the token in its address."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = request.query_params.get("token")
        if given is not None and secrets.compare_digest(given.encode(), self.token.encode()):
            response: Response = RedirectResponse(request.url.path, status_code=303)
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict", path="/")
            await response(scope, receive, send)
            return
        cookie = request.cookies.get(COOKIE, "")
        if given is not None or not secrets.compare_digest(cookie.encode(), self.token.encode()):
            await PlainTextResponse(REFUSED, status_code=403)(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (name.lower().encode(), value.encode()) for name, value in HEADERS.items()]
            await send(message)

        await self.app(scope, receive, with_headers)


@dataclass
class ModelStatus:
    """What scores the queue, for the page: a note in words and the comparison, if any."""

    note: str
    comparison: dict[str, Any] | None = None
    fitted_at_decisions: int = 0
    retraining: bool = False
    problem: str | None = None


@dataclass
class Review:
    """Everything one page works with: the database, the reviewer's queue, and the retraining."""

    database: Database
    config: Config
    queue: Queue
    retrain_every: int = RETRAIN_EVERY
    say: Callable[[str], None] = lambda line: None
    status: ModelStatus = field(init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        stored = load_study_model(self.database)
        if stored is None:
            self.status = ModelStatus("the shipped model scores: a study model is fitted once reviewers have "
                                      "confirmed and rejected at least two posts each")
        else:
            card = stored[1]
            self.status = ModelStatus(f"the study model {card.get('version')} scores: fitted on "
                                      f"{card.get('complaints')} confirmed and "
                                      f"{card.get('not_complaints')} rejected posts",
                                      card.get("comparison"), int(card.get("decisions") or 0))

    def state(self) -> dict[str, Any]:
        progress = self.queue.progress()
        decisions = decision_count(self.database)
        return {"reviewer": self.queue.reviewer, "screened": progress.screened, "left": progress.left,
                "confirmed": progress.confirmed, "hint": progress.hint(),
                "model": {"note": self.status.note, "comparison": self.status.comparison,
                          "retraining": self.status.retraining, "problem": self.status.problem,
                          "next_fit_in": max(0, self.retrain_every - (decisions - self.status.fitted_at_decisions))},
                "codes": {"types": list(TYPE_CODES), "strategies": list(STRATEGY_CODES)}}

    def decide(self, decision: Decision) -> None:
        record(self.database, [decision])
        progress = self.queue.progress()
        if progress.screened % 10 == 0:
            self.say(f"{self.queue.reviewer}: {progress.screened} screened, {progress.left} left, "
                     f"{progress.confirmed} confirmed; {progress.hint()}")
        if decision_count(self.database) - self.status.fitted_at_decisions >= self.retrain_every:
            self.retrain()

    def retrain(self) -> threading.Thread | None:
        """Fit the study model again and re-score the stored posts, in a thread; one at a time."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return None
            self.status.retraining = True
            self._thread = threading.Thread(target=self._retrain, name="plaint-retrain", daemon=True)
            self._thread.start()
            return self._thread

    def wait(self) -> None:
        """Until the retraining in hand, if any, has finished."""
        thread = self._thread
        if thread is not None:
            thread.join()

    def _retrain(self) -> None:
        from plaint.rescore import learn_and_rescore

        status = self.status
        try:
            with RunLock(self.database.url, platforms.names()):  # as plaint rescore: no run writes tiers meanwhile
                learning, _, result = learn_and_rescore(self.database, self.config)
            self.status = ModelStatus(learning.note, learning.comparison, learning.decisions)
            self.say(f"{learning.note}; {result.scored} stored posts scored again, the queue re-ranked")
        except LockHeld:
            self.status = ModelStatus(status.note, status.comparison, status.fitted_at_decisions,
                                      problem="a plaint run holds the database: the model is fitted again after "
                                              "the next decisions")
            self.say("retraining waits: a plaint run holds the database")
        except PlaintError as exc:
            self.status = ModelStatus(status.note, status.comparison, decision_count(self.database),
                                      problem=f"retraining failed: {exc}")
            self.say(f"retraining failed: {exc}")


def create_app(review: Review, token: str) -> Starlette:
    def asset(name: str) -> bytes:
        return resources.files("plaint.review").joinpath("static", name).read_bytes()

    async def page(request: Request) -> Response:
        return Response(asset("review.html"), media_type="text/html; charset=utf-8")

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in ASSETS:
            return PlainTextResponse("not found\n", status_code=404)
        return Response(asset(name), media_type=ASSETS[name])

    def state(request: Request) -> Response:
        return JSONResponse(review.state())

    def next_post(request: Request) -> Response:
        post_id = review.queue.next()
        return JSONResponse({"post": None if post_id is None else review.queue.post(post_id), "state": review.state()})

    def one_post(request: Request) -> Response:
        post = review.queue.post(request.path_params["post_id"])
        if post is None:
            return JSONResponse({"error": "no such post (erased since?)"}, status_code=404)
        return JSONResponse({"post": post, "state": review.state()})

    async def decide(request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send the decision as JSON"}, status_code=415)
        try:
            body = await request.json()
            decision = Decision(int(body["post_id"]), review.queue.reviewer, str(body["decision"]),
                                tuple(map(str, body.get("types") or ())), tuple(map(str, body.get("strategies") or ())),
                                (str(body["note"])[:10_000] or None) if body.get("note") else None)
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "a decision needs post_id and decision"}, status_code=400)
        if review.queue.post(decision.post_id) is None:
            return JSONResponse({"error": "no such post (erased since?)"}, status_code=404)
        try:
            await _in_thread(review.decide, decision)
        except ConfigError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse({"state": review.state()})

    routes = [Route("/", page), Route("/static/{name}", static), Route("/api/state", state),
              Route("/api/next", next_post), Route("/api/posts/{post_id:int}", one_post),
              Route("/api/decisions", decide, methods=["POST"])]
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=[HOST, "localhost"])])
    return TokenGate(app, token)  # type: ignore[return-value]


async def _in_thread(function: Callable[..., Any], *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)


def listen(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (a free port when `port` is 0)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(f"port {port} on {HOST} is in use; choose another --port, or leave --port out "
                              "for a free one") from None
        raise ConfigError(f"cannot listen on {HOST}:{port} ({exc.strerror or exc}); choose another --port") from None
    sock.listen(64)
    return sock


class Server:
    """uvicorn serving the app on a socket of `listen`: `run` until Ctrl-C (the command), or
    `start` and `stop` in a thread (tests)."""

    def __init__(self, app: ASGIApp, sock: socket.socket) -> None:
        import uvicorn

        self.sock = sock
        self.port = sock.getsockname()[1]
        # No access log: it would print every address asked for, and the first holds the token.
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
        self._thread: threading.Thread | None = None

    def url(self, token: str) -> str:
        return f"http://{HOST}:{self.port}/?token={token}"

    def run(self) -> None:
        self.server.run(sockets=[self.sock])

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="plaint-review-server", daemon=True)
        self._thread.start()
        while not self.server.started and self._thread.is_alive():
            self._thread.join(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join()
        self.sock.close()
