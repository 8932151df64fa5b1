"""The faint-text pass: lines of low-contrast ink that the first pass did not read, found by image analysis and read
again stretched to full contrast.

Entry: `reread_faint(words, gray, copy_size, work_png, timeout, cfg, languages)` -> the words with each faint line's
read inserted where the line stands (words on lines ("faint", ...)), before the first-pass line right under it.

A chat app prints its time separators small and light (WeChat's `#9a9a9a` on `#ededed`, 11-14 px: `昨天 下午1:25`;
KakaoTalk's white day pill and grey bubble times): Tesseract's first pass reads none of it. What is faint is
measured, not guessed from the app: ink whose grey steps (between neighbouring pixels) reach faint_min_step but
almost never faint_max_step (black text on white steps ~200), grouped into line-shaped blobs of the first pass's
text height. Only blobs that no confidently read word covers are read, at most faint_max_regions a page, so a page
whose light text the first pass read, or without light text, costs nothing; a read that looks like a URL is dropped
(the address bar and the tabs are the address-bar pass's).
"""
from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from pipeline.reading import tesseract
from pipeline.reading.engine import OcrWord
from pipeline.reading.preprocess import enlarged
from pipeline.reading.settings import OcrSettings

Box = tuple[int, int, int, int]  # left, top, right, bottom (original pixels)


