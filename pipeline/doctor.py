"""`evpack doctor`: what this machine has of what evpack needs, and what to install for anything missing.

Checks Tesseract (found on PATH, its version), its language data (pipeline/doctor.toml: kor, eng, chi_sim), the OCR
engine that will read (tesserocr in-process or the `tesseract` command, EVPACK_OCR_ENGINE), the cover's fonts, and
reports where the read cache and the submission ledger live. Each missing piece names the command that installs it
on this system (Debian/Ubuntu, Windows, macOS; pipeline/doctor.toml). Only reads: it creates nothing.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.datafiles import load_toml

DATA = Path(__file__).with_name("doctor.toml")
SYSTEMS = ("debian", "windows", "macos")


@dataclass(frozen=True)
class Check:
    name: str            # tesseract | language:<code> | engine | font:korean | font:fallback | cache | ledger
    status: str          # ok | missing | note (a path or fact to know; never fails the doctor)
    detail: str          # what was found, or what is missing
    install: str = ""    # the command or step that installs it on this system (for status "missing")

    def to_json(self) -> dict:
        return asdict(self)


def system() -> str:
    """debian | windows | macos: whose install commands to show (any other Linux gets Debian's)."""
    if sys.platform.startswith("win"):
        return "windows"
    return "macos" if sys.platform == "darwin" else "debian"


def install_hint(item: str, **values: str) -> str:
    return load_toml(DATA, "Doctor's install list")["install"][item][system()].format(**values)


def tesseract_checks() -> list[Check]:
    """Tesseract on PATH with its version, then one check per language evpack reads with."""
    from pipeline.reading import tesseract
    from pipeline.reading.settings import settings as ocr_settings
    languages = load_toml(DATA, "Doctor's install list")["languages"]
    binary = shutil.which(ocr_settings().binary)
    missing_langs = [Check(f"language:{lang}", "missing", f"Tesseract's {lang} data",
                           install_hint("language", lang=lang, package=lang.replace("_", "-")))
                     for lang in languages]
    if binary is None:
        return [Check("tesseract", "missing", f"no `{ocr_settings().binary}` command on PATH",
                      install_hint("tesseract")), *missing_langs]
    try:
        version = subprocess.run([binary, "--version"], capture_output=True, timeout=30, env=tesseract.child_env(),
                                 check=False)
        listing = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=30, env=tesseract.child_env(),
                                 check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Check("tesseract", "missing", f"{binary} does not run ({exc})", install_hint("tesseract")),
                *missing_langs]
    text = (version.stdout + version.stderr).decode("utf-8", "replace")
    found = re.search(r"tesseract\s+v?(\d+\.\d+[\w.\-]*)", text)
    if found is None:
        return [Check("tesseract", "missing", f"{binary} --version names no Tesseract version",
                      install_hint("tesseract")), *missing_langs]
    lines = listing.stdout.decode("utf-8", "replace").splitlines()
    folder = re.search(r'"(.+?)"', lines[0]) if lines else None
    installed = {line.strip() for line in lines[1:] if line.strip()}
    where = f" in {folder.group(1)}" if folder else ""
    checks = [Check("tesseract", "ok", f"Tesseract {found.group(1)} ({binary})")]
    for lang, absent in zip(languages, missing_langs):
        checks.append(Check(f"language:{lang}", "ok", f"Tesseract's {lang} data{where}") if lang in installed
                      else absent)
    return checks


def engine_check() -> Check:
    """The engine that will read: tesserocr in-process, or the `tesseract` command (EVPACK_OCR_ENGINE or ocr.toml;
    without tesserocr installed, ocr.toml's in-process engine falls back to the command)."""
    from pipeline.errors import EvpackError
    from pipeline.reading import tesseract
    chosen = os.environ.get(tesseract.ENGINE_VARIABLE)
    origin = f"{tesseract.ENGINE_VARIABLE}={chosen}" if chosen else "ocr.toml"
    try:
        kind = tesseract.engine_kind()
    except EvpackError as exc:
        variable = tesseract.ENGINE_VARIABLE
        return Check("engine", "missing", exc.message, f"{variable}=cli or {variable}=library")
    if kind == "cli":
        note = " (tesserocr is not installed; optional, reads faster)" if tesseract.engine_fallback() else ""
        return Check("engine", "ok", f"the `tesseract` command, a process per call ({origin}){note}")
    try:
        version = tesseract._library_version()
    except EvpackError as exc:
        return Check("engine", "missing", f"tesserocr, the in-process engine ({origin}), does not load: {exc.message}",
                     install_hint("tesserocr"))
    return Check("engine", "ok", f"tesserocr in-process, Tesseract {version} ({origin})")


def font_checks() -> list[Check]:
    from pipeline.output.fonts import font_files
    found = font_files()
    labels = {"korean": "Korean font for the cover", "fallback": "Chinese fallback font for the cover"}
    return [Check(f"font:{key}", "ok", f"{labels[key]}: {found[key]}") if found[key]
            else Check(f"font:{key}", "missing", labels[key], install_hint(f"{key}_font"))
            for key in ("korean", "fallback")]


def path_checks(cache_dir: Path | None, ledger_path: Path) -> list[Check]:
    """Where the read cache and the ledger are, and the ledger's state (never created or changed here)."""
    from pipeline.errors import EvpackError
    from pipeline.judging.ledger import Ledger, legacy_ledger
    checks = [Check("cache", "note", f"read cache: {cache_dir}" if cache_dir else "read cache: off (--no-cache)")]
    book = Ledger(ledger_path)
    old = legacy_ledger(book.path)
    try:
        count = len(book.list())
        recorded = f"{count} claim{'s' if count != 1 else ''} recorded"
        recorded += f", read from the older {old}" if old else ""
        state = (recorded if book.path.exists() or old
                 else "not created yet: the first `evpack ledger mark-submitted` creates it")
    except EvpackError as exc:
        state = f"cannot be read: {exc}"
    checks.append(Check("ledger", "note", f"submission ledger: {book.path} ({state})"))
    return checks


def diagnose(cache_dir: Path | None, ledger_path: Path) -> list[Check]:
    """Every check, in the order a user installs things."""
    return [*tesseract_checks(), engine_check(), *font_checks(), *path_checks(cache_dir, ledger_path)]


def report_text(checks: list[Check]) -> str:
    lines = []
    for check in checks:
        lines.append(f"{check.status.upper():<8} {check.detail}")
        if check.install:
            lines.append(f"{'':<8}   install: {check.install}")
    missing = sum(c.status == "missing" for c in checks)
    lines.append(f"{missing} missing: see 'install' above." if missing else "Everything evpack needs is here.")
    return "\n".join(lines)
