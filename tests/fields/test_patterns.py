"""Every example of tests/fields/examples/*.toml, run by name against the whole extractor.

An example belongs to one pattern of pipeline/fields/patterns/ but is read by all of them, so it also proves
the other patterns stay quiet.
"""
from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from pipeline.fields.extract import detect_languages, extract_dates, extract_fields, validate_tracking
from pipeline.fields.data import patterns
from pipeline.model import Barcode, PageReading, TextLine
from pipeline.fields.road_names import check_road
from pipeline.fields.tracking import format_regex
from pipeline.profile import Profile

DATA = patterns()
EXAMPLES_DIR = Path(__file__).with_name("examples")


def examples(family: str) -> dict:
    return tomllib.loads((EXAMPLES_DIR / f"{family}.toml").read_text(encoding="utf-8"))


def _examples() -> list:
    cases = []

    def add(kind: str, where: str, cases_of: dict, expect=lambda case: case.get("expect", []), example=None):
        for name, case in cases_of.items():
            cases.append(pytest.param(kind, example(case) if example else case["text"], expect(case),
                                      id=f"{where}.{name}"))

    tracking = examples("tracking")
    add("tracking", "tracking.match", tracking["match"])
    add("tracking", "tracking.reject", tracking["reject"])
    for where in ("match", "reject"):
        add("barcode", f"tracking.barcodes.{where}", tracking["barcodes"][where],
            example=lambda c: (c["text"], tuple(map(tuple, c["barcodes"]))))
    for carrier, of_carrier in tracking["checksum"].items():
        add("checksum", f"tracking.checksum.{carrier}", of_carrier, expect=lambda c: (c["carrier"], c["checksum"]),
            example=lambda c, carrier=carrier: (c["value"], carrier))
    stamps = examples("timestamps")
    add("timestamps", "timestamps.reject", stamps["reject"])
    # the day of the reading; the boxes of the text's lines on the page (TextLine.box), where the form needs them
    with_now = (lambda c: (c["text"], c.get("now"), c.get("boxes")) if "now" in c or "boxes" in c else c["text"])
    for form, of_form in stamps["forms"].items():
        add("timestamps", f"timestamps.{form}", of_form.get("match", {}),
            expect=lambda c: c["expect"] if isinstance(c["expect"], list) else [c["expect"]],
            example=with_now)
        add("timestamps", f"timestamps.{form}.reject", of_form.get("reject", {}), example=with_now)
    for verdict in ("match", "reject"):
        add("timestamps", f"timestamps.day_headers.{verdict}", stamps["day_headers"][verdict], example=with_now)
    for where in ("stated_zones", "local_times"):
        for verdict in ("match", "reject"):
            add("zoned", f"timestamps.{where}.{verdict}", stamps[where][verdict],
                expect=lambda c: (c["expect"], c.get("zone", "Asia/Seoul")))
    dates = examples("dates")
    add("dates", "dates.match", dates["match"], expect=lambda c: [c["expect"]])
    add("dates", "dates.reject", dates["reject"])
    urls = examples("urls")
    for where in ("match", "reject"):
        add("urls", f"urls.{where}", urls[where])
    for where in ("bar_match", "bar_reject"):
        add("bar", f"urls.{where}", urls[where])
    addresses = examples("addresses")
    add("addresses", "addresses.match", addresses["match"], expect=lambda c: [tuple(pair) for pair in c["expect"]])
    add("addresses", "addresses.reject", addresses["reject"])
    roads = examples("road_names")
    for where in ("match", "reject"):
        add("road", f"addresses.road_names.{where}", roads[where], expect=lambda c: tuple(c["expect"]),
            example=lambda c: (c["sido"], c["sigungu"], c["road"], c["postal"] or None))
    languages = examples("languages")
    add("languages", "languages.match", languages["match"], expect=lambda c: tuple(c["expect"]))
    add("languages", "languages.reject", languages["reject"], expect=lambda c: ())
    return cases


def _read(kind: str, example, profile: Profile):
    if kind == "checksum":
        return validate_tracking(*example)
    if kind == "dates":
        return [d.value.isoformat() for d in extract_dates(example)]
    if kind == "languages":
        return detect_languages(example, profile)
    if kind == "road":
        check = check_road(*example)
        return check.road, check.status
    if kind == "barcode":  # a page's text and the barcodes decoded on it
        text, symbols = example
        page = PageReading(index=1, text=text, source="ocr", barcodes=tuple(Barcode(*s) for s in symbols))
        return [t.value for t in extract_fields([page], profile).tracking_numbers]
    if kind == "bar":  # one read of an address bar, the header naming no known host
        return [u.value for u in extract_fields([PageReading(index=1, text="", source="ocr", bar_reads=(example,))],
                                                profile).urls]
    example, now, boxes = example if isinstance(example, tuple) else (example, None, None)
    lines = tuple(TextLine(line, tuple(box)) for line, box in zip(example.split("\n"), boxes or ()))
    fields = extract_fields([PageReading(index=1, text=example, source="ocr", lines=lines)], profile,
                            date.fromisoformat(now) if now else None)
    if kind == "zoned":  # the timestamps' values, and the zone of the first (the page's stated or default zone)
        return [t.value for t in fields.timestamps], fields.timestamps[0].zone
    return {"tracking": [t.value for t in fields.tracking_numbers],
            "timestamps": [t.value for t in fields.timestamps],
            "urls": [u.value for u in fields.urls],
            "addresses": [(a.value, a.postal_code or "") for a in fields.korean_addresses]}[kind]


@pytest.mark.parametrize(("kind", "example", "expect"), _examples())
def test_pattern_example(kind, example, expect, profile):
    """GIVEN an example of a pattern WHEN the whole extractor reads it THEN it gives exactly the expected values."""
    assert _read(kind, example, profile) == expect


def test_every_pattern_has_examples():
    """GIVEN the patterns and the examples WHEN its sections are listed THEN every form and format carries examples
    to run, and every example names a form or carrier that exists."""
    forms = examples("timestamps")["forms"]
    assert all(forms.get(form["name"], {}).get("match") for form in DATA["timestamps"]["forms"])
    assert set(forms) <= {form["name"] for form in DATA["timestamps"]["forms"]}
    checksums = examples("tracking")["checksum"]
    assert all(any(re.fullmatch(format_regex(fmt), case["value"]) for case in checksums.get(fmt["carrier"], {}).values())
               for fmt in DATA["tracking"]["formats"])
    assert set(checksums) <= {fmt["carrier"] for fmt in DATA["tracking"]["formats"]}
    assert examples("tracking")["barcodes"]["match"] and examples("tracking")["barcodes"]["reject"]
    for family in ("tracking", "urls", "addresses", "languages", "dates"):
        assert examples(family)["match"] and examples(family)["reject"], family
    assert examples("road_names")["match"] and examples("road_names")["reject"]
