"""The address bar pass: a screenshot's URL row found among the first pass's words and read again on its own.

Entry: `reread_address_bar(words, gray, copy_size, work_png, timeout, cfg, photographed)` -> the words with the
URL's words replaced by one word holding the consensus read, all distinct reads (consensus first), and the text of the
browser's rows around the bar: its tab strip and its bookmarks bar (`browser_rows`). `gray` is the page in
original pixels, `copy_size` the size of the OCR copy the words' boxes are in. A page without an address bar costs
no Tesseract call, unless its top band looks like a URL read as garbage or holds a text row the first pass read
nothing on (then the band is read as Latin once).
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image
from rapidfuzz.distance import Levenshtein

from pipeline.fields.urls import shows_scheme
from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord, lines_of
from pipeline.reading.preprocess import (binarised, enlarged, glyph_height, ink_end, light_background, text_rows,
                                         white_rows)
from pipeline.reading.settings import OcrSettings


def address_bar_words(words: list[OcrWord], image_height: float, cfg: OcrSettings) -> list[OcrWord]:
    """The first-pass words that make up the address bar's URL, [] if no row looks like one: of the runs of
    URL-looking words (with their neighbours on the same line: OCR splits URLs at digits and dots; toolbar icons
    further off left out), the one that scores best as a browser's address bar (bar_score). A page holds one
    address bar; tab titles and bookmarks that are hosts are other entries of their rows, never the bar."""
    return best_bar(words, image_height, cfg)[0]


def best_bar(words: list[OcrWord], image_height: float, cfg: OcrSettings) -> tuple[list[OcrWord], float]:
    """address_bar_words' run and its bar_score; ([], bar_min_score) without one."""
    hint = re.compile(cfg.url_hint)
    candidates = [w for w in words if hint.search(w.text) and 0 <= w.top + w.height / 2 < image_height]
    best, best_score = [], cfg.bar_min_score
    for line in dict.fromkeys(w.line for w in candidates):  # in reading order: a tie goes to the earlier run
        run = _url_run(words, [w for w in candidates if w.line == line], candidates, cfg)
        score = bar_score(run, words, candidates, image_height, cfg)
        if score > best_score:
            best, best_score = run, score
    return best, best_score


def _url_run(words: list[OcrWord], on_line: list[OcrWord], candidates: list[OcrWord],
             cfg: OcrSettings) -> list[OcrWord]:
    """The longest URL-looking word of a line and the words joined to it without a wide gap."""
    piece = re.compile(cfg.url_piece)
    seed = max(on_line, key=lambda w: len(w.text))
    row = sorted((w for w in words if w.line == seed.line), key=lambda w: w.left)
    reach = cfg.bar_join_gap_fraction * max(w.height for w in row)
    # The URL starts at the leftmost URL-looking word joined to the seed without a wide gap: the longest may be its
    # query (`https:/erice:epost.go` `kr/trace` ... `comm?POST_CODE=EM711777744CN`).
    at = row.index(seed)
    for i in range(at - 1, -1, -1):
        if row[i + 1].left - row[i].right > reach:
            break
        if row[i] in candidates:
            at = i
    first = last = at
    right = row[at].right  # word boxes may overlap: the gap is measured from the furthest right so far
    while last + 1 < len(row) and row[last + 1].left - right <= reach:
        last += 1
        right = max(right, row[last].right)
    # Leftwards only pieces of a URL: the lock icon sits just left of it.
    while first > 0 and row[first].left - row[first - 1].right <= reach and piece.search(row[first - 1].text):
        first -= 1
    return row[first:last + 1]


def bar_score(run: list[OcrWord], words: list[OcrWord], candidates: list[OcrWord], image_height: float,
              cfg: OcrSettings) -> float:
    """How much a run of URL words looks like the browser's address bar (see ocr.toml [address_bar]): a path or
    query and a scheme count for it, and its length up to a point; every other URL-looking entry on its row (a tab
    strip, a bookmarks bar), every host alone beyond the first in the run itself (a row's entries glued together) and
    its distance from the nearer of the top and bottom edges count against it."""
    text = "".join(w.text for w in run)
    top, bottom = min(w.top for w in run), max(w.top + w.height for w in run)
    others = [w for w in candidates if w not in run and top <= w.top + w.height / 2 <= bottom]
    # Entries of a row glued into the run: every host alone beyond the first (one URL has one host).
    host = re.compile(cfg.bar_entry_host)
    hosts = sum(bool(host.search(piece)) for piece in re.split(cfg.bar_entry_split, " ".join(w.text for w in run)))
    centre = (top + bottom) / 2
    edge = min(centre, image_height - centre) / max(1.0, image_height)
    return (cfg.bar_score_path * bool(re.search(cfg.bar_path_shape, text))
            + cfg.bar_score_scheme * shows_scheme(text)
            + cfg.bar_score_per_char * min(len(text), cfg.bar_score_max_chars)
            + cfg.bar_score_other_entry * (len(others) + max(0, hosts - 1))
            + cfg.bar_score_edge * edge)


