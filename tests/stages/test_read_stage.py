"""stages/read.py: every usable file read (cache first, the rest through the executor seam), bad files and
failed pages turned into findings, nothing crashing, inputs untouched."""
from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.reading import reader
from pipeline.errors import MissingDependencyError
from pipeline.model import EvidenceFile, PacketState
from stages import read
from tests.reading.ocr_fakes import canned_tsv_body, install_fake_tesseract, text_image
from tests.reading.test_reader import text_pdf

# The fake prints the OCR copy's file name as the page text: it names the content (sha256 prefix) and page.
ECHO_IMAGE_NAME = canned_tsv_body('$(basename "$1")')


def evidence(path: Path, packet: Path, usable_type: str | None) -> EvidenceFile:
    data = path.read_bytes()
    return EvidenceFile(source=path.relative_to(packet).as_posix(), path=path,
                        sha256=hashlib.sha256(data).hexdigest(), size=len(data), detected=usable_type or "zip",
                        usable=path if usable_type else None, usable_type=usable_type)


@pytest.fixture
def packet(tmp_path) -> Path:
    folder = tmp_path / "packet"
    (folder / "shots").mkdir(parents=True)
    text_image(["운송장번호 601234567890"] * 4, 14).save(folder / "shots" / "a.png")
    text_image(["배송완료 689212345674"] * 4, 14).save(folder / "shots" / "b.png")
    text_pdf(folder / "carrier.pdf", [["CJ대한통운 운송장번호 689212345674 배송완료"]])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    (folder / "photos.zip").write_bytes(b"PK\x03\x04")
    return folder


def state_of(packet: Path) -> PacketState:
    types = {"shots/a.png": "png", "shots/b.png": "png", "carrier.pdf": "pdf", "broken.pdf": "pdf",
             "photos.zip": None}
    files = tuple(evidence(packet / name, packet, kind) for name, kind in types.items())
    return PacketState(root=packet, inputs=tuple(types), files=files)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.mark.parametrize("jobs", [1, 2])
def test_stage_reads_every_usable_file_and_reports_the_broken_one(packet, tmp_path, monkeypatch, ctx, jobs):
    """GIVEN two screenshots, a text PDF, a broken PDF and an unusable zip (ingest already reported it)
    WHEN the read stage runs serially and with 2 workers THEN each usable file has its own reading (results are
    not shuffled between files), the broken PDF is one unreadable-file error, the zip is skipped, and the
    packet folder is unchanged."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, ECHO_IMAGE_NAME)
    state = state_of(packet)
    before = snapshot(packet)
    after = read.run(state, replace(ctx, jobs=jobs))
    assert set(after.readings) == {"shots/a.png", "shots/b.png", "carrier.pdf"}
    for name in ("shots/a.png", "shots/b.png"):
        assert after.readings[name].text == f"{state.file(name).sha256[:16]}-000001.png"
    assert after.readings["carrier.pdf"].text_source == "text-layer"
    assert [(f.rule, f.severity, f.file) for f in after.findings] == [("unreadable-file", "error", "broken.pdf")]
    assert snapshot(packet) == before


def page_reads(log) -> int:
    """The pages a fake tesseract's log shows OCR'd with kor+eng (the clock's and the bar's band reads apart)."""
    return len([line for line in log.read_text().splitlines() if "kor+eng" in line and "-band" not in line])


def test_timed_out_page_is_a_low_quality_warning_and_not_cached(packet, tmp_path, monkeypatch, ctx):
    """GIVEN a tesseract that hangs WHEN the stage runs with a 1 s timeout THEN each screenshot gets one
    low-quality warning naming page 1 and the timeout, the job finishes, and the next run tries again."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, "sleep 20")
    state = state_of(packet)
    after = read.run(state, replace(ctx, ocr_timeout=1, jobs=2))
    warnings = [f for f in after.findings if f.rule == "low-quality"]
    assert [(f.file, f.severity) for f in warnings] == [("shots/a.png", "warning"), ("shots/b.png", "warning")]
    assert "page 1: OCR timed out after 1 s" in warnings[0].message and "page 1" in warnings[0].fix
    assert after.readings["shots/a.png"].pages[0].source == "none"
    log = install_fake_tesseract(tmp_path / "bin2", monkeypatch, ECHO_IMAGE_NAME)
    again = read.run(state, ctx)
    assert page_reads(log) == 2
    assert not [f for f in again.findings if f.rule == "low-quality"]


