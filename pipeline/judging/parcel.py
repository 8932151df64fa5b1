"""The claim's parcel and order: which tracking numbers and order ids each evidence page shows, which number is the
claim's parcel, and which pages are of it.

A review is about one parcel of one order. The parcel's number is claim.toml's `tracking_number`; without one, the
one verified number every piece of carrier evidence shows (none, or several, shown by all: no parcel, never a
guess). A page is the parcel's when it shows that number, when its file shows no other parcel's number, or when it
shows the claim's order id and no other parcel's number. Facts (delivery time, carrier, address) are taken only
from such pages (pipeline/judging/statement_text.py); the rules that compare the parcel with the evidence are in
stages/validate.py.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from pipeline.fields.order_ids import order_ids
from pipeline.model import Claim, Classification, Reading


@dataclass(frozen=True)
class Shown:
    """An evidence page that shows a fact."""

    source: str   # evidence file, relative to the packet
    page: int     # 1-based


@dataclass(frozen=True)
class NumberSeen:
    """A verified tracking number (its check digit holds, or its carrier has none) on a page of carrier evidence."""

    value: str
    carrier: str | None
    source: str
    page: int
    as_read: str = ""   # the value OCR read, where it was taken for a misread copy of `value`


@dataclass(frozen=True)
class OrderSeen:
    value: str
    source: str
    page: int
    where: str           # url | label
    ocr: bool            # read by OCR (a misread digit is possible), not from a text layer


@dataclass(frozen=True)
class Parcel:
    order_id: str
    number: str | None            # the claim's parcel number, or None when it cannot be told
    basis: str                    # claim.toml | agreed | "" (no number)
    numbers: tuple[NumberSeen, ...]   # verified numbers on carrier evidence, misread copies mapped to their number
    orders: tuple[OrderSeen, ...]     # order ids on every page read
    pages: frozenset[Shown]           # the pages of the claim's parcel (or, without a number, of its order)

    def numbers_by_file(self) -> dict[str, dict[str, list[int]]]:
        """file -> number -> pages, in the order found."""
        found: dict[str, dict[str, list[int]]] = {}
        for n in self.numbers:
            pages = found.setdefault(n.source, {}).setdefault(n.value, [])
            if n.page not in pages:
                pages.append(n.page)
        return found

    def shows(self, source: str, page: int) -> bool:
        return Shown(source, page) in self.pages


def normalised(number: str | None) -> str:
    return re.sub(r"[\s-]", "", number or "").upper()


def parcel_of(claim: Claim, readings: Mapping[str, Reading], kinds: Mapping[str, Classification],
              carrier_kinds: Iterable[str]) -> Parcel:
    """The claim's parcel as the evidence shows it (see the module's docstring)."""
    carrier_kinds = set(carrier_kinds)
    order_id = normalised(claim.order_id)
    orders: list[OrderSeen] = []
    raw: list[NumberSeen] = []
    for source, reading in readings.items():
        ocr_pages = {p.index for p in reading.pages if p.source != "text-layer"}
        found = order_ids(reading)
        orders += [OrderSeen(o.value, source, o.page, o.where, o.page in ocr_pages) for o in found]
        kind = kinds.get(source)
        if kind is None or kind.kind not in carrier_kinds:
            continue
        not_parcels = {order_id} | {o.value for o in found}
        raw += [NumberSeen(t.value.upper(), t.carrier, source, t.page) for t in reading.fields.tracking_numbers
                if t.checksum != "bad" and t.value.upper() not in not_parcels]
    stated = normalised(claim.tracking_number)
    numbers = _merge_copies(raw, {t.value.upper(): t.checksum for r in readings.values()
                                  for t in r.fields.tracking_numbers}, stated)
    if stated:
        number, basis = stated, "claim.toml"
    else:
        per_file = [{n.value for n in numbers if n.source == s} for s in dict.fromkeys(n.source for n in numbers)]
        agreed = set.intersection(*per_file) if per_file else set()
        number, basis = (agreed.pop(), "agreed") if len(agreed) == 1 else (None, "")
    return Parcel(order_id=order_id, number=number, basis=basis, numbers=tuple(numbers), orders=tuple(orders),
                  pages=frozenset(_parcel_pages(number, order_id, readings, numbers, orders)))


def _merge_copies(numbers: list[NumberSeen], checksums: Mapping[str, str], stated: str = "") -> list[NumberSeen]:
    """A number without a check digit one character off another of its length that more files show, or off the
    number claim.toml states, is OCR's copy of that number (no check digit caught the misread); each copy keeps the
    value it was read as."""
    files = Counter()
    for value, source in dict.fromkeys((n.value, n.source) for n in numbers):
        files[value] += 1
    if stated:
        files[stated] += len(numbers) + 1  # the seller's own record of the number outweighs any read
    mapped: dict[str, str] = {}
    for value in files:
        if checksums.get(value) != "none":
            continue
        near = [other for other in files if other != value and len(other) == len(value)
                and sum(a != b for a, b in zip(other, value)) == 1 and files[other] > files[value]]
        if len(near) == 1:
            mapped[value] = near[0]
    return [NumberSeen(mapped[n.value], n.carrier, n.source, n.page, as_read=n.value) if n.value in mapped else n
            for n in numbers]


def _parcel_pages(number: str | None, order_id: str, readings: Mapping[str, Reading],
                  numbers: list[NumberSeen], orders: list[OrderSeen]) -> set[Shown]:
    by_file: dict[str, set[str]] = {}
    by_page: dict[Shown, set[str]] = {}
    for n in numbers:
        by_file.setdefault(n.source, set()).add(n.value)
        by_page.setdefault(Shown(n.source, n.page), set()).add(n.value)
    order_pages = {Shown(o.source, o.page) for o in orders if o.value == order_id}
    pages = set()
    for source, reading in readings.items():
        own = by_file.get(source, set())
        # Any number read on the page, verified or not, of this file (conversations included): the number shown.
        shown = {(t.value.upper(), t.page) for t in reading.fields.tracking_numbers}
        for page in reading.pages:
            here = Shown(source, page.index)
            others = by_page.get(here, set()) - {number}
            if number and (number, page.index) in shown and not others:
                pages.add(here)
            elif number and own == {number}:
                pages.add(here)     # a file of the parcel only: every page of it
            elif here in order_pages and not others and not (own - {number}):
                pages.add(here)
    return pages
