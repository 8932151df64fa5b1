"""Straightening a scanned page before OCR: find the small rotation of its text lines and table rules, undo it.

Sign convention (PIL's): an angle is counter-clockwise, in degrees, as `Image.rotate(angle)` turns an image. A page
made by `upright.rotate(a)` has `skew_angle(...) == a`, and `deskewed` turns it back with `rotate(-a)`.

The angle is found by projection-profile sharpness, the classic method (Postl 1986; Leptonica's pixFindSkew): ink
summed along rows changes sharply from row to row (line edges, gaps, rules) only when the rows follow the page's
lines. Like Leptonica, sharpness is the sum of squared differences between neighbouring rows: smooth content (a
photo's blotches, a large dark area) barely changes it, so a page without lines shows no clear peak. The page is
downscaled once, cut into vertical strips whose row profiles are computed once; a candidate angle only shifts each
strip's profile by its distance from the centre, so a search costs no pixel work. Coarse steps over the whole range,
then fine steps around the best, then a parabola through the top three. Settings live in `deskew.toml`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from pipeline.output import imageops
from pipeline.datafiles import FlatSettings


SETTINGS_FILE = Path(__file__).with_name("deskew.toml")


@dataclass(frozen=True)
class DeskewSettings(FlatSettings, file=SETTINGS_FILE, what="The deskew settings file"):
    """deskew.toml: the size of the search copy, the angles searched, and when an angle is worth undoing."""

    max_side_px: int
    range_degrees: float
    coarse_step_degrees: float
    fine_step_degrees: float
    strips: int
    paper_percentile: float
    ink_floor: int
    min_ink_fraction: float
    min_gain: float
    min_angle_degrees: float


settings = DeskewSettings.default  # the settings of the shipped file, read once per process


def skew_angle(gray: np.ndarray, cfg: DeskewSettings | None = None) -> float | None:
    """The counter-clockwise rotation, in degrees, of the text lines and rules of a greyscale page (2-D uint8,
    dark ink on light paper), or None when there is too little line structure to tell (a blank page, a photo,
    noise)."""
    cfg = cfg or settings()
    small = _working_copy(gray, cfg.max_side_px)
    ink = _ink(small, cfg)
    if ink is None:
        return None
    profiles, centres = _strip_profiles(ink, cfg.strips)
    coarse = _angles(-cfg.range_degrees, cfg.range_degrees, cfg.coarse_step_degrees)
    coarse_scores = _sharpness(profiles, centres, coarse)
    best = int(np.argmax(coarse_scores))
    baseline = float(np.median(coarse_scores))
    if baseline <= 0 or coarse_scores[best] / baseline < cfg.min_gain:
        return None
    fine = _angles(coarse[best] - cfg.coarse_step_degrees, coarse[best] + cfg.coarse_step_degrees,
                   cfg.fine_step_degrees)
    fine_scores = _sharpness(profiles, centres, fine)
    return round(_peak(fine, fine_scores), 3) + 0.0  # + 0.0: a straight page reads 0.0, not -0.0


def deskewed(image: Image.Image, cfg: DeskewSettings | None = None) -> Image.Image:
    """The page turned upright (bicubic, same size, corners filled with the paper's colour), as 8-bit L or RGB the
    way it looks on white (imageops.visible_rgb: an L or RGB page keeps its mode); `image` itself when its skew is
    unknown or below the minimum worth a resampling.

    Same size (no expand): a scan's content was turned inside the scanner's frame, so turning it back returns it to
    where it lay on the paper; only the scanner's fill corners move, and they are refilled with paper.
    """
    return turned_upright(image, cfg)[0]


def turned_upright(image: Image.Image, cfg: DeskewSettings | None = None) -> tuple[Image.Image, float]:
    """deskewed(image), and the degrees it was turned clockwise by (Image.rotate(-degrees)); 0.0 for `image`
    itself."""
    cfg = cfg or settings()
    visible = imageops.visible_rgb(image)
    angle = skew_angle(np.asarray(visible.convert("L") if visible.mode != "L" else visible), cfg)
    if angle is None or abs(angle) < cfg.min_angle_degrees:
        return image, 0.0
    return visible.rotate(-angle, resample=Image.Resampling.BICUBIC, expand=False,
                          fillcolor=_paper_colour(visible, cfg)), angle


def _working_copy(gray: np.ndarray, max_side: int) -> np.ndarray:
    """`gray` area-averaged down so its longer side is at most `max_side` (cv2 reads the page once and allocates
    only the small copy: bounded memory on a 35 MP photo)."""
    height, width = gray.shape
    scale = max_side / max(height, width)
    if scale >= 1:
        return gray
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(np.ascontiguousarray(gray, dtype=np.uint8), size, interpolation=cv2.INTER_AREA)


def _ink(small: np.ndarray, cfg: DeskewSettings) -> np.ndarray | None:
    """How much darker than the paper each pixel is, beyond the noise floor; None when there is too little ink."""
    paper = _percentile(small, cfg.paper_percentile)
    ink = np.clip(paper - cfg.ink_floor - small.astype(np.int16), 0, None).astype(np.float32)
    if np.count_nonzero(ink) < cfg.min_ink_fraction * ink.size:
        return None
    return ink


def _percentile(gray: np.ndarray, percent: float) -> int:
    """A grey-level percentile from the 256-bin histogram (np.percentile sorts: ~10x slower on a page)."""
    counts = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    return int(np.searchsorted(counts, counts[-1] * percent / 100))


def _strip_profiles(ink: np.ndarray, strips: int) -> tuple[np.ndarray, np.ndarray]:
    """Row sums of the ink in each vertical strip, shape (strips, rows), and the strips' centres in px from the
    page's centre (rightwards positive)."""
    width = ink.shape[1]
    edges = np.linspace(0, width, min(strips, width) + 1).round().astype(int)
    profiles = np.add.reduceat(ink, edges[:-1], axis=1).T.astype(np.float64)
    centres = (edges[:-1] + edges[1:]) / 2 - width / 2
    return profiles, centres


def _angles(low: float, high: float, step: float) -> np.ndarray:
    return np.linspace(low, high, round((high - low) / step) + 1)


def _sharpness(profiles: np.ndarray, centres: np.ndarray, angles: np.ndarray) -> np.ndarray:
    """Sharpness of the page's row profile straightened by each angle: the sum of squared differences between
    neighbouring rows.

    Content turned counter-clockwise by `a` rises to the right: a row at height y in the centre lies at
    y - x tan(a) in the strip x px right of it. Each strip's profile is read there with linear interpolation, so a
    sub-pixel shift counts (a 0.1-degree change moves the far strips by under 2 px). A shift is the same for every
    row of a strip, so reading is a gather of whole windows of the profile: no per-pixel work."""
    strips, rows = profiles.shape
    shifts = -centres[None, :] * np.tan(np.radians(angles))[:, None]        # (angles, strips)
    margin = math.ceil(np.abs(shifts).max()) + 2
    padded = np.zeros((strips, rows + 2 * margin + 1), np.float32)
    padded[:, margin:margin + rows] = profiles
    below = np.floor(shifts)
    offsets = below.astype(np.intp) + margin
    fractions = (shifts - below).astype(np.float32)
    windows = sliding_window_view(padded[:, :-1], rows, axis=1)              # (strips, offsets, rows), a view
    slopes = sliding_window_view(np.diff(padded, axis=1), rows, axis=1)
    strip = np.arange(strips)[None, :]
    straightened = (windows[strip, offsets].sum(axis=1)
                    + np.einsum("as,asr->ar", fractions, slopes[strip, offsets]))  # (angles, rows)
    return np.square(np.diff(straightened, axis=1), dtype=np.float64).sum(axis=1)


def _peak(angles: np.ndarray, scores: np.ndarray) -> float:
    """The angle of the highest score, refined by a parabola through it and its neighbours."""
    best = int(np.argmax(scores))
    if best == 0 or best == len(scores) - 1:
        return float(angles[best])
    left, centre, right = scores[best - 1:best + 2]
    curvature = left - 2 * centre + right
    if curvature >= 0:
        return float(angles[best])
    offset = 0.5 * (left - right) / curvature
    return float(angles[best] + offset * (angles[1] - angles[0]))


def _paper_colour(image: Image.Image, cfg: DeskewSettings) -> int | tuple[int, ...]:
    """The paper's colour (per band of an L or RGB page) for the corners a rotation uncovers: white-ish, never
    black. Read on a reduced copy of about 256 px: a full-size copy of a 35 MP photo would be 100 MB."""
    small = image.reduce(max(1, max(image.size) // 256))
    levels = tuple(_percentile(np.asarray(band), cfg.paper_percentile) for band in small.split())
    return levels[0] if len(levels) == 1 else levels
