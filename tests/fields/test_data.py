"""pipeline/fields/data.py: the patterns are one TOML file per family, read through the one loader into one frozen
FieldPatterns; a context (or `using`) gives others, and nothing built from them outlives them."""
from __future__ import annotations

import pickle
import shutil
from dataclasses import replace

import pytest

from pipeline import api
from pipeline.datafiles import DataFileError
from pipeline.fields.data import FAMILIES, PATTERNS_DIR, FieldPatterns, load_patterns, patterns, shipped, using
from pipeline.fields.extract import extract_fields
from pipeline.model import PageReading
from tests.hostile import text_pdf


def test_every_family_is_a_file_and_nothing_else_is_shipped():
    """GIVEN the patterns folder WHEN it is listed THEN it holds exactly one file per family, each loaded by name."""
    assert sorted(p.stem for p in PATTERNS_DIR.glob("*.toml")) == sorted(FAMILIES)
    assert set(patterns()) == set(FAMILIES)
    assert patterns()["tracking"]["formats"] and patterns()["timestamps"]["forms"]


@pytest.mark.parametrize("family", FAMILIES)
def test_a_broken_or_missing_family_file_is_a_data_file_error(tmp_path, family):
    """GIVEN a copy of the patterns with one family's file broken, then missing WHEN loaded THEN a DataFileError
    names that file (exit 4 with its repair), never a TOMLDecodeError traceback."""
    folder = tmp_path / "patterns"
    shutil.copytree(PATTERNS_DIR, folder)
    (folder / f"{family}.toml").write_text("broken = [", encoding="utf-8")
    with pytest.raises(DataFileError, match=f"{family}.toml"):
        load_patterns(folder)
    (folder / f"{family}.toml").unlink()
    with pytest.raises(DataFileError, match=f"{family}.toml.*missing"):
        load_patterns(folder)


TEXT = "Delivered 2026-03-09 14:22"


def _stamps(profile) -> list[tuple[str, str]]:
    fields = extract_fields([PageReading(index=1, text=TEXT, source="ocr")], profile)
    return [(t.value, t.zone) for t in fields.timestamps]


def test_patterns_given_in_use_change_what_is_read_and_go_back_after(profile):
    """GIVEN the shipped patterns with another default zone WHEN a time without a zone is read with them in use,
    then again after THEN it is read in the given zone, then in Seoul's again: nothing built from the given patterns
    (a compiled regex, a zone) outlives them, and the shipped ones never see the other value."""
    shanghai = shipped().replace("timestamps", default_zone="Asia/Shanghai")
    assert shanghai != shipped() and shanghai.version != shipped().version
    assert _stamps(profile) == [("2026-03-09T14:22:00+09:00", "Asia/Seoul")]
    with using(shanghai) as in_use:
        assert in_use is shanghai and patterns() is shanghai
        assert _stamps(profile) == [("2026-03-09T14:22:00+08:00", "Asia/Shanghai")]
    assert patterns() is shipped() and shipped()["timestamps"]["default_zone"] == "Asia/Seoul"
    assert _stamps(profile) == [("2026-03-09T14:22:00+09:00", "Asia/Seoul")]


def test_a_builder_is_cached_per_patterns(profile):
    """GIVEN patterns whose tracking labels are other words WHEN a labelled number is read with them in use THEN
    the label regex is built from them (the shipped label no longer labels it, the given one does), and the shipped
    patterns' regex comes back after."""
    text = "Tracking number: 689212345674"
    mine = shipped().replace("tracking", labels=["Sendungsnummer"])
    read = lambda body: [t.value for t in extract_fields([PageReading(index=1, text=body, source="ocr")],  # noqa: E731
                                                         profile).tracking_numbers]
    assert read(text) == ["689212345674"]
    with using(mine):
        assert read(text) == [] and read("Sendungsnummer: 689212345674") == ["689212345674"]
    assert read(text) == ["689212345674"]


def test_field_patterns_are_frozen_copies_and_travel_pickled():
    """GIVEN patterns made from data WHEN the data is changed after, or the patterns pickled for a worker THEN the
    patterns keep their values and version, and an attribute cannot be set."""
    data = {family: dict(shipped()[family]) for family in FAMILIES}
    made = FieldPatterns.from_data(data)
    data["timestamps"]["default_zone"] = "UTC"
    assert made["timestamps"]["default_zone"] == "Asia/Seoul" and made == shipped()
    again = pickle.loads(pickle.dumps(made))
    assert again == made and again["tracking"] == made["tracking"]
    with pytest.raises(AttributeError):
        made.version = "other"
    with pytest.raises(ValueError, match="languages"):
        FieldPatterns.from_data({family: data[family] for family in FAMILIES if family != "languages"})


def test_a_context_given_patterns_reads_the_packet_with_them(tmp_path, ctx):
    """GIVEN a PDF with a time printed without a zone WHEN it is scanned (the runner's read stage) with a context
    that gives patterns with another default zone, and with one that gives none THEN the first reads the time in
    the given zone, the second in Seoul's (the shipped patterns); the context without patterns has the shipped."""
    pdf = tmp_path / "delivered.pdf"
    pdf.write_bytes(text_pdf([TEXT, "CJ Logistics parcel delivered to the front door of the recipient."]))
    given = replace(ctx, field_patterns=shipped().replace("timestamps", default_zone="Asia/Shanghai"),
                    workdir=tmp_path / "given")
    assert ctx.fields is shipped() and given.fields.version != ctx.fields.version

    def values(context) -> list[str]:
        (reading,) = api.scan([pdf], context).readings.values()
        return [t.value for t in reading.fields.timestamps]

    assert values(given) == ["2026-03-09T14:22:00+08:00"]
    assert values(ctx) == ["2026-03-09T14:22:00+09:00"]
    assert pickle.loads(pickle.dumps(given)).fields == given.fields
