"""Hostile input, bounded: every kind of file, manifest, name and option an attacker or an unlucky operator may hand
evpack ends in exit 0, 1, 2 or 3 with a message naming the file and the fix, in bounded time, and the packet folder
comes out byte for byte as it went in. The full corpus (>= 500 inputs) is bench/fuzz.py."""
from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.datafiles import nesting_depth
from pipeline.model import PacketState
from pipeline.packet import display, printable_json
from stages import ingest, manifest
from tests import hostile

CASES = {case.name: case for case in hostile.fixed_cases(full=False)}

# What each case must give besides "no exit 4, no hang, nothing modified": (exit codes, words in stdout+stderr).
EXPECTED = {
    "200x200-inch blank page": ({0, 1}, ""),
    "2,000 blank pages": ({1}, "2,000 pages"),
    "symlink to /dev/zero": ({1}, "link to /dev/zero, outside the packet folder"),
    "symlink to /dev/urandom": ({1}, "link to /dev/urandom"),
    "scan /dev/zero": ({2}, "character device"),
    "scan /dev/null": ({2}, "character device"),
    "a FIFO in the packet": ({1}, "pipe.pdf is a FIFO"),
    "symlink outside the packet": ({1}, "link to /etc/passwd, outside the packet folder"),
    "symlink loop and inside link": ({1}, "loop is a folder"),
    "5,000-deep array": ({1}, "5,000 levels deep"),
    "5,000-deep inline table": ({1}, "5,000 levels deep"),
    "3 MB claim.toml": ({1}, "larger than 65,536 bytes"),
    "buyer_claim of 8,000 chars": ({0}, ""),
    "non-UTF-8 file name": ({0, 1}, ""),
    "control characters in a name": ({1}, "evil\\x1b[31m\\x07name.zip"),
    "-o PACKET": ({2}, "is inside the packet folder"),
    "-o PACKET/out": ({2}, "is inside the packet folder"),
    "packet inside -o": ({2}, "is inside the output folder"),
    "-o read-only folder": ({0, 2}, ""),   # root may write anywhere: then the build succeeds
    "-o a file": ({2}, "is a file"),
    "-o where nothing can be made": ({2}, "Cannot write to the output folder /proc/evpack-out"),
    "-o /dev/null": ({2}, "/dev/null is not a folder"),
    "-o /proc/version": ({2}, "is a file"),
    "check with a corrupt ledger": ({0, 1}, ""),
    "paid_out_at year 1": ({1}, "in the year 1;"),
    "paid_out_at year 9999": ({1}, "in the year 9999"),
    "paid_out_at 2099-12-31": ({1}, "after now"),
    "paid_out_at offset -23:59": ({0, 1}, ""),
    "batch --zone Beijing": ({2}, "Did you mean --zone Asia/Shanghai"),
    "check --zone Nowhere/Else": ({2}, "not a time zone name"),
    "build --lang xx": ({2}, "'xx' is not one of"),
    "check --now without offset": ({2}, "no UTC offset"),
    "build --profile missing": ({2}, "does not exist"),
    "blank claim_id": ({1}, "lacks the required key 'claim_id'"),
    "user file in OUT/<claim_id>": ({2}, "holds no .evpack-bundle"),
    "PDF with /OpenAction JavaScript": ({0}, ""),
    "decompression-bomb PNG": ({1}, "larger than evpack decodes"),
    "300 files": ({1}, "were not read"),
    "CSV of 100,000 rows": ({1}, "budgets.csv_rows"),
    "CSV of 5,000 columns": ({1}, "budgets.csv_rows, budgets.csv_columns"),
    "PDF page of many images": ({1}, "images.pdf\n     A PDF document (by its content): it holds more than 2,000 "
                                     "embedded pictures"),
    "PDF of nested form XObjects": ({1}, "forms.pdf\n     A PDF document (by its content): it holds more than "
                                         "2,000 embedded pictures"),
    "folders nested past the recursion limit (check)": ({1}, "is a folder 16 levels below the packet folder, and "
                                                             "evpack looks no deeper (budgets.folder_depth)"),
    "folders nested past the recursion limit (batch)": ({1}, "1 failed"),
    "GIF of 50,000 frames": ({1}, "anim.gif\n     A GIF image (by its content): it has more than 500 frames"),
    "TIFF of 50,000 pages": ({1}, "pages.tif\n     A TIFF image (by its content): it has more than 500 frames"),
    "APNG of 50,000 frames": ({1}, "anim.png\n     A PNG image (by its content): it has more than 500 frames"),
    "WebP of 50,000 frames": ({1}, "anim.webp\n     A WEBP image (by its content): it has more than 500 frames"),
    "HEIC of more than 500 images": ({1}, "burst.heic\n     A HEIC/HEIF photo (by its content): it has more than "
                                          "500 frames"),
}


def test_every_case_has_an_expectation():
    """GIVEN the hostile cases THEN each one is asserted on here (a new case cannot slip in unchecked)."""
    assert set(EXPECTED) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input(name, tmp_path):
    """GIVEN one hostile input WHEN evpack runs on it (a child process, 60 s at most) THEN exit 0-3 as expected with
    the message that names the file or the fix, no traceback, the packet tree's sha256 unchanged, no user file
    deleted, under 1.5 GB of memory."""
    outcome = hostile.run_case(CASES[name], tmp_path / "case", timeout=60)
    codes, words = EXPECTED[name]
    assert outcome.exit_code is not None, f"hung: {outcome.stderr[-2000:]}"
    assert outcome.exit_code in codes, outcome.stderr[-2000:]
    assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr, outcome.stderr[-2000:]
    assert words in outcome.stdout + outcome.stderr, (outcome.stdout + outcome.stderr)[-2000:]
    assert not outcome.modified and not outcome.user_files_lost
    assert outcome.peak_rss_mb < 1500, f"peak RSS {outcome.peak_rss_mb:.0f} MB"
    assert outcome.seconds < 60


def test_javascript_is_removed_from_the_bundle(tmp_path):
    """GIVEN a PDF with an /OpenAction JavaScript WHEN built THEN the uploaded copy has no /OpenAction and no
    JavaScript action, and report.json says what was removed from which file."""
    import json

    import pikepdf
    outcome = hostile.run_case(CASES["PDF with /OpenAction JavaScript"], tmp_path / "case", timeout=60)
    assert outcome.exit_code == 0, outcome.stderr
    bundle = tmp_path / "case" / "out" / "CLM-2026-0009001"
    report = json.loads((bundle / "report.json").read_text(encoding="utf-8"))
    (name, removed), = report["sanitised"].items()
    assert "document /OpenAction" in removed
    with pikepdf.open(bundle / "upload" / name) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert not any(isinstance(o, pikepdf.Dictionary) and o.get("/S") == pikepdf.Name.JavaScript
                       and str(o.get("/JS", "")) for o in pdf.objects)


def test_long_buyer_claim_continues_on_a_second_cover_page(tmp_path):
    """GIVEN a buyer_claim of 8,000 characters WHEN built THEN the cover has more than one page and holds the whole
    claim (its last words are on it)."""
    import pypdfium2 as pdfium
    outcome = hostile.run_case(CASES["buyer_claim of 8,000 chars"], tmp_path / "case", timeout=60)
    assert outcome.exit_code == 0, outcome.stderr
    cover = next((tmp_path / "case" / "out" / "CLM-2026-0009001" / "upload").glob("01-*.pdf"))
    pdf = pdfium.PdfDocument(cover)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    claim = (tmp_path / "case" / "p" / "claim.toml").read_text(encoding="utf-8")
    tail = claim.split('buyer_claim = "')[1].split('"')[0][-30:]
    assert len(pdf) > 1 and "".join(tail.split()) in "".join(text.split())


def test_bad_name_is_kept_escaped_and_in_hex(tmp_path):
    """GIVEN an evidence file whose name is not UTF-8 WHEN built THEN report.json shows it escaped (\\xff) and keeps
    its bytes in hex under raw_names."""
    import json
    outcome = hostile.run_case(CASES["non-UTF-8 file name"], tmp_path / "case", timeout=60)
    report = json.loads((tmp_path / "case" / "out" / "CLM-2026-0009001" / "report.json").read_text("utf-8"))
    assert report["raw_names"] == {"scan-\\xff\\xfe.pdf": b"scan-\xff\xfe.pdf".hex()}, outcome.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("engine, data, words", [
    ("library", "foreign", "does not read Korean"),
    ("cli", "foreign", "does not read Korean"),
    ("cli", "garbage", "Tesseract cannot read with its Korean data"),
])
def test_damaged_korean_data_is_exit_3(tmp_path, engine, data, words):
    """GIVEN Tesseract data whose kor.traineddata is another language's model (it loads, and reads Korean as
    garbage) or random bytes WHEN a screenshot is scanned with the in-process engine or the `tesseract` command
    (EVPACK_OCR_ENGINE) THEN exit 3 at the first OCR, saying what is wrong with the Korean data and how to
    reinstall it."""
    import shutil
    import subprocess

    from PIL import Image, ImageDraw
    from pipeline.reading import tesseract
    tessdata = tmp_path / "tessdata"
    tessdata.mkdir()
    real = tesseract.engine().tessdata
    for name in ("eng", "chi_sim"):
        shutil.copy(real / f"{name}.traineddata", tessdata)
    if data == "foreign":
        shutil.copy(real / "eng.traineddata", tessdata / "kor.traineddata")
    else:
        (tessdata / "kor.traineddata").write_bytes(random.Random(7).randbytes(200_000))
    image = Image.new("L", (600, 120), 255)
    ImageDraw.Draw(image).text((20, 40), "Tracking 640134072904", fill=0)
    image.save(tmp_path / "shot.png")
    env = {**os.environ, "TESSDATA_PREFIX": str(tessdata), "EVPACK_CACHE_DIR": str(tmp_path / "cache"),
           "EVPACK_OCR_ENGINE": engine}
    proc = subprocess.run([sys.executable, "-m", "pipeline", "scan", str(tmp_path / "shot.png"), "--no-cache",
                           "--jobs", "1"], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert words in proc.stderr and "tesseract-ocr-kor" in proc.stderr, proc.stderr


def another_user() -> tuple[int, int]:
    """A user who is not root: the tests' own, or `nobody` when the tests run as root (root may write into any
    read-only folder, so a test of one must not run as root)."""
    import pwd
    if os.geteuid() != 0:
        return os.geteuid(), os.getegid()
    try:
        user = pwd.getpwnam("nobody")
        return user.pw_uid, user.pw_gid
    except KeyError:
        return 65534, 65534


def run_as(preload: str) -> str:
    """A Python program that runs the evpack command line as the user given first (uid, gid; its argv[1:3]), after
    `preload`: what the command needs is imported before the switch, since the Python itself may live where that
    user cannot read (root's home), while evpack's code does not."""
    return ("import os, sys\nuid, gid = int(sys.argv.pop(1)), int(sys.argv.pop(1))\n" + preload + """
import pipeline.cli
if os.geteuid() != uid:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
if os.geteuid() == 0:
    sys.exit("still root")
sys.argv[0] = "evpack"
pipeline.cli.main()
""")


RUN_AS = run_as("""
import pipeline.batch.batch, pipeline.i18n
pipeline.i18n.gettext_for("en")
""")


@pytest.mark.parametrize("command", ["build", "batch"])
def test_a_read_only_out_folder_is_a_usage_error_for_a_user_who_cannot_write_it(command):
    """GIVEN a read-only output folder (mode 0555) and a good packet WHEN a user who is not root (the tests' own
    user, or `nobody` when the tests run as root) builds or batches into it THEN exit 2 before any work, naming the
    folder and the fix, no traceback, and nothing is written there."""
    import subprocess
    import tempfile
    uid, gid = another_user()
    # Under /tmp, not pytest's tmp_path: the other user must reach the packet, the code and the folder.
    with tempfile.TemporaryDirectory(prefix="evpack-ro-out-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)
        packet = hostile.packet(folder / "root" / "p")
        home = folder / "home"
        home.mkdir()
        os.chown(home, uid, -1)
        out = folder / "ro"
        out.mkdir()
        os.chmod(out, 0o555)
        for path in [folder / "root", packet, *packet.iterdir()]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        env = {**os.environ, "HOME": str(home), "EVPACK_CACHE_DIR": str(home / "cache"),
               "EVPACK_LEDGER": str(home / "ledger.sqlite3"), "XDG_DATA_HOME": str(home), "XDG_CACHE_HOME": str(home)}
        target = packet if command == "build" else packet.parent
        proc = subprocess.run([sys.executable, "-c", RUN_AS, str(uid), str(gid), command, str(target), "-o",
                               str(out), "--now", hostile.NOW, "--jobs", "1"], capture_output=True, text=True,
                              env=env, cwd=home, timeout=120)
        assert proc.returncode == 2, proc.stderr
        assert f"Cannot write to the output folder {out}" in proc.stderr, proc.stderr
        assert "choose a folder you may write to" in proc.stderr and "Traceback" not in proc.stderr
        assert list(out.iterdir()) == []


# ---- in-process properties (hypothesis) ---------------------------------------------------------------------

TOML_PIECES = st.sampled_from(['claim_id = "CLM-1"\n', 'order_id = "3100"\n', 'reason = "other"\n',
                               "paid_out_at = 2026-03-12T10:30:00+09:00\n", 'buyer_claim = "x"\n', "[", "]", "{",
                               "}", '"', "'", "'''", '"""', "#", "\n", "=", "a", "0001-01-01", "9999-12-31T00:00:00Z",
                               "1e999", "nan", "\\u0000", "\x00", "\ud800", "가", ",", "[[x]]\n", "x = "])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(TOML_PIECES, max_size=40).map("".join), st.integers(0, 6000))
def test_any_manifest_is_a_claim_or_findings(ctx, tmp_path, text, depth):
    """GIVEN claim.toml of random TOML pieces, deep nesting included WHEN the manifest stage reads it THEN it gives a
    claim or manifest-invalid findings, never an exception."""
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    (folder / "claim.toml").write_bytes((text + "x = " + "[" * depth + "]" * depth).encode("utf-8", "surrogatepass"))
    state = manifest.run(PacketState(root=folder), ctx)
    assert (state.claim is None) == bool(state.findings)
    assert {f.rule for f in state.findings} <= {"manifest-invalid"}


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 3000), st.sampled_from(["[", "{ a = "]))
def test_nesting_depth_is_measured_without_recursion(depth, opener):
    """GIVEN nested arrays or inline tables of any depth WHEN measured THEN the depth, and no RecursionError."""
    closer = "]" if opener == "[" else " }"
    text = "x = " + opener * depth + ("1" if depth else "1") + closer * depth
    assert nesting_depth(text) == depth


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=40))
def test_any_name_displays_as_printable_utf8(raw):
    """GIVEN a file name of any bytes WHEN shown THEN printable UTF-8 text without control characters, and JSON made
    of it can be written as UTF-8."""
    shown = display(os.fsdecode(raw))
    shown.encode("utf-8")
    assert all(ch.isprintable() for ch in shown)
    import json
    json.dumps(printable_json({"name": os.fsdecode(raw)}), ensure_ascii=False).encode("utf-8")


HEADERS = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
           b"PK\x03\x04", b"RIFF\x00\x00\x00\x00WEBP", b"\x00\x00\x00\x18ftypheic", b"", b"\xef\xbb\xbf"]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(HEADERS), st.binary(max_size=3000))
def test_garbage_behind_any_magic_is_a_finding(ctx, tmp_path, header, body):
    """GIVEN a file of random bytes behind a real format's magic bytes WHEN ingested THEN it is usable or refused with
    a finding naming it; never an exception."""
    folder = tmp_path / "p"
    folder.mkdir(exist_ok=True)
    (folder / "evidence.bin").write_bytes(header + body)
    state = ingest.run(PacketState(root=folder, inputs=("evidence.bin",)), ctx)
    (evidence,) = state.files
    assert evidence.usable is not None or [f.file for f in state.findings] == ["evidence.bin"]


def test_special_files_are_findings_never_opened(ctx, tmp_path):
    """GIVEN a FIFO, links to /dev/zero and outside the packet, and a link inside it WHEN ingested THEN the first three
    are unreadable-file findings (nothing blocks), the inside link is read as its target."""
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "real.txt").write_text("note")
    os.mkfifo(folder / "fifo.pdf")
    os.symlink("/dev/zero", folder / "zero.png")
    os.symlink("/etc/hostname", folder / "outside.txt")
    os.symlink("real.txt", folder / "inside.txt")
    state = ingest.run(PacketState(root=folder, inputs=("fifo.pdf", "inside.txt", "outside.txt", "zero.png")), ctx)
    assert sorted((f.rule, f.file) for f in state.findings if f.rule == "unreadable-file") == [
        ("unreadable-file", "fifo.pdf"), ("unreadable-file", "outside.txt"), ("unreadable-file", "zero.png")]
    assert {f.source: f.size for f in state.files}["inside.txt"] == 4


@pytest.mark.parametrize("frames, options", [(1, {}), (3, {}), (7, {"optimize": False, "comment": b"x" * 600}),
                                             (40, {"disposal": 2, "transparency": 0})])
def test_gif_frames_are_counted_as_pillow_counts_them(tmp_path, frames, options):
    """GIVEN GIFs Pillow writes (local colour tables, comments, transparency) WHEN their frames are counted from the
    block structure THEN the count is Pillow's, and with a limit it stops there."""
    from PIL import Image

    from pipeline.ingest import convert
    path = tmp_path / "a.gif"
    pictures = [Image.effect_noise((30, 20), 40 + index).convert("P", palette=Image.Palette.ADAPTIVE,
                                                                  colors=16 + index % 200) for index in range(frames)]
    pictures[0].save(path, save_all=True, append_images=pictures[1:], **options)
    with Image.open(path) as image:
        assert convert.gif_frames(path) == image.n_frames == frames
    assert convert.gif_frames(path, 2) == min(2, frames)
    assert convert.check_image(path, 5).frames == min(frames, 6)


def test_frames_are_counted_only_to_the_budget(tmp_path):
    """GIVEN a 50,000-frame GIF and TIFF WHEN checked with a budget of 500 frames THEN each counts 501 (over the
    budget) in well under a second; Pillow's own TIFF count walks every IFD (118 s measured on this file)."""
    import time

    from pipeline.ingest import convert
    for name, data in (("a.gif", hostile.many_frames_gif(50_000)), ("a.tif", hostile.many_frames_tiff(50_000))):
        (tmp_path / name).write_bytes(data)
        started = time.perf_counter()
        assert convert.check_image(tmp_path / name, 500).frames == 501
        assert time.perf_counter() - started < 5
    small = tmp_path / "three.tif"
    small.write_bytes(hostile.many_frames_tiff(3))
    assert convert.check_image(small, 500).frames == 3


def test_a_later_tiff_page_past_the_pixel_limit_is_too_large(tmp_path):
    """GIVEN a TIFF whose first page is small and whose second claims 60,000 x 60,000 pixels WHEN it is converted
    THEN too-large before that page is decoded (Pillow checks only the first frame's size)."""
    import struct

    from pipeline.errors import FileProblem
    from pipeline.ingest import convert
    data = bytearray(hostile.many_frames_tiff(2))
    second = struct.unpack("<I", data[10 + 2 + 9 * 12:10 + 2 + 9 * 12 + 4])[0]
    for tag_index in (0, 1):  # ImageWidth and ImageLength of the second IFD
        entry = second + 2 + tag_index * 12
        data[entry + 2:entry + 12] = struct.pack("<HII", 4, 1, 60_000)
    (tmp_path / "bomb.tif").write_bytes(bytes(data))
    assert convert.check_image(tmp_path / "bomb.tif", 500).frames == 2
    with pytest.raises(FileProblem) as problem:
        convert.frames_to_pdf(tmp_path / "bomb.tif", tmp_path / "out.pdf", tmp_path / "pages", 2)
    assert problem.value.rule == "too-large" and "page 2 has 3,600,000,000 pixels" in problem.value.message


