"""Drawing kit for synthetic evidence: fonts, a ground-truth collector, a Chrome-like window, a Windows taskbar,
a phone frame, and the degradations evidence suffers (phone photo of a monitor, 200-dpi scan, JPEG re-save).

Everything is deterministic: randomness comes only from a seeded numpy Generator passed in.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import img2pdf
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_FILES = {
    "gothic": "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "gothic-bold": "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
    "barun": "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
    "barun-bold": "/usr/share/fonts/truetype/nanum/NanumBarunGothicBold.ttf",
    "myeongjo": "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf",
    "myeongjo-bold": "/usr/share/fonts/truetype/nanum/NanumMyeongjoBold.ttf",
    "noto-cjk": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "noto-cjk-bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "dejavu": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavu-bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}
# Index of the Simplified Chinese face inside the Noto CJK collection (0 is Japanese).
TTC_INDEX = {"noto-cjk": 2, "noto-cjk-bold": 2}


@lru_cache(maxsize=None)
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_FILES[name], size, index=TTC_INDEX.get(name, 0))


# ---- ground truth ---------------------------------------------------------------------------------

@dataclass
class Truth:
    """What a perfect reader finds in one file, collected while it is drawn so truth and pixels never drift."""

    kind: str = "other"
    web_capture: bool = False
    tracking_numbers: list[dict] = field(default_factory=list)
    timestamps: list[dict] = field(default_factory=list)
    urls: list[dict] = field(default_factory=list)
    korean_addresses: list[dict] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)

    def tracking(self, t) -> None:
        if t.value not in {x["value"] for x in self.tracking_numbers}:
            self.tracking_numbers.append(t.truth())

    def timestamp(self, text: str, at: datetime) -> None:
        entry = {"text": text, "value": at.isoformat()}
        if entry not in self.timestamps:
            self.timestamps.append(entry)

    def url(self, value: str, host: str, address_bar: bool, full: bool = True) -> None:
        self.urls.append({"value": value, "host": host, "address_bar": address_bar, "full": full})

    def address(self, a) -> None:
        if a.truth() not in self.korean_addresses:
            self.korean_addresses.append(a.truth())

    def fields(self) -> dict:
        return {"tracking_numbers": self.tracking_numbers, "timestamps": self.timestamps, "urls": self.urls,
                "korean_addresses": self.korean_addresses}


# ---- themes and primitives ------------------------------------------------------------------------

@dataclass(frozen=True)
class Theme:
    size: int = 14            # body text px
    dark: bool = False
    sans: str = "gothic"
    bold: str = "gothic-bold"

    @property
    def bg(self): return (32, 33, 36) if self.dark else (255, 255, 255)
    @property
    def fg(self): return (232, 234, 237) if self.dark else (34, 34, 34)
    @property
    def muted(self): return (154, 160, 166) if self.dark else (110, 110, 110)
    @property
    def line(self): return (70, 72, 76) if self.dark else (221, 221, 221)
    @property
    def panel(self): return (41, 42, 45) if self.dark else (246, 247, 249)

    def f(self, scale: float = 1.0, bold: bool = False) -> ImageFont.FreeTypeFont:
        return font(self.bold if bold else self.sans, max(8, round(self.size * scale)))


def text_width(d: ImageDraw.ImageDraw, text: str, f) -> int:
    return int(d.textlength(text, font=f))


def table(d: ImageDraw.ImageDraw, x: int, y: int, widths: list[int], header: list[str], rows: list[list[str]],
          theme: Theme, head_bg=None, row_h: int | None = None) -> int:
    """A bordered table; returns the y below it."""
    row_h = row_h or round(theme.size * 2.5)
    total = sum(widths)
    d.rectangle((x, y, x + total, y + row_h), fill=head_bg or theme.panel, outline=theme.line)
    cx = x
    for w, h in zip(widths, header):
        d.text((cx + 10, y + row_h // 2), h, font=theme.f(bold=True), fill=theme.fg, anchor="lm")
        cx += w
    y += row_h
    for row in rows:
        d.rectangle((x, y, x + total, y + row_h), fill=theme.bg, outline=theme.line)
        cx = x
        for w, cell in zip(widths, row):
            d.text((cx + 10, y + row_h // 2), cell, font=theme.f(), fill=theme.fg, anchor="lm")
            cx += w
        y += row_h
    for cx in np.cumsum([x] + widths[:-1])[1:]:
        d.line((int(cx), y - row_h * (len(rows) + 1), int(cx), y), fill=theme.line)
    return y


# ---- a Chrome-like window on Windows --------------------------------------------------------------

@dataclass(frozen=True)
class Capture:
    """How a browser screenshot is framed: window size, what the omnibox shows, the taskbar clock."""

    width: int = 1366
    height: int = 768
    tab_title: str = ""
    url_display: str = ""        # as Chrome shows it (scheme hidden by default)
    clock: datetime | None = None  # the taskbar clock; None: no taskbar (full-screen or cropped)
    clock_style: str = "ko"      # ko: 오후 2:31 over 2026-03-11; en: 2:31 PM over 3/11/2026
    dark: bool = False
    bookmarks: bool = False


def clock_lines(at: datetime, style: str) -> tuple[str, str]:
    hour12 = at.hour % 12 or 12
    if style == "ko":
        return f"{'오후' if at.hour >= 12 else '오전'} {hour12}:{at.minute:02d}", at.strftime("%Y-%m-%d")
    return f"{hour12}:{at.minute:02d} {'PM' if at.hour >= 12 else 'AM'}", f"{at.month}/{at.day}/{at.year}"


def browser_window(cap: Capture, truth: Truth, render_content) -> Image.Image:
    """Draws the window chrome and taskbar; `render_content(size)` returns the page viewport image."""
    dark = cap.dark
    img = Image.new("RGB", (cap.width, cap.height), (255, 255, 255))
    d = ImageDraw.Draw(img)
    strip_bg, tab_bg = ((32, 33, 36), (53, 54, 58)) if dark else ((222, 225, 230), (255, 255, 255))
    ink, muted = ((232, 234, 237), (154, 160, 166)) if dark else ((32, 33, 36), (95, 99, 104))
    ui = font("gothic", 12)
    # tab strip
    d.rectangle((0, 0, cap.width, 34), fill=strip_bg)
    d.rounded_rectangle((8, 6, 248, 40), radius=8, fill=tab_bg)
    d.rectangle((20, 14, 34, 28), fill=(26, 115, 232))
    title = cap.tab_title if len(cap.tab_title) <= 24 else cap.tab_title[:23] + "…"
    d.text((42, 21), title, font=ui, fill=ink, anchor="lm")
    d.text((232, 21), "×", font=font("dejavu", 12), fill=muted, anchor="mm")
    d.text((266, 21), "+", font=font("dejavu", 16), fill=muted, anchor="mm")
    for i, glyph in enumerate(("—", "☐", "✕")):
        d.text((cap.width - 115 + i * 46, 17), glyph, font=font("dejavu", 12), fill=ink, anchor="mm")
    # toolbar with omnibox
    d.rectangle((0, 34, cap.width, 74), fill=tab_bg)
    for i, glyph in enumerate(("←", "→", "↻")):
        d.text((22 + i * 34, 54), glyph, font=font("dejavu", 16), fill=muted if i == 1 else ink, anchor="mm")
    box = (124, 40, cap.width - 110, 68)
    d.rounded_rectangle(box, radius=14, fill=(40, 41, 44) if dark else (241, 243, 244))
    lock_icon(d, 142, 54, muted)
    bar_font = font("gothic", 14)
    if cap.url_display:
        record_address_bar(cap.url_display, truth)
    host, _, rest = cap.url_display.partition("/")
    scheme = ""
    if "://" in cap.url_display:
        scheme, _, after = cap.url_display.partition("://")
        host, _, rest = after.partition("/")
        scheme += "://"
    x = 160
    for part, colour in ((scheme, muted), (host, ink), ("/" + rest if rest else "", muted)):
        if part:
            d.text((x, 54), part, font=bar_font, fill=colour, anchor="lm")
            x += text_width(d, part, bar_font)
    for i in range(3):
        d.ellipse((cap.width - 92 + i * 30, 48, cap.width - 80 + i * 30, 60), outline=muted, width=2)
    top = 74
    if cap.bookmarks:
        d.rectangle((0, 74, cap.width, 102), fill=tab_bg)
        for i, name in enumerate(("쿠팡 Wing", "배송조회", "Gmail", "번역", "1688")):
            d.text((20 + i * 110, 88), name, font=ui, fill=ink, anchor="lm")
        top = 102
    d.line((0, top - 1, cap.width, top - 1), fill=(60, 64, 67) if dark else (218, 220, 224))
    bottom = cap.height - (48 if cap.clock else 0)
    img.paste(render_content((cap.width, bottom - top)), (0, top))
    if cap.clock:
        taskbar(img, cap.clock, cap.clock_style, dark, truth)
    return img


def record_address_bar(display: str, truth: Truth) -> None:
    """Chrome hides the scheme; the truth carries the URL with it, as the interface normalises URLs."""
    value = display if "://" in display else "https://" + display
    host, _, rest = value.split("://", 1)[1].partition("/")
    truth.url(value, host, address_bar=True, full=bool(rest))


def lock_icon(d: ImageDraw.ImageDraw, x: int, y: int, colour) -> None:
    """The padlock in front of an https URL."""
    d.arc((x - 4, y - 8, x + 4, y), 180, 360, fill=colour, width=2)
    d.rectangle((x - 6, y - 3, x + 6, y + 6), fill=colour)


def taskbar(img: Image.Image, at: datetime, style: str, dark: bool, truth: Truth) -> None:
    """Windows 11 taskbar with the clock at the bottom right (the capture's timestamp)."""
    d = ImageDraw.Draw(img)
    w, h = img.size
    bg, ink = ((32, 32, 32), (255, 255, 255)) if dark else ((238, 240, 244), (20, 20, 20))
    d.rectangle((0, h - 48, w, h), fill=bg)
    d.line((0, h - 48, w, h - 48), fill=(200, 200, 200) if not dark else (60, 60, 60))
    start = w // 2 - 120
    colours = ((0, 120, 212), (240, 240, 240), (255, 185, 0), (66, 133, 244), (0, 164, 239), (46, 125, 50))
    for i, c in enumerate(colours):
        d.rounded_rectangle((start + i * 44, h - 38, start + i * 44 + 28, h - 10), radius=5, fill=c,
                            outline=(160, 160, 160))
    time_line, date_line = clock_lines(at, style)
    f = font("gothic", 12)
    d.text((w - 60, h - 33), time_line, font=f, fill=ink, anchor="mm")
    d.text((w - 60, h - 15), date_line, font=f, fill=ink, anchor="mm")
    d.text((w - 150, h - 24), "ENG" if style == "en" else "한", font=f, fill=ink, anchor="mm")
    truth.timestamp(f"{date_line} {time_line}", at)


def phone_frame(content: Image.Image, at: datetime, host: str | None, truth: Truth, dark: bool = False,
                width: int = 750) -> Image.Image:
    """A phone capture: status bar with the time, a mobile address bar showing only the host."""
    bar_h, addr_h = 44, 56 if host else 0
    ink = (255, 255, 255) if dark else (0, 0, 0)
    bg = (0, 0, 0) if dark else (255, 255, 255)
    scaled = content.resize((width, round(content.height * width / content.width)), Image.LANCZOS)
    img = Image.new("RGB", (width, bar_h + addr_h + scaled.height), bg)
    d = ImageDraw.Draw(img)
    d.text((40, 22), f"{at.hour}:{at.minute:02d}", font=font("gothic-bold", 22), fill=ink, anchor="lm")
    for i in range(4):
        d.rectangle((width - 150 + i * 9, 30 - i * 4, width - 144 + i * 9, 32), fill=ink)
    d.rounded_rectangle((width - 80, 14, width - 30, 32), radius=5, outline=ink, width=2)
    d.rectangle((width - 77, 17, width - 45, 29), fill=ink)
    if host:
        d.rounded_rectangle((20, bar_h + 6, width - 20, bar_h + addr_h - 8), radius=12,
                            fill=(44, 44, 46) if dark else (238, 238, 240))
        host_font = font("gothic", 22)
        centre_y = bar_h + addr_h // 2 - 1
        left = width // 2 - text_width(d, host, host_font) // 2
        lock_icon(d, left - 18, centre_y, ink)
        d.text((left, centre_y), host, font=host_font, fill=ink, anchor="lm")
        truth.url("https://" + host, host, address_bar=True, full=False)
    img.paste(scaled, (0, bar_h + addr_h))
    return img


# ---- degradations ---------------------------------------------------------------------------------

def phone_photo_of_screen(screen: Image.Image, rng: np.random.Generator, out_w: int = 1600,
                          out_h: int = 1200) -> Image.Image:
    """A phone photo of a monitor: screen in a bezel on a desk, perspective, moiré, blur, sensor noise."""
    w, h = screen.size
    bezel = Image.new("RGB", (w + 60, h + 90), (18, 18, 20))
    bezel.paste(screen, (30, 30))
    # moiré: interference of the pixel grid and the sensor, a slow diagonal beat
    yy, xx = np.mgrid[0:bezel.height, 0:bezel.width].astype(np.float32)
    beat = 1.0 + 0.06 * np.sin(xx * 0.37 + yy * 0.11) * np.sin(xx * 0.05 - yy * 0.29)
    arr = np.asarray(bezel, dtype=np.float32) * beat[..., None]
    bezel = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    # the desk scene, then the screen projected onto it with a perspective
    scene = Image.new("RGB", (out_w, out_h), (96, 84, 70))
    quad = jittered_quad(rng, out_w, out_h, ((0.06, 0.09, 20), (0.95, 0.04, 20), (0.98, 0.92, 15), (0.03, 0.97, 15)))
    coeffs = perspective_coeffs(quad, [(0, 0), (bezel.width, 0), (bezel.width, bezel.height), (0, bezel.height)])
    warped = bezel.transform((out_w, out_h), Image.PERSPECTIVE, coeffs, Image.BICUBIC)
    mask = Image.new("L", (out_w, out_h), 0)
    ImageDraw.Draw(mask).polygon(quad, fill=255)
    scene.paste(warped, (0, 0), mask)
    scene = scene.filter(ImageFilter.GaussianBlur(0.9))
    arr = np.asarray(scene, dtype=np.float32)
    # vignetting and a warm cast, then sensor noise
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    vignette = 1.0 - 0.25 * (((xx - out_w / 2) / out_w) ** 2 + ((yy - out_h / 2) / out_h) ** 2) * 2
    arr = arr * vignette[..., None] * np.array([1.02, 1.0, 0.94], dtype=np.float32)
    arr += rng.normal(0, 5.0, arr.shape).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def jittered_quad(rng: np.random.Generator, width: int, height: int,
                  corners: tuple[tuple[float, float, float], ...]) -> list[tuple[float, float]]:
    """Each corner (x and y as fractions of width and height, then a jitter in px) moved by up to its jitter on
    each axis, x drawn before y, corner after corner."""
    return [(width * fx + float(rng.uniform(-s, s)), height * fy + float(rng.uniform(-s, s))) for fx, fy, s in corners]


def perspective_coeffs(dst_quad, src_quad) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE): maps output points (dst) to input points (src)."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst_quad, src_quad):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); rhs.append(u)
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y]); rhs.append(v)
    return [float(c) for c in np.linalg.solve(np.array(rows, dtype=np.float64), np.array(rhs, dtype=np.float64))]