def icon_before(row_words: list[OcrWord], bar: list[OcrWord], cfg: OcrSettings) -> OcrWord | None:
    """The nearest icon left of the URL (the lock), where the bar's crop starts. Words of URL text there are more
    of the URL, which the first pass did not recognise as such (`RetrieveEmsRigiTraceList` before
    `comm?POST_CODE=...`), and so are words wider than an icon that the Korean re-read made (see ocr.toml)."""
    return max((w for w in row_words if w.line == bar[0].line and w.right <= bar[0].left
                and not re.fullmatch(cfg.bar_url_text, w.text)
                and not (w.width > cfg.bar_icon_max_width * w.height and re.search(cfg.bar_reread_text, w.text))),
               key=lambda w: w.right, default=None)


def read_address_bar(gray: Image.Image, bar: list[OcrWord], before: OcrWord | None, scale: float, work_png: Path,
                     timeout: float, cfg: OcrSettings) -> tuple[str, ...]:
    """The URL row read again: cropped from the original pixels (from just after `before`, the word left of the
    URL), enlarged, one line of URL characters, at several scales. Its distinct reads, the consensus first (then
    those with a host-like name); () when nothing was read."""
    top = min(w.top for w in bar) / scale
    bottom = max(w.top + w.height for w in bar) / scale
    pad = cfg.bar_pad_fraction * (bottom - top)
    # Never into the word before the URL (the lock icon): it would be read as a leading `1`, `!` or `.`.
    stop = (before.right / scale + 1) if before else 0
    # The URL's ink decides where it starts: the first pass may have put its start on another line or nowhere (a
    # photo's tilted bar), or lost a short first label (`mc.` of mc.coupang.com).
    left = max(stop, ink_end(gray, round(top), round(bottom), round(bar[0].left / scale), -1, cfg))
    left = max(left - pad, stop)
    right = ink_end(gray, round(top), round(bottom), round(max(w.right for w in bar) / scale), 1, cfg)
    box = (max(0, round(left)), max(0, round(top - pad)),
           min(gray.width, round(right + pad)), min(gray.height, round(bottom + pad)))
    if box[2] <= box[0] or box[3] <= box[1]:
        return ()  # words placed outside the image: nothing to read there
    crop = light_background(gray.crop(box), cfg)
    factor = min(cfg.bar_max_scale, max(1.0, cfg.bar_target_px / max(1.0, bottom - top)))
    first = _bar_read(crop, factor, False, work_png, timeout, cfg)
    if re.match(cfg.bar_clean_url, first):
        return (first,)
    # A doubtful read: the row again at other scales, and binarised (Otsu) at each, which fails elsewhere than
    # Tesseract's own thresholding (a grey path beside a black host). Each garbles other characters of a JPEG
    # re-save or a photographed bar; the read closest to all the others (fewest edits in total) keeps what most
    # agree on. Reads with a host-like name come first.
    scales = sorted({round(min(cfg.bar_max_scale, max(1.0, factor * m)), 2) for m in cfg.bar_vote_multipliers})
    reads = [text for text in [first] + [_bar_read(crop, again, binarise, work_png, timeout, cfg)
                                         for binarise in (False, True) for again in scales
                                         if binarise or again != factor] if text]
    shaped = [text for text in reads if re.search(cfg.bar_url_shape, text)]
    best = consensus(shaped or reads)
    return tuple(dict.fromkeys([best, *shaped, *reads])) if best else ()


def consensus(reads: list[str]) -> str:
    """The read with the fewest edits to all the others (the set median); the earliest wins a tie; "" if none."""
    if not reads:
        return ""
    return min(reads, key=lambda read: sum(Levenshtein.distance(read, other) for other in reads))


def _bar_read(crop: Image.Image, factor: float, binarise: bool, work_png: Path, timeout: float,
              cfg: OcrSettings) -> str:
    image = enlarged(crop, factor)
    if binarise:
        image = binarised(image)
    words = tesseract.band_words(image, work_png, cfg.bar_languages, timeout, cfg.line_psm,
                                 (("tessedit_char_whitelist", cfg.bar_whitelist),))
    # A URL holds no spaces: OCR's spaces inside it are noise. The lock icon left of it reads as `@` or `!`.
    return "".join(w.text for w in words).lstrip(cfg.bar_icon_marks)


