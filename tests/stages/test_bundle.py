"""bundle: OUT/<claim_id>/ written atomically, every upload checked by content after writing, lineage complete."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from pipeline.model import KST, Claim, EvidenceFile, Finding, PacketState, PagePlacement, UploadFile
from stages import bundle

CLAIM = Claim("CLM-2026-0001234", "31000012345678", "delivery-proof", datetime(2026, 3, 12, 10, 30, tzinfo=KST),
              "never arrived")


def blank_pdf(path: Path, pages: int = 1) -> Path:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with open(path, "wb") as out:
        writer.write(out)
    return path


def packet_state(tmp_path: Path) -> PacketState:
    work = tmp_path / "work-files"
    work.mkdir()
    merged = blank_pdf(work / "02-delivery-proof.pdf", 2)
    photo = work / "03-order.jpg"
    Image.new("RGB", (50, 50), "white").save(photo, "JPEG")
    files = (EvidenceFile("track.pdf", tmp_path / "track.pdf", "a" * 64, 10, "pdf", tmp_path / "track.pdf", "pdf", 2),
             EvidenceFile("order.jpg", tmp_path / "order.jpg", "b" * 64, 10, "jpeg", tmp_path / "order.jpg", "jpeg", 1),
             EvidenceFile("video.mp4", tmp_path / "video.mp4", "c" * 64, 10, "mp4"))
    return PacketState(
        root=tmp_path, inputs=("order.jpg", "track.pdf", "video.mp4"), claim=CLAIM, files=files,
        uploads=(UploadFile("02-delivery-proof.pdf", merged, "pdf", merged.stat().st_size, 2, "Delivery proof"),
                 UploadFile("03-order.jpg", photo, "jpeg", photo.stat().st_size, 1, "Order")),
        placements=(PagePlacement("track.pdf", 1, "02-delivery-proof.pdf", 1),
                    PagePlacement("track.pdf", 2, "02-delivery-proof.pdf", 2),
                    PagePlacement("order.jpg", 1, "03-order.jpg", 1)),
        findings=(Finding("unsupported-format", "error", "a video", "export a frame", "video.mp4"),),
        statement="Delivered 2026-03-10. 배송 완료.")


def test_bundle_written_with_report_and_lineage(tmp_path, ctx):
    """GIVEN a planned packet with two uploads and a refused video
    WHEN bundle runs
    THEN OUT/<claim_id>/ holds upload/ (just those files), statement.txt and report.json whose lineage places every
         page and lists the video as not placed with its rule; the verdict is fail (the bundle still written)."""
    out = tmp_path / "out"
    state = bundle.run(packet_state(tmp_path), replace(ctx, out_dir=out))
    folder = out / CLAIM.claim_id
    assert sorted(p.name for p in (folder / "upload").iterdir()) == ["02-delivery-proof.pdf", "03-order.jpg"]
    assert (folder / "statement.txt").read_text(encoding="utf-8") == "Delivered 2026-03-10. 배송 완료.\n"
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == "evpack.report/1" and report["verdict"] == "fail"
    lineage = {entry["path"]: entry for entry in report["lineage"]}
    assert lineage["track.pdf"]["status"] == "placed"
    assert [p["upload_page"] for p in lineage["track.pdf"]["pages"]] == [1, 2]
    assert lineage["video.mp4"]["status"] == "not-placed" and lineage["video.mp4"]["rules"] == ["unsupported-format"]
    assert {u["name"]: u["pages"] for u in report["uploads"]} == {"02-delivery-proof.pdf": 2, "03-order.jpg": 1}
    assert all(len(u["sha256"]) == 64 for u in report["uploads"])
    assert state.uploads[0].path == folder / "upload" / "02-delivery-proof.pdf"
    assert [p.name for p in out.iterdir()] == [CLAIM.claim_id]


def test_failure_midway_leaves_no_half_written_bundle(tmp_path, ctx, monkeypatch):
    """GIVEN an older bundle in OUT/<claim_id>/ and a report that fails to render midway
    WHEN bundle runs
    THEN the error surfaces, the older bundle is intact, and no staging folder is left behind."""
    out = tmp_path / "out"
    state = packet_state(tmp_path)
    bundle.run(state, replace(ctx, out_dir=out))
    old_report = (out / CLAIM.claim_id / "report.json").read_bytes()

    def broken(state, ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bundle, "report_json", broken)
    with pytest.raises(RuntimeError):
        bundle.run(replace(state, statement="new"), replace(ctx, out_dir=out))
    assert (out / CLAIM.claim_id / "report.json").read_bytes() == old_report
    assert [p.name for p in out.iterdir()] == [CLAIM.claim_id]


def test_rebuild_replaces_the_older_bundle(tmp_path, ctx):
    """GIVEN an older bundle with a stale extra upload that evpack wrote (its marker lists it)
    WHEN bundle runs again
    THEN the folder holds exactly the new bundle."""
    from pipeline.output.layout import mark
    out = tmp_path / "out"
    bundle.run(packet_state(tmp_path), replace(ctx, out_dir=out))
    (out / CLAIM.claim_id / "upload" / "09-stale.pdf").write_bytes(b"%PDF-stale")
    mark(out / CLAIM.claim_id)
    again = tmp_path / "again"
    again.mkdir()
    bundle.run(packet_state(again), replace(ctx, out_dir=out))
    assert not (out / CLAIM.claim_id / "upload" / "09-stale.pdf").exists()
    assert [p.name for p in out.iterdir()] == [CLAIM.claim_id]


def test_a_bundle_holding_a_users_file_is_not_replaced(tmp_path, ctx):
    """GIVEN OUT/<claim_id> holding a file of the user's (beside an earlier bundle), or a folder evpack never
    wrote WHEN bundle runs THEN it refuses (exit 2) naming the folder and the file, and deletes nothing."""
    from pipeline.errors import ExitCode
    from pipeline.output.layout import OutputInUse
    out = tmp_path / "out"
    bundle.run(packet_state(tmp_path), replace(ctx, out_dir=out))
    notes = out / CLAIM.claim_id / "my-notes.txt"
    notes.write_text("mine")
    again = tmp_path / "again"
    again.mkdir()
    with pytest.raises(OutputInUse) as refused:
        bundle.run(packet_state(again), replace(ctx, out_dir=out))
    assert refused.value.exit_code == ExitCode.USAGE and "my-notes.txt" in str(refused.value)
    assert notes.read_text() == "mine" and (out / CLAIM.claim_id / "report.json").is_file()
    other = tmp_path / "other"
    (other / CLAIM.claim_id).mkdir(parents=True)
    third = tmp_path / "third"
    third.mkdir()
    with pytest.raises(OutputInUse, match="holds no .evpack-bundle"):
        bundle.run(packet_state(third), replace(ctx, out_dir=other))
    assert list(other.iterdir()) == [other / CLAIM.claim_id]


def test_limits_checked_by_content_after_writing(tmp_path, ctx, profile):
    """GIVEN uploads where one claims to be a PDF but holds PNG bytes, one is over the byte limit,
    and the plan made one file more than the form takes
    WHEN bundle runs
    THEN each is left out of upload/ with a finding saying why, and its pages are no longer placed."""
    profile.data["limits"]["max_files"]["value"] = 2
    profile.data["limits"]["max_file_bytes"]["value"] = 5_000
    state = packet_state(tmp_path)
    fake = tmp_path / "work-files" / "04-fake.pdf"
    Image.new("RGB", (10, 10)).save(fake, "PNG")
    big = blank_pdf(tmp_path / "work-files" / "05-big.pdf")
    big.write_bytes(big.read_bytes() + b"%" + b"x" * 6_000 + b"\n")
    extra = blank_pdf(tmp_path / "work-files" / "06-extra.pdf")
    uploads = state.uploads + tuple(UploadFile(p.name, p, "pdf", p.stat().st_size, 1) for p in (fake, big, extra))
    state = replace(state, uploads=uploads,
                    placements=state.placements + (PagePlacement("fake.pdf", 1, "04-fake.pdf", 1),))
    state = bundle.run(state, replace(ctx, out_dir=tmp_path / "out"))
    upload = tmp_path / "out" / CLAIM.claim_id / "upload"
    assert sorted(p.name for p in upload.iterdir()) == ["02-delivery-proof.pdf", "03-order.jpg"]
    assert state.verdict() == "fail"
    found = {(f.rule, f.message.split(" ", 1)[0]) for f in state.findings[1:]}
    assert found == {("unsupported-format", "04-fake.pdf"), ("too-large", "05-big.pdf"), ("too-large", "06-extra.pdf")}
    assert all(p.upload != "04-fake.pdf" for p in state.placements)


def test_a_full_disk_is_a_usage_error_leaving_nothing(tmp_path, ctx, monkeypatch):
    """GIVEN a disk that fills while the bundle is written WHEN bundle runs THEN exit 2 naming the output folder and
    the fix, and no staging folder is left behind."""
    import errno

    from pipeline.errors import ExitCode, UsageError

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bundle, "copy_upload", full)
    out = tmp_path / "out"
    with pytest.raises(UsageError) as refused:
        bundle.run(packet_state(tmp_path), replace(ctx, out_dir=out))
    assert refused.value.exit_code == ExitCode.USAGE and "No space left" in str(refused.value)
    assert list(out.iterdir()) == []
