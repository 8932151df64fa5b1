"""pipeline/reading/passes/faint.py: lines of faint ink that the first pass left unread, found by their contrast and
their place alone on their rows, and a real read of a chat's grey time separator."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.reading import engine, ocr
from pipeline.reading.passes import faint
from pipeline.reading.settings import settings as ocr_settings
from tests.reading.ocr_fakes import GOTHIC

BACKGROUND = (237, 237, 237)  # WeChat's chat background
MUTED = (154, 154, 154)       # its time separators' grey
INK = (17, 17, 17)


def chat_page() -> tuple[Image.Image, dict[str, tuple[int, int, int, int]], list[engine.OcrWord]]:
    """A 750x700 chat-like page: dark message lines (which the first pass 'read': their words are given), one grey
    separator centred alone on its row, a row of grey table cells side by side, a grey rule. The boxes drawn, by
    name, and the first pass's words."""
    image = Image.new("RGB", (750, 700), BACKGROUND)
    draw = ImageDraw.Draw(image)
    big, small = ImageFont.truetype(GOTHIC, 22), ImageFont.truetype(GOTHIC, 18)
    boxes = {}

    def text(name: str, xy: tuple[int, int], value: str, font, fill, centred: bool = False) -> None:
        width = draw.textlength(value, font=font)
        x = round((750 - width) / 2) if centred else xy[0]
        draw.text((x, xy[1]), value, font=font, fill=fill)
        boxes[name] = draw.textbbox((x, xy[1]), value, font=font)

    text("message 1", (40, 60), "네 감사합니다 송장번호 보내드릴게요", big, INK)
    text("separator", (0, 180), "어제 오후 1:25", small, MUTED, centred=True)
    text("message 2", (40, 300), "송장번호 689212345674 입니다", big, INK)
    text("cell 1", (40, 420), "부천1Hub", small, MUTED)
    text("cell 2", (170, 420), "배송출발", small, MUTED)
    text("cell 3", (300, 420), "06:00", small, MUTED)
    draw.line((40, 520, 700, 520), fill=MUTED, width=1)
    text("message 3", (40, 600), "확인해 보고 연락드릴게요", big, INK)
    words = [engine.OcrWord(name, *boxes[name][:2], boxes[name][2] - boxes[name][0], boxes[name][3] - boxes[name][1],
                            92.0, ("1", "1", str(i)))
             for i, name in enumerate(("message 1", "message 2", "message 3"))]
    return image, boxes, words


def test_a_faint_line_alone_on_its_rows_is_found_and_nothing_else():
    """GIVEN a chat-like page whose dark messages the first pass read WHEN its faint regions are looked for THEN the
    grey separator centred alone on its row is the one region (its box around the drawn text): not the dark lines
    (read, and of full contrast), not the grey cells side by side on one row, not the grey rule."""
    image, boxes, words = chat_page()
    found = faint.faint_regions(image.convert("L"), words, 1.0, ocr_settings())
    assert len(found) == 1
    (left, top, right, bottom), drawn = found[0], boxes["separator"]
    assert left <= drawn[0] + 2 and right >= drawn[2] - 2 and top <= drawn[1] + 4 and bottom >= drawn[3] - 2


def test_a_faint_line_the_first_pass_read_confidently_is_not_read_again():
    """GIVEN the same page where the first pass also read the separator at 90 WHEN faint regions are looked for THEN
    there are none: a page whose light text was read costs nothing."""
    image, boxes, words = chat_page()
    box = boxes["separator"]
    words.append(engine.OcrWord("어제 오후 1:25", box[0], box[1], box[2] - box[0], box[3] - box[1], 90.0, ("2", "1", "1")))
    assert faint.faint_regions(image.convert("L"), words, 1.0, ocr_settings()) == []


def test_a_dark_page_or_a_photo_sized_page_has_no_faint_regions():
    """GIVEN a page with dark text only, and a page larger than photo_min_pixels WHEN looked at THEN no region."""
    image, boxes, words = chat_page()
    dark = Image.new("RGB", image.size, BACKGROUND)
    ImageDraw.Draw(dark).text((275, 180), "어제 오후 1:25", font=ImageFont.truetype(GOTHIC, 18), fill=INK)
    assert faint.faint_regions(dark.convert("L"), words, 1.0, ocr_settings()) == []
    huge = Image.new("L", (4000, 2000), 237)
    huge.paste(image.convert("L"), (0, 0))
    assert faint.faint_regions(huge, words, 1.0, ocr_settings()) == []