def bar_looks_garbled(words: list[OcrWord], gray: Image.Image, copy_height: float, cfg: OcrSettings,
                      unread_rows: bool = True) -> bool:
    """A first-pass row in the bar's search band that may be a URL read as garbage (see ocr.toml), or, with
    `unread_rows`, a text-like row of the band on which the first pass put no word at all (rows_unread: a toolbar
    skipped whole). Not for a photographed screen, whose moiré makes rows of edges everywhere: there only a band
    without any word."""
    hint = re.compile(cfg.bar_garble_hint)
    band = [w for w in words if w.top + w.height / 2 < copy_height * cfg.bar_search_fraction]
    if not band:
        rows = np.asarray(gray)[:max(1, round(gray.height * cfg.bar_search_fraction))]
        return glyph_height(rows, cfg) is not None
    if unread_rows and rows_unread(band, gray, copy_height, cfg):
        return True
    lines, _ = lines_of(band)
    return any(hint.search(line.text) for line in lines)


def rows_unread(words: list[OcrWord], gray: Image.Image, copy_height: float,
                cfg: OcrSettings) -> list[tuple[float, float]]:
    """The text-like rows of the bar's search band (preprocess.text_rows) on which no word of `words` stands, as
    (top, bottom) in the words' (OCR copy) pixels. Tesseract's layout analysis skips a browser's toolbar, tab strip
    or bookmarks bar whole or in part: a dark one whose light text it took for a picture, a grey one above a white
    page (tuning captures: dark Safari and Whale windows, a Firefox toolbar under a top taskbar)."""
    scale = copy_height / max(1, gray.height)
    rows = text_rows(np.asarray(gray)[:max(1, round(gray.height * cfg.bar_search_fraction))], cfg)
    return [(top * scale, bottom * scale) for top, bottom in rows
            if not any(w.top <= (top + bottom) / 2 * scale <= w.top + w.height for w in words)]


def top_band_latin_words(gray: Image.Image, scale: float, work_png: Path, timeout: float,
                         cfg: OcrSettings) -> list[OcrWord]:
    """Words of the band where an address bar may be (bar_search_fraction of the height), read with the bar's
    languages at the OCR copy's scale, in OCR-copy coordinates, on lines of their own ("band", ...)."""
    band = gray.crop((0, 0, gray.width, max(1, round(gray.height * cfg.bar_search_fraction))))
    words = tesseract.band_words(enlarged(white_rows(band, cfg), scale), work_png, cfg.bar_languages, timeout, cfg.psm)
    return [replace(w, line=("band",) + w.line) for w in words]


def reread_address_bar(words: list[OcrWord], gray: Image.Image, copy_size: tuple[int, int], work_png: Path,
                       timeout: float, cfg: OcrSettings,
                       photographed: bool = False) -> tuple[list[OcrWord], tuple[str, ...], tuple[str, str]]:
    """The words with the address bar's URL (and the rest of its row) replaced by one word, its consensus read, the
    address bar's reads (consensus first; see read_address_bar), and (tab strip, bookmarks bar) text around it
    (browser_rows); the words unchanged, () and ("", "") without a bar. `photographed`: a photographed screen
    (bar_looks_garbled: no unread rows)."""
    scale = copy_size[0] / gray.width
    row_words = words
    bar_reads: tuple[str, ...] = ()
    bar, score = best_bar(words, copy_size[1], cfg)
    if not bar and bar_looks_garbled(words, gray, copy_size[1], cfg, unread_rows=not photographed) \
            or bar and _maybe_a_tab(bar, words, gray, copy_size[1], cfg, photographed):
        # kor+eng may read a whole URL row as Hangul garbage (measured on q55 re-saves and dark toolbars), or skip
        # a toolbar whole; the top band alone, read as Latin, finds the bar again, and a bar with a path read there
        # outscores a tab's host the first pass took for the bar.
        band_words = top_band_latin_words(gray, scale, work_png, timeout, cfg)
        band_bar, band_score = best_bar(band_words, copy_size[1], cfg)
        if band_bar and band_score > score:
            row_words, bar = band_words, band_bar
    if not bar:
        return words, bar_reads, ("", "")
    top = min(w.top for w in bar)
    bottom = max(w.top + w.height for w in bar)
    bar_reads = read_address_bar(gray, bar, icon_before(row_words, bar, cfg), scale, work_png, timeout, cfg)
    if bar_reads:
        merged = OcrWord(bar_reads[0], bar[0].left, top, max(w.right for w in bar) - bar[0].left, bottom - top,
                         sum(w.confidence for w in bar) / len(bar), bar[0].line)
        # The bar's row keeps only the URL: the first pass's icons beside it would join the URL as digits.
        on_row = [w is bar[0] or w.line == bar[0].line or top <= w.top + w.height / 2 <= bottom for w in words]
        at = on_row.index(True) if any(on_row) else 0
        kept = [w for w, row in zip(words, on_row) if not row]
        words = kept[:at] + [merged] + kept[at:]
    return words, bar_reads, browser_rows(words, (top, bottom), copy_size[1], cfg)


