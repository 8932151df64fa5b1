"""evpack batch: every packet under ROOT built in parallel, one bad packet never stops the rest, re-runs resume."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline import runner

from pipeline.batch import batch
from pipeline.batch.batch import FINGERPRINT, STAGING, run_batch
from pipeline.errors import ExitCode, UsageError
from tests.conftest import ROOT

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
CLAIM = """claim_id = "{claim_id}"
order_id = "31000012345678"
reason = "delivery-proof"
paid_out_at = 2026-03-{day:02d}T10:30:00+09:00
tracking_number = "689212345674"
carrier = "cj"
buyer_claim = "Buyer says the parcel never arrived."
{seller}"""


def tracking_png(path: Path, line: str = "689212345674") -> None:
    """A carrier tracking-page capture: real text for the read stage, at a glyph height Tesseract reads well."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (1000, 640), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)
    draw.text((20, 20), "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=" + line, fill="black",
              font=font)
    draw.text((20, 120), f"운송장번호 {line}", fill="black", font=font)
    draw.text((20, 200), "2026.03.10 14:22  배송완료  서울특별시 송파구 올림픽로 300 (05551)", fill="black", font=font)
    image.save(path)


def make_packet(root: Path, rel: str, claim_id: str, *, day: int = 12, seller: str | None = None,
                evidence: str = "track.png") -> Path:
    folder = root / rel
    folder.mkdir(parents=True, exist_ok=True)
    seller_line = f'seller = "{seller}"\n' if seller else ""
    (folder / "claim.toml").write_text(CLAIM.format(claim_id=claim_id, day=day, seller=seller_line), encoding="utf-8")
    tracking_png(folder / evidence)
    return folder


def make_tree(root: Path) -> Path:
    """ROOT/seller/claim/: three packets of two sellers, plus one whose claim.toml is broken."""
    make_packet(root, "acme/claim-1", "CLM-2026-0000001", seller="Acme Trading")
    make_packet(root, "acme/claim-2", "CLM-2026-0000002", day=14, seller="Acme Trading")
    make_packet(root, "bolt/claim-3", "CLM-2026-0000003", day=13)
    broken = root / "bolt" / "broken"
    tracking_png(broken / "track.png")
    (broken / "claim.toml").write_text("claim_id = [", encoding="utf-8")
    return root


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def tree(tmp_path) -> Path:
    return make_tree(tmp_path / "inbox")


def by_path(result) -> dict:
    return {p.path: p for p in result.packets}


def test_batch_builds_every_packet_and_writes_the_summary(tree, tmp_path, ctx):
    """GIVEN ROOT/seller/claim/ packets, one with a broken claim.toml
    WHEN batch runs with two workers
    THEN every packet has its bundle at OUT/<claim_id>/ (the broken one at its path's slug), summary.json lists each
    packet's path, claim id, seller, verdict, deadline and output, junit.xml has one testcase per packet with the
    broken one's findings in a <failure>, and the inputs are untouched."""
    before = snapshot(tree)
    out = tmp_path / "out"
    result = run_batch(tree, out, ctx, jobs=2, progress=False)

    packets = by_path(result)
    assert sorted(packets) == ["acme/claim-1", "acme/claim-2", "bolt/broken", "bolt/claim-3"]
    assert packets["bolt/broken"].verdict == "fail"
    assert packets["bolt/broken"].output == "bolt__broken"
    assert any(f["rule"] == "manifest-invalid" for f in packets["bolt/broken"].findings)
    assert result.exit_code == ExitCode.PACKET_FAILED
    for summary in packets.values():
        assert (out / summary.output / "report.json").is_file()
        assert (out / summary.output / FINGERPRINT).is_file()
    assert packets["bolt/claim-3"].seller == "bolt"  # no seller in claim.toml: the folder above the packet

    document = json.loads(result.summary_path.read_text(encoding="utf-8"))
    assert document["schema"] == "evpack.batch/1"
    assert document["counts"]["total"] == 4 and document["counts"]["fail"] >= 1
    entry = next(p for p in document["packets"] if p["path"] == "acme/claim-1")
    assert entry["claim_id"] == "CLM-2026-0000001" and entry["seller"] == "Acme Trading"
    assert entry["output"] == "CLM-2026-0000001"
    assert entry["deadline"] == "2026-03-19T23:59:59+09:00"
    assert entry["deadline_local"] == "2026-03-19T22:59:59+08:00"
    assert entry["time_left_seconds"] == (4 * 86400 + 11 * 3600 + 59 * 60 + 59)  # now: 2026-03-15 12:00 KST
    assert set(entry["findings_count"]) == {"error", "warning", "note"}
    assert result.report_path.is_file()
    junit = ET.parse(result.junit_path).getroot()
    cases = list(junit.iter("testcase"))
    assert junit.get("tests") == "4" and len(cases) == 4
    broken = next(c for c in cases if "bolt/broken" in c.get("name"))
    assert "manifest-invalid" in broken.find("failure").text
    assert not (out / STAGING).exists()
    assert snapshot(tree) == before


