"""Fakes and fixtures for the reading tests: a fake `tesseract` command, canned TSV, rendered text and
screenshots, first-pass words."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import engine, tesseract


GOTHIC = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"


TSV_HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


PROBE = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.3.0"; exit 0;;
  --list-langs) echo 'List of available languages in "/nonexistent/tessdata/" (3):'; echo chi_sim;
                printf "%s\n" {langs}; exit 0;;
esac
echo "$@" >> "{log}"
"""


def install_fake_tesseract(folder: Path, monkeypatch, body: str, langs: str = "eng kor") -> Path:
    """A `tesseract` on PATH that answers the version/language probes like the real one, logs every OCR call to
    the returned file, then runs `body` (shell). PATH is changed with monkeypatch, so workers inherit it. The Korean
    self-test (reader.check_korean_model, which the command engine runs in this process) counts as passed: the fake
    reads no Korean."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "calls.log"
    script = folder / "tesseract"
    script.write_text(PROBE.format(log=log, langs=langs) + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "cli")  # the fake is a command; the library engine would not call it
    from pipeline.reading import reader
    monkeypatch.setattr(reader, "_self_tested", {os.getpid()})
    return log


def canned_tsv_body(*words: str) -> str:
    """Shell that prints a TSV with one line holding `words` (each may be a shell expression like $VAR)."""
    rows = [TSV_HEADER, "1\t1\t0\t0\t0\t0\t0\t0\t800\t600\t-1\t"]
    rows += [f"5\t1\t1\t1\t1\t{i}\t{10 + 60 * i}\t300\t50\t20\t91.5\t{w}" for i, w in enumerate(words, 1)]
    return "\n".join(f'printf "%s\\n" "{row}"' for row in rows)


def text_image(lines: list[str], px: int, width: int = 900, gap: float = 1.8) -> Image.Image:
    font = ImageFont.truetype(GOTHIC, px)
    step = round(px * gap)
    image = Image.new("RGB", (width, 20 + step * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((20, 10 + i * step), line, font=font, fill=(34, 34, 34))
    return image


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"))


def word(text: str, left: int, top: int = 40, width: int | None = None, height: int = 20, confidence: float = 90.0,
         line: str = "1") -> engine.OcrWord:
    return engine.OcrWord(text, left, top, width if width is not None else 10 * len(text), height, confidence,
                          ("1", "1", line))


def browser_screenshot(url: str, clock: tuple[str, str], dark: bool = False) -> Image.Image:
    """A 1366x768 desktop browser capture: tab strip, address bar with lock icon and toolbar icons, a page with a
    Korean table, and the taskbar clock (time over date) in the bottom-right corner, in NanumGothic."""
    back, ink, bar = ((32, 33, 36), (232, 234, 237), (53, 54, 58)) if dark else ((255, 255, 255), (32, 33, 36),
                                                                                  (241, 243, 244))
    image = Image.new("RGB", (1366, 768), back)
    draw = ImageDraw.Draw(image)
    ui, page, small = (ImageFont.truetype(GOTHIC, px) for px in (14, 13, 12))
    draw.rectangle((0, 0, 1366, 36), fill=bar)
    draw.text((40, 18), "배송조회 | 택배", font=small, fill=ink, anchor="lm")
    draw.rounded_rectangle((120, 42, 1250, 74), radius=16, fill=bar)
    for x, icon in ((20, "←"), (55, "→"), (90, "↻"), (1290, "☆"), (1330, "⋮")):
        draw.text((x, 58), icon, font=ui, fill=ink, anchor="lm")
    draw.rectangle((140, 52, 150, 64), fill=ink)  # the lock icon
    draw.text((162, 58), url, font=ui, fill=ink, anchor="lm")
    rows = [("운송장번호", "601234567890"), ("받는 분 주소", "서울특별시 송파구 올림픽로 300"),
            ("2026.03.10 14:22", "배송완료")]
    for i, (label, value) in enumerate(rows):
        draw.text((80, 140 + 40 * i), label, font=page, fill=ink)
        draw.text((300, 140 + 40 * i), value, font=page, fill=ink)
    draw.rectangle((0, 728, 1366, 768), fill=bar)
    draw.text((1290, 738), clock[0], font=small, fill=ink, anchor="mt")
    draw.text((1290, 754), clock[1], font=small, fill=ink, anchor="mt")
    return image


def replace_word(original: engine.OcrWord, text: str, confidence: float, right: int) -> engine.OcrWord:
    from dataclasses import replace
    return replace(original, text=text, confidence=confidence, width=right - original.left)


def product_photo(size: tuple[int, int] = (1600, 1200), caption: str = "", px: int = 28, seed: int = 0,
                  turned: bool = False) -> Image.Image:
    """A phone photo of a product on a table, as samples/pages.py draws one: a lit wall, a wooden table top, a
    brushed-steel tumbler with a dark lid, sensor noise; `caption` (white, half transparent, bottom right, `px` high,
    along the left edge when `turned`) the only writing on it."""
    w, h = size
    k = w / 1600
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    grain = np.sin(xx / (23 * k) + yy / (90 * k))
    wall = np.stack([225 - yy / h * 30, 220 - yy / h * 30, 212 - yy / h * 28], axis=-1)
    wood = np.stack([150 + 12 * grain, 112 + 10 * grain, 80 + 6 * np.sin(xx / (23 * k))], axis=-1)
    image = Image.fromarray(np.clip(np.where((yy > h * 0.62)[..., None], wood, wall), 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    cx = w // 2
    draw.ellipse((cx - 230 * k, h * 0.78 - 30 * k, cx + 230 * k, h * 0.78 + 40 * k), fill=(110, 85, 60))
    for i in range(180):
        shade = int(150 + 90 * np.cos((i - 60) / 180 * np.pi))
        draw.line((cx - 180 * k + 2 * k * i, h * 0.2, cx - 180 * k + 2 * k * i, h * 0.78), fill=(shade, shade, shade + 4),
                  width=max(2, round(2 * k)))
    draw.rounded_rectangle((cx - 190 * k, h * 0.12, cx + 190 * k, h * 0.22), radius=round(24 * k), fill=(40, 40, 44))
    if caption:
        overlay = Image.new("RGBA", (w, h) if not turned else (h, w), (0, 0, 0, 0))
        ImageDraw.Draw(overlay).text((overlay.width - 40, overlay.height - 40), caption,
                                     font=ImageFont.truetype(GOTHIC, px), fill=(255, 255, 255, 170), anchor="rd")
        if turned:
            overlay = overlay.transpose(Image.Transpose.ROTATE_90)
        image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    noisy = np.asarray(image, dtype=np.float32) + np.random.default_rng(seed).normal(0, 3.0, (h, w, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
