"""pipeline/reading/engine.py: Tesseract's TSV parsed into words and lines with boxes, the page bands, the
OcrEngine contract."""
from __future__ import annotations

import pytest

from pipeline.reading import engine
from tests.reading.ocr_fakes import TSV_HEADER


SAMPLE_TSV = "\n".join([  # noqa: FLY002 - one TSV row a line reads best
    TSV_HEADER,
    "1\t1\t0\t0\t0\t0\t0\t0\t1000\t800\t-1\t",
    "4\t1\t1\t1\t1\t0\t10\t10\t500\t20\t-1\t",
    "5\t1\t1\t1\t1\t1\t10\t10\t300\t20\t95.0\twww.cjlogistics.com/tracking",
    "5\t1\t1\t1\t1\t2\t320\t12\t40\t18\t85.0\t배송",
    "5\t1\t1\t1\t2\t1\t10\t400\t30\t20\t90.0\t卖家",
    "5\t1\t1\t1\t2\t2\t45\t400\t20\t20\t80.0\t你",
    "5\t1\t1\t1\t2\t3\t70\t400\t20\t20\t-1\t",
    "5\t1\t1\t1\t2\t4\t95\t400\t20\t20\t70.0\t好",
    "5\t1\t1\t1\t3\t1\t900\t770\t60\t20\t60.0\t2026-03-11",
    "5\t1\t1\t1\t3\t2\t900\t790\tbad\t20\t60.0\tignored",
])


def test_parse_tsv_groups_words_into_lines_with_boxes_and_confidence():
    """GIVEN Tesseract TSV with page/line rows, an empty word and a malformed row WHEN parsed
    THEN three lines in order, with enclosing boxes, Han joined without spaces, and the mean word confidence."""
    lines, confidence = engine.parse_tsv(SAMPLE_TSV)
    assert [line.text for line in lines] == ["www.cjlogistics.com/tracking 배송", "卖家你好", "2026-03-11"]
    assert (lines[0].left, lines[0].top, lines[0].width, lines[0].height) == (10, 10, 350, 20)
    assert lines[1].confidence == pytest.approx(80.0)
    assert confidence == pytest.approx((95 + 85 + 90 + 80 + 70 + 60) / 6)


def test_parse_tsv_of_nothing():
    """GIVEN an empty TSV (a blank page) WHEN parsed THEN no lines and no confidence."""
    assert engine.parse_tsv(TSV_HEADER + "\n") == ((), None)


def test_band_text_takes_the_top_and_bottom_lines():
    """GIVEN lines at the top, middle and bottom of an 800-px page WHEN bands are taken
    THEN the header holds the address-bar line and the footer the clock line."""
    lines, _ = engine.parse_tsv(SAMPLE_TSV)
    header, footer = engine.band_text(lines, 800, 0.15, 0.10)
    assert header == "www.cjlogistics.com/tracking 배송"
    assert footer == "2026-03-11"


def test_the_tesseract_module_is_an_ocr_engine():
    """GIVEN the Tesseract back-end WHEN checked against the OcrEngine contract THEN it meets it (a `words`
    function), and an object without one does not."""
    from pipeline.reading import tesseract
    assert isinstance(tesseract, engine.OcrEngine)
    assert not isinstance(object(), engine.OcrEngine)