def test_second_run_comes_from_the_cache(packet, tmp_path, monkeypatch, ctx):
    """GIVEN a packet read once WHEN read again THEN no page is OCR'd (read_page is never called), the readings
    are equal, and the log says why."""
    install_fake_tesseract(tmp_path / "bin", monkeypatch, ECHO_IMAGE_NAME)
    state = state_of(packet)
    first = read.run(state, ctx)

    def must_not_run(job):
        raise AssertionError(f"page {job.index} of {job.path} was OCR'd again")

    monkeypatch.setattr(reader, "read_page", must_not_run)
    second = read.run(state, ctx)
    assert second.readings == first.readings
    assert sum("from the read cache" in line for line in second.log) == 3
    with pytest.raises(AssertionError, match="OCR'd again"):
        read.run(state, replace(ctx, cache_dir=None))


def test_a_warm_read_takes_its_fields_from_the_cache_until_what_they_depend_on_changes(packet, tmp_path,
                                                                                      monkeypatch, ctx):
    """GIVEN a packet read once (its reads and their fields cached) WHEN read again THEN no field is extracted and
    the readings (fields, languages, sources) are equal; WHEN the rules profile, the reference day or the field
    patterns differ THEN the fields are extracted again; without a cache always."""
    from pipeline.fields.data import shipped
    from pipeline.profile import Profile
    install_fake_tesseract(tmp_path / "bin", monkeypatch, ECHO_IMAGE_NAME)
    state = state_of(packet)
    first = read.run(state, ctx)
    assert [t.value for t in first.readings["carrier.pdf"].fields.tracking_numbers] == ["689212345674"]
    extracted = []
    real = reader.extract_fields
    monkeypatch.setattr(reader, "extract_fields", lambda pages, *args: extracted.append(pages) or real(pages, *args))
    assert read.run(state, ctx).readings == first.readings
    assert extracted == []
    other_profile = Profile(ctx.profile.path, {**ctx.profile.data, "limits": {**ctx.profile.data["limits"]}})
    other_profile.data["limits"]["max_files"] = {"value": 4}
    patterns = shipped().replace("tracking", note="another table")
    for other in (replace(ctx, profile=other_profile), replace(ctx, now=ctx.now.replace(year=2027)),
                  replace(ctx, field_patterns=patterns), replace(ctx, cache_dir=None)):
        extracted.clear()
        from pipeline.fields.data import using
        with using(other.fields):
            again = read.run(state, other)
        assert len(extracted) == 3
        assert again.readings["carrier.pdf"].fields == first.readings["carrier.pdf"].fields


def test_same_content_under_two_names_is_read_once(packet, tmp_path, monkeypatch, ctx):
    """GIVEN the same screenshot under two names WHEN read THEN Tesseract runs once and both names get a reading."""
    log = install_fake_tesseract(tmp_path / "bin", monkeypatch, ECHO_IMAGE_NAME)
    (packet / "copy.png").write_bytes((packet / "shots" / "a.png").read_bytes())
    files = (evidence(packet / "shots" / "a.png", packet, "png"), evidence(packet / "copy.png", packet, "png"))
    after = read.run(PacketState(root=packet, files=files), ctx)
    assert after.readings["copy.png"].text == after.readings["shots/a.png"].text
    assert after.readings["copy.png"].source == "copy.png"
    assert page_reads(log) == 1


def test_missing_tesseract_fails_only_when_ocr_is_needed(packet, tmp_path, monkeypatch, ctx):
    """GIVEN no tesseract on PATH WHEN a text-layer PDF is read THEN it is read; WHEN a screenshot is read
    THEN MissingDependencyError (exit 3) stops the run with the install command."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    state = state_of(packet)
    only_pdf = replace(state, files=(state.file("carrier.pdf"),))
    assert read.run(only_pdf, ctx).readings["carrier.pdf"].text_source == "text-layer"
    with pytest.raises(MissingDependencyError, match="apt-get install tesseract-ocr"):
        read.run(state, ctx)


def test_nothing_usable_leaves_the_state_alone(packet, ctx):
    """GIVEN only an unusable file WHEN read THEN the state comes back unchanged."""
    state = replace(state_of(packet), files=(state_of(packet).file("photos.zip"),))
    assert read.run(state, ctx) is state


@pytest.mark.e2e
def test_real_ocr_through_the_stage(packet, ctx):
    """GIVEN a real 14-px screenshot WHEN the stage reads it with real Tesseract THEN the number is in its text
    and the engine string names Tesseract and its languages."""
    state = state_of(packet)
    after = read.run(replace(state, files=(state.file("shots/a.png"),)), ctx)
    reading = after.readings["shots/a.png"]
    assert "601234567890" in reading.text.replace(" ", "")
    assert "kor+eng" in reading.engine
    assert not list(ctx.workdir.rglob("*.png"))  # no OCR copy outlives its read (the library engine writes none)


def inked_pdf(path: Path, pages: int) -> Path:
    """A PDF of `pages` pages with ink and no text layer: every page needs OCR."""
    from reportlab.pdfgen import canvas
    sheet = canvas.Canvas(str(path), invariant=True)
    for _ in range(pages):
        sheet.rect(72, 600, 300, 40, fill=1)
        sheet.showPage()
    sheet.save()
    return path


def test_a_file_past_its_seconds_budget_is_one_finding_and_the_others_are_read(tmp_path, monkeypatch, ctx):
    """GIVEN a 4-page scan whose pages take 0.5 s each to OCR, a screenshot, and a budget of 0.8 s a file
    whatever its pages (reader.reading_budget) WHEN the read stage runs THEN the scan's pages 1-2 are read, pages 3-4
    are not (no OCR started for them), and one low-quality finding names the file, the pages, the budget and the
    fix; the screenshot is read in full; nothing half-read is cached. (The second page starts if the file's cheap
    pass took under 0.3 s, also on a machine at load 40.)"""
    import time
    packet = tmp_path / "packet"
    packet.mkdir()
    inked_pdf(packet / "scan.pdf", 4)
    text_image(["배송완료 689212345674"], 14).save(packet / "shot.png")
    started: list[tuple[str, int]] = []

    def slow_read(job: reader.PageJob) -> reader.PageResult:
        started.append((job.path.name, job.index))
        time.sleep(0.5)
        return reader.PageResult(reader.PageReading(index=job.index, text=f"page {job.index}", source="ocr"),
                                 "kor+eng", ())

    monkeypatch.setattr(reader, "read_page", slow_read)
    monkeypatch.setattr(reader, "reading_budget", lambda pages: 0.8)
    monkeypatch.setattr(reader, "load_stretch_max", lambda: 1.0)  # wall time, whatever the machine's load
    files = (evidence(packet / "scan.pdf", packet, "pdf"), evidence(packet / "shot.png", packet, "png"))
    state = read.run(PacketState(root=packet, inputs=("scan.pdf", "shot.png"), files=files), ctx)
    assert sorted(started) == [("scan.pdf", 1), ("scan.pdf", 2), ("shot.png", 1)]
    (finding,) = state.findings
    assert (finding.rule, finding.severity, finding.file) == ("low-quality", "warning", "scan.pdf")
    assert "2 of its 4 pages (pages 3-4) were not read" in finding.message
    assert "budget of 0.8 s for 4 pages (budgets.seconds_per_file" in finding.message
    assert "split the file" in finding.fix
    assert [p.text for p in state.readings["scan.pdf"].pages] == ["page 1", "page 2", "", ""]
    assert state.readings["shot.png"].pages[0].text == "page 1"
    assert read.ReadCache(ctx.cache_dir, read.engine_key(), ctx.ocr.version).get(files[0].sha256) is None


def test_a_budget_spent_while_planning_leaves_the_rest_unread(tmp_path, monkeypatch, ctx):
    """GIVEN a budget spent before a file's first page (a huge PDF whose cheap pass alone is too slow) WHEN planned
    THEN no page becomes an OCR job, each page carries the over-budget warning, and the plan says what it took."""
    path = inked_pdf(tmp_path / "scan.pdf", 3)
    monkeypatch.setattr(reader, "reading_budget", lambda pages: 0.0)
    plan = reader.plan_file("scan.pdf", path, "pdf", hashlib.sha256(path.read_bytes()).hexdigest(), ctx)
    assert plan.jobs == () and plan.seconds >= 0
    assert [page.warning for page in plan.pages] == [reader.UNREAD_OVER_BUDGET] * 3


def with_budgets(monkeypatch, **values) -> None:
    """ingest.toml's budgets with `values` in their place, as the reader reads them."""
    rules = reader.ingest_rules()
    monkeypatch.setattr(reader, "ingest_rules", lambda: {**rules, "budgets": {**rules["budgets"], **values}})