def test_a_crashing_packet_is_an_error_and_the_rest_complete(tree, tmp_path, ctx, monkeypatch):
    """GIVEN a stage that raises for one packet (a bug)
    WHEN batch runs
    THEN that packet is "error" with the message and a log holding the traceback, every other packet still gets its
    bundle, the exit code is 1 and junit.xml carries an <error> for it."""
    real = dict(runner.STAGES)["classify"]

    def classify(state, ctx):
        if state.claim and state.claim.claim_id == "CLM-2026-0000002":
            raise RuntimeError("classifier exploded")
        return real(state, ctx)

    monkeypatch.setattr(runner, "STAGES", tuple((name, classify if name == "classify" else stage)
                                                for name, stage in runner.STAGES))
    out = tmp_path / "out"
    result = run_batch(tree, out, ctx, jobs=2, progress=False)

    crashed = by_path(result)["acme/claim-2"]
    assert crashed.verdict == "error"
    assert "classifier exploded" in crashed.error
    assert "Traceback" in Path(crashed.log).read_text(encoding="utf-8")
    assert not (out / "CLM-2026-0000002").exists()
    for rel in ("acme/claim-1", "bolt/claim-3", "bolt/broken"):
        assert by_path(result)[rel].verdict in ("pass", "fail")
        assert (out / by_path(result)[rel].output / "report.json").is_file()
    assert result.exit_code == ExitCode.PACKET_FAILED
    suite = ET.parse(result.junit_path).getroot()
    errors = [case for case in suite.iter("testcase") if case.find("error") is not None]
    assert len(errors) == 1 and "classifier exploded" in errors[0].find("error").get("message")


def test_a_killed_worker_leaves_no_half_bundle_and_the_next_run_completes_it(tree, tmp_path, ctx, monkeypatch):
    """GIVEN a worker process that dies in the middle of a packet's bundle (as under kill -9 or out of memory)
    WHEN batch runs, and then runs again without the fault
    THEN the first run reports that packet as error with no OUT/<claim_id>/ at all (never half written) and the other
    packets done; the second run builds it and reuses the others."""
    real = dict(runner.STAGES)["bundle"]

    def bundle(state, ctx):
        if state.claim and state.claim.claim_id == "CLM-2026-0000003":
            os._exit(9)
        return real(state, ctx)

    stages_with_fault = tuple((name, bundle if name == "bundle" else stage) for name, stage in runner.STAGES)
    monkeypatch.setattr(runner, "STAGES", stages_with_fault)
    out = tmp_path / "out"
    first = run_batch(tree, out, ctx, jobs=1, progress=False)
    assert by_path(first)["bolt/claim-3"].verdict == "error"
    assert "died" in by_path(first)["bolt/claim-3"].error
    assert not (out / "CLM-2026-0000003").exists()
    assert {p.name for p in out.iterdir() if not p.name.startswith(".")} == {
        "CLM-2026-0000001", "CLM-2026-0000002", "bolt__broken", "summary.json", "junit.xml", "report.html"}

    monkeypatch.undo()
    second = run_batch(tree, out, ctx, jobs=1, progress=False)
    assert by_path(second)["bolt/claim-3"].verdict in ("pass", "fail")
    assert not by_path(second)["bolt/claim-3"].reused
    assert (out / "CLM-2026-0000003" / "report.json").is_file()
    assert all(by_path(second)[rel].reused for rel in ("acme/claim-1", "acme/claim-2", "bolt/broken"))


def test_a_rerun_reuses_unchanged_bundles_and_redoes_a_changed_packet(tree, tmp_path, ctx):
    """GIVEN a finished batch
    WHEN it runs again over the same inputs an hour later, again after one evidence file changed, and again after
    the deadlines passed
    THEN the second run rebuilds nothing (bundles byte-identical, same mtimes), the third rebuilds only the changed
    packet, and the fourth rebuilds every packet with a claim (its findings now quote the deadline)."""
    out = tmp_path / "out"
    first = run_batch(tree, out, ctx, jobs=2, progress=False)
    assert not any(p.reused for p in first.packets)
    bundles = snapshot(out / "CLM-2026-0000001")

    an_hour_later = replace(ctx, now=ctx.now + timedelta(hours=1))  # every window still open: now does not matter
    second = run_batch(tree, out, an_hour_later, jobs=2, progress=False)
    assert all(p.reused for p in second.packets)
    assert [p.verdict for p in second.packets] == [p.verdict for p in first.packets]
    assert snapshot(out / "CLM-2026-0000001") == bundles

    tracking_png(tree / "acme" / "claim-2" / "track.png", line="689212345685")
    third = by_path(run_batch(tree, out, ctx, jobs=2, progress=False))
    assert not third["acme/claim-2"].reused
    assert third["acme/claim-1"].reused and third["bolt/claim-3"].reused

    later = replace(ctx, now=ctx.now.replace(month=4))
    fourth = by_path(run_batch(tree, out, later, jobs=2, progress=False))
    assert not any(fourth[rel].reused for rel in ("acme/claim-1", "acme/claim-2", "bolt/claim-3"))
    assert fourth["bolt/broken"].reused  # no claim, no deadline: now does not matter


def test_ctrl_c_writes_what_finished_and_leaves_no_partial_bundle(tree, tmp_path, ctx, monkeypatch):
    """GIVEN Ctrl-C arriving while the second packet is being built (one worker)
    WHEN batch runs
    THEN KeyboardInterrupt propagates (the CLI exits 130), summary.json says interrupted with the first packet done and
    the rest cancelled, and no bundle, partial or not, exists for the interrupted packet."""
    real = dict(runner.STAGES)["compress"]

    def compress(state, ctx):
        if state.claim and state.claim.claim_id == "CLM-2026-0000002":
            raise KeyboardInterrupt
        return real(state, ctx)

    monkeypatch.setattr(runner, "STAGES", tuple((name, compress if name == "compress" else stage)
                                                for name, stage in runner.STAGES))
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch(tree, out, ctx, jobs=1, progress=False)
    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    verdicts = {p["path"]: p["verdict"] for p in document["packets"]}
    assert document["interrupted"] is True
    assert verdicts["acme/claim-1"] in ("pass", "fail")
    assert verdicts["acme/claim-2"] == verdicts["bolt/claim-3"] == "cancelled"
    assert not (out / "CLM-2026-0000002").exists()
    assert not any(out.rglob("*.partial"))
    suite = ET.parse(out / "junit.xml").getroot()
    assert len(list(suite.iter("skipped"))) == 3


def as_from_a_terminal() -> None:
    """In the batch child before it starts: SIGINT unblocked and at its default, as a shell started from a terminal
    gives it (a signal mask or an ignored SIGINT the test runner's process may have is inherited otherwise, and
    Python then never raises KeyboardInterrupt)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def cold_cache(tmp_path: Path) -> dict:
    """The environment of a batch whose read cache is its own, empty folder: the packets take their cold time, so a
    Ctrl-C sent when the first bundle appears finds work still running (with the suite's warm cache the whole batch
    can end, and the interpreter be exiting, before the signal arrives)."""
    return {**os.environ, "EVPACK_CACHE_DIR": str(tmp_path / "cache")}


def test_ctrl_c_on_the_command_line_exits_130_and_the_next_run_finishes(tree, tmp_path):
    """GIVEN `evpack batch` running with one worker in its own process group
    WHEN Ctrl-C (SIGINT to the group, as a terminal sends it) arrives after the first bundle is written
    THEN it exits 130 promptly, no partial or staging folder is left, summary.json says interrupted, and the same
    command run again builds the rest and reuses what was finished."""
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline", "batch", str(tree), "-o", str(out), "--jobs", "1",
               "--now", "2026-03-15T12:00:00+09:00", "--lang", "en"]
    env = cold_cache(tmp_path)
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stderr=subprocess.PIPE, text=True,
                               env=env, preexec_fn=as_from_a_terminal)
    give_up = time.monotonic() + 120
    while not any(out.glob("*/report.json")) and process.poll() is None and time.monotonic() < give_up:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    stderr = process.communicate(timeout=60)[1]
    assert process.returncode == 130, stderr  # three packets were still to go when the first bundle appeared
    assert "Interrupted" in stderr
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["interrupted"] is True
    assert not any(out.rglob("*.partial")) and not (out / STAGING).exists()

    again = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False, env=env)
    assert again.returncode == 1, again.stderr  # bolt/broken fails
    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert document["interrupted"] is False
    assert {p["verdict"] for p in document["packets"]} <= {"pass", "fail"}
    assert any(p["reused"] for p in document["packets"])


def test_ctrl_c_to_the_batch_process_alone_ends_the_workers_and_counts_the_bundles_on_disk(tmp_path):
    """GIVEN `evpack batch` building five sample packets cold with two workers
    WHEN SIGINT reaches the batch process alone (not its workers) after the first bundle appears
    THEN it exits 130 within seconds (the workers are ended, not drained; 15 s is only a hang guard), no staging
    folder is left, and summary.json counts exactly the bundles that are complete on disk."""
    root, out = tmp_path / "inbox", tmp_path / "out"
    for rel in ("dongguan-northstar/CLM-2026-0000954", "ningbo-sunway/CLM-2026-0001577",
                "shenzhen-hanbit/CLM-2026-0001201", "shenzhen-hanbit/CLM-2026-0001688",
                "qingdao-harbourline/CLM-2026-0001650"):
        shutil.copytree(ROOT / "samples" / "packets" / rel, root / rel)
    command = [sys.executable, "-m", "pipeline", "batch", str(root), "-o", str(out), "--jobs", "2",
               "--now", "2026-03-15T12:00:00+09:00", "--lang", "en"]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stderr=subprocess.PIPE, text=True,
                               env=cold_cache(tmp_path), preexec_fn=as_from_a_terminal)
    give_up = time.monotonic() + 180
    while not any(out.glob("*/report.json")) and process.poll() is None and time.monotonic() < give_up:
        time.sleep(0.05)
    assert process.poll() is None, "the batch ended before the first bundle could be interrupted"
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    try:
        stderr = process.communicate(timeout=60)[1]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    stopped = time.monotonic() - sent
    assert process.returncode == 130, stderr
    assert stopped < 15, f"took {stopped:.1f} s to stop"
    document = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert document["interrupted"] is True
    finished = {p["output"] for p in document["packets"] if p["verdict"] != "cancelled"}
    on_disk = {b.name for b in out.iterdir() if b.is_dir() and not b.name.startswith(".")}
    assert finished == on_disk and finished
    assert all((out / name / "report.json").is_file() and (out / name / FINGERPRINT).is_file() for name in on_disk)
    assert document["counts"]["cancelled"] == 5 - len(finished) > 0
    assert f"Interrupted: {len(finished)} of 5 packets finished" in stderr
    assert not (out / STAGING).exists() or not any((out / STAGING).iterdir())
    assert not any(out.rglob("*.partial")) and not any(out.glob(".*.old"))


def test_two_packets_with_one_claim_id_are_both_errors(tmp_path, ctx):
    """GIVEN two packet folders whose claim.toml give the same claim id
    WHEN batch runs
    THEN both are errors naming the other (one OUT/<claim_id>/ cannot hold both), never a silent overwrite."""
    root = tmp_path / "inbox"
    make_packet(root, "a/one", "CLM-SAME")
    make_packet(root, "b/two", "CLM-SAME")
    result = run_batch(root, tmp_path / "out", ctx, jobs=2, progress=False)
    assert [p.verdict for p in result.packets] == ["error", "error"]
    assert "b/two" in by_path(result)["a/one"].error and "a/one" in by_path(result)["b/two"].error


def test_a_packet_that_lost_the_race_for_a_shared_claim_id_still_flags_the_other():
    """GIVEN two packets of one claim id where one build failed (it raced the other into OUT/CLM-SAME/) and one
    passed WHEN the batch's summaries are flagged THEN both are errors naming the other."""
    from pipeline.batch.batch import PacketSummary, flag_shared_outputs
    lost = PacketSummary(path="a/one", verdict="error", claim_id="CLM-SAME", error="OSError: Directory not empty")
    won = PacketSummary(path="b/two", verdict="pass", claim_id="CLM-SAME", output="CLM-SAME")
    other = PacketSummary(path="c/three", verdict="pass", claim_id="CLM-OTHER", output="CLM-OTHER")
    flagged = {s.path: s for s in flag_shared_outputs([lost, won, other])}
    assert [flagged[p].verdict for p in ("a/one", "b/two", "c/three")] == ["error", "error", "pass"]
    assert "b/two" in flagged["a/one"].error and "a/one" in flagged["b/two"].error
    assert "OUT/CLM-SAME/" in flagged["a/one"].error