def _maybe_a_tab(bar: list[OcrWord], words: list[OcrWord], gray: Image.Image, copy_height: float,
                 cfg: OcrSettings, photographed: bool = False) -> bool:
    """Whether the bar the first pass found may be a tab's or a bookmark's host standing in for a toolbar it did not
    read: a host without a path (bar_path_shape), in the search band, with a text-like row no word stands on
    (rows_unread) within chrome_bookmarks_reach heights under it, where a window's toolbar would be (a dark,
    downscaled window whose one other tab, `wing.coupang.com`, was its only URL-looking word)."""
    top, bottom = min(w.top for w in bar), max(w.top + w.height for w in bar)
    if re.search(cfg.bar_path_shape, "".join(w.text for w in bar)) or bottom > copy_height * cfg.bar_search_fraction:
        return False
    if photographed:
        # A photographed screen's moiré makes text-like rows everywhere (rows_unread cannot tell): a host without a
        # path in the band is doubted as such (a dark Firefox's other tab, `mail.naver.com`, over a toolbar the
        # first pass did not read).
        return True
    reach = bottom + cfg.chrome_bookmarks_reach * (bottom - top)
    band = [w for w in words if w.top + w.height / 2 < copy_height * cfg.bar_search_fraction]
    return any(bottom < (row_top + row_bottom) / 2 <= reach
               for row_top, row_bottom in rows_unread(band, gray, copy_height, cfg))


def browser_rows(words: list[OcrWord], bar_box: tuple[float, float], image_height: float,
                 cfg: OcrSettings) -> tuple[str, str]:
    """(text of the tab strip's rows, text of the bookmarks bar) around an address bar whose text spans `bar_box`
    (top, bottom) in the words' coordinates; ("", "") where the bar's centre lies below chrome_max_bar_centre of
    the height (a phone's bar at the bottom has the page above it).

    A window has one address bar, and its toolbar row is the window's geometry: the tab strip lies right above it
    (rows centred up to chrome_tab_reach heights of the bar's text above its top), the bookmarks bar right under it,
    the page below that. Down from the bar, each next row whose top is at most chrome_bookmarks_reach heights under
    the last is browser chrome while it holds chrome_bookmarks_min_entries entries (URL-looking words and close
    marks; a page's own first row holds one link at most): with close marks a tab strip (Safari's, under its bar),
    else the bookmarks bar, the last. Their hosts are other visible hosts, never the page's URL (fields.extract:
    zones tab, bookmark)."""
    top, bottom = bar_box
    height = max(1.0, bottom - top)
    if (top + bottom) / 2 > image_height * cfg.chrome_max_bar_centre:
        return "", ""
    rows: dict[tuple[str, ...], list[OcrWord]] = {}
    for word in words:
        rows.setdefault(word.line, []).append(word)
    tabs, under = [], []
    for row in rows.values():
        row_top = min(w.top for w in row)
        row_bottom = max(w.top + w.height for w in row)
        text = " ".join(w.text for w in sorted(row, key=lambda w: w.left))
        if top - cfg.chrome_tab_reach * height <= (row_top + row_bottom) / 2 < top:
            tabs.append((row_top, text))
        elif (row_top + row_bottom) / 2 > bottom:
            under.append((row_top, row_bottom, row, text))
    hint, close = re.compile(cfg.url_hint), re.compile(cfg.chrome_tab_close)
    bookmarks, edge = "", bottom
    # Down from the bar, each next row within reach: a tab strip (close marks among its entries: Safari's, under
    # its bar), then a bookmarks bar (URL-looking entries); the first row that is neither is the page.
    for row_top, row_bottom, row, text in sorted(under, key=lambda item: item[0]):
        if row_top - edge > cfg.chrome_bookmarks_reach * height:
            break
        closes = sum(bool(close.search(w.text)) for w in row)
        if sum(bool(hint.search(w.text)) for w in row) + closes < cfg.chrome_bookmarks_min_entries:
            break
        if closes and not bookmarks:
            tabs.append((row_top, text))
        else:
            bookmarks = text
            break
        edge = row_bottom
    return "\n".join(text for _, text in sorted(tabs)), bookmarks
