"""Replaying recorded HTTP (Betamax cassettes, the format PRAW's own tests use) through `requests`.

The adapter sits where the network would be, so PRAW's real request, auth, paging and
rate-limit code runs on recorded answers. It serves each recorded interaction once, matched by
method, path and the query parameters that choose a page, and can say which it never served.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

# Parameters that pick which answer a request gets; the rest (limit, raw_json) do not.
DEFAULT_MATCH = ("q", "after", "sort", "t", "syntax", "restrict_sr", "id", "children")


class CassetteMiss(LookupError):
    """A request the cassette has no answer for: in a replay, a bug to report, not a network
    error to retry (so it is deliberately not a `requests.ConnectionError`)."""


def load_interactions(path: Path | str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return list(json.load(handle)["interactions"])


def _request_key(method: str, url: str, match: Iterable[str]) -> tuple[str, str, tuple]:
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    picked = tuple((name, tuple(query.get(name, ()))) for name in match)
    return method.upper(), unquote(parts.path).rstrip("/"), picked


class CassetteAdapter(BaseAdapter):
    def __init__(self, interactions: list[dict[str, Any]], match: Iterable[str] = DEFAULT_MATCH) -> None:
        super().__init__()
        self.match = tuple(match)
        self.interactions = interactions
        self.played = [False] * len(interactions)
        self.requests: list[str] = []

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: float | tuple[float | None, float | None] | None = None, verify: bool | str = True,
             cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        assert request.method and request.url
        self.requests.append(f"{request.method} {request.url}")
        wanted = _request_key(request.method, request.url, self.match)
        for index, interaction in enumerate(self.interactions):
            recorded = interaction["request"]
            if not self.played[index] and _request_key(recorded["method"], recorded["uri"], self.match) == wanted:
                self.played[index] = True
                return _response(interaction["response"], request)
        raise CassetteMiss(f"no recorded answer for {request.method} {request.url}")

    def close(self) -> None:
        pass

    def unplayed(self) -> list[str]:
        return [f"{i['request']['method']} {i['request']['uri']}"
                for i, done in zip(self.interactions, self.played, strict=True) if not done]


def _response(recorded: dict[str, Any], request: requests.PreparedRequest) -> requests.Response:
    response = requests.Response()
    status = recorded["status"]
    response.status_code = int(status["code"])
    response.reason = status.get("message", "")
    response.headers = CaseInsensitiveDict(
        {k: ", ".join(v) if isinstance(v, list) else v for k, v in recorded.get("headers", {}).items()})
    response._content = recorded.get("body", {}).get("string", "").encode("utf-8")
    response.encoding = "utf-8"
    response.url = request.url or ""
    response.request = request
    return response


def cassette_session(interactions: list[dict[str, Any]],
                     match: Iterable[str] = DEFAULT_MATCH) -> tuple[requests.Session, CassetteAdapter]:
    """A requests session whose every request is answered from `interactions`."""
    adapter = CassetteAdapter(interactions, match)
    session = requests.Session()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter
