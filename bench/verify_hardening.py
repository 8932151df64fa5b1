"""Re-verifies issue #17 (hardening) as the command line is really run: every row of its table and every risk of its
"Why", each in a child process (`python -c` running pipeline.cli.main, as the `evpack` script does), with the
done-when bounds: exit 0/1/2/3 with the message or finding that names the file and the fix, peak RSS < 1.5 GB,
< 60 s a run, the packet tree's sha256 unchanged, no user file deleted.

    .venv/bin/python bench/verify_hardening.py [--only WORDS]

Prints one line per check (row, what was run, exit, seconds, peak RSS, tree unchanged, what was asserted, ok) and
exits 1 when any check fails. Rows 1-10, 12 and 13 and most risks run the cases of tests/hostile.py at full size
(the expectations of tests/test_fuzz.py); the rest (ledger commands on a damaged ledger, a read-only ledger for a
user who is not root, an edited cache entry, damaged Korean OCR data, ledger id spellings, what a built bundle
holds) are checked here.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import hostile  # noqa: E402
from tests.test_fuzz import EXPECTED, another_user, run_as  # noqa: E402

# Runs the evpack command line as the user given first (uid, gid). Everything it may import is imported before the
# switch (every module of evpack, every codec, every catalog), not only what the tests' own runs need.
RUN_AS = run_as("""
import pkgutil, importlib, encodings
import pipeline, stages
for module in pkgutil.iter_modules(encodings.__path__):
    try:
        importlib.import_module("encodings." + module.name)
    except Exception:
        pass
for package in (pipeline, stages):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if module.name.endswith("__main__"):
            continue
        try:
            importlib.import_module(module.name)
        except Exception:
            pass
import pipeline.i18n
for lang in ("en", "ko", "zh_Hans"):
    pipeline.i18n.gettext_for(lang)
