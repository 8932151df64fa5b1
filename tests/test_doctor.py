"""`evpack doctor`: every dependency reported, and a missing one named with the command that installs it on the
user's system (exit 3). Missing pieces are faked: a `tesseract` without chi_sim, no `tesseract` at all, a forced
in-process engine without tesserocr."""
from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from pipeline import doctor
from pipeline.cli import cli
from pipeline.errors import MissingDependencyError
from pipeline.reading import tesseract
from pipeline.reading.settings import settings as ocr_settings

FAKE_TESSERACT = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.3.0"; echo " leptonica-1.82.0" ;;
  --list-langs) echo 'List of available languages in "/fake/tessdata/" (3):'; echo eng; echo kor; echo osd ;;
esac
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def without_chi_sim(tmp_path, monkeypatch):
    """A `tesseract` first on PATH that has kor and eng but no chi_sim."""
    folder = tmp_path / "bin"
    folder.mkdir()
    fake = folder / "tesseract"
    fake.write_text(FAKE_TESSERACT)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{__import__('os').environ['PATH']}")
    return fake


def test_this_machine_has_everything():
    """GIVEN the machine `make setup` prepared WHEN doctor runs THEN every check is ok or a note, exit 0, and the
    cache and ledger paths are named."""
    result = invoke("doctor", "--json")
    assert result.exit_code == 0, result.stdout
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert {"tesseract", "language:kor", "language:eng", "language:chi_sim", "engine", "font:korean",
            "font:fallback", "cache", "ledger"} <= set(checks)
    assert all(c["status"] in ("ok", "note") for c in checks.values())
    assert "ledger.sqlite3" in checks["ledger"]["detail"]


@pytest.mark.parametrize("platform,system", [("linux", "debian"), ("win32", "windows"), ("darwin", "macos"),
                                             ("freebsd14", "debian")])
def test_system_from_platform(monkeypatch, platform, system):
    """GIVEN sys.platform WHEN doctor picks whose install commands to show THEN Windows, macOS, else Debian's."""
    monkeypatch.setattr(sys, "platform", platform)
    assert doctor.system() == system


@pytest.mark.parametrize("system,hint", [("debian", "sudo apt-get install tesseract-ocr-chi-sim"),
                                         ("windows", "UB-Mannheim installer"),
                                         ("macos", "brew install tesseract-lang")])
def test_a_missing_language_is_named_with_its_install_command(without_chi_sim, monkeypatch, system, hint):
    """GIVEN a Tesseract without chi_sim WHEN doctor runs on Debian, Windows or macOS THEN chi_sim is missing with
    that system's install step, kor and eng are ok, and the exit status is 3."""
    monkeypatch.setattr(doctor, "system", lambda: system)
    result = invoke("doctor")
    assert result.exit_code == 3
    assert "MISSING  Tesseract's chi_sim data" in result.stdout and hint in result.stdout
    assert "OK       Tesseract's kor data in /fake/tessdata/" in result.stdout
    assert "1 missing" in result.stdout


def test_no_tesseract_at_all(tmp_path, monkeypatch):
    """GIVEN no `tesseract` on PATH WHEN doctor runs on Windows THEN Tesseract and every language are missing, the
    install step is winget's UB-Mannheim build, and the exit status is 3."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(doctor, "system", lambda: "windows")
    checks = {c.name: c for c in doctor.tesseract_checks()}
    assert checks["tesseract"].status == "missing" and "UB-Mannheim.TesseractOCR" in checks["tesseract"].install
    assert all(checks[f"language:{lang}"].status == "missing" for lang in ("kor", "eng", "chi_sim"))
    assert invoke("doctor").exit_code == 3


def test_a_forced_in_process_engine_without_tesserocr_is_missing(monkeypatch):
    """GIVEN EVPACK_OCR_ENGINE=library and a tesserocr that does not load WHEN doctor runs THEN the engine is missing
    with the install step (or EVPACK_OCR_ENGINE=cli), exit 3."""
    def broken():
        raise MissingDependencyError("tesserocr does not load (No module named 'tesserocr').", "install it")
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "library")
    monkeypatch.setattr(tesseract, "_tesserocr", broken)
    tesseract._library_version.cache_clear()
    try:
        check = doctor.engine_check()
        assert check.status == "missing" and "EVPACK_OCR_ENGINE=cli" in check.install
        assert invoke("doctor").exit_code == 3
    finally:
        tesseract._library_version.cache_clear()


def test_without_tesserocr_the_command_engine_reads(monkeypatch):
    """GIVEN ocr.toml's in-process engine and tesserocr not installed (an optional extra) WHEN the engine is chosen
    THEN it is the `tesseract` command, engine_fallback says so once, doctor calls it ok; an explicit
    EVPACK_OCR_ENGINE=library is kept."""
    monkeypatch.delenv(tesseract.ENGINE_VARIABLE, raising=False)
    monkeypatch.setattr(tesseract, "library_installed", lambda: False)
    assert ocr_settings().engine == "library"
    assert tesseract.engine_kind() == "cli"
    assert "pip install 'evpack[tesserocr]'" in tesseract.engine_fallback()
    check = doctor.engine_check()
    assert check.status == "ok" and "`tesseract` command" in check.detail
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "library")
    assert tesseract.engine_kind() == "library" and tesseract.engine_fallback() is None


def test_a_damaged_ledger_is_reported_but_is_no_missing_dependency(tmp_path):
    """GIVEN a ledger of random bytes WHEN doctor reports it THEN the ledger note says it cannot be read, and the
    file is unchanged."""
    db = tmp_path / "l.sqlite3"
    db.write_bytes(bytes(range(256)) * 8)
    (note,) = [c for c in doctor.path_checks(tmp_path / "cache", db) if c.name == "ledger"]
    assert note.status == "note" and "cannot be read" in note.detail and "damaged" in note.detail
    assert db.read_bytes() == bytes(range(256)) * 8
