"""Stage 'read': text and fields of every usable evidence file, from the read cache or afresh.

Cheap work first, in this process: cache look-ups by content hash, then each PDF's text layer. The pages left
(images, scanned PDF pages) are OCR'd in parallel through the executor seam (ctx.jobs workers); only this process
writes the cache. A page that could not be OCR'd is a low-quality warning naming the page; a file that cannot
be opened is an unreadable-file finding. Neither stops the other files.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from pipeline.reading import reader, tesseract
from pipeline.reading.cache import ReadCache
from pipeline.context import Context
from pipeline.errors import FileProblem, MissingDependencyError
from pipeline.judging.deadline import deadline
from pipeline.model import Finding, PacketState, Reading
from pipeline.packet import display


def run(state: PacketState, ctx: Context) -> PacketState:
    usable = [f for f in state.files if f.usable is not None and f.usable_type]
    if not usable:
        return state
    # Without a cache folder nothing is looked up: the engine is probed only when a page needs OCR.
    cache = ReadCache(ctx.cache_dir, engine_key() if ctx.cache_dir else "", ctx.ocr.version)
    by_content: dict[str, Reading] = {}
    findings: list[Finding] = []
    log: list[str] = []
    plans = []
    for evidence in usable:
        if evidence.sha256 in by_content or any(p.sha256 == evidence.sha256 for p in plans):
            continue
        cached = cache.get(evidence.sha256)
        if cached is not None:
            by_content[evidence.sha256] = cached
            log.append(f"read: {evidence.source} from the read cache (same content, engine and settings)")
            continue
        try:
            plans.append(reader.plan_file(evidence.source, evidence.usable, evidence.usable_type,
                                          evidence.sha256, ctx))
        except FileProblem as problem:
            findings.append(Finding(problem.rule, ctx.profile.severity(problem.rule), problem.message,
                                    problem.fix, evidence.source))
    # Photos first, then scans' pages, screenshots last (by pixels; see PageJob.cost), each file within its budget.
    for plan, results in zip(plans, reader.read_jobs(plans, ctx.jobs)):
        reading = reader.assemble(plan, results)
        by_content[plan.sha256] = reading
        log.append(f"read: {plan.source}: {_page_summary(reading)} ({reading.engine})")
        # A page that failed may succeed next time (a timeout under load): only complete reads are kept.
        if not any(page.warning for page in reading.pages) and not cache.put(reading) and ctx.cache_dir:
            log.append(f"read: could not write the read cache under {ctx.cache_dir}; the next run reads again")
    readings = dict(state.readings)
    reference = reference_day(state, ctx)
    extraction = reader.extraction_key(ctx.profile, reference) if ctx.cache_dir else ""
    for evidence in usable:
        reading = by_content.get(evidence.sha256)
        if reading is None:
            continue
        readings[evidence.source] = with_fields(reading, evidence.source, ctx, reference, cache, extraction)
        findings += [Finding("low-quality", ctx.profile.severity("low-quality"),
                             f"{page.warning}: its text could not be read, so its fields were not checked.",
                             f"replace page {page.index} with a sharper capture or the original PDF",
                             evidence.source)
                     for page in reading.pages if page.warning and page.warning != reader.UNREAD_OVER_BUDGET]
        unread = [page.index for page in reading.pages if page.warning == reader.UNREAD_OVER_BUDGET]
        if unread:
            findings.append(over_budget(evidence.source, unread, len(reading.pages), ctx))
    return replace(state, readings=readings).with_findings(*findings).with_log(*log)


def with_fields(reading: Reading, source: str, ctx: Context, reference: date, cache: ReadCache,
                extraction: str) -> Reading:
    """reader.with_fields, its fields kept in the read cache beside a cached read's pages (under `extraction`,
    reader.extraction_key) and taken from there when they were extracted before: the fields of a 40-page scan's
    text took seconds of CPU on every warm build. A read not cached (incomplete, or no cache) is extracted afresh."""
    found = cache.get_fields(reading.sha256, extraction)
    if found is not None:
        return replace(reading, source=source, fields=found[0], languages=found[1])
    reading = reader.with_fields(reading, source, ctx.profile, reference)
    cache.put_fields(reading.sha256, extraction, reading.fields, reading.languages)
    return reading


def reference_day(state: PacketState, ctx: Context) -> date:
    """The day a date printed without its year counts back from where the capture shows no clock (the latest such
    day up to it): the last day of the claim's review window (evidence is gathered by then), or now if earlier;
    now without a claim or a window."""
    closes = deadline(state.claim.paid_out_at, ctx.profile) if state.claim else None
    return min(ctx.now, closes).astimezone(closes.tzinfo).date() if closes else ctx.now.date()


def over_budget(source: str, unread: list[int], pages: int, ctx: Context) -> Finding:
    """The finding of a file whose reading took its time budget (reader.reading_budget of its `pages`) before
    `unread` pages (1-based) were read."""
    budget = reader.reading_budget(pages)
    return Finding("low-quality", ctx.profile.severity("low-quality"),
                   f"{display(source)}: {len(unread):,} of its {pages:,} pages ({page_ranges(unread)}) were not read: "
                   f"reading it took longer than its budget of {budget:g} s for {pages:,} pages (budgets."
                   "seconds_per_file, seconds_per_page, seconds_per_file_max), so their fields were not checked.",
                   "keep only the pages that show the evidence (split the file), or use a smaller, sharper capture",
                   source)


def page_ranges(indexes: list[int]) -> str:
    """'page 3', 'pages 3-9, 12': 1-based page numbers, consecutive ones as a range."""
    runs: list[list[int]] = []
    for index in sorted(indexes):
        if runs and index == runs[-1][1] + 1:
            runs[-1][1] = index
        else:
            runs.append([index, index])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)
    return ("page " if len(indexes) == 1 else "pages ") + text


def engine_key() -> str:
    """The cache's engine part. Without Tesseract a text-layer PDF can still be read: OCR raises when needed."""
    try:
        return tesseract.engine().key
    except MissingDependencyError:
        return "tesseract missing"


def _page_summary(reading: Reading) -> str:
    sources = [page.source for page in reading.pages]
    textless = sum(1 for page in reading.pages if page.no_text)
    parts = [f"{count} {label}" for count, label in
             ((sources.count("text-layer"), "from the text layer"), (sources.count("ocr"), "OCR'd"),
              (textless, "a photo without text, not OCR'd"), (sources.count("none") - textless, "unreadable"))
             if count]
    return f"{len(sources)} page(s): " + ", ".join(parts)