def test_stretched_turns_grey_on_grey_and_light_on_a_pill_into_dark_on_white():
    """GIVEN grey text on a light grey crop, and white text on a darker pill WHEN stretched THEN both crops span the
    full range with the background white (the majority tone light) and the text dark."""
    for background, ink in ((237, 154), (169, 255)):
        crop = Image.new("L", (60, 20), background)
        ImageDraw.Draw(crop).rectangle((10, 5, 30, 14), fill=ink)
        out = stretched = faint.stretched(crop)
        assert stretched.getextrema() == (0, 255)
        assert out.getpixel((2, 2)) == 255 and out.getpixel((20, 10)) == 0


def test_a_faint_read_goes_in_before_the_line_under_it_and_urls_are_dropped(monkeypatch):
    """GIVEN the chat page and a read of its separator (faked) WHEN the pass runs THEN its words stand on a line of
    their own ("faint", ...) right before the message under it, in OCR-copy pixels (the copy twice the page); a read
    that looks like a URL (a tab's title) is dropped."""
    image, boxes, words = chat_page()
    copy_words = [engine.OcrWord(w.text, w.left * 2, w.top * 2, w.width * 2, w.height * 2, w.confidence, w.line)
                  for w in words]
    separator = boxes["separator"]

    def read(gray, box, work_png, timeout, cfg, languages):
        return [engine.OcrWord("어제", separator[0], separator[1], 40, 18, 93.0, ("1", "1", "1")),
                engine.OcrWord("오후", separator[0] + 45, separator[1], 40, 18, 93.0, ("1", "1", "1")),
                engine.OcrWord("1:25", separator[0] + 90, separator[1], 40, 18, 92.0, ("1", "1", "1"))]
    monkeypatch.setattr(faint, "read_region", read)
    out = faint.reread_faint(copy_words, image.convert("L"), (1500, 1400), Path("/tmp/p.png"), 10, ocr_settings(),
                             "kor+eng")
    lines, _ = engine.lines_of(out)
    assert [line.text for line in lines] == ["message 1", "어제 오후 1:25", "message 2", "message 3"]
    assert lines[1].top == separator[1] * 2
    monkeypatch.setattr(faint, "read_region", lambda *a: [engine.OcrWord("papago.naver.com", 0, 0, 9, 9, 95.0,
                                                                         ("1", "1", "1"))])
    out = faint.reread_faint(copy_words, image.convert("L"), (1500, 1400), Path("/tmp/p.png"), 10, ocr_settings(),
                             "kor+eng")
    assert out == copy_words


@pytest.mark.e2e
def test_real_tesseract_reads_a_grey_separator_the_page_read_leaves_out(tmp_path):
    """GIVEN the chat page WHEN OCR'd as a screen (the first pass and the passes, real Tesseract) THEN the page's
    text holds the separator `어제 오후 1:25` on its own line above the message under it, and its time is read as
    a chat's relative day (counted from a date shown: none here, so the line alone)."""
    image, _, _ = chat_page()
    page, _ = ocr.ocr_page(image, 1, tmp_path / "p.png", timeout=60, screen=True)
    lines = page.text.splitlines()
    separator = next(i for i, line in enumerate(lines) if "1:25" in line)
    assert "".join(lines[separator].split()) == "어제오후1:25"
    assert "689212345674" in "".join(lines[separator + 1:])


def test_a_read_shorter_than_the_garble_it_would_replace_leaves_the_first_pass(monkeypatch):
    """GIVEN the chat page whose first pass read the separator's place as low-confidence garble with digits, and a
    read of the line (faked) that is shorter, then one as long WHEN the pass runs THEN the shorter read is dropped
    and the first pass stands; the longer one replaces the garble."""
    image, boxes, words = chat_page()
    box = boxes["separator"]
    garble = engine.OcrWord("지에 4466", box[0], box[1], box[2] - box[0], box[3] - box[1], 30.0,
                            ("9", "1", "1"))
    first = words[:1] + [garble] + words[1:]

    def reading(text):
        return lambda *a: [engine.OcrWord(text, box[0], box[1], 60, 18, 90.0, ("1", "1", "1"))]
    monkeypatch.setattr(faint, "read_region", reading("사"))
    assert faint.reread_faint(first, image.convert("L"), image.size, Path("/tmp/p.png"), 10, ocr_settings(),
                              "kor+eng") == first
    monkeypatch.setattr(faint, "read_region", reading("어제오후1:25"))
    out = faint.reread_faint(first, image.convert("L"), image.size, Path("/tmp/p.png"), 10, ocr_settings(), "kor+eng")
    assert garble not in out and [w.text for w in out if w.line[0] == "faint"] == ["어제오후1:25"]
