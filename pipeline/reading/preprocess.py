"""Image work before and around OCR: the text's size and the OCR copy's scale, sharpness, backgrounds, rules.

Every function takes and returns greyscale images or arrays and never calls Tesseract: `glyph_height` measures the
text lines, `ocr_scale` and `enlarged` size the OCR copy, `sharpness` scores blur, `without_rules` paints a table's
borders out, `light_background`, `light_rows`, `white_rows` and `even_background` turn backgrounds light and even,
`binarised` thresholds a strip, `ink_end` finds where a row's ink ends. Thresholds come from OcrSettings.
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image, ImageOps

from pipeline.output import imageops
from pipeline.reading.settings import OcrSettings, settings


def glyph_height(gray: np.ndarray, cfg: OcrSettings | None = None) -> float | None:
    """Median height in px of the text lines, or None when no text-like rows are found.

    Edges (grey-level steps between neighbours) rather than dark pixels, so dark mode, coloured bars and
    photos of screens need no threshold; per vertical strip, so columns with offset lines stay apart.
    """
    cfg = cfg or settings()
    max_line = max(cfg.min_line_px, int(gray.shape[0] * cfg.max_line_fraction))
    runs = [r for rows in _strip_text_rows(gray, cfg) for r in run_lengths(rows) if cfg.min_line_px <= r <= max_line]
    return float(np.median(runs)) if runs else None


def _strip_text_rows(gray: np.ndarray, cfg: OcrSettings):
    """For each vertical strip (strip_px wide) of `gray`, which of its rows hold text: min_edges_per_row or more
    edges (grey-level steps of edge_threshold between neighbours)."""
    edges = np.abs(np.diff(gray.astype(np.int16), axis=1)) >= cfg.edge_threshold
    for x0 in range(0, max(1, gray.shape[1] - 1), cfg.strip_px):
        yield edges[:, x0:x0 + cfg.strip_px].sum(axis=1) >= cfg.min_edges_per_row


def text_rows(gray: np.ndarray, cfg: OcrSettings | None = None) -> list[tuple[int, int]]:
    """The (top, bottom) pixel rows of each run of text-like rows, across the whole width: a row holds text where some
    vertical strip of it has min_edges_per_row edges (as glyph_height sees text, so light text on a dark toolbar
    counts as well as dark on light), and a run is kept only at a text line's height (min_line_px up to
    max_line_fraction of the height)."""
    cfg = cfg or settings()
    height = gray.shape[0]
    text = np.zeros(height, dtype=bool)
    for rows in _strip_text_rows(gray, cfg):
        text |= rows
    changes = np.flatnonzero(np.diff(np.concatenate(([False], text, [False])).astype(np.int8)))
    max_line = max(cfg.min_line_px, int(height * cfg.max_line_fraction))
    return [(int(top), int(bottom)) for top, bottom in zip(changes[::2], changes[1::2])
            if cfg.min_line_px <= bottom - top <= max_line]


def soft_glyph_height(gray: Image.Image, cfg: OcrSettings | None = None) -> float | None:
    """The glyph height of a large photo whose text edges are too soft to measure at full size (`glyph_height`
    found no text rows: a 20 MP label photo, whose defocus spreads each step over several pixels, so that no two
    neighbours differ by edge_threshold), measured on a copy reduced to rectify's detection size, where area
    averaging makes those steps sharp again, in the full-size pixels. Only a height above the band is returned:
    such a photo's OCR copy is brought down to the target (its flat copy, 2814 x 4085 with 100-px glyphs, lost the
    address line whole at full size and read it at 0.38x). None otherwise, the copy then read at full size as
    before."""
    from pipeline.reading import rectify
    cfg = cfg or settings()
    factor = -(-max(gray.size) // rectify.settings().detect_long_side)
    if factor < 2:
        return None
    reduced = glyph_height(np.asarray(gray.reduce(factor)), cfg)
    return reduced * factor if reduced is not None and reduced * factor > cfg.band_max_px else None


def run_lengths(flags: np.ndarray) -> list[int]:
    """Lengths of the runs of True in a 1-D boolean array."""
    padded = np.concatenate(([False], flags, [False])).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    return (changes[1::2] - changes[::2]).tolist()


def without_rules(gray: Image.Image, glyph_px: float | None, cfg: OcrSettings) -> Image.Image:
    """The page with its dark ruling lines (table borders of a receipt or form) painted white: Tesseract's layout
    analysis drops whole bordered table rows, numbers and all. A rule is a straight dark run many glyphs long;
    glyph strokes are far shorter. Light-grey screen borders are not dark enough to count."""
    if glyph_px is None:
        return gray
    length = round(cfg.rule_min_glyphs * glyph_px)
    reach = max(2, round(cfg.rule_max_thickness_glyphs * glyph_px))
    dark = np.asarray(gray) < cfg.rule_dark_below
    rules = (on_long_runs(dark, length) & thin(dark, reach)) | (on_long_runs(dark.T, length) & thin(dark.T, reach)).T
    if not rules.any():
        return gray
    cleaned = np.asarray(gray).copy()
    cleaned[rules] = 255
    return Image.fromarray(cleaned)


# Rule finding works on blocks of about this many pixels: whole-image int32 running sums of a 35 MP label photo
# took the reader to ~1 GB (now byte-sized morphology, blocks still bound it). Columns (thin) and rows (on_long_runs)
# are independent, so blocks give the same result.
BLOCK_PIXELS = 1 << 20


def thin(dark: np.ndarray, reach: int) -> np.ndarray:
    """Dark pixels with a light pixel within `reach` rows above and within `reach` rows below: a line, not a dark
    area (a screen's dark background in a photo, a black bar) whose long runs and edges must stay."""
    out = np.empty_like(dark)
    step = max(1, BLOCK_PIXELS // max(1, dark.shape[0]))
    for left in range(0, dark.shape[1], step):
        out[:, left:left + step] = _thin_block(dark[:, left:left + step], reach)
    return out


def _thin_block(dark: np.ndarray, reach: int) -> np.ndarray:
    # An erosion by a column of `reach` pixels anchored at its top: whole[y] says rows y .. y + reach - 1 are all
    # dark (rows outside the block are light). Rows above y are whole[y - reach], rows below whole[y + 1].
    whole = cv2.erode(np.ascontiguousarray(dark, dtype=np.uint8), np.ones((reach, 1), np.uint8), anchor=(0, 0),
                      borderType=cv2.BORDER_CONSTANT, borderValue=0).astype(bool)
    dark_above = np.zeros_like(whole)
    dark_above[reach:] = whole[:max(0, len(whole) - reach)]
    dark_below = np.zeros_like(whole)
    dark_below[:-1] = whole[1:]
    return dark & ~dark_above & ~dark_below


def on_long_runs(mask: np.ndarray, length: int) -> np.ndarray:
    """Pixels of a 2-D boolean mask lying on a horizontal run of at least `length` True values."""
    out = np.empty_like(mask)
    step = max(1, BLOCK_PIXELS // max(1, mask.shape[1]))
    for top in range(0, mask.shape[0], step):
        out[top:top + step] = _long_runs_block(mask[top:top + step], length)
    return out


def _long_runs_block(mask: np.ndarray, length: int) -> np.ndarray:
    height, width = mask.shape
    if width < length or length < 1:
        return np.zeros_like(mask)
    # An opening by a row of `length` pixels: the erosion (anchored at the row's left end) marks where a run of
    # `length` starts, the dilation (anchored at its right end) covers the `length` pixels from each such start.
    # Pixels outside the block count as not in the mask. OpenCV's morphology on bytes: ~8x faster than NumPy's
    # running sums (a 1 MP phone capture: 0.08 -> 0.01 s CPU for both directions), pixel for pixel the same.
    line = np.ones((1, length), np.uint8)
    starts = cv2.erode(np.ascontiguousarray(mask, dtype=np.uint8), line, anchor=(0, 0),
                       borderType=cv2.BORDER_CONSTANT, borderValue=0)
    return cv2.dilate(starts, line, anchor=(length - 1, 0), borderType=cv2.BORDER_CONSTANT,
                      borderValue=0).astype(bool)


def ocr_scale(glyph_px: float | None, size: tuple[int, int], cfg: OcrSettings | None = None) -> float:
    """Factor for the OCR copy: 1 inside the glyph band, else to the target of its side; capped in pixels."""
    cfg = cfg or settings()
    scale = 1.0
    if glyph_px is not None and glyph_px < cfg.band_min_px:
        scale = min(cfg.upscale_target_px / glyph_px, cfg.max_upscale)
    elif glyph_px is not None and glyph_px > cfg.band_max_px:
        scale = cfg.downscale_target_px / glyph_px
    pixels = size[0] * size[1] * scale * scale
    if pixels > cfg.max_ocr_pixels:
        scale *= (cfg.max_ocr_pixels / pixels) ** 0.5
    return scale


def sharpness(gray: np.ndarray, strip_rows: int = 256) -> float:
    """Variance of the 4-neighbour Laplacian of a greyscale array: low means blurred.

    Summed over strips of rows (OpenCV's 3x3 Laplacian in 16-bit integers, exact for 8-bit pixels; each strip's
    mean and deviation in doubles), so a 24 MP OCR copy needs a few MB at a time instead of whole-image float
    arrays (~0.4 GB); the value does not depend on the strip height. ~6x faster than NumPy's sums (0.04 s against
    0.21 s on a 20 MP copy of a photographed monitor). Measured on the OCR copy itself, never a smaller one:
    downscaling hides blur (the phone photo of a monitor in samples/ scores 25 on its copy, 180 at half size)."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    height = gray.shape[0]
    count, total, squares = 0, 0.0, 0.0
    for top in range(1, height - 1, strip_rows):
        lap = cv2.Laplacian(gray[top - 1:min(height, top + strip_rows + 1)], cv2.CV_16S, ksize=1)[1:-1, 1:-1]
        if lap.size:
            mean, deviation = (float(v[0, 0]) for v in cv2.meanStdDev(lap))
            count += lap.size
            total += mean * lap.size
            squares += (deviation * deviation + mean * mean) * lap.size
    return squares / count - (total / count) ** 2 if count else 0.0


def denoised_sharpness(gray: np.ndarray, kernel: int = 5) -> float:
    """`sharpness` after a median filter of `kernel` pixels: a camera's sensor noise adds to the variance of the
    Laplacian as much as edges do (a defocused, noisy 12 MP label photo scored 690, a sharp one 600), while a median
    keeps a glyph's edges and removes the noise (the same photos: 10 and 550; bench/tune_quality.py)."""
    return sharpness(cv2.medianBlur(np.ascontiguousarray(gray, dtype=np.uint8), kernel))


def ocr_copy(image: Image.Image, cfg: OcrSettings | None = None) -> Image.Image:
    """Greyscale copy for Tesseract, dark mode inverted, resized so its glyphs fall in the band."""
    cfg = cfg or settings()
    gray = light_background(imageops.visible_rgb(image).convert("L"), cfg)
    glyph = glyph_height(np.asarray(gray), cfg)
    return enlarged(gray, ocr_scale(glyph, gray.size, cfg))


def despeckled(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """A speckled bilevel page (a fax) with its speckle removed by a median of despeckle_kernel pixels; any other
    page as it is (a screenshot's or a clean scan's thin strokes would erode). Bilevel: fewer than
    bilevel_max_grey_share of its pixels, sampled, between black and white. Speckled: at least speckle_min_specks of
    its dark blots are specks (at most speckle_max_px pixels, or speckle_max_page_share of the page where it was
    rendered large), and they are at least speckle_min_share of its blots (letters are blots too). A blot is ink
    darker than speckle_ink_below, a glyph's grey edge included, holding a dark (black-ish) pixel: the small glyphs
    of a downscaled screenshot leave lone dark pixels in black alone, each joined to its glyph by its grey edge,
    and a JPEG's light ringing holds no dark pixel."""
    pixels = np.ascontiguousarray(gray, dtype=np.uint8)
    sample = pixels[::3, ::3]
    if ((sample >= 64) & (sample < 192)).mean() >= cfg.bilevel_max_grey_share:
        return gray
    count, labels, stats, _ = cv2.connectedComponentsWithStats((pixels < cfg.speckle_ink_below).astype(np.uint8),
                                                               connectivity=8)
    dark = np.zeros(count, bool)  # the blots holding a dark pixel (flags, not np.unique's sort: 3x faster)
    dark[labels[pixels < 128]] = True
    dark[0] = False
    areas = stats[dark, cv2.CC_STAT_AREA]
    speck = max(cfg.speckle_max_px, cfg.speckle_max_page_share * pixels.size)
    specks = int((areas <= speck).sum())
    if specks < cfg.speckle_min_specks or specks < cfg.speckle_min_share * len(areas):
        return gray
    return Image.fromarray(cv2.medianBlur(pixels, cfg.despeckle_kernel))


def light_background(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """The image inverted when it is mostly dark (dark mode): Tesseract reads dark text on light best."""
    return ImageOps.invert(gray) if np.asarray(gray).mean() < cfg.dark_mean_below else gray


def light_rows(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """Rows whose background (median grey) is dark inverted: a dark browser toolbar above a light page. Tesseract
    read such a bar's light URL as `11105://\0000402005.6000...`; inverted, as text it knows."""
    pixels = np.asarray(gray)
    dark = row_background(pixels) < cfg.dark_mean_below
    if not dark.any() or dark.all():
        return gray
    return Image.fromarray(np.where(dark[:, None], 255 - pixels, pixels).astype(np.uint8))


def row_background(pixels: np.ndarray) -> np.ndarray:
    """Each row's median grey, from every 4th column (np.median copies what it sorts: a 35 MP page costs 9 MB, not
    35 MB)."""
    return np.median(pixels[:, ::4], axis=1)


def even_background(gray: Image.Image, glyph_px: float | None, cfg: OcrSettings) -> Image.Image:
    """Each pixel divided by its neighbourhood's background (a grey closing wider than a stroke): a photographed
    screen's moiré and uneven light gone, text kept. On the warped photos of monitors the address bar then read
    `https-/Avww.dhl.com/kr-en/...` where it read `nttos/www.dhicom` or nothing (bench/tune_rectify.py)."""
    if glyph_px is None:
        return gray
    side = max(3, round(cfg.background_kernel_glyphs * glyph_px)) | 1
    pixels = np.asarray(gray).astype(np.float32)
    background = cv2.morphologyEx(pixels, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    return Image.fromarray(np.clip(np.rint(pixels / np.maximum(background, 1.0) * 255), 0, 255).astype(np.uint8))


def white_rows(gray: Image.Image, cfg: OcrSettings) -> Image.Image:
    """Each row scaled so its background (median grey) is white. Tesseract dropped a grey toolbar above a white
    page altogether, URL and all (its layout analysis took the step in background for a picture's edge). Used on
    the address-bar band only: on whole pages it cost more than it gave (tuning corpus: URL hosts 0.90 -> 0.85)."""
    pixels = np.asarray(gray)
    background = row_background(pixels)
    if background.min() >= cfg.white_row_above:
        return gray
    rows = pixels.astype(np.float32) * (255.0 / np.maximum(background, 1.0))[:, None]
    return Image.fromarray(np.clip(np.rint(rows), 0, 255).astype(np.uint8))


def enlarged(gray: Image.Image, scale: float) -> Image.Image:
    """`gray` resized by `scale` (Lanczos); itself when the change would be under 5%."""
    if abs(scale - 1.0) <= 0.05:
        return gray
    return gray.resize((max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
                       Image.Resampling.LANCZOS)


def ink_end(gray: Image.Image, top: int, bottom: int, start: int, step: int, cfg: OcrSettings) -> int:
    """Where the URL's ink ends on its row, going from `start` right (step 1) or left (step -1): the first pass may
    have ended the URL early or split it (`https://service.epost:go:k` | `r/trace...`), and the crop must hold all
    of it. Ink is a column with an edge (as glyph_height sees text); the URL ends at a blank run wider than
    bar_end_gap_glyphs row heights (the toolbar icons sit further off)."""
    rows = np.asarray(gray)[max(0, top):max(top + 1, bottom)].astype(np.int16)
    if rows.size == 0:
        return start
    steps = np.abs(np.diff(rows, axis=1)).max(axis=0)
    # Grey URL text on a photographed screen steps less than edge_threshold: the row's own contrast sets the bar
    # (half its strongest steps, above twice its background's).
    median, strong = np.percentile(steps, [50, 99])
    ink = steps >= min(cfg.edge_threshold, max(2 * median, strong / 2))
    gap = max(1, round(cfg.bar_end_gap_glyphs * (bottom - top)))
    end, blank, x = start, 0, start
    while 0 <= x < ink.size:
        if ink[x]:
            end, blank = (x + 1 if step > 0 else x), 0
        else:
            blank += 1
            if blank > gap:
                break
        x += step
    return end


def binarised(gray: Image.Image) -> Image.Image:
    """Black on white by Otsu's threshold (a dark strip inverted), whatever the strip's own background."""
    _, otsu = cv2.threshold(np.asarray(gray), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return Image.fromarray(255 - otsu if otsu.mean() < 128 else otsu)


def binarised_in_pieces(gray: Image.Image, spans: list[tuple[int, int]]) -> Image.Image:
    """`binarised` word by word: each of `spans` (a word's x extent on the strip, padded) by its own threshold, so
    that a small grey label beside a black number is kept (Otsu's one threshold for the whole strip falls between
    the panel and the black number, and the label's grey falls on the panel's side of it); the stretches between the
    words by the strip's threshold. Thresholded alone, an empty stretch of a tab or a panel turns its faint border
    into a black bar, which OCR read as `00200000000000 (` before a tab's `CJ대한통운`."""
    out = binarised(gray)
    for left, right in sorted(spans):
        left, right = max(0, left), min(gray.width, right)
        if right > left:
            out.paste(binarised(gray.crop((left, 0, right, gray.height))), (left, 0))
    return out


def text_chain(gray: np.ndarray, cfg: OcrSettings) -> float:
    """How much of a photo looks like a line of text, on a reduced copy, without OCR: the weight (in characters)
    of the longest chain of character-like shapes, capped at text_min_chain (enough to say there is text). A
    photo of a product, a parcel or a room without any writing scores 0; a label, a receipt or a screen scores
    far above (bench/README.md, "Photos without text").

    Shapes are the connected pieces of a Canny edge map (either polarity, any contrast above the camera's noise):
    text_min_px to text_max_px high (on the reduced copy), a single glyph up to 3 times as wide as high and a word
    whose glyphs ran together counted as width / height glyphs. Two shapes chain when their heights differ by at
    most text_height_ratio, their centres lie within text_line_heights of the taller's height across the line and
    the gap between them is at most text_gap_heights of it along the line; lines are sought along the rows and along
    the columns (text turned a quarter). The copy is reduced to at most text_long_side pixels on its long side by a
    whole factor (area averaging), so the smallest glyph found is about text_min_px times that factor."""
    factor = max(1, -(-max(gray.shape) // cfg.text_long_side))
    if factor > 1:
        gray = cv2.resize(gray, (gray.shape[1] // factor, gray.shape[0] // factor), interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(cv2.GaussianBlur(gray, (3, 3), 0), cfg.text_canny_low, cfg.text_canny_high)
    _, _, stats, _ = cv2.connectedComponentsWithStats(edges, connectivity=8)
    left, top, width, height, area = (stats[1:, i] for i in range(5))
    shapes = ((height >= cfg.text_min_px) & (height <= cfg.text_max_px) & (area >= height)
              & (width <= cfg.text_max_word_heights * height))
    boxes = np.stack([left[shapes], top[shapes], width[shapes], height[shapes]], axis=1).astype(np.int64)
    best = 0.0
    for along_rows in (True, False):
        best = max(best, _longest_chain(boxes if along_rows else boxes[:, [1, 0, 3, 2]], cfg))
        if best >= cfg.text_min_chain:
            break
    return min(best, float(cfg.text_min_chain))


def _longest_chain(boxes: np.ndarray, cfg: OcrSettings) -> float:
    """The heaviest chain of `boxes` (x, y, w, h) along x (text_chain), stopping once one reaches text_min_chain."""
    if len(boxes) == 0:
        return 0.0
    boxes = boxes[np.argsort(boxes[:, 0], kind="stable")]
    x0, y0, w, h = (boxes[:, i].tolist() for i in range(4))
    parent = list(range(len(boxes)))
    weight = [max(1.0, wi / hi) for wi, hi in zip(w, h)]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    best = max(weight)
    for i in range(len(boxes)):
        right, centre = x0[i] + w[i], y0[i] + h[i] / 2
        j, reach = i + 1, right + cfg.text_gap_heights * cfg.text_height_ratio * h[i]  # no chainable shape beyond
        while j < len(boxes) and x0[j] <= reach:
            tall, short = max(h[i], h[j]), min(h[i], h[j])
            if (tall <= cfg.text_height_ratio * short and x0[j] <= right + cfg.text_gap_heights * tall
                    and abs(y0[j] + h[j] / 2 - centre) <= cfg.text_line_heights * tall):
                a, b = root(i), root(j)
                if a != b:
                    parent[a] = b
                    weight[b] += weight[a]
                    best = max(best, weight[b])
                    if best >= cfg.text_min_chain:
                        return best
            j += 1
    return best
