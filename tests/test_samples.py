"""The synthetic samples: deterministic, fully described by expected.json, and consistent with the contract."""
from __future__ import annotations

import importlib.util
import json
from datetime import datetime, timedelta
from pathlib import Path

import pillow_heif
import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from pipeline.context import Context
from pipeline.profile import Profile
from samples.fake import dhl_10, fedex_12, mod7_12, s10, ups_1z
from samples.generate import generate
from stages.manifest import parse_manifest

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))

# One of each deterministic kind: PNG screenshot, text-layer PDF, image-only PDF, CSV, ZIP, and a whole packet.
DETERMINISTIC_SUBSET = ("evidence/cj-tracking-screenshot.png", "evidence/cj-tracking-print.pdf",
                        "evidence/pod-scan-image-only.pdf", "evidence/seller-messages-export.csv",
                        "evidence/archive.zip", "packets/yiwu-dawnlight/")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generator_is_deterministic(tmp_path):
    """GIVEN a subset of the samples covering PNG, PDF (text layer and image-only), CSV, ZIP and a packet
    WHEN it is generated twice into two folders
    THEN both folders hold byte-identical files, and the same bytes as the committed samples/"""
    first, second = tmp_path / "a", tmp_path / "b"
    generate(first, DETERMINISTIC_SUBSET)
    generate(second, DETERMINISTIC_SUBSET)
    a, b = tree(first), tree(second)
    assert len(a) >= 9
    assert a == b
    for path, data in a.items():
        if path != "expected.json":
            assert (SAMPLES / path).read_bytes() == data, f"samples/{path} is stale: run `make samples`"


def test_partial_run_keeps_the_other_entries(tmp_path):
    """GIVEN an output folder whose expected.json already lists other files
    WHEN only one sample is regenerated into it
    THEN that sample's entry is written and the other entries are kept"""
    other = {"form": "png", "rules": []}
    (tmp_path / "expected.json").write_text(json.dumps({"files": {"evidence/other.png": other}, "packets": {}}))
    expected = generate(tmp_path, ["evidence/seller-messages-export.csv"])
    assert expected["files"]["evidence/other.png"] == other
    assert expected["files"]["evidence/seller-messages-export.csv"]["kind"] == "message-thread"
    assert json.loads((tmp_path / "expected.json").read_text()) == expected


def test_expected_covers_every_file():
    """GIVEN the committed samples/
    WHEN every evidence file on disk is compared with expected.json
    THEN each file has an entry, each entry has a file, and each packet folder has claim.toml and an entry"""
    on_disk = {p.relative_to(SAMPLES).as_posix() for folder in ("evidence", "packets")
               for p in (SAMPLES / folder).rglob("*") if p.is_file() and p.name != "claim.toml"}
    assert len(on_disk) >= 50
    assert on_disk == set(EXPECTED["files"])
    packets = {p.parent.relative_to(SAMPLES).as_posix() for p in (SAMPLES / "packets").rglob("claim.toml")}
    assert packets == set(EXPECTED["packets"])
    assert len(packets) >= 7
    for path, packet in EXPECTED["packets"].items():
        assert {f"{path}/{f}" for f in packet["files"]} == {f for f in on_disk if f.startswith(path + "/")}


def test_claim_files_follow_the_interface():
    """GIVEN each sample packet's claim.toml
    WHEN evpack's manifest parser reads it
    THEN it reports no problem and the claim id matches expected.json"""
    ctx = Context(profile=Profile.load(), workdir=Path("/nonexistent"))
    for path, packet in EXPECTED["packets"].items():
        claim, problems = parse_manifest(SAMPLES / path / "claim.toml", ctx)
        assert problems == [], path
        assert claim.claim_id == packet["claim_id"]
        assert claim.reason == packet["reason"]


def test_packet_verdicts_agree_with_the_profile_and_the_demo_clock():
    """GIVEN the expected verdict, rules and deadline of each packet
    WHEN they are recomputed from the rules profile and the demo's now (2026-03-15 12:00 KST)
    THEN a packet fails exactly when an error rule is expected, deadlines follow payout + 7 days 23:59:59,
    and deadline-passed / deadline-soon are expected exactly where the clock says so"""
    profile = Profile.load()
    now = datetime.fromisoformat(EXPECTED["now"])
    verdicts = set()
    for path, packet in EXPECTED["packets"].items():
        errors = [r for r in packet["rules"] if profile.severity(r) == "error"]
        assert packet["verdict"] == ("fail" if errors else "pass"), path
        verdicts.add(packet["verdict"])
        deadline = datetime.fromisoformat(packet["deadline"])
        assert deadline.utcoffset() == timedelta(hours=9) and deadline.time().isoformat() == "23:59:59"
        assert ("deadline-passed" in packet["rules"]) == (now > deadline), path
        assert ("deadline-soon" in packet["rules"]) == (deadline - timedelta(hours=24) < now <= deadline), path
    assert verdicts == {"pass", "fail"}


@pytest.mark.parametrize("first11, expected", [("45612345678", "456123456784"), ("30000000000", "300000000005")])
def test_lotte_hanjin_check_digit(first11, expected):
    """GIVEN 11 digits WHEN the Lotte/Hanjin check digit is appended THEN it is int(first 11) % 7"""
    assert mod7_12(first11) == expected