""")

RSS_MB, SECONDS = 1500, 60

# The rows of the table and its risks, each with the hostile cases (tests/hostile.py) that reproduce it.
ROWS = {
    "1 huge page": ["200x200-inch blank page"],
    "2 many pages": ["2,000 blank pages"],
    "3 special files": ["symlink to /dev/zero", "symlink to /dev/urandom", "scan /dev/zero", "scan /dev/null",
                        "a FIFO in the packet"],
    "4 deep toml": ["5,000-deep array", "5,000-deep inline table", "3 MB claim.toml"],
    "5 long field": ["buyer_claim of 8,000 chars"],
    "6 bad name": ["non-UTF-8 file name"],
    "7 out inside": ["-o PACKET", "-o PACKET/out", "packet inside -o"],
    "8 unwritable out": ["-o read-only folder", "-o a file", "-o where nothing can be made"],
    "9 special out": ["-o /dev/null", "-o /proc/version"],
    "10 corrupt ledger": ["check with a corrupt ledger"],
    "12 dates": ["paid_out_at year 1", "paid_out_at year 9999"],
    "13 zone": ["batch --zone Beijing", "check --zone Nowhere/Else"],
    "risk /OpenAction": ["PDF with /OpenAction JavaScript"],
    "risk symlink outside": ["symlink outside the packet"],
    "risk user file in OUT": ["user file in OUT/<claim_id>"],
    "risk escapes in names": ["control characters in a name"],
    "risk payout 2099": ["paid_out_at 2099-12-31"],
    "risk blank claim_id": ["blank claim_id"],
    "risk bomb message": ["decompression-bomb PNG"],
    "budgets": ["PDF page of many images", "PDF of nested form XObjects", "GIF of 50,000 frames",
                "TIFF of 50,000 pages", "APNG of 50,000 frames", "WebP of 50,000 frames",
                "HEIC of more than 500 images", "folders nested past the recursion limit (check)",
                "folders nested past the recursion limit (batch)", "300 files", "CSV of 100,000 rows"],
}


@dataclass
class Check:
    row: str
    what: str
    exit_code: int | None
    seconds: float
    rss_mb: float
    unchanged: bool
    asserted: str
    ok: bool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only the checks whose row contains this")
    args = parser.parse_args()
    checks: list[Check] = []
    cases = {case.name: case for case in hostile.fixed_cases(full=True)}
    with tempfile.TemporaryDirectory(prefix="evpack-verify-") as tmp:
        work = Path(tmp)
        os.chmod(work, 0o755)
        for row, names in ROWS.items():
            if args.only not in row:
                continue
            for name in names:
                checks.append(hostile_check(row, cases[name], work / f"c{len(checks):03d}"))
                report(checks[-1])
        for row, check in EXTRA:
            if args.only not in row:
                continue
            checks.append(check(row, work / f"c{len(checks):03d}"))
            report(checks[-1])
    failed = [c for c in checks if not c.ok]
    print(f"\n{len(checks)} checks, {len(failed)} failed; slowest {max(c.seconds for c in checks):.1f} s, "
          f"largest peak RSS {max(c.rss_mb for c in checks):.0f} MB")
    sys.exit(1 if failed else 0)


def report(check: Check) -> None:
    print(f"| {check.row} | {check.what} | {check.exit_code} | {check.seconds:.1f} s | {check.rss_mb:.0f} MB | "
          f"{'yes' if check.unchanged else 'NO'} | {check.asserted} | {'ok' if check.ok else 'FAILED'} |", flush=True)


def hostile_check(row: str, case: hostile.Case, folder: Path) -> Check:
    outcome = hostile.run_case(case, folder, timeout=SECONDS * 2)
    codes, words = EXPECTED[case.name]
    text = outcome.stdout + outcome.stderr
    ok = (outcome.exit_code in codes and words in text and "Traceback" not in text and not outcome.modified
          and not outcome.user_files_lost and outcome.peak_rss_mb < RSS_MB and outcome.seconds < SECONDS)
    extra = ""
    if case.name == "PDF with /OpenAction JavaScript":
        extra, good = uploaded_pdf_is_inert(folder / "out")
        ok = ok and good
    elif case.name == "symlink outside the packet":
        extra, good = passwd_not_read(folder)
        ok = ok and good
    elif case.name == "control characters in a name":
        good = "\x1b" not in outcome.stdout and "\x07" not in outcome.stdout
        extra, ok = "; no raw ESC/BEL on stdout" if good else "; RAW ESCAPES PRINTED", ok and good
    elif case.name == "decompression-bomb PNG":
        good = "save a smaller copy" in text and "save it again" not in text
        extra, ok = "; the fix says save a smaller copy" if good else "; WRONG FIX", ok and good
    asserted = f"exit in {sorted(codes)}" + (f", says {words[:70]!r}" if words else "") + extra
    return Check(row, case.name, outcome.exit_code, outcome.seconds, outcome.peak_rss_mb,
                 not outcome.modified and not outcome.user_files_lost, asserted, ok)


def uploaded_pdf_is_inert(out: Path) -> tuple[str, bool]:
    import pikepdf
    uploads = sorted(out.glob("*/upload/*.pdf"))
    active = []
    for path in uploads:
        with pikepdf.open(path) as pdf:
            if "/OpenAction" in pdf.Root or any(isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/JavaScript"
                                                and str(o.get("/JS", "")) for o in pdf.objects):
                active.append(path.name)
    report = next(out.glob("*/report.json"), None)
    noted = report is not None and "OpenAction" in report.read_text(encoding="utf-8")
    good = bool(uploads) and not active and noted
    return f"; {len(uploads)} upload PDFs, none with /OpenAction or a script; report.json notes it" if good else \
        f"; ACTIVE CONTENT in {active} or not noted", good


def passwd_not_read(folder: Path) -> tuple[str, bool]:
    import hashlib
    digest = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    written = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".json", ".xml", ".html", ".txt")
               and digest in p.read_text(encoding="utf-8", errors="replace")]
    return ("; /etc/passwd's sha256 nowhere in evpack's output", True) if not written else \
        (f"; /etc/passwd HASHED in {written}", False)


# ---- checks the hostile cases do not make -------------------------------------------------------------------


def run(args: list[str], folder: Path, env: dict | None = None, uid_gid: tuple[int, int] | None = None,
        cwd: Path | None = None) -> tuple[int | None, float, float, str, str]:
    """The evpack command line in a child process: exit code, seconds, peak RSS (MB), stdout, stderr."""
    folder.mkdir(parents=True, exist_ok=True)
    rss = folder / "peak-rss"
    full_env = {**os.environ, "EVPACK_CACHE_DIR": str(folder / "cache"), **(env or {})}
    program = [sys.executable, "-c", hostile.RUN_MEASURED, str(rss)] if uid_gid is None else \
        [sys.executable, "-c", RUN_AS, str(uid_gid[0]), str(uid_gid[1])]
    start = time.monotonic()
    try:
        proc = subprocess.run(program + args, capture_output=True, text=True, env=full_env, timeout=SECONDS * 2,
                              stdin=subprocess.DEVNULL, cwd=cwd or ROOT)
        code, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired:
        code, out, err = None, "", "timed out"
    seconds = time.monotonic() - start
    peak = float(rss.read_text()) / 1024 if rss.exists() else 0.0
    return code, seconds, peak, out, err


def ledger_commands_on_a_damaged_ledger(row: str, folder: Path) -> Check:
    ledger = folder / "ledger.sqlite3"
    folder.mkdir(parents=True)
    ledger.write_bytes(random.Random(1).randbytes(4096))
    before = ledger.read_bytes()
    results = [run(["ledger", "list", "--ledger", str(ledger)], folder),
               run(["ledger", "mark-submitted", "CLM-2026-0009001", "--ledger", str(ledger), "--now", hostile.NOW],
                   folder)]
    codes = [r[0] for r in results]
    ok = all(code == 1 and "is damaged" in err and "Fix: move it aside" in err and "Traceback" not in err
             for code, _, _, _, err in results) and ledger.read_bytes() == before
    return Check(row, "ledger list; ledger mark-submitted (damaged ledger)", codes, max(r[1] for r in results),
                 max(r[2] for r in results), ledger.read_bytes() == before,
                 "exit 1 each, 'is damaged' with the fix, the ledger file unchanged", ok)


def read_only_ledger(row: str, folder: Path) -> Check:
    """The ledger in a folder the user may not write (another user's): check still works, mark-submitted is
    exit 1 with the fix. Run as a user who is not root (`nobody` when this runs as root)."""
    uid, gid = another_user()
    folder.mkdir(parents=True)
    os.chmod(folder, 0o755)
    home = folder / "home"
    home.mkdir()
    os.chown(home, uid, -1)
    packet = hostile.packet(folder / "p")
    for path in [packet, *packet.iterdir()]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    locked = folder / "locked"
    locked.mkdir()
    seeded = run(["ledger", "mark-submitted", "CLM-2026-0000001", "--ledger", str(locked / "ledger.sqlite3"),
                  "--now", hostile.NOW], folder / "seed")
    os.chmod(locked, 0o555)
    os.chmod(locked / "ledger.sqlite3", 0o444)
    before = hostile.tree_digest(packet), (locked / "ledger.sqlite3").read_bytes()
    env = {"HOME": str(home), "EVPACK_CACHE_DIR": str(home / "cache"), "XDG_DATA_HOME": str(home),
           "XDG_CACHE_HOME": str(home)}
    check = run(["check", str(packet), "--ledger", str(locked / "ledger.sqlite3"), "--now", hostile.NOW, "--jobs",
                 "1"], folder / "c", env, (uid, gid), cwd=home)
    mark = run(["ledger", "mark-submitted", "CLM-2026-0009001", "--ledger", str(locked / "ledger.sqlite3"), "--now",
                hostile.NOW], folder / "m", env, (uid, gid), cwd=home)
    after = hostile.tree_digest(packet), (locked / "ledger.sqlite3").read_bytes()
    ok = (seeded[0] == 0 and check[0] in (0, 1) and "Traceback" not in check[4] and "PASS" in check[3]
          and mark[0] == 1 and "Traceback" not in mark[4] and "Fix:" in mark[4] and before == after)
    return Check(row, f"check and mark-submitted as uid {uid} on a read-only ledger", [check[0], mark[0]],
                 max(check[1], mark[1]), max(check[2], mark[2]), before == after,
                 f"check passes the packet; mark-submitted exit 1: {mark[4].strip()[:90]!r}", ok)


def edited_cache_entry(row: str, folder: Path) -> Check:
    """A read-cache entry edited into other valid JSON is a miss: the second check gives the first's verdict."""
    packet = hostile.packet(folder / "p")
    args = hostile.check_of(packet, folder)[0]
    first = run(args, folder)
    entries = [p for p in (folder / "cache").rglob("*.json")]
    for entry in entries:
        try:
            data = json.loads(entry.read_text(encoding="utf-8"))
        except ValueError:
            continue
        text = json.dumps(data).replace("640134072904", "640134072905")
        entry.write_text(text if text != json.dumps(data) else json.dumps({**data, "edited": True}) if
                         isinstance(data, dict) else text, encoding="utf-8")
    second = run(args, folder)
    same = first[0] == second[0] == 0 and "tracking-mismatch" not in second[3]
    return Check(row, f"check, {len(entries)} cache entries edited into other valid JSON, check again",
                 [first[0], second[0]], max(first[1], second[1]), max(first[2], second[2]), True,
                 "the same verdict (pass), no tracking-mismatch", same and bool(entries))


def damaged_korean_data(row: str, folder: Path) -> Check:
    from PIL import Image, ImageDraw

    from pipeline.reading import tesseract
    tessdata = folder / "tessdata"
    tessdata.mkdir(parents=True)
    real = tesseract.engine().tessdata
    for name in ("eng", "chi_sim"):
        shutil.copy(real / f"{name}.traineddata", tessdata)
    (tessdata / "kor.traineddata").write_bytes(random.Random(7).randbytes(200_000))
    image = Image.new("L", (600, 120), 255)
    ImageDraw.Draw(image).text((20, 40), "Tracking 640134072904", fill=0)
    image.save(folder / "shot.png")
    results = [run(["scan", str(folder / "shot.png"), "--no-cache", "--jobs", "1"], folder / engine,
                   {"TESSDATA_PREFIX": str(tessdata), "EVPACK_OCR_ENGINE": engine}) for engine in ("library", "cli")]
    ok = all(r[0] == 3 and "tesseract-ocr-kor" in r[4] for r in results)
    return Check(row, "scan with a garbage kor.traineddata (library and cli engines)", [r[0] for r in results],
                 max(r[1] for r in results), max(r[2] for r in results), True,
                 "exit 3 each, naming tesseract-ocr-kor to reinstall", ok)


def ledger_id_spellings(row: str, folder: Path) -> Check:
    ledger = str(folder / "ledger.sqlite3")
    marks = [run(["ledger", "mark-submitted", claim, "--ledger", ledger, "--now", hostile.NOW], folder)
             for claim in ("", " CLM-2026-0000007 ", "clm-2026-0000007", "CLM-2026-0000007")]
    listed = run(["ledger", "list", "--json", "--ledger", ledger], folder)
    claims = [entry.get("claim_id") for entry in json.loads(listed[3] or "[]")] if listed[0] == 0 else None
    codes = [m[0] for m in marks]
    ok = codes == [2, 0, 1, 1] and claims == ["CLM-2026-0000007"]
    return Check(row, "mark-submitted '', ' CLM-A ', 'clm-a', 'CLM-A'; ledger list", codes + [listed[0]],
                 max(m[1] for m in marks), max(m[2] for m in marks), True,
                 f"blank refused (2), one claim recorded, the other spellings 'already recorded' (1): {claims}", ok)


EXTRA = [
    ("10 corrupt ledger", ledger_commands_on_a_damaged_ledger),
    ("11 read-only ledger", read_only_ledger),
    ("risk edited cache entry", edited_cache_entry),
    ("risk garbage kor.traineddata", damaged_korean_data),
    ("risk ledger id spellings", ledger_id_spellings),
]


if __name__ == "__main__":
    main()
