"""The browser's own rows around its address bar: the tab strip above it and the bookmarks bar under it.

A window has one address bar. Its toolbar row is the window's geometry: the tab strip (tab titles, which may be
hosts) lies right above it, the bookmarks bar (hosts and names of saved pages) right under it, and the page below
that. Hosts in those rows are other visible hosts, never the page's URL (pipeline/fields/extract.py gives them the
zones `tab` and `bookmark`). Only a bar in the upper part of the image has such rows: a phone's bar at the bottom
(iOS Safari) has the page above it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ChromeSettings:
    """ocr.toml [address_bar] `chrome_*`: `tab_reach` and `bookmarks_reach` in heights of the bar's text (how far
    above the bar's top a row's centre, and how far under its bottom a row's top, may lie), `bookmarks_min_entries`
    the URL-looking entries (`url_hint`) a row under the bar needs to be a bookmarks bar rather than the page,
    `max_bar_centre` the share of the image's height above which the bar's centre must lie."""
    url_hint: str
    tab_reach: float
    bookmarks_reach: float
    bookmarks_min_entries: int
    max_bar_centre: float


def browser_rows(words: list, bar_box: tuple[float, float], image_height: float,
                 cfg: ChromeSettings) -> tuple[str, str]:
    """(text of the tab strip's rows, text of the bookmarks bar) around an address bar whose text spans
    `bar_box` (top, bottom), from OCR words with `top`, `height`, `left`, `text` and `line` (those of one line share
    it), in reading order; ("", "") where the bar lies too low to have such rows."""
    top, bottom = bar_box
    height = max(1.0, bottom - top)
    if (top + bottom) / 2 > image_height * cfg.max_bar_centre:
        return "", ""
    rows: dict[object, list] = {}
    for word in words:
        rows.setdefault(word.line, []).append(word)
    tabs, under = [], []
    for row in rows.values():
        row_top = min(w.top for w in row)
        row_bottom = max(w.top + w.height for w in row)
        centre = (row_top + row_bottom) / 2
        text = " ".join(w.text for w in sorted(row, key=lambda w: w.left))
        if top - cfg.tab_reach * height <= centre < top:
            tabs.append((row_top, text))
        elif centre > bottom and row_top - bottom <= cfg.bookmarks_reach * height:
            under.append((row_top, row))
    hint = re.compile(cfg.url_hint)
    bookmarks = ""
    if under:
        _, row = min(under, key=lambda item: item[0])  # the nearest row under the bar, and no other
        if sum(bool(hint.search(w.text)) for w in row) >= cfg.bookmarks_min_entries:
            bookmarks = " ".join(w.text for w in sorted(row, key=lambda w: w.left))
    return "\n".join(text for _, text in sorted(tabs)), bookmarks