def test_a_files_reading_budget_grows_with_its_pages_up_to_the_cap(monkeypatch):
    """GIVEN ingest.toml's reading budgets and their examples WHEN a file's budget is computed for its pages THEN
    each example holds, the budget grows by seconds_per_page a page past the first, a file at pages_per_file gets
    the cap and no more; and with other budgets (60 s, 5 s a page, at most 300 s) the same rule holds."""
    budgets = reader.ingest_rules()["budgets"]
    for example in budgets["reading_examples"]:
        assert reader.reading_budget(example["pages"]) == example["seconds"], example["case"]
    assert reader.reading_budget(3) - reader.reading_budget(2) == budgets["seconds_per_page"] > 0
    assert reader.reading_budget(budgets["pages_per_file"]) == budgets["seconds_per_file_max"]
    with_budgets(monkeypatch, seconds_per_file=60, seconds_per_page=5, seconds_per_file_max=300)
    assert [reader.reading_budget(n) for n in (0, 1, 2, 40, 48, 49, 500)] == [60, 60, 65, 255, 295, 300, 300]


def slow_pages(monkeypatch, seconds: float) -> list[int]:
    """reader.read_page replaced by one that takes `seconds` a page; the returned list gets each page started."""
    import time
    started: list[int] = []

    def slow_read(job: reader.PageJob) -> reader.PageResult:
        started.append(job.index)
        time.sleep(seconds)
        return reader.PageResult(reader.PageReading(index=job.index, text=f"page {job.index}", source="ocr"),
                                 "kor+eng", ())

    monkeypatch.setattr(reader, "read_page", slow_read)
    monkeypatch.setattr(reader, "load_stretch_max", lambda: 1.0)  # wall time, whatever the machine's load
    return started


def read_four_slow_pages(tmp_path, monkeypatch, ctx, cap: float):
    """A 4-page scan whose pages take 0.5 s each, read with 0.8 s for one page, 0.5 s for each further page and
    `cap` s at most a file: (the pages started, the state after the read stage)."""
    packet = tmp_path / "packet"
    packet.mkdir()
    inked_pdf(packet / "scan.pdf", 4)
    started = slow_pages(monkeypatch, 0.5)
    with_budgets(monkeypatch, seconds_per_file=0.8, seconds_per_page=0.5, seconds_per_file_max=cap)
    files = (evidence(packet / "scan.pdf", packet, "pdf"),)
    return started, read.run(PacketState(root=packet, inputs=("scan.pdf",), files=files), ctx)


def test_a_many_page_scan_is_read_whole_within_its_grown_budget(tmp_path, monkeypatch, ctx):
    """GIVEN a 4-page scan whose pages take 0.5 s each to OCR (2 s together), a file budget of 0.8 s for one page
    and 0.5 s for each further page (2.3 s for these 4) WHEN the read stage runs THEN every page is read and there
    is no finding, where the one-page budget alone would have left pages 3-4 unread."""
    started, state = read_four_slow_pages(tmp_path, monkeypatch, ctx, cap=100)
    assert sorted(started) == [1, 2, 3, 4] and state.findings == ()
    assert [p.text for p in state.readings["scan.pdf"].pages] == ["page 1", "page 2", "page 3", "page 4"]