def photo_of_paper(page: Image.Image, rng: np.random.Generator, out_w: int = 1500) -> Image.Image:
    """A phone photo of a paper document on a table: slight perspective, uneven light, noise."""
    page = page.convert("RGB")
    out_h = round(out_w * page.height / page.width * 1.08)
    quad = jittered_quad(rng, out_w, out_h, ((0.05, 0.04, 12), (0.95, 0.05, 12), (0.97, 0.96, 10), (0.03, 0.95, 10)))
    coeffs = perspective_coeffs(quad, [(0, 0), (page.width, 0), (page.width, page.height), (0, page.height)])
    scene = Image.new("RGB", (out_w, out_h), (139, 115, 85))
    mask = Image.new("L", (out_w, out_h), 0)
    ImageDraw.Draw(mask).polygon(quad, fill=255)
    scene.paste(page.transform((out_w, out_h), Image.PERSPECTIVE, coeffs, Image.BICUBIC), (0, 0), mask)
    arr = np.asarray(scene.filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32)
    yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
    light = 0.85 + 0.2 * (xx / out_w) - 0.08 * (yy / out_h)
    arr = arr * light[..., None] + rng.normal(0, 4.0, arr.shape).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def scanned(page: Image.Image, rng: np.random.Generator, angle: float = 0.8) -> Image.Image:
    """A flatbed scan: grayscale, slightly rotated, toner noise and a light blur."""
    gray = page.convert("L").rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=250)
    gray = gray.filter(ImageFilter.GaussianBlur(0.6))
    arr = np.asarray(gray, dtype=np.float32) * 0.97 + 6
    arr += rng.normal(0, 6.0, arr.shape).astype(np.float32)
    specks = rng.random(arr.shape) < 0.0004
    arr[specks] = 40
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def signature(d: ImageDraw.ImageDraw, box: tuple[int, int, int, int], rng: np.random.Generator,
              ink=(20, 30, 90), width: int = 3) -> None:
    """A handwritten-looking signature: a few connected loops of varying pressure."""
    x0, y0, x1, y1 = box
    span, mid = x1 - x0, (y0 + y1) / 2
    loop = span * rng.uniform(0.035, 0.06)  # loop radius: x runs backwards where the pen circles (cursive)
    turns, wave, phase = rng.uniform(24, 40), rng.uniform(5, 12), rng.uniform(0, math.pi)
    points = []
    for i in range(240):
        t = i / 239
        x = x0 + span * t + loop * math.sin(t * turns + rng.uniform(-0.1, 0.1))
        y = mid + (y1 - y0) * 0.3 * math.sin(t * wave + phase) - loop * math.cos(t * turns) + rng.uniform(-1.0, 1.0)
        points.append((x, y))
    for i in range(len(points) - 1):
        w = max(1, round(width * (0.6 + 0.6 * math.sin(i / 9))))
        d.line((points[i], points[i + 1]), fill=ink, width=w)
    d.line((x0 + 10, y1 - 8, x1 - 20, y1 - 14), fill=ink, width=max(1, width - 1))


def jpeg_bytes(img: Image.Image, quality: int, **options) -> bytes:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=quality, **options)
    return buf.getvalue()


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def image_pdf_bytes(pages: list[Image.Image], dpi: int, quality: int = 75) -> bytes:
    """An image-only PDF (no text layer), as a scanner writes it: one JPEG per page, embedded by img2pdf."""
    jpegs = [jpeg_bytes(p if p.mode == "L" else p.convert("RGB"), quality) for p in pages]
    layout = img2pdf.get_fixed_dpi_layout_fun((dpi, dpi))
    # img2pdf's own writer: the pikepdf engine draws a random /ID, which would break reproducible samples
    return img2pdf.convert(jpegs, layout_fun=layout, nodate=True, engine=img2pdf.Engine.internal)

