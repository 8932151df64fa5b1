"""What an OCR engine gives the reader: words with their boxes (OcrWord), lines with theirs (OcrLine).

`OcrEngine` is the contract a back-end meets (pipeline/reading/tesseract.py is the one there is): the words of one
image in reading order, boxes in that image's pixels. `parse_words` reads Tesseract's TSV into words, `lines_of`
groups words into lines (Chinese characters joined without the spaces Tesseract puts between them), `band_text`
takes the lines of a page's top and bottom bands.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from PIL import Image

from pipeline.fields.scripts import CJK_PUNCTUATION, RANGES

# Tesseract puts a space between Chinese characters it reads one by one; Chinese is written without spaces.
SPACE_BETWEEN_HAN = re.compile(f"(?<=[{RANGES['han']}{CJK_PUNCTUATION}]) (?=[{RANGES['han']}{CJK_PUNCTUATION}])")


@dataclass(frozen=True)
class OcrWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    line: tuple[str, ...]  # Tesseract's block, paragraph and line numbers

    @property
    def right(self) -> int:
        return self.left + self.width


@dataclass(frozen=True)
class OcrLine:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # mean word confidence
    # Each word's characters in `text` and its box: (start, end, left, top, right, bottom), so any span of the line's
    # text maps back to the boxes of the words it covers (pipeline/reading/spans.py).
    words: tuple[tuple[int, int, int, int, int, int], ...] = ()

    @property
    def centre_y(self) -> float:
        return self.top + self.height / 2


def enclosing(words: Iterable[OcrWord]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the box enclosing `words` (at least one)."""
    words = list(words)
    return (min(w.left for w in words), min(w.top for w in words), max(w.right for w in words),
            max(w.top + w.height for w in words))


def parse_words(tsv: str) -> list[OcrWord]:
    """The recognised words of a Tesseract TSV, in reading order (empty and malformed rows skipped)."""
    words = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        try:
            left, top, width, height = (int(c) for c in cells[6:10])
            conf = float(cells[10])
        except ValueError:
            continue
        if text and conf >= 0:
            words.append(OcrWord(text, left, top, width, height, conf, tuple(cells[1:5])))
    return words


def parse_tsv(tsv: str) -> tuple[tuple[OcrLine, ...], float | None]:
    """The text lines (in reading order, boxes enclosing their words) and the mean word confidence."""
    return lines_of(parse_words(tsv))


def lines_of(words: list[OcrWord]) -> tuple[tuple[OcrLine, ...], float | None]:
    """Words grouped into lines (boxes enclosing their words) and the mean word confidence."""
    grouped: dict[tuple[str, ...], list[OcrWord]] = {}
    for word in words:
        grouped.setdefault(word.line, []).append(word)
    lines = []
    for group in grouped.values():
        left, top, right, bottom = enclosing(group)
        text, spans = joined(group)
        lines.append(OcrLine(text=text, left=left, top=top, width=right - left, height=bottom - top,
                             confidence=sum(w.confidence for w in group) / len(group),
                             words=tuple((start, end, w.left, w.top, w.right, w.top + w.height)
                                         for (start, end), w in zip(spans, group))))
    mean = sum(w.confidence for w in words) / len(words) if words else None
    return tuple(lines), mean


def joined(words: list[OcrWord]) -> tuple[str, list[tuple[int, int]]]:
    """The words' text as one line (a space between words, none between Chinese characters: SPACE_BETWEEN_HAN) and
    each word's (start, end) in it."""
    raw = " ".join(w.text for w in words)
    dropped = {m.start() for m in SPACE_BETWEEN_HAN.finditer(raw)}
    text = "".join(ch for i, ch in enumerate(raw) if i not in dropped)
    # where each character of `raw` lands in `text`
    shift, landed = 0, []
    for i in range(len(raw) + 1):
        landed.append(i - shift)
        if i in dropped:
            shift += 1
    spans, at = [], 0
    for w in words:
        spans.append((landed[at], landed[at + len(w.text)]))
        at += len(w.text) + 1
    return text, spans


def band_text(lines: tuple[OcrLine, ...], image_height: int, header_fraction: float,
              footer_fraction: float) -> tuple[str, str]:
    """Text of the lines centred in the top band (address bar) and in the bottom band (taskbar clock)."""
    header = [line.text for line in lines if line.centre_y < image_height * header_fraction]
    footer = [line.text for line in lines if line.centre_y > image_height * (1 - footer_fraction)]
    return "\n".join(header), "\n".join(footer)


@runtime_checkable
class OcrEngine(Protocol):
    """An OCR back-end (a module or an object with this function)."""

    def words(self, image: Image.Image, languages: str, timeout: float, psm: int | None = None,
              variables: tuple[tuple[str, str], ...] = (), scratch: Path | None = None) -> list[OcrWord]:
        """The recognised words of `image` in reading order, boxes in its pixels, read with `languages` ("kor+eng")
        in page segmentation mode `psm` (None: the settings' psm) with engine `variables`; `scratch`: a file path the
        engine may use for the image. Raises OcrTimeout after `timeout` seconds, OcrFailed when it cannot read."""
        ...
