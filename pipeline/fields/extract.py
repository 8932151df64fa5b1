"""Fields read from the text of evidence: tracking numbers, timestamps, URLs, Korean addresses, languages.

Pure text in, records out (pipeline/model.py). What to look for is data (pipeline/fields/patterns/); each kind of
field has its module (fields_tracking, fields_time, fields_url, fields_address, fields_language). Text comes from
Tesseract or a PDF text layer, so every reader expects noise: spaces inside numbers and URLs, dashes read as en
dashes, split Korean syllables.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from typing import Sequence

from pipeline.fields.addresses import extract_addresses
from pipeline.fields.language import detect_languages
from pipeline.fields.timestamps import (DateMention, Layout, Zone, document_year, extract_dates,
                                        extract_timestamps, governing_zone, says_times_are_local, stated_zone,
                                        stated_zones, column_rows, stacked_pairs, unpadded_hours,
                                        wrapped_cells)
from pipeline.fields.tracking import extract_tracking, validate_tracking, with_page_numbers
from pipeline.fields.urls import (extract_bar_urls, extract_chrome_urls, extract_urls, is_known_host, is_listed_host,
                                  named_carrier_hosts, site_hosts, template_around_number)
from pipeline.model import Fields, PageReading, Timestamp, TrackingNumber, Url
from pipeline.profile import Profile

__all__ = ["extract_fields", "extract_tracking_numbers", "detect_languages", "validate_tracking", "extract_dates",
           "DateMention"]


def extract_fields(pages: Sequence[PageReading], profile: Profile, now: date | None = None) -> Fields:
    """Every field of a document's pages, each record carrying its page number (PageReading.index). A page with
    nothing read (no text, no barcode) is passed over before any pattern is compiled: a blank page costs nothing.

    A chat prints its times without a year and often without a day; they are dated from a reference day, never
    guessed: `昨天`, `星期二`, `下午1:25` and `오늘` count back from the capture's day (`capture_day`: a clock or a
    print header the page shows), and are not reported where the page shows none; a date without its year
    (3月11日 下午1:25) where the document prints none is the latest such day up to the capture's day, else up to
    `now` (the day of the reading, or a claim's last day: the caller's reference)."""
    pages = _with_something(pages)
    texts = [text for page in pages for text in (page.text, page.header_text, page.footer_text) if text]
    year, zone, local = document_year(texts), None, says_times_are_local(texts)
    today = capture_day(texts, year, zone, local, now)
    now = today or now
    tracking, timestamps, urls, addresses = [], [], [], []
    for page in pages:
        page_urls = _page_urls(page, profile)
        page_tracking = _page_tracking(page, page_urls, profile)
        # A carrier URL's number misread in the bar is the page's verified number it is a copy of.
        urls += with_page_numbers(page_urls, page_tracking, profile)
        tracking += page_tracking
        timestamps += _page_timestamps(page, year, zone, local, today, now)
        zone = stated_zone([page.text]) or zone  # a page's last statement governs the pages after it
        addresses += extract_addresses(page.text, page.index, page.lines)
    return Fields(tracking_numbers=tuple(tracking), timestamps=tuple(timestamps), urls=tuple(urls),
                  korean_addresses=tuple(addresses))


def extract_tracking_numbers(pages: Sequence[PageReading], profile: Profile) -> tuple[TrackingNumber, ...]:
    """The tracking numbers extract_fields finds on `pages`, the same records, without the timestamps and
    addresses (most of its time on a photographed screen's read: 0.1-0.3 s of ~0.3 s): what a caller that judges a
    read by its numbers needs (reader.doubted). A number depends on the page's text, barcodes and URLs alone."""
    return tuple(number for page in _with_something(pages)
                 for number in _page_tracking(page, _page_urls(page, profile), profile))


def _with_something(pages: Sequence[PageReading]) -> list[PageReading]:
    """The pages with anything read (text, a band, a barcode, a bar's read): a blank page costs nothing."""
    return [page for page in pages if page.text or page.header_text or page.footer_text or page.barcodes
            or page.bar_reads]


def _page_tracking(page: PageReading, page_urls: list[Url], profile: Profile) -> list[TrackingNumber]:
    return extract_tracking(page.text, page_urls, profile, page.index, page.barcodes,
                            "text" if page.source == "text-layer" else "ocr", page.lines)


def capture_day(texts: Sequence[str], year: int | None, zone: Zone | None, local: bool,
                now: date | None) -> date | None:
    """The day the capture was taken, as the page shows it: the latest date of a capture's form (a taskbar's or a
    menu bar's clock, a print header: patterns/timestamps.toml's forms of role `capture`), or None. A date a chat's
    separator shows (`2025年12月12日 中午12:56`) is its messages' day, not the capture's: a `昨天` under it is a later
    day."""
    days = [datetime.fromisoformat(stamp.value).date() for text in texts
            for stamp in extract_timestamps(text, 0, year, zone, local, None, now) if stamp.role == "capture"]
    return max(days, default=None)


def _page_urls(page: PageReading, profile: Profile) -> list[Url]:
    """The address bar's URLs first, then the page's, one record per value, each with its `zone`. On a screen read
    by OCR the address bar is the one row the reader found as the bar (PageReading.bar_reads); the rows of the tab
    strip above it and of the bookmarks bar under it (PageReading.tabs_text, bookmarks_text) show other hosts,
    reported in zones `tab` and `bookmark`, never as the page's URL. A text layer's first line (a print header)
    stands for the bar there.

    A doubtful bar is read at several scales (PageReading.bar_reads); JPEG re-saves and photos garble other
    characters at each (`iups:com` at one, `ups.com` at another; `serwce.epost.go.kr` once, `service.epost.go.kr`
    five times). The known host most of its reads name, after repair, stands for the bar, as a host is only ever
    repaired towards a known one; the header's consensus read keeps the bar where no read names a known host.
    """
    # The reader puts the bar's consensus read on a line of its own in the page's text (and in its band).
    lines = (line.strip() for text in (page.text, page.header_text, page.footer_text) for line in text.splitlines())
    bar = page.header_text if page.source != "ocr" else next(
        (line for line in lines if page.bar_reads and line == page.bar_reads[0]), "")
    header = extract_urls(bar, profile, page.index, address_bar=True)
    # The tab strip's and bookmarks bar's rows are read on their own (extract_chrome_urls), never as the page's: a
    # line of the text whose words are all of one such row is that row, and a URL the rows give is theirs.
    chrome_rows = [set(line.split()) for rows in (page.tabs_text, page.bookmarks_text) for line in rows.splitlines()]
    in_rows = {url.value for rows in (page.tabs_text, page.bookmarks_text) for url in extract_urls(rows, profile, 0)}
    # The page's own hosts are read against the same closed list as the rows' (a photographed monitor's tab strip
    # that no geometry found: `transiate.googie.com`).
    text = [url for url in extract_urls("\n".join(line for line in page.text.splitlines()
                                                  if not any(line.split() and set(line.split()) <= row
                                                             for row in chrome_rows)),
                                        profile, page.index, known=site_hosts(profile))
            if url.value not in in_rows]
    voted = _bar_vote(page, profile)
    if voted is not None and voted.host not in {url.host for url in header}:
        # The consensus read is the bar's line in the header and in the text: the voted URL stands in for it.
        outvoted = {url.value for url in extract_urls(page.bar_reads[0], profile, page.index, address_bar=True)}
        header = [url for url in header if url.value not in outvoted] + [voted]
        text = [url for url in text if url.value not in outvoted]
    screen = page.source == "ocr"
    chrome = [url for zone, rows in (("tab", page.tabs_text), ("bookmark", page.bookmarks_text))
              for url in extract_chrome_urls(rows, profile, page.index, zone)]
    found: dict[str, Url] = {}
    for url in header + text:
        found.setdefault(url.value, replace(url, zone=("address-bar" if url.address_bar else "page") if screen else ""))
    for url in chrome:
        found.setdefault(url.value, url)
    return list(found.values())


def _bar_vote(page: PageReading, profile: Profile) -> Url | None:
    """The URL of the known host that most of the bar's reads name, or None. A tie goes to a host of the known
    list as it stands (or with www.) over an unlisted subdomain of one (a photo's bar read once as www.dhl.com,
    once as tievew.dhl.com), then to the earliest read."""
    votes: Counter[str] = Counter()
    first: dict[str, Url] = {}
    named = named_carrier_hosts("\n".join((page.text, page.header_text, page.footer_text)), profile)
    for read in page.bar_reads:
        url = next((url for url in extract_bar_urls(read, profile, page.index, named)
                    if is_known_host(url.host, profile)), None)
        if url is not None:
            votes[url.host] += 1
            first.setdefault(url.host, url)
    if not votes:
        # No read names a known host: a read that shows a carrier template's text beside a verified number.
        for read in page.bar_reads:
            url = template_around_number(read, profile, page.index)
            if url is not None:
                votes[url.host] += 1
                first.setdefault(url.host, url)
    order = list(first)
    return first[max(votes, key=lambda host: (votes[host], is_listed_host(host, profile), -order.index(host)))] \
        if votes else None


def _page_timestamps(page: PageReading, year: int | None, zone: Zone | None, local: bool,
                     today: date | None, now: date | None = None) -> list[Timestamp]:
    """The bands (taskbar clock, print header) are read on their own too: one record per value, a capture (the
    screen's clock, the print header or footer) where a band shows it. `zone` is the one the document states for
    its times, `local` whether it says they are local to each row's place, `today` the day a chat's 今天/昨天
    counts from, `now` the day of the reading."""
    found: dict[str, Timestamp] = {}
    statements = stated_zones(page.text)
    # The page's lines with their boxes, where they are its text's lines: where a row stands on the page.
    layout = Layout(page.text, [line.box for line in page.lines]) if page.lines and "\n".join(
        line.text for line in page.lines) == page.text else None
    for text, band in ((page.text, False), (page.header_text, True), (page.footer_text, True)):
        # A band's lines are lines of the page's text: the page's statements govern them as they govern the page,
        # but for the top band's (the screen's own rows: a menu bar's clock, a status bar).
        at = page.text.find(text) if band else 0
        cues = None if at < 0 else [replace(cue, start=cue.start - at) for cue in statements]
        chrome = len(page.header_text) - at if page.header_text and page.text.startswith(page.header_text) else 0
        for stamp in extract_timestamps(text, page.index, year, zone, local, today, now, cues, chrome,
                                        None if band else layout):
            known = found.setdefault(stamp.value, stamp)
            if band and known.role != "capture":
                found[stamp.value] = replace(known, role="capture")
    # A phone's narrow table wraps a row's cells onto the line under it (the date's day under its year and month,
    # the time's 분 under its hour): the rows written whole give the times their parts.
    # A row read whole knows its zone better than its halves did (`2:36` over `AM (GMT+08:00)`: the half with the time
    # took the zone of the row above it): its reading replaces theirs of the same wall time, never both reported.
    wrapped = wrapped_cells(page.lines) if layout is not None else None
    if wrapped is not None:
        text, boxes = wrapped
        chrome = len(page.header_text) if page.header_text and page.text.startswith(page.header_text) else 0
        for stamp in extract_timestamps(text, page.index, year, zone, local, today, now, None, chrome,
                                        Layout(text, boxes)):
            halves = [value for value, known in found.items() if value != stamp.value and known.role == stamp.role
                      and _wall_time(value) == _wall_time(stamp.value)]
            if halves:  # in the first half's place, unless the row's reading is there already
                first = halves[0] if stamp.value not in found else None
                found = {(stamp.value if value == first else value): (stamp if value == first else known)
                         for value, known in found.items() if value == first or value not in halves}
            found.setdefault(stamp.value, stamp)
    # A table's date and time columns read as two lists: each time with the date on its row, in the zone that governs
    # the time's place in the page.
    starts = [0] + [i + 1 for i, ch in enumerate(page.text) if ch == "\n"]
    chrome = len(page.header_text) if page.header_text and page.text.startswith(page.header_text) else 0
    for index, row in column_rows(page.lines) if layout is not None else ():
        governing = governing_zone(statements, starts[index], zone, chrome, layout)
        for stamp in extract_timestamps(row, page.index, year, governing, local, today, now, ()):
            found.setdefault(stamp.value, stamp)
    # The two lines of a clock (a time over its date) that the reading order parted: read together.
    for _, pair in stacked_pairs(page.lines) if layout is not None else ():
        for stamp in extract_timestamps(pair, page.index, year, zone, local, today, now, ()):
            if stamp.role == "capture":
                found.setdefault(stamp.value, stamp)
    lost = unpadded_hours(list(found.values()))  # a padded table's hour that lost a digit: two values fit
    return [stamp for value, stamp in found.items() if value not in lost]


def _wall_time(value: str) -> str:
    """The date and time an ISO 8601 value shows on a clock of its zone, its offset set aside."""
    return datetime.fromisoformat(value).replace(tzinfo=None).isoformat()
