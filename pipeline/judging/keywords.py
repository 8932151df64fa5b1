"""The document-kind data (pipeline/judging/kinds.toml) and what a line says of a delivery.

Shared by the classify and validate stages and the statement builder. Keywords are matched by
pipeline/fields/keyword_match.py (Mode.ANYWHERE), so that "배 송 완료" (OCR spaces Hangul syllables apart at random)
counts as 배송완료 everywhere alike.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pipeline.datafiles import broken, load_toml
from pipeline.fields.keyword_match import Text, hits

KINDS_FILE = Path(__file__).resolve().parent / "kinds.toml"


# ---- data ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class KindRules:
    """pipeline/judging/kinds.toml, loaded once."""

    order: tuple[str, ...]
    min_score: int
    kinds: dict
    signals: dict
    web: dict
    languages: dict
    chrome_pattern: str             # <<common_tlds>> stands for the profile's common top-level domains
    turn: re.Pattern                # a line that opens a conversation turn (구매자, seller ...)
    chat_line: re.Pattern           # a line holding only a chat app's time separator or read receipt
    url_kinds: tuple["UrlKind", ...]

    def label(self, kind: str) -> str:
        return self.kinds.get(kind, {}).get("label", kind)

    def chrome(self, common_tlds: tuple[str, ...]) -> re.Pattern:
        """Browser chrome or a print header/footer, hosts ending in one of `common_tlds` (the profile's)."""
        return _chrome(self.chrome_pattern, common_tlds)


@lru_cache(maxsize=8)
def _chrome(pattern: str, common_tlds: tuple[str, ...]) -> re.Pattern:
    endings = "|".join(re.escape(t) for t in sorted(common_tlds, key=len, reverse=True))
    return re.compile(pattern.replace("<<common_tlds>>", endings))


@dataclass(frozen=True)
class UrlKind:
    """A URL that names the kind of its page ([[url_kinds]] of kinds.toml)."""

    pattern: re.Pattern
    kind: str
    points: int
    why: str  # the reason, {url} standing for the URL


@lru_cache(maxsize=2)
def load_kind_rules(path: Path = KINDS_FILE) -> KindRules:
    data = load_toml(path, "Classification data")
    try:
        return KindRules(order=tuple(data["order"]), min_score=int(data["min_score"]), kinds=data["kinds"],
                         signals=data["signals"], web=data["web"], languages=data["languages"],
                         chrome_pattern=re.compile(data["web"]["chrome_pattern"]).pattern,
                         turn=re.compile(data["signals"]["turn_pattern"]),
                         chat_line=re.compile(r"(?m)^[^\S\n]*(?:" + "|".join(
                             f"(?:{form})" for form in data["signals"]["chat_line_forms"]) + r")[^\S\n]*$"),
                         url_kinds=tuple(UrlKind(re.compile(u["pattern"]), u["kind"], int(u["points"]), u["why"])
                                         for u in data.get("url_kinds", ())))
    except (KeyError, re.error) as exc:
        raise broken(path, "Classification data", exc) from None


# ---- what a line says ----------------------------------------------------------------------------

def says_delivered(line: str, delivered: Iterable[str], not_delivered: Iterable[str]) -> bool:
    """The line says the parcel was delivered (배송완료, Delivered, 已签收 ...) and not that it was not (미배송 ...):
    one of `delivered` occurs in it and none of `not_delivered`, as keyword_match (Mode.ANYWHERE) matches keywords
    everywhere (Hangul and Han with any spaces OCR put between their characters, Latin ones as whole words)."""
    text = Text.of(line)
    return not hits(not_delivered, text) and bool(hits(delivered, text))