def test_a_many_page_scan_stops_at_the_cap(tmp_path, monkeypatch, ctx):
    """GIVEN the same 4-page scan and per-page budget, but a cap of 0.8 s a file (budgets.seconds_per_file_max)
    WHEN the read stage runs THEN pages 1-2 are read (the second starts at ~0.5 s), pages 3-4 are not started, and
    the finding names the file, the pages, the capped budget for 4 pages and the fix."""
    started, state = read_four_slow_pages(tmp_path, monkeypatch, ctx, cap=0.8)
    assert sorted(started) == [1, 2]
    (finding,) = state.findings
    assert finding.file == "scan.pdf" and "2 of its 4 pages (pages 3-4) were not read" in finding.message
    assert "budget of 0.8 s for 4 pages" in finding.message and "seconds_per_file_max" in finding.message
    assert "split the file" in finding.fix


def test_a_hanging_read_of_a_many_page_scan_still_ends(tmp_path, monkeypatch, ctx):
    """GIVEN a tesseract that hangs (60 s per-call timeout), a 4-page scan and 1 s for a one-page file, 100 s for
    each further page WHEN one of its pages is read THEN it is stopped at the one-page deadline (1 s), not at the
    file's grown budget (100 s); and WHEN the file is read with a cap of 2 s THEN the first page is tried and
    stopped, pages 3-4 are not started (each page tried takes its 1 s), and it all ends within seconds."""
    import time
    install_fake_tesseract(tmp_path / "bin", monkeypatch, "sleep 30")
    monkeypatch.setattr(reader, "load_stretch_max", lambda: 1.0)  # wall time, whatever the machine's load
    with_budgets(monkeypatch, seconds_per_file=1.0, seconds_per_page=100, seconds_per_file_max=100)
    path = inked_pdf(tmp_path / "scan.pdf", 4)
    plan = reader.plan_file("scan.pdf", path, "pdf", hashlib.sha256(path.read_bytes()).hexdigest(), ctx)
    started = time.monotonic()
    page = reader.read_page(plan.jobs[0]).page
    # Stopped by the deadline: its call's timeout cut to what was left ("timed out"), or a call after it ("stopped").
    assert time.monotonic() - started < 15 and page.source == "none" and "OCR" in page.warning
    with_budgets(monkeypatch, seconds_per_file=1.0, seconds_per_page=100, seconds_per_file_max=2.0)
    started = time.monotonic()
    plan = reader.plan_file("scan.pdf", path, "pdf", hashlib.sha256(path.read_bytes()).hexdigest(), ctx)
    pages = [result.page for result in reader.read_jobs([plan], 1)[0]]
    assert time.monotonic() - started < 20
    assert pages[0].source == "none" and "OCR" in pages[0].warning
    assert [page.warning for page in pages[2:]] == [reader.UNREAD_OVER_BUDGET] * 2


def test_page_ranges_join_consecutive_pages():
    """GIVEN page numbers WHEN shown THEN consecutive ones are one range."""
    assert read.page_ranges([3]) == "page 3"
    assert read.page_ranges([9, 3, 4, 5, 12]) == "pages 3-5, 9, 12"


def test_a_yearless_date_counts_back_from_the_claims_last_day_or_now(packet, ctx):
    """GIVEN a claim paid out 2025-12-20 (its review window closes 2025-12-27, KST) read on 2026-03-15, and the same
    packet without a claim WHEN the read stage's reference day is taken THEN it is the window's last day with the
    claim (evidence is gathered by then), and the day of the reading without one; a claim whose window closes after
    now gives now."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from pipeline.model import Claim
    state = state_of(packet)
    claim = Claim(claim_id="CLM-2026-0001234", order_id="31000012345678", reason="delivery-proof",
                  paid_out_at=datetime(2025, 12, 20, 10, 30, tzinfo=ZoneInfo("Asia/Seoul")), buyer_claim="x")
    assert read.reference_day(replace(state, claim=claim), ctx) == date(2025, 12, 27)
    assert read.reference_day(state, ctx) == ctx.now.date() == date(2026, 3, 15)
    recent = replace(claim, paid_out_at=datetime(2026, 3, 12, 10, 30, tzinfo=ZoneInfo("Asia/Seoul")))
    assert read.reference_day(replace(state, claim=recent), ctx) == date(2026, 3, 15)
