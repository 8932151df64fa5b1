"""Straighten a phone photo of a monitor (or of a sheet of paper) before OCR.

Tesseract reads a screen photographed in perspective badly: lines slant, the text shrinks towards the far side,
and the desk and bezel around it make layout analysis split the page. `rectified` finds the photographed
rectangle and warps it to a fronto-parallel image that reads like a screenshot; it returns None, quickly, when
the image holds no such rectangle (a screenshot, a scan, a mobile capture, a label photo without clear edges).

How the rectangle is found (on a grey copy of bounded size, so a 48 MP photo costs what a 2 MP one does):
1. document-scanner style: blur, Canny edges, contours, each contour's convex hull simplified to a polygon; the
   largest convex 4-gon with plausible angles is the rough quad (for a monitor: the outside of its bezel);
2. the image is straightened on the rough quad and each side is profiled across: per segment of the side, the
   outer edge (the steepest grey-level change near the rough side) and, inside it, a monitor's bezel (a flat dark
   band, then the brighter screen). A line fitted through the segments' positions is the side: the inner edge
   where every segment shows a bezel (the screen is preferred over the bezel's outside), else the outer edge;
   a side with neither is no edge, and there is no quad. Lines stay straight under perspective: the fit is exact
   and sub-pixel;
3. the refined quad must still cover a large part of the photo, have sane angles, and be tilted: an upright
   rectangle needs no warp, and refusing it keeps a screenshot's table or a scan's frame from being cut out.
Every threshold lives in rectify.toml beside this module, with what was measured.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from pipeline.datafiles import FlatSettings


SETTINGS_FILE = Path(__file__).with_name("rectify.toml")
INTERPOLATIONS = {"cubic": cv2.INTER_CUBIC, "linear": cv2.INTER_LINEAR}
SIDES = ("top", "right", "bottom", "left")


@dataclass(frozen=True)
class RectifySettings(FlatSettings, file=SETTINGS_FILE, what="The rectification settings"):
    """rectify.toml: how corners are detected, which quads are plausible, how each side is refined on its profile,
    and the size and interpolation of the warped output."""

    detect_long_side: int
    blur_px: int
    canny_low: int
    canny_high: int
    dilate_px: int
    approx_epsilon: float
    min_area_fraction: float
    min_angle_deg: float
    max_angle_deg: float
    min_tilt_deg: float
    segments: int
    corner_margin_fraction: float
    outer_search_px: int
    min_edge_gradient: float
    max_line_residual_px: float
    max_bezel_fraction: float
    band_tolerance: float
    min_step: float
    min_band_px: float
    settle_px: int
    max_output_pixels: int
    interpolation: str


settings = RectifySettings.default  # the settings of the shipped file, read once per process


# ---- the public entry points -------------------------------------------------------------------------------

def rectified(image: Image.Image) -> Image.Image | None:
    """The photographed screen (or sheet) of `image` warped to an upright rectangle, or None when the image holds
    no confident quadrilateral. The output keeps the resolution of the quad's nearest side (never more), is bounded
    by max_output_pixels, and is RGB (L for a grey input)."""
    found = rectified_with_quad(image)
    return None if found is None else found[0]


def rectified_with_quad(image: Image.Image) -> tuple[Image.Image, np.ndarray] | None:
    """`rectified`, with the quad (corners in `image`'s pixels, as find_quad orders them) it was warped from: what
    `boxes_on_photo` needs to place what was read on the flat copy back on the photo."""
    cfg = settings()
    factor = max(1, max(image.size) // cfg.detect_long_side)
    # Image.reduce averages factor x factor blocks: the detection copy never needs the full photo in grey
    # (reduce takes L, RGB and RGBA; palette and 16-bit images are converted first).
    source = image if image.mode in ("L", "RGB", "RGBA") else image.convert("RGB")
    small = source.reduce(factor) if factor > 1 else source
    quad = find_quad(np.asarray(small.convert("L")), cfg)
    if quad is None:
        return None
    # Pixel centres: the reduced copy's pixel i covers the photo's [i * f, (i + 1) * f).
    quad = ((quad + 0.5) * factor - 0.5).astype(np.float32)
    return warped(image, quad, cfg), quad


def find_quad(gray: np.ndarray, cfg: RectifySettings | None = None) -> np.ndarray | None:
    """Corners (top-left, top-right, bottom-right, bottom-left; float32, shape (4, 2), x then y, in `gray`'s pixel
    coordinates) of the photographed rectangle in a grey image: for a monitor, the screen inside its bezel. None
    when there is no confident one. `gray` may have any size; it is searched at detect_long_side."""
    cfg = cfg or settings()
    scale = min(1.0, cfg.detect_long_side / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    rough = rough_quad(small, cfg)
    if rough is None:
        return None
    quad = refined_quad(small, rough, cfg)
    if quad is None or not plausible(quad, small.shape, cfg) or tilt_deg(quad) < cfg.min_tilt_deg:
        return None
    return ((quad + 0.5) / scale - 0.5).astype(np.float32)


def warped(image: Image.Image, quad: np.ndarray, cfg: RectifySettings | None = None) -> Image.Image:
    """`image`'s region inside `quad` (corners as find_quad gives them, in `image`'s pixels) as an upright
    rectangle: as wide as the quad's longer horizontal side and as high as its longer vertical one, scaled down
    to max_output_pixels."""
    cfg = cfg or settings()
    tl, tr, br, bl = quad.astype(np.float64)
    width = max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))
    height = max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))
    shrink = min(1.0, math.sqrt(cfg.max_output_pixels / (width * height)))
    out_w, out_h = max(1, round(width * shrink)), max(1, round(height * shrink))
    # Quad corners are edge positions; the output's edges are at -0.5 and size - 0.5 in pixel-centre terms.
    target = np.float32([[-0.5, -0.5], [out_w - 0.5, -0.5], [out_w - 0.5, out_h - 0.5], [-0.5, out_h - 0.5]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    source = image.convert("L") if image.mode in ("L", "1", "I", "I;16", "F") else image.convert("RGB")
    out = cv2.warpPerspective(np.asarray(source), matrix, (out_w, out_h), flags=INTERPOLATIONS[cfg.interpolation],
                              borderMode=cv2.BORDER_REPLICATE)
    return Image.fromarray(out)


def boxes_on_photo(boxes: list[tuple[int, int, int, int]], quad: np.ndarray, flat_size: tuple[int, int],
                   photo_size: tuple[int, int]) -> list[tuple[int, int, int, int] | None]:
    """Boxes (x0, y0, x1, y1) on the flat copy `warped` made from `quad`, as boxes on the photo: each box's corners
    taken back through the inverse perspective, the box around them, within the photo (None: nothing left)."""
    out_w, out_h = flat_size
    target = np.float32([[-0.5, -0.5], [out_w - 0.5, -0.5], [out_w - 0.5, out_h - 0.5], [-0.5, out_h - 0.5]])
    back = cv2.getPerspectiveTransform(target, quad.astype(np.float32))
    if not boxes:
        return []
    corners = np.float32([[(x, y) for x in (x0, x1) for y in (y0, y1)] for x0, y0, x1, y1 in boxes])
    placed = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), back).reshape(len(boxes), 4, 2)
    found: list[tuple[int, int, int, int] | None] = []
    for points in placed:
        box = (max(0, math.floor(points[:, 0].min())), max(0, math.floor(points[:, 1].min())),
               min(photo_size[0], math.ceil(points[:, 0].max())), min(photo_size[1], math.ceil(points[:, 1].max())))
        found.append(box if box[2] > box[0] and box[3] > box[1] else None)
    return found


# ---- 1. the rough quad -------------------------------------------------------------------------------------

def rough_quad(gray: np.ndarray, cfg: RectifySettings) -> np.ndarray | None:
    """The largest plausible convex 4-gon among the contours of the edge map, corners ordered, or None."""
    blurred = cv2.GaussianBlur(gray, (cfg.blur_px, cfg.blur_px), 0)
    edges = cv2.Canny(blurred, cfg.canny_low, cfg.canny_high)
    edges = cv2.dilate(edges, np.ones((cfg.dilate_px, cfg.dilate_px), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    min_area = cfg.min_area_fraction * gray.size
    best, best_area = None, 0.0
    for contour in contours:
        if cv2.contourArea(contour) < min_area:
            continue
        hull = cv2.convexHull(contour)
        polygon = cv2.approxPolyDP(hull, cfg.approx_epsilon * cv2.arcLength(hull, True), True)
        if len(polygon) != 4:
            continue
        quad = ordered(polygon.reshape(4, 2).astype(np.float32))
        area = cv2.contourArea(quad)
        if area > best_area and plausible(quad, gray.shape, cfg):
            best, best_area = quad, area
    return best


def ordered(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left."""
    total, diff = points.sum(axis=1), points[:, 0] - points[:, 1]
    return np.float32([points[total.argmin()], points[diff.argmax()], points[total.argmax()], points[diff.argmin()]])