def faint_regions(gray: Image.Image, words: list[OcrWord], scale: float, cfg: OcrSettings) -> list[Box]:
    """Boxes (original pixels) of line-shaped faint ink that no confident first-pass word covers, largest first, at
    most faint_max_regions. `words` are in OCR-copy pixels, `scale` the copy's size over the original's."""
    heights = sorted(w.height for w in words if any(c.isalnum() for c in w.text))
    if not heights or gray.width * gray.height > cfg.photo_min_pixels:
        return []  # no text to size lines by, or a photo larger than any screen (its grain is faint everywhere)
    text_px = heights[len(heights) // 2] / scale
    pixels = np.asarray(gray).astype(np.int16)
    step = np.zeros(pixels.shape, np.int16)
    step[:, 1:] = np.abs(np.diff(pixels, axis=1))
    step[1:, :] = np.maximum(step[1:, :], np.abs(np.diff(pixels, axis=0)))
    ink = (step >= cfg.faint_min_step).astype(np.uint8)
    strong = step >= cfg.faint_max_step
    reach_x = max(3, round(cfg.faint_join_heights * text_px)) | 1
    reach_y = max(1, round(cfg.faint_join_rows_heights * text_px)) | 1
    lines = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (reach_x, reach_y)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    confident = [(w.left / scale, w.top / scale, w.right / scale, (w.top + w.height) / scale) for w in words
                 if w.confidence >= cfg.faint_min_confidence]
    found = []
    for left, top, width, height, _ in stats[1:]:
        if not (cfg.faint_min_heights * text_px <= height <= cfg.faint_max_heights * text_px) \
                or width < cfg.faint_min_aspect * height:
            continue
        box = (int(left), int(top), int(left + width), int(top + height))
        region = ink[top:top + height, left:left + width]
        region_ink = int(region.sum())
        if np.count_nonzero(region.any(axis=1)) < cfg.faint_min_heights * text_px:
            continue  # a rule or a box's edge: ink on a row or two
        if not _alone(ink, box, max(width, cfg.faint_alone_heights * text_px), cfg):
            continue  # a cell of a table, an item of a menu, a bubble's time: read with its row, not on its own
        strong_ink = int(strong[top:top + height, left:left + width].sum())
        if not region_ink or strong_ink > cfg.faint_max_strong_share * region_ink:
            continue  # no ink, or ink of full contrast: text the first pass reads
        low, middle, high = np.percentile(pixels[top:top + height, left:left + width], [1, 50, 99])
        if max(middle - low, high - middle) > cfg.faint_max_contrast:
            continue  # its darkest (or lightest) ink stands far from its background: dark text, blurred or small
        if _covered(box, confident) > cfg.faint_max_covered:
            continue
        found.append(box)
    found.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    return found[:cfg.faint_max_regions]


def _alone(ink: np.ndarray, box: Box, reach: float, cfg: OcrSettings) -> bool:
    """Whether the rows of `box` hold (almost) no ink within `reach` pixels left and right of it: a line alone on
    its row, as a chat's time separator or day pill stands centred between the messages."""
    left, top, right, bottom = box
    reach = round(reach)
    sides = [ink[top:bottom, max(0, left - reach):left], ink[top:bottom, right:right + reach]]
    return all(side.size == 0 or side.mean() <= cfg.faint_alone_max_ink for side in sides)


def _covered(box: Box, others: list[tuple[float, float, float, float]]) -> float:
    """The share of `box` that boxes of `others` overlap (overlaps summed, at most 1)."""
    area = max(1, (box[2] - box[0]) * (box[3] - box[1]))
    total = sum(max(0.0, min(box[2], o[2]) - max(box[0], o[0])) * max(0.0, min(box[3], o[3]) - max(box[1], o[1]))
                for o in others)
    return min(1.0, total / area)


def stretched(crop: Image.Image) -> Image.Image:
    """A crop's grey levels stretched to full contrast, dark text on light (light text on a darker pill inverted)."""
    pixels = np.asarray(crop).astype(np.float32)
    low, high = np.percentile(pixels, [1, 99])
    if high - low < 1:
        return crop
    out = np.clip((pixels - low) * 255.0 / (high - low), 0, 255)
    if np.median(out) < 128:  # the background is the darker tone: the text is light on it
        out = 255 - out
    return Image.fromarray(out.astype(np.uint8))


def read_region(gray: Image.Image, box: Box, work_png: Path, timeout: float, cfg: OcrSettings,
                languages: str) -> list[OcrWord]:
    """The words of one faint line `box` (original pixels; the words' boxes too), cropped with its pad, stretched,
    enlarged to faint_target_px and read as one line; words under faint_min_confidence are dropped."""
    height = box[3] - box[1]
    pad = round(cfg.faint_pad_heights * height)
    crop_box = (max(0, box[0] - pad), max(0, box[1] - pad), min(gray.width, box[2] + pad),
                min(gray.height, box[3] + pad))
    factor = min(cfg.faint_max_scale, max(1.0, cfg.faint_target_px / max(1, height)))
    crop = enlarged(stretched(gray.crop(crop_box)), factor)
    found = tesseract.band_words(crop, work_png, languages, timeout, cfg.line_psm)
    return [OcrWord(w.text, round(w.left / factor + crop_box[0]), round(w.top / factor + crop_box[1]),
                    round(w.width / factor), round(w.height / factor), w.confidence, w.line)
            for w in found if w.confidence >= cfg.faint_min_confidence and any(c.isalnum() for c in w.text)]


def reread_faint(words: list[OcrWord], gray: Image.Image, copy_size: tuple[int, int], work_png: Path,
                 timeout: float, cfg: OcrSettings, languages: str) -> list[OcrWord]:
    """The words with the read of each faint line (faint_regions) inserted before the first-pass line right under
    it (so a day separator stays above its day's messages), replacing the less confident first-pass words whose
    middle lies in it. A read that looks like a URL is dropped, and so is one with fewer letters and digits than
    the words it would replace (a downscaled capture's garbled line `지에 지아 오 6 객 새 44662596634` read as `사`)."""
    scale = copy_size[0] / gray.width
    url = re.compile(cfg.url_hint)
    for box in faint_regions(gray, words, scale, cfg):
        read = read_region(gray, box, work_png, timeout, cfg, languages)
        if not read or any(url.search(w.text) for w in read):
            continue
        mean = sum(w.confidence for w in read) / len(read)
        copy_box = tuple(round(v * scale) for v in box)
        replaced = [w for w in words if _centre_in(w, copy_box) and w.confidence < mean]
        if _alnum(replaced) > _alnum(read):
            continue  # the first pass saw more there than the read does: it stands
        placed = [OcrWord(w.text, round(w.left * scale), round(w.top * scale), max(1, round(w.width * scale)),
                          max(1, round(w.height * scale)), w.confidence, ("faint", str(copy_box[1]), *w.line))
                  for w in read]
        words = [w for w in words if w not in replaced]
        at = _insert_at(words, copy_box)
        words = words[:at] + placed + words[at:]
    return words


def _alnum(words: list[OcrWord]) -> int:
    return sum(c.isalnum() for w in words for c in w.text)


def _centre_in(word: OcrWord, box: tuple[int, ...]) -> bool:
    return box[0] <= word.left + word.width / 2 <= box[2] and box[1] <= word.top + word.height / 2 <= box[3]


def _insert_at(words: list[OcrWord], box: tuple[int, ...]) -> int:
    """Where a line in `box` (OCR-copy pixels) goes in the words' reading order: before the first word of the
    nearest line below it that shares its columns (overlaps it widened by its own width each way), else of the
    nearest line below it at all, else at the end."""
    middle = (box[1] + box[3]) / 2
    width = box[2] - box[0]
    below = [(i, w) for i, w in enumerate(words) if w.top >= middle]
    if not below:
        return len(words)
    beside = [(i, w) for i, w in below if w.left < box[2] + width and w.right > box[0] - width]
    pool = beside or below
    nearest = min(w.top for _, w in pool)
    line = next(w.line for _, w in pool if w.top == nearest)
    return next(i for i, w in enumerate(words) if w.line == line)
