"""Baidu Tieba: import, or one public thread the researcher adds (robots.txt permitting).

Its search needs a login and request signing, which plaint does not do."""

from __future__ import annotations

import re

from plaint.platforms import ADD_URL, PageReader, Platform

THREAD_PATH = re.compile(r"^/p/(\d+)")
THREAD_URL = "https://tieba.baidu.com/p/{}"


def thread_url(thread_id: str) -> str:
    return THREAD_URL.format(thread_id)


PLATFORM = Platform(
    name="tieba", order=6, label="Baidu Tieba", hosts=("tieba.baidu.com",), routes=frozenset({ADD_URL}),
    page=PageReader("tieba.baidu.com", THREAD_PATH, "plaint.collectors.tieba:parse_thread"),
    thread_url=THREAD_URL,
    sweeper="plaint.sweep:page_sweeper",
)
