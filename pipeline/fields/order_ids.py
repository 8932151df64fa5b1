"""Order ids a reading shows, each with its page: from URLs (`orderId=`, a Coupang `/order/<id>` path) and after
an order-number label on the page. Patterns and their examples: pipeline/fields/order_ids.toml.

Judging uses them to tell a page of the claim's order from a page of another order; nothing here guesses a
number that is not printed whole after its label or in a URL.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.datafiles import load_toml
from pipeline.model import Reading

DATA_FILE = Path(__file__).resolve().parent / "order_ids.toml"


@dataclass(frozen=True)
class OrderId:
    value: str     # digits only
    page: int      # 1-based page of the file
    where: str     # url | label


@dataclass(frozen=True)
class OrderPatterns:
    url: tuple[re.Pattern, ...]
    label: re.Pattern


@lru_cache(maxsize=1)
def patterns(path: Path = DATA_FILE) -> OrderPatterns:
    data = load_toml(path, "Order-id patterns")
    return OrderPatterns(url=tuple(re.compile(p) for p in data["url"]["patterns"]),
                         label=re.compile(data["label"]["pattern"]))


def in_url_text(text: str) -> list[str]:
    """Order ids in a URL or in text holding one."""
    return [m.group(1) for p in patterns().url for m in p.finditer(text)]


def in_labelled_text(text: str) -> list[str]:
    """Order ids printed right after an order-number label."""
    return [m.group(1) for m in patterns().label.finditer(text)]


def order_ids(reading: Reading) -> tuple[OrderId, ...]:
    """Every distinct (value, page, where) order id the reading shows, URLs first."""
    found: list[OrderId] = []
    for url in reading.fields.urls:
        found += [OrderId(v, url.page, "url") for v in in_url_text(url.value)]
    for page in reading.pages:
        for text in (page.header_text, page.text, page.footer_text):
            found += [OrderId(v, page.index, "url") for v in in_url_text(text or "")]
        found += [OrderId(v, page.index, "label") for v in in_labelled_text(page.text)]
    return tuple(dict.fromkeys(found))
