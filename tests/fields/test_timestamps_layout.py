"""Timestamps read with the lines' boxes (fields/timestamps.py Layout): what the text's order alone cannot say."""
from __future__ import annotations

from pipeline.fields.extract import extract_fields
from pipeline.model import PageReading, TextLine

# Real Tesseract on a FedEx page on Android Chrome (clock-mix tuning seed 9241): the day header `Mar 5, 2026` over its
# row, and the status bar's `13:29`, read last though it stands at the top of the screen.
FEDEX = (("Date/Time Activity", (41, 492, 311, 517)),
         ("Mar 5, 2026", (41, 550, 171, 571)),
         ("9:40 AM Delivered", (40, 560, 326, 596)),
         ("Mar 4, 2026 Out for", (41, 648, 304, 670)),
         ("1:43 PM delivery", (42, 676, 310, 700)),
         ("13:29", (7, 0, 154, 89)))


def _stamps(rows, profile, boxed=True) -> list[str]:
    text = "\n".join(line for line, _ in rows)
    lines = tuple(TextLine(line, box) for line, box in rows) if boxed else ()
    return [t.value for t in extract_fields([PageReading(index=1, text=text, source="ocr", lines=lines)],
                                            profile).timestamps]


def test_a_row_above_its_day_header_is_no_row_of_it(profile):
    """GIVEN a phone's page whose status bar time was read after the table WHEN its timestamps are read with the
    lines' boxes THEN the status bar's `13:29` is no row of the day header below it, and each wrapped cell's date
    dates its own time (`1:43 PM` is of 4 March, not of the header's 5 March)."""
    assert _stamps(FEDEX, profile) == ["2026-03-05T09:40:00+09:00", "2026-03-04T13:43:00+09:00"]


def test_without_boxes_the_text_order_is_all_there_is(profile):
    """GIVEN the same text without boxes WHEN read THEN the rows are read in text order (the status bar's time a row
    of the header above it in the text): the boxes are what tells them apart."""
    assert "2026-03-05T13:29:00+09:00" in _stamps(FEDEX, profile, boxed=False)
