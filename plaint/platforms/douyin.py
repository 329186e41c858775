"""Douyin: import only (MediaCrawler files); its pages need request signing, which plaint does not do."""

from __future__ import annotations

from plaint.platforms import Platform

PLATFORM = Platform(
    name="douyin", order=8, label="Douyin", hosts=("douyin.com",),
    not_fetched="Douyin's pages need request signing, which plaint does not do",
)