def test_progress_bar_reports_stages_without_breaking_the_batch(tree, tmp_path, ctx, capsys):
    """GIVEN the progress bar forced on (as on a terminal)
    WHEN batch runs
    THEN the stage events travel back from the workers and the batch completes as without it."""
    result = run_batch(tree, tmp_path / "out", ctx, jobs=2, progress=True)
    assert len(result.packets) == 4
    assert "4/4" in capsys.readouterr().err


def test_junit_survives_control_characters_from_ocr():
    """GIVEN a finding whose message holds characters XML 1.0 cannot carry (OCR output sometimes does)
    WHEN junit.xml is written
    THEN it still parses, with U+FFFD in their place."""
    summary = batch.PacketSummary(path="s/c", verdict="fail", findings=(
        {"rule": "missing-url", "severity": "error", "file": "a\x0bb.png", "message": "read \x00\x1f"},))
    text = batch.batch_report.junit_xml([summary])
    assert "\ufffd" in ET.fromstring(text.split("\n", 1)[1]).find(".//failure").text


def test_usage_errors_name_the_fix(tmp_path, ctx, tree):
    """GIVEN a root without packets, or an output folder inside a packet
    WHEN batch runs
    THEN a UsageError (exit 2) says what to do, and nothing is written into the packet."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="claim.toml"):
        run_batch(tmp_path / "empty", tmp_path / "out", ctx, jobs=1, progress=False)
    inside = tree / "acme" / "claim-1" / "out"
    with pytest.raises(UsageError, match="inside the packet folder"):
        run_batch(tree, inside, ctx, jobs=1, progress=False)
    assert not inside.exists()