def test_check_digits_match_known_numbers():
    """GIVEN published example numbers (UPU S10, UPS) and independent formulations (FedEx, DHL)
    WHEN the generator's check-digit functions compute them
    THEN they agree"""
    assert s10("EE", "12345678", "KR") == "EE123456785KR"
    assert s10("RR", "00000012", "CN") == "RR000000120CN"  # sum 23 % 11 == 1: 11 - 1 = 10 -> 0
    assert s10("RR", "00000000", "CN") == "RR000000005CN"  # sum 0: 11 - 0 = 11 -> 5
    assert ups_1z("999AA1012345678") == "1Z999AA10123456784"
    for published in ("790535312317", "986578788855", "477179081230", "799531274483"):  # real FedEx numbers
        assert fedex_12(published[:11]) == published
    assert dhl_10("123456789") == "1234567891"  # 123456789 % 7 == 1


def validates(number: dict) -> bool:
    """An independent check of the truth's tracking numbers, by carrier."""
    v, carrier = number["value"], number["carrier"]
    if carrier in ("lotte", "hanjin"):
        return len(v) == 12 and int(v[:11]) % 7 == int(v[11])
    if carrier == "ems":
        return s10(v[:2], v[2:10], v[11:]) == v
    if carrier == "fedex":
        return fedex_12(v[:11]) == v
    if carrier == "dhl":
        return dhl_10(v[:9]) == v
    if carrier == "ups":
        return ups_1z(v[2:17]) == v
    return True


def test_truth_values_are_well_formed():
    """GIVEN every file entry of expected.json
    WHEN its fields are checked
    THEN checksum 'ok' numbers validate, timestamps are ISO 8601 in KST, URLs carry a scheme and their host,
    postal codes have five digits, and rules are rule ids of the profile"""
    profile = Profile.load()
    for path, entry in EXPECTED["files"].items():
        fields = entry["fields"]
        for number in fields["tracking_numbers"]:
            assert number["checksum"] in ("ok", "none")
            assert number["checksum"] == "none" or validates(number), (path, number)
        for ts in fields["timestamps"]:
            assert datetime.fromisoformat(ts["value"]).utcoffset() == timedelta(hours=9), (path, ts)
        for url in fields["urls"]:
            assert url["value"].startswith("https://") and url["value"][8:].startswith(url["host"]), (path, url)
        for address in fields["korean_addresses"]:
            assert len(address["postal_code"]) == 5 and address["postal_code"].isdigit()
        assert set(entry["rules"]) <= set(profile.data["rules"]), path


def test_pdf_text_layers_match_text_source():
    """GIVEN every PDF sample that opens
    WHEN its first page's text layer is read with pypdfium2
    THEN print-to-PDFs and the QC report have text, scans have none (image-only)"""
    checked = 0
    for path, entry in EXPECTED["files"].items():
        if entry["form"] != "pdf" or entry["text_source"] == "none":
            continue
        pdf = pdfium.PdfDocument(SAMPLES / path)
        chars = pdf[0].get_textpage().count_chars()
        assert (chars > 0) == (entry["text_source"] == "text-layer"), (path, chars)
        checked += 1
    assert checked >= 10


def test_special_formats_are_what_they_claim():
    """GIVEN the HEIC, TIFF and QR samples
    WHEN they are opened with the libraries evpack uses
    THEN the HEIC carries EXIF orientation 6, the TIFF has the expected pages, the QR decodes to its payload"""
    pillow_heif.register_heif_opener()
    heic = Image.open(SAMPLES / "evidence/iphone-pod-rotated.heic")
    assert heic.info["original_orientation"] == 6
    assert heic.height > heic.width  # shown upright (portrait) once the orientation is applied
    tiff = Image.open(SAMPLES / "evidence/pod-scan-multipage.tif")
    assert tiff.n_frames == EXPECTED["files"]["evidence/pod-scan-multipage.tif"]["pages"] == 2
    decoded = zxingcpp.read_barcodes(Image.open(SAMPLES / "evidence/qr-code-only.png"))
    assert [c.text for c in decoded] == EXPECTED["files"]["evidence/qr-code-only.png"]["qr_codes"]


def test_samples_stay_small():
    """GIVEN the committed samples/ WHEN its size is summed THEN it stays under 15 MB"""
    assert sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file()) < 15_000_000


def test_benchmark_corpus_is_held_out_and_in_the_same_schema(tmp_path):
    """GIVEN the benchmark corpus generator (bench/corpus.py)
    WHEN its catalogue is listed and a few of its files are drawn
    THEN its carriers are none of those the samples show, it covers every degradation the benchmark measures,
    and its truth entries have the schema of expected.json"""
    corpus = load_corpus_module()
    assert not set(corpus.SITES) & {"cj", "korea-post"}
    catalogue = corpus.corpus_samples(seed=7)
    assert 40 <= len(catalogue) <= 60
    assert {s.degradation for s in catalogue} >= {"clean", "jpeg-resave", "phone-photo", "mobile-capture", "print-pdf",
                                                   "scan"}
    drawn = corpus.write_samples([s for s in catalogue if s.path.startswith("dhl/")][:2], tmp_path)
    some_entry = next(iter(EXPECTED["files"].values()))
    for entry in drawn.values():
        assert set(entry) == set(some_entry)
        assert entry["fields"]["tracking_numbers"][0]["carrier"] == "dhl"
        assert entry["languages"] == ["en"]


def load_corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", SAMPLES.parent / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
