"""pipeline/reading/tesseract.py: the Tesseract child and the library engine (the child's environment, a
missing binary or data, the engine's key and kind, timeouts, one thread)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from pipeline.errors import ExitCode, MissingDependencyError, OcrTimeout, UsageError
from pipeline.reading import engine, ocr, tesseract
from pipeline.reading.settings import settings as ocr_settings
from tests.conftest import ROOT
from tests.reading.ocr_fakes import install_fake_tesseract, canned_tsv_body, text_image


def test_thread_limit_is_set_in_the_child_only(tmp_path, monkeypatch):
    """GIVEN a fake tesseract that prints its OMP_THREAD_LIMIT as the page text WHEN a page is OCR'd
    THEN the child saw 1, and the parent's environment is unchanged, and --psm 6 and kor+eng were passed."""
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("omp=$OMP_THREAD_LIMIT"))
    page, languages = ocr.ocr_page(text_image(["601234567890"], 20), 1, tmp_path / "p.png", timeout=10)
    assert page.text == "omp=1"
    assert "OMP_THREAD_LIMIT" not in os.environ
    assert languages == "kor+eng"
    assert "-l kor+eng --psm 6 -c tessedit_do_invert=0 tsv" in log.read_text()  # evpack inverts dark rows itself


def test_missing_binary_raises_with_the_install_command(tmp_path, monkeypatch):
    """GIVEN no tesseract on PATH WHEN the engine is needed THEN MissingDependencyError (exit 3) says how to
    install it."""
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(MissingDependencyError) as raised:
        tesseract.engine()
    assert raised.value.exit_code == ExitCode.MISSING_DEPENDENCY
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-kor tesseract-ocr-chi-sim" in str(raised.value)
    assert "make setup" in str(raised.value)