def test_pictures_are_counted_once_per_dictionary_and_only_to_the_budget(tmp_path):
    """GIVEN PDFs of many images, nested form XObjects, and pages sharing one resource dictionary WHEN counted
    THEN shared dictionaries count once, forms are followed, and the count stops past the budget."""
    import pikepdf

    from pipeline.output import pdfops
    with pikepdf.open(io_of(hostile.many_images_pdf(3_000))) as pdf:
        assert pdfops.xobject_count(pdf, 2_000) == 3_000  # one dictionary: counted by its length at once
        assert pdfops.xobject_count(pdf, 5_000) == 3_000
    with pikepdf.open(io_of(hostile.nested_forms_pdf(10, per_form=3))) as pdf:
        assert pdfops.xobject_count(pdf, 1_000) == 1 + 10 * 5 - 1  # the page's form, then 3 + shared + inner each
        assert pdfops.xobject_count(pdf, 20) <= 25
    shared = pikepdf.open(io_of(hostile.many_images_pdf(50)))
    resources = shared.make_indirect(shared.pages[0].obj.Resources)
    shared.pages[0].obj.Resources = resources
    for _ in range(9):
        shared.add_blank_page().obj.Resources = resources
    assert len(shared.pages) == 10 and pdfops.xobject_count(shared, 100) == 50
    assert pdfops.images_over_budget(shared, "x.pdf", 49).rule == "too-large"
    assert pdfops.images_over_budget(shared, "x.pdf", 50) is None


def test_an_upload_of_more_pictures_than_the_budget_is_not_recompressed(tmp_path, ctx, profile, monkeypatch):
    """GIVEN an upload file over the size limit whose pages name more pictures than budgets.images_per_file (merged
    from evidence files each within it) WHEN compress runs THEN no image is looked at or re-encoded, and a too-large
    finding names the file, the budget and the fix."""
    from pipeline.model import Classification, Fields, PagePlacement, Reading, UploadFile
    from stages import compress
    path = tmp_path / "03-other.pdf"
    path.write_bytes(hostile.many_images_pdf(2_001))
    monkeypatch.setattr(compress.pdfops, "page_images", lambda *args: pytest.fail("images looked at"))
    profile.data["limits"]["max_file_bytes"]["value"] = 100_000
    state = PacketState(root=None, uploads=(UploadFile("03-other.pdf", path, "pdf", path.stat().st_size, 1),),
                        placements=(PagePlacement("a.pdf", 1, "03-other.pdf", 1),),
                        readings={"a.pdf": Reading("a.pdf", "0", (), Fields(), ("en",), "test")},
                        kinds={"a.pdf": Classification("other", "test")})
    state = compress.run(state, ctx)
    [finding] = state.findings
    assert state.uploads == () and finding.rule == "too-large" and finding.file == "a.pdf"
    assert "03-other.pdf (a.pdf)" in finding.message and "more than 2,000 embedded pictures" in finding.message
    assert "(budgets.images_per_file)" in finding.message and "print it to a new PDF" in finding.fix


def io_of(data: bytes):
    import io
    return io.BytesIO(data)


def test_budgets_are_data_with_examples():
    """GIVEN ingest.toml's budgets WHEN a page of each example's size is fitted THEN it is rendered at the example's
    resolution, within the pixel budget."""
    from pipeline.ingest.sniff import ingest_rules
    from pipeline.reading.reader import fitting_dpi
    budgets = ingest_rules()["budgets"]
    for example in budgets["examples"]:
        dpi = fitting_dpi(example["width_in"] * 72, example["height_in"] * 72, example["wanted_dpi"],
                          budgets["pixels_per_page"])
        assert round(dpi) == example["dpi"], example
        assert example["width_in"] * example["height_in"] * dpi ** 2 <= budgets["pixels_per_page"] * 1.0001


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
