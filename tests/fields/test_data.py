"""pipeline/fields/data.py: the patterns are one TOML file per family, read through the one loader."""
from __future__ import annotations

import shutil

import pytest

from pipeline.datafiles import DataFileError
from pipeline.fields.data import FAMILIES, PATTERNS_DIR, load_patterns, patterns


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