def test_missing_korean_data_raises(tmp_path, monkeypatch):
    """GIVEN a tesseract with only eng data WHEN a page is OCR'd THEN MissingDependencyError names kor."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, canned_tsv_body("x"), langs="eng")
    with pytest.raises(MissingDependencyError, match="no kor language data"):
        ocr.ocr_page(text_image(["601234567890"], 20), 1, tmp_path / "p.png", timeout=10)


def test_engine_key_names_version_and_model():
    """GIVEN the installed Tesseract WHEN probed THEN its key and label carry the version and model kind."""
    engine = tesseract.engine()
    assert engine.key.startswith(f"tesseract {engine.version} ")
    assert engine.label("kor+eng") == f"tesseract {engine.version} kor+eng ({engine.model})"
    assert {"kor", "eng"} <= engine.languages


def test_engine_kind_comes_from_the_environment_or_ocr_toml(monkeypatch):
    """GIVEN EVPACK_OCR_ENGINE unset, `cli`, or a misspelling WHEN the engine is asked for THEN ocr.toml's library
    engine, the CLI engine (a different cache key: another program reads), or a usage error naming the choices."""
    monkeypatch.delenv(tesseract.ENGINE_VARIABLE, raising=False)
    assert ocr_settings().engine == "library" and tesseract.engine().kind == "library"
    library_key = tesseract.engine().key
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "cli")
    assert tesseract.engine().kind == "cli" and tesseract.engine().key != library_key
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "tesserocr")
    with pytest.raises(UsageError, match="library, cli") as raised:
        tesseract.engine()
    assert raised.value.exit_code == ExitCode.USAGE


@pytest.mark.e2e
def test_library_and_cli_engines_read_alike(tmp_path, monkeypatch):
    """GIVEN one line of Korean and digits WHEN read by the in-process engine and by the `tesseract` command
    THEN the same words come back (tesserocr is built against the system Tesseract: one engine, two doors)."""
    image = text_image(["주소 센텀중앙로 48 운송장 601234567890"], 22, width=700).convert("L")
    monkeypatch.delenv(tesseract.ENGINE_VARIABLE, raising=False)
    library = [w.text for w in engine.parse_words(tesseract.run_tesseract(image, "kor+eng", 60, 7))]
    monkeypatch.setenv(tesseract.ENGINE_VARIABLE, "cli")
    cli = [w.text for w in engine.parse_words(tesseract.run_tesseract(image, "kor+eng", 60, 7,
                                                                      scratch=tmp_path / "x.png"))]
    assert library == cli and "601234567890" in library


def test_a_calls_variables_hold_for_that_call_alone_on_one_loaded_model(monkeypatch):
    """GIVEN the in-process engine WHEN a line is read with a digits-only whitelist, then again without one THEN
    the whitelisted read has no letters, the next read has its letters back (the whitelist was set back), and both
    calls used one loaded eng model (loading eng costs ~0.1 s CPU a process)."""
    monkeypatch.delenv(tesseract.ENGINE_VARIABLE, raising=False)
    image = text_image(["Tracking 601234567890"], 22, width=500).convert("L")
    digits = [w.text for w in engine.parse_words(tesseract.run_tesseract(
        image, "eng", 60, 7, (("tessedit_char_whitelist", "0123456789"),)))]
    plain = [w.text for w in engine.parse_words(tesseract.run_tesseract(image, "eng", 60, 7))]
    assert not any(ch.isalpha() for word in digits for ch in word)
    assert "Tracking" in plain and "601234567890" in plain
    assert sum(1 for key in tesseract._APIS if "eng" in key) == 1


@pytest.mark.e2e
def test_library_engine_times_out_and_recovers(monkeypatch):
    """GIVEN a full page of text and a 1 ms deadline WHEN the library engine reads it THEN OcrTimeout with the fix;
    the cancelled instance is dropped (reading its partial result crashes Tesseract 5.5), so the next read of the
    same configuration works."""
    monkeypatch.delenv(tesseract.ENGINE_VARIABLE, raising=False)
    page = text_image([f"운송장 번호 {601234567890 + i}  2026-03-{10 + i % 9} 14:22" for i in range(40)], 16)
    with pytest.raises(OcrTimeout, match="timed out after 0.001 s") as raised:
        tesseract.run_tesseract(page.convert("L"), "kor+eng", 0.001, 6)
    assert "--ocr-timeout" in raised.value.fix
    words = engine.parse_words(tesseract.run_tesseract(page.convert("L"), "kor+eng", 60, 6))
    assert "601234567890" in [w.text for w in words]


@pytest.mark.e2e
def test_library_engine_runs_tesseract_on_one_thread():
    """GIVEN a fresh process WHEN the library engine reads a page THEN Tesseract started no threads of its own
    (OpenMP's pool is capped at one, as OMP_THREAD_LIMIT=1 caps the CLI child: parallelism comes from evpack's
    process pool). Without the cap, libgomp starts its pool on the first read."""
    script = (
        "import os\n"
        "from PIL import Image, ImageDraw\n"
        "import cv2, numpy\n"  # their own thread pools start on import, before the count: they are not Tesseract's
        "from pipeline.reading import tesseract\n"
        "image = Image.new('L', (900, 200), 255)\n"
        "ImageDraw.Draw(image).text((20, 80), '601234567890', fill=0)\n"
        "before = len(os.listdir('/proc/self/task'))\n"
        "tesseract.run_tesseract(image, 'kor+eng', 60)\n"
        "print(before, len(os.listdir('/proc/self/task')), os.environ['OMP_THREAD_LIMIT'])\n")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_THREAD_LIMIT", tesseract.ENGINE_VARIABLE)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True,
                         cwd=ROOT).stdout.split()
    assert out[0] == out[1] and out[2] == "1"


def test_a_pages_deadline_cuts_every_call_it_holds(tmp_path, monkeypatch):
    """GIVEN a tesseract that hangs, and a page deadline of 1.5 s under a 60 s per-call timeout WHEN calls run
    inside the deadline THEN the first is stopped when the deadline passes (not after 60 s), and a call after it is
    an OcrTimeout at once, without starting Tesseract; outside the deadline the timeout is whole again."""
    import time
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, "sleep 30")
    image = text_image(["601234567890"], 20)
    started = time.monotonic()
    with tesseract.deadline(1.5):
        with pytest.raises(OcrTimeout):
            tesseract.run_tesseract(image, "kor+eng", 60, scratch=tmp_path / "a.png")
        assert time.monotonic() - started < 8
        calls = log.read_text().count("\n")
        with pytest.raises(OcrTimeout, match="reading time budget"):
            tesseract.run_tesseract(image, "kor+eng", 60, scratch=tmp_path / "b.png")
        assert log.read_text().count("\n") == calls
    assert tesseract._deadline is None


def test_a_pages_deadline_stretches_with_the_load_and_still_ends_a_hang(tmp_path, monkeypatch):
    """GIVEN a tesseract that hangs (no CPU used), a machine at load 6 a core and a page deadline of 0.8 s stretched
    at most 3x WHEN a call runs inside it THEN it is stopped after about 2.4 s of wall time (the budget stretched by
    the load), neither at 0.8 s nor at its 60 s timeout."""
    import time

    from pipeline.batch import executors
    install_fake_tesseract(tmp_path / "bin", monkeypatch, "sleep 30")
    monkeypatch.setattr(executors.os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(executors.os, "getloadavg", lambda: (12.0, 12.0, 12.0))
    image = text_image(["601234567890"], 20)
    started = time.monotonic()
    with tesseract.deadline(0.8, max_stretch=3.0):
        with pytest.raises(OcrTimeout):
            tesseract.run_tesseract(image, "kor+eng", 60, scratch=tmp_path / "a.png")
    assert 2.0 <= time.monotonic() - started < 12


def test_a_page_is_read_within_its_files_budget(tmp_path, monkeypatch):
    """GIVEN a tesseract that hangs and a file budget of 2 s (reader.reading_budget) under a 60 s per-call
    timeout WHEN a screenshot page is read THEN it ends within seconds with a warning, its passes cut short."""
    import time

    from pipeline.reading import reader
    install_fake_tesseract(tmp_path / "bin", monkeypatch, "sleep 30")
    monkeypatch.setattr(reader, "reading_budget", lambda pages: 2.0)
    monkeypatch.setattr(reader, "load_stretch_max", lambda: 1.0)  # wall time, whatever the machine's load
    text_image(["601234567890"] * 3, 20).save(tmp_path / "shot.png")
    started = time.monotonic()
    result = reader.read_page(reader.PageJob(tmp_path / "shot.png", "png", 1, tmp_path / "work" / "p.png", 60.0))
    assert time.monotonic() - started < 10
    assert result.page.source == "none" and result.page.warning