def plausible(quad: np.ndarray, shape: tuple[int, ...], cfg: RectifySettings) -> bool:
    """Convex, large enough, every interior angle within the configured range."""
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return False
    if cv2.contourArea(quad) < cfg.min_area_fraction * shape[0] * shape[1]:
        return False
    for i in range(4):
        before, after = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        norms = np.linalg.norm(before) * np.linalg.norm(after)
        if norms == 0:
            return False
        angle = math.degrees(math.acos(float(np.clip(np.dot(before, after) / norms, -1, 1))))
        if not cfg.min_angle_deg <= angle <= cfg.max_angle_deg:
            return False
    return True


def tilt_deg(quad: np.ndarray) -> float:
    """How far the quad's most tilted side is from upright (horizontal for top/bottom, vertical for left/right)."""
    tilts = []
    for i in range(4):
        dx, dy = (quad[(i + 1) % 4] - quad[i]).astype(np.float64)
        angle = math.degrees(math.atan2(abs(dy), abs(dx)))  # 0 = horizontal, 90 = vertical
        tilts.append(angle if i % 2 == 0 else 90 - angle)
    return max(tilts)


# ---- 2. refinement on side profiles ------------------------------------------------------------------------

def refined_quad(gray: np.ndarray, rough: np.ndarray, cfg: RectifySettings) -> np.ndarray | None:
    """The quad with each side moved to the edge its profiles show (see the module docstring), or None when a
    side shows no straight edge or the sides do not meet in four points."""
    width = round((np.linalg.norm(rough[1] - rough[0]) + np.linalg.norm(rough[2] - rough[3])) / 2)
    height = round((np.linalg.norm(rough[3] - rough[0]) + np.linalg.norm(rough[2] - rough[1])) / 2)
    margin = cfg.outer_search_px
    target = np.float32([[margin, margin], [margin + width, margin], [margin + width, margin + height],
                         [margin, margin + height]])
    matrix = cv2.getPerspectiveTransform(rough, target)
    frame_w, frame_h = width + 2 * margin + 1, height + 2 * margin + 1
    frame = cv2.warpPerspective(gray.astype(np.float32), matrix, (frame_w, frame_h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_REPLICATE)
    # Each side seen from outside: rows = depth (0 is `margin` px outside the rough side), columns = along it.
    strips = {"top": frame, "right": frame[:, ::-1].T, "bottom": frame[::-1, :], "left": frame.T}
    lines = []
    for side in SIDES:
        length = width if side in ("top", "bottom") else height
        across = height if side in ("top", "bottom") else width
        fitted = side_line(strips[side], length, across, cfg)
        if fitted is None:
            return None
        lines.append(frame_line(side, *fitted, frame_w, frame_h))
    top, right, bottom, left = lines
    corners = []
    for first, second in ((top, left), (top, right), (bottom, right), (bottom, left)):
        x, y, w = np.cross(first, second)
        if abs(w) < 1e-9:
            return None
        corners.append((x / w, y / w))
    back = cv2.perspectiveTransform(np.float32(corners).reshape(-1, 1, 2), np.linalg.inv(matrix))
    return back.reshape(4, 2).astype(np.float32)


def side_line(strip: np.ndarray, length: int, across: int, cfg: RectifySettings) -> tuple[float, float] | None:
    """The side as depth = a + b * t (t along the side, strip coordinates): through the bezel's inner edge when
    every segment shows one on a straight line, else through the outer edge likewise, else None (no straight
    edge there: the rough quad ran through text or clutter, as on a screenshot's framed text block)."""
    margin = cfg.outer_search_px
    # The outer edge lies within 2 * margin of depth 0; the bezel's reach and the screen's level follow it.
    depth = 2 * margin + int(cfg.max_bezel_fraction * across) + cfg.settle_px + 2
    start = margin + cfg.corner_margin_fraction * length
    bounds = np.linspace(start, margin + length - cfg.corner_margin_fraction * length, cfg.segments + 1)
    centres, outers, inners = [], [], []
    for lo, hi in pairwise(bounds):
        profile = strip[:depth, int(lo):int(hi)].mean(axis=1)
        centres.append((lo + hi) / 2)
        outer = outer_edge(profile, cfg)
        outers.append(outer)
        inners.append(None if outer is None else bezel_inner_edge(profile, outer, across, cfg))
    for found in (inners, outers):
        fitted = straight_line(centres, found, cfg)
        if fitted is not None:
            return fitted
    return None


def outer_edge(profile: np.ndarray, cfg: RectifySettings) -> float | None:
    """Sub-pixel depth of the steepest grey-level change within outer_search_px of the rough side, or None when
    nothing there is steep enough to be an edge."""
    steps = np.abs(np.diff(profile[: 2 * cfg.outer_search_px + 1]))
    i = int(steps.argmax())
    if steps[i] < cfg.min_edge_gradient:
        return None
    offset = 0.0
    if 0 < i < len(steps) - 1:  # a parabola through the peak and its neighbours
        left, peak, right = steps[i - 1], steps[i], steps[i + 1]
        curvature = left - 2 * peak + right
        offset = 0.5 * (left - right) / curvature if curvature else 0.0
    return i + 0.5 + offset


def bezel_inner_edge(profile: np.ndarray, outer: float, across: int, cfg: RectifySettings) -> float | None:
    """Depth where a bezel (a flat dark band starting at the outer edge) gives way to the brighter screen, or None
    when the profile shows no bezel."""
    first = math.ceil(outer)
    limit = first + int(cfg.max_bezel_fraction * across)
    if limit + cfg.settle_px >= len(profile):
        return None
    floor = float(profile[first:limit].min())
    inside = profile[first:limit + cfg.settle_px] <= floor + cfg.band_tolerance
    # The band starts right after the outer edge's blur (at most 2 px) and runs unbroken to its end.
    starts = np.flatnonzero(inside[:3])
    if len(starts) == 0:
        return None
    band_start = first + int(starts[0])
    band_end = band_start
    while band_end + 1 < limit and profile[band_end + 1] <= floor + cfg.band_tolerance:
        band_end += 1
    if band_end + 1 >= limit or band_end - band_start + 1 < cfg.min_band_px:
        return None  # no end within the bezel's reach, or too thin to be one
    screen = float(profile[band_end + cfg.settle_px])
    if screen - floor < cfg.min_step:
        return None
    half = (floor + screen) / 2
    for d in range(band_start, band_end + cfg.settle_px):
        if profile[d] < half <= profile[d + 1]:
            return d + (half - profile[d]) / (profile[d + 1] - profile[d])
    return None


def straight_line(centres: list[float], depths: list[float | None], cfg: RectifySettings
                  ) -> tuple[float, float] | None:
    """(a, b) of the least-squares line depth = a + b * t through every segment's depth, or None when a segment
    has none or one lies off the line (the positions are not one straight edge)."""
    if any(d is None for d in depths):
        return None
    slope, intercept = np.polyfit(centres, depths, 1)
    residual = np.abs(np.polyval((slope, intercept), centres) - np.asarray(depths, dtype=np.float64))
    if residual.max() > cfg.max_line_residual_px:
        return None
    return float(intercept), float(slope)


def frame_line(side: str, a: float, b: float, frame_w: int, frame_h: int) -> np.ndarray:
    """A side's line depth = a + b * t in its strip, as homogeneous (A, B, C) with A x + B y + C = 0 in the
    frame."""
    if side == "top":      # y = a + b x
        return np.array([b, -1.0, a])
    if side == "bottom":   # (frame_h - 1) - y = a + b x
        return np.array([b, 1.0, a - (frame_h - 1)])
    if side == "left":     # x = a + b y
        return np.array([-1.0, b, a])
    return np.array([1.0, b, a - (frame_w - 1)])  # right: (frame_w - 1) - x = a + b y
