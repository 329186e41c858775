"""Reading keywords.yaml's fields: each check names the file and the dotted field that is wrong.

Used by config.py for the study's vocabulary and by each platform's module for its own settings,
so that what a platform reads from `platforms.<name>` lives with the platform.
"""

from __future__ import annotations

import difflib
from typing import Any

from plaint.errors import ConfigError
from plaint.languages import known_codes


class FieldReader:
    """Type checks that name the file and the field that is wrong, and warnings for what looks
    misspelt: every value read from keywords.yaml passes through one of these."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.warnings: list[str] = []

    def fail(self, where: str, message: str) -> ConfigError:
        return ConfigError(f"{self.source}: {where or 'top level'} {message}")

    def known(self, section: dict[str, Any], where: str, names: tuple[str, ...]) -> dict[str, Any]:
        """The section, after a warning for each name in it that plaint does not read."""
        for name in section:
            if name not in names:
                close = difflib.get_close_matches(str(name), names, n=1)
                self.warnings.append(f"{self.source}: {f'{where}.' if where else ''}{name} is not a setting plaint "
                                     f"reads, so it is ignored" + (f" (did you mean {close[0]}?)" if close else
                                                                  f"; known here: {', '.join(names)}"))
        return section

    def language(self, code: str, where: str) -> None:
        if code not in known_codes():
            self.warnings.append(f"{self.source}: {where} is {code!r}, not a language code plaint's language filter "
                                 "gives (en, zh, ja, es, ...): posts are never found in it")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "must be a mapping of names to values")
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(where, "must be a list")
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{where}[{i}]", "must be a non-empty text")
            out.append(item.strip())
        return tuple(out)

    def by_language(self, value: Any, where: str) -> tuple[str, ...]:
        terms: list[str] = []
        for lang, items in self.mapping(value, where).items():
            self.language(str(lang), f"{where}.{lang}")
            terms.extend(self.strings(items, f"{where}.{lang}"))
        return tuple(terms)

    def code_lexicons(self, value: Any, where: str, codes: tuple[str, ...],
                      what: str = "a code of the study") -> dict[str, tuple[str, ...]]:
        section = self.mapping(value, where)
        unknown = sorted(set(section) - set(codes))
        if unknown:
            raise self.fail(f"{where}.{unknown[0]}", f"is not {what}; use one of {', '.join(codes)}")
        return {code: self.by_language(section.get(code, {}), f"{where}.{code}") for code in codes}

    def choice(self, value: Any, where: str, allowed: tuple[str, ...]) -> str:
        if value not in allowed:
            raise self.fail(where, f"is {value!r}; use one of {', '.join(allowed)}")
        return value

    def boolean(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, f"is {value!r}; use true or false")
        return value

    def seconds(self, value: Any, where: str, minimum: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
            raise self.fail(where, f"is {value!r}; use a number of seconds, {minimum:g} or more")
        return float(value)

    def share(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
            raise self.fail(where, f"is {value!r}; use a number from 0 to 1")
        return float(value)

    def count(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(where, f"is {value!r}; use a whole number, 0 or more")
        return value
