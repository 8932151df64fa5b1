"""Every example of pipeline/fields/patterns.toml, run against the whole extractor.

An example belongs to one pattern but is read by all of them, so it also proves the other patterns stay quiet.
"""
from __future__ import annotations

import pytest

from pipeline.fields.extract import detect_languages, extract_dates, extract_fields, validate_tracking
from pipeline.fields.data import patterns
from pipeline.model import Barcode, PageReading
from pipeline.fields.road_names import check_road
from pipeline.profile import Profile

DATA = patterns()


def _examples() -> list:
    cases = []

    def add(kind: str, where: str, example, expect):
        cases.append(pytest.param(kind, example, expect, id=f"{where}-{len(cases)}"))

    tracking = DATA["tracking"]
    for ex in tracking["match"]:
        add("tracking", "tracking.match", ex["text"], ex["expect"])
    for text in tracking["reject"]:
        add("tracking", "tracking.reject", text, [])
    for where in ("match", "reject"):
        for ex in tracking["barcodes"][where]:
            add("barcode", f"tracking.barcodes.{where}", (ex["text"], tuple(map(tuple, ex["barcodes"]))),
                ex.get("expect", []))
    for fmt in tracking["formats"]:
        for ex in fmt["examples"]:
            add("checksum", f"tracking.formats.{fmt['carrier']}", (ex["value"], fmt["carrier"]),
                (ex["carrier"], ex["checksum"]))
    stamps = DATA["timestamps"]
    for text in stamps["reject"]:
        add("timestamps", "timestamps.reject", text, [])
    for form in stamps["forms"]:
        for ex in form["match"]:
            add("timestamps", f"timestamps.{form['name']}", ex["text"], [ex["expect"]])
        for text in form["reject"]:
            add("timestamps", f"timestamps.{form['name']}.reject", text, [])
    for where in ("stated_zones", "local_times"):
        for verdict in ("match", "reject"):
            for ex in stamps[where][verdict]:
                add("zoned", f"timestamps.{where}.{verdict}", ex["text"], (ex["expect"], ex.get("zone", "Asia/Seoul")))
    for ex in DATA["dates"]["match"]:
        add("dates", "dates.match", ex["text"], [ex["expect"]])
    for text in DATA["dates"]["reject"]:
        add("dates", "dates.reject", text, [])
    for ex in DATA["urls"]["match"]:
        add("urls", "urls.match", ex["text"], ex["expect"])
    for text in DATA["urls"]["reject"]:
        add("urls", "urls.reject", text, [])
    for ex in DATA["urls"]["bar_match"]:
        add("bar", "urls.bar_match", ex["text"], ex["expect"])
    for text in DATA["urls"]["bar_reject"]:
        add("bar", "urls.bar_reject", text, [])
    for ex in DATA["addresses"]["match"]:
        add("addresses", "addresses.match", ex["text"], [tuple(pair) for pair in ex["expect"]])
    for text in DATA["addresses"]["reject"]:
        add("addresses", "addresses.reject", text, [])
    roads = DATA["addresses"]["road_names"]
    for where in ("match", "reject"):
        for sido, sigungu, road, postal, *expect in roads[where]:
            add("road", f"addresses.road_names.{where}", (sido, sigungu, road, postal or None), tuple(expect))
    for ex in DATA["languages"]["match"]:
        add("languages", "languages.match", ex["text"], tuple(ex["expect"]))
    for text in DATA["languages"]["reject"]:
        add("languages", "languages.reject", text, ())
    return cases


def _read(kind: str, example, profile: Profile):
    if kind == "checksum":
        return validate_tracking(*example)
    if kind == "dates":
        return [d.value.isoformat() for d in extract_dates(example)]
    if kind == "languages":
        return detect_languages(example)
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
    fields = extract_fields([PageReading(index=1, text=example, source="ocr")], profile)
    if kind == "zoned":  # the timestamps' values, and the zone of the first (the page's stated or default zone)
        return [t.value for t in fields.timestamps], fields.timestamps[0].zone
    return {"tracking": [t.value for t in fields.tracking_numbers],
            "timestamps": [t.value for t in fields.timestamps],
            "urls": [u.value for u in fields.urls],
            "addresses": [(a.value, a.postal_code or "") for a in fields.korean_addresses]}[kind]


@pytest.mark.parametrize(("kind", "example", "expect"), _examples())
def test_pattern_example(kind, example, expect, profile):
    """GIVEN an example of patterns.toml WHEN the whole extractor reads it THEN it gives exactly the expected values."""
    assert _read(kind, example, profile) == expect


def test_every_pattern_has_examples():
    """GIVEN patterns.toml WHEN its sections are listed THEN every form and format carries examples to run."""
    assert all(form["match"] for form in DATA["timestamps"]["forms"])
    assert all(fmt["examples"] for fmt in DATA["tracking"]["formats"])
    assert DATA["tracking"]["barcodes"]["match"] and DATA["tracking"]["barcodes"]["reject"]
    for section in ("tracking", "urls", "addresses", "languages", "dates"):
        assert DATA[section]["match"] and DATA[section]["reject"], section
    assert DATA["addresses"]["road_names"]["match"] and DATA["addresses"]["road_names"]["reject"]
