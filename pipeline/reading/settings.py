"""The reader's settings: `ocr.toml` beside this module as one frozen OcrSettings.

`OcrSettings.load` takes every key of every section (a misspelt key fails to load; `*_examples` are a test's
data, not settings), fills `<<common_tlds>>` with the endings of the rules profile's hosts and `<<misread:c>>` with
the class of `c` and what the confusion model learned OCR reads for it; its `version` hashes the file, what was
filled in and evpack's code, and keys the read cache, so an edit to any reading module, to the settings, to the
profile's top-level domains or to the learned confusions a setting uses never serves a read made before it.

The settings are passed in: `Context.ocr` (a caller's own, else these for its profile) travels with every page job
to the worker that reads it. `settings()` is the default for callers without a context: ocr.toml with the shipped
profile's top-level domains, loaded once per process.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline import runtime
from pipeline.datafiles import load_toml

SETTINGS_FILE = Path(__file__).with_name("ocr.toml")
COMMON_TLDS = "<<common_tlds>>"  # in a setting: the rules profile's host endings (host_endings)
MISREAD = "<<misread:"  # `<<misread:c>>` in a setting: the character c and what OCR reads for it (misread_class)


@dataclass(frozen=True)
class OcrSettings:
    engine: str
    binary: str
    psm: int
    invert_doubtful_lines: bool
    column_psm: int
    line_psm: int
    stack_psm: int
    stack_pad_fraction: float
    languages: str
    chinese_languages: str
    chinese_retry_below_confidence: float
    chinese_retry_min_words: int
    chinese_retry_min_han: int
    chinese_probe_below_confidence: float
    chinese_probe_max_digits: int
    chinese_probe_max_words: int
    chinese_probe_min_words: int
    chinese_probe_languages: str
    chinese_probe_seconds: float
    chinese_probe_min_confidence: float
    chinese_probe_min_han: int
    fast_model_max_bytes: int
    band_min_px: float
    band_max_px: float
    upscale_target_px: float
    downscale_target_px: float
    max_upscale: float
    max_ocr_pixels: int
    strip_px: int
    edge_threshold: int
    min_edges_per_row: int
    min_line_px: int
    max_line_fraction: float
    header_fraction: float
    footer_fraction: float
    min_text_layer_chars: int
    render_dpi: float
    max_image_pixels: int
    photo_min_pixels: int
    dark_mean_below: float
    white_row_above: float
    background_kernel_glyphs: float
    rule_min_glyphs: float
    rule_dark_below: int
    rule_max_thickness_glyphs: float
    bilevel_max_grey_share: float
    speckle_ink_below: int
    speckle_max_px: int
    speckle_max_page_share: float
    speckle_min_specks: int
    speckle_min_share: float
    despeckle_kernel: int
    url_hint: str
    url_piece: str
    bar_search_fraction: float
    bar_path_shape: str
    bar_score_path: float
    bar_score_scheme: float
    bar_score_per_char: float
    bar_score_max_chars: int
    bar_score_other_entry: float
    bar_score_edge: float
    bar_min_score: float
    bar_entry_split: str
    bar_entry_host: str
    bar_garble_hint: str
    bar_languages: str
    bar_whitelist: str
    bar_icon_marks: str
    bar_url_shape: str
    bar_clean_url: str
    bar_vote_multipliers: tuple[float, ...]
    bar_target_px: float
    bar_max_scale: float
    bar_pad_fraction: float
    bar_join_gap_fraction: float
    bar_end_gap_glyphs: float
    bar_url_text: str
    bar_icon_max_width: float
    bar_reread_text: str
    chrome_tab_reach: float
    chrome_tab_close: str
    chrome_bookmarks_reach: float
    chrome_bookmarks_min_entries: int
    chrome_max_bar_centre: float
    building_number: str
    building_road: str
    building_retry_max_words: int
    building_pad_heights: float
    jpeg_cost_weight: float
    clock_anchor: str
    clock_time_mark: str
    clock_date_mark: str
    clock_score_time: float
    clock_score_date: float
    clock_score_edge: float
    clock_min_score: float
    clock_garble: str
    clock_score_garble: float
    clock_strip_lines: float
    clock_strip_max_pixels: int
    clock_max_boxes: int
    clock_join_heights: float
    clock_pad_heights: float
    clock_pad_lines: float
    clock_target_px: float
    clock_max_scale: float
    clock_vote_multipliers: tuple[float, ...]
    clock_day_parts: tuple[str, ...]
    clock_day_part_max_edits: int
    clock_day_part_margin: int
    clock_pm: str
    clock_am: str
    clock_psm: int
    clock_time: str
    clock_time_like: str
    clock_time_parts: str
    clock_date_parts: tuple[str, ...]
    clock_date: str
    clock_languages: tuple[str, ...]
    retry_below_confidence: float
    retry_after_unit: str
    retry_number_min_digits: int
    retry_beside_number_min_digits: int
    retry_languages: str
    retry_scale: float
    retry_max_lines: int
    number_retry_min_digits: int
    number_retry_below_confidence: float
    number_retry_languages: str
    number_retry_pad_fraction: float
    number_retry_max_words: int
    photo_date_without_time: str
    photo_max_numbers: int
    text_long_side: int
    text_canny_low: int
    text_canny_high: int
    text_min_px: int
    text_max_px: int
    text_max_word_heights: float
    text_height_ratio: float
    text_line_heights: float
    text_gap_heights: float
    text_min_chain: int
    faint_min_step: int
    faint_max_step: int
    faint_max_strong_share: float
    faint_max_contrast: float
    faint_join_heights: float
    faint_join_rows_heights: float
    faint_min_heights: float
    faint_max_heights: float
    faint_min_aspect: float
    faint_alone_heights: float
    faint_alone_max_ink: float
    faint_max_covered: float
    faint_max_regions: int
    faint_pad_heights: float
    faint_target_px: float
    faint_max_scale: float
    faint_min_confidence: float
    contrast_flat_range: int
    contrast_core_glyphs: float
    contrast_edge_px: int
    contrast_ink_step: int
    contrast_page_tolerance: int
    contrast_gain: float
    contrast_min_panel_share: float
    contrast_min_glyph_px: float
    version: str  # hash of the settings file, what was filled in and evpack's code: the read cache's key

    @classmethod
    def load(cls, path: Path = SETTINGS_FILE, code: str | None = None,
             common_tlds: tuple[str, ...] | None = None) -> OcrSettings:
        """The settings of `path`, `<<common_tlds>>` filled with the last labels of `common_tlds` (default: the
        shipped profile's [web] common_tlds) and each `<<misread:c>>` with misread_class(c); `code`: the code
        fingerprint their version covers (default: this evpack's)."""
        data = load_toml(path, "OCR settings")
        endings = host_endings(common_tlds if common_tlds is not None else _shipped_common_tlds())
        # Every key is a setting (a misspelt one fails here), but a pattern's examples, which a test runs.
        flat = {k: _filled(v, endings) for section in data.values() for k, v in section.items()
                if not k.endswith("_examples")}
        marked = sorted({piece[:1] for v in flat.values() if isinstance(v, str) for piece in v.split(MISREAD)[1:]})
        learned = "".join(misread_class(c) for c in marked)
        flat = {k: _misreads_filled(v) if isinstance(v, str) else v for k, v in flat.items()}
        # The code that reads is part of the key too: a new band pass must not meet reads cached without it.
        digest = hashlib.sha256(path.read_bytes() + endings.encode() + learned.encode()
                                + (code or runtime.code_fingerprint()).encode())
        return cls(**flat, version=digest.hexdigest()[:12])


def host_endings(common_tlds: tuple[str, ...]) -> str:
    """The regex alternation of the last labels of `common_tlds` (com, kr of co.kr), longest first."""
    labels = {tld.rsplit(".", 1)[-1] for tld in common_tlds}
    return "|".join(re.escape(label) for label in sorted(labels, key=lambda label: (-len(label), label)))


def misread_class(char: str) -> str:
    """A regex class of `char` and of each single character the confusion model's learned table
    (pipeline/fields/confusions.toml, [[confusion]]) says OCR reads for it, a space aside: `[wv]` for w."""
    from pipeline.fields.confusions import table
    shown = [read for (truth, read), _ in sorted(table().pairs.items())
             if truth == char and len(read) == 1 and not read.isspace()]
    return "[" + "".join(re.escape(c) for c in dict.fromkeys([char, *shown])) + "]"


def _misreads_filled(value: str) -> str:
    """`value` with each `<<misread:c>>` made misread_class(c)."""
    head, *marked = value.split(MISREAD)
    for piece in marked:
        char, end = piece[0], piece[1:3]
        if end != ">>":
            raise ValueError(f"{MISREAD}{piece[:3]}: one character, then >>")
        head += misread_class(char) + piece[3:]
    return head


def _filled(value, endings: str):
    if isinstance(value, list):
        return tuple(value)
    return value.replace(COMMON_TLDS, endings) if isinstance(value, str) else value


def _shipped_common_tlds() -> tuple[str, ...]:
    from pipeline.profile import Profile
    return Profile.load().web.common_tlds


@cache
def for_tlds(common_tlds: tuple[str, ...]) -> OcrSettings:
    """ocr.toml's settings with hosts ending in `common_tlds` (a profile's), loaded once per process and list."""
    return OcrSettings.load(common_tlds=common_tlds)


@cache
def settings() -> OcrSettings:
    """ocr.toml's settings with the shipped profile's top-level domains: the default where no context is at hand."""
    return for_tlds(_shipped_common_tlds())
