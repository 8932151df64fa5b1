"""Stage 'compress': bring every upload file under the size limits, legibly, or say why not.

Files under the limit are left byte for byte. Over it, steps run mildest first: lossless (PNG re-save, exact
palette, PDF clean-up), then for screenshots a 256-colour palette, then JPEG at each resolution or scale, largest
first. A step is kept only if it is smaller. Each lossless step is first forecast cheaply (image strips, or a lower
bound) and skipped when sure to miss the budget. The JPEG quality is not stepped but forecast: two probe encodes of a
sample (strips of an image, a few page images of a PDF) at the highest and lowest quality bracket the budget, the
line through log(bytes) against quality gives the quality, and a few more sample encodes narrow it; one encode of
the whole file follows, a second (its forecast corrected by what the first missed by) only when the first
overshoots, and never more than `max_lossy_encodes` in all.
After any lossy step the file must still show the same sure tracking numbers (see `sure_number`), timestamps and
URLs, or the next resolution is tried. A value is proven, in turn, by its page's images left byte for byte as they were,
by the box it was read from read again alone (pipeline/reading/recheck.py: its barcode decoded again, or its line
OCR'd in a crop), else by its page read whole (ctx.verify "full": every field page read whole, on ctx.jobs
processes). For a PDF whose field pages are a small part of it (bundle.toml probe_max_page_share) they are
re-encoded on their own and proven while the pass over every page runs beside them; the pass's output is kept
without a second proof when its field pages came out byte for byte as the probe's. Any other file is encoded once
and proven after. Never JBIG2 or any symbol substitution: it turns a 6 into an 8. The steps are data
(pipeline/output/bundle.toml); the limits come from the rules profile.
"""
from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Callable, Iterator

from pipeline.batch import executors

from pipeline.output import imageops

from pipeline.output import pdfops
from pipeline.output.bundle_settings import bundle_settings, optional_limit
from pipeline.context import Context
from pipeline.fields.tracking import REASONED_CONTEXTS
from pipeline.errors import FileProblem
from pipeline.ingest.sniff import ingest_rules
from pipeline.model import Fields, Finding, PacketState, Timestamp, TrackingNumber, UploadFile, Url
from pipeline.output.layout import EXTENSIONS



@dataclass(frozen=True)
class Step:
    """One way to re-encode a file: `encode(src, dst)` writes the candidate to dst."""

    label: str
    lossy: bool
    type: str                                  # type of what it writes: pdf | jpeg | png
    encode: Callable[[Path, Path], None]
    estimate: Callable[[Path], int] | None = None  # cheap size forecast from the current base: a step sure to
                                                   # miss the limit is skipped
    margin: float = 1.0                            # how far over the budget a forecast may be and the step still run


@dataclass(frozen=True)
class QualitySearch:
    """Lossy encodings at one resolution (or scale) over a range of JPEG qualities, forecast instead of stepped:
    the highest quality whose sample forecast lands at `target` of the budget is encoded once (imageops.fitted_quality:
    two probes of the sample and a few more to narrow). When that encode still overshoots, the forecast is corrected
    by what it missed by and the file encoded once more; a second miss moves on."""

    label: str                                             # with "{quality}"
    type: str                                              # type of what it writes: pdf | jpeg
    low: int
    high: int
    encode: Callable[[int], Callable[[Path, Path], None]]  # quality -> the encode of Step
    forecast: Callable[[Path, int], int]                   # (base, quality) -> bytes, from a sample
    target: float = 1.0                                    # the share of the budget a forecast aims at

    def step(self, quality: int) -> Step:
        return Step(self.label.format(quality=quality), True, self.type, self.encode(quality))


@dataclass(frozen=True)
class Fitted:
    upload: UploadFile | None                  # None: nothing fit legibly
    tried: tuple[str, ...]
    problem: FileProblem | None = None         # why nothing was tried (a budget), if so


def run(state: PacketState, ctx: Context) -> PacketState:
    settings = bundle_settings()["compression"]
    file_limit = ctx.profile.limit("max_file_bytes")
    total_limit = optional_limit(ctx.profile, "max_total_bytes")
    folder = ctx.workdir / "compress"
    folder.mkdir(parents=True, exist_ok=True)

    fitted = {u.name: fit(u, file_limit, state, ctx, settings, folder) for u in state.uploads}
    total = sum(f.upload.size for f in fitted.values() if f.upload)
    reserve = bundle_settings()["layout"]["cover_reserve_bytes"]
    log = []
    if total_limit and total + reserve > total_limit:
        # Share the total out in proportion to each file's size, and fit each again from its original.
        scale = (total_limit - reserve) / total
        log.append(f"compress: {total:,} bytes over the total limit {total_limit:,}: each file fit to {scale:.0%}")
        fitted = {u.name: fit(u, int(min(file_limit, fitted[u.name].upload.size * scale)), state, ctx, settings,
                              folder) if fitted[u.name].upload else fitted[u.name] for u in state.uploads}

    uploads, renamed, findings = [], {}, []
    for original in state.uploads:
        result = fitted[original.name]
        if result.upload is None:
            findings.append(too_large(original, result.tried, file_limit, state, ctx, result.problem))
            continue
        uploads.append(result.upload)
        renamed[original.name] = result.upload.name
        if result.upload.compression:
            log.append(f"compress: {original.name} {original.size:,} -> {result.upload.size:,} bytes"
                       f" by {result.upload.compression}" + (f"; before: {'; '.join(result.tried)}"
                                                             if result.tried else ""))
    total = sum(u.size for u in uploads)
    if total_limit and total + reserve > total_limit:
        findings.append(Finding("too-large", ctx.profile.severity("too-large"),
                                f"the upload files total {total:,} bytes; the form takes {total_limit:,} in all"
                                f" (with {reserve:,} kept for the cover), and smaller encodings lost fields.",
                                "leave weaker evidence out of the packet."))
    placements = tuple(replace(p, upload=renamed[p.upload]) for p in state.placements if p.upload in renamed)
    return replace(state, uploads=tuple(uploads), placements=placements).with_findings(*findings).with_log(*log)


def fit(upload: UploadFile, budget: int, state: PacketState, ctx: Context, settings: dict,
        folder: Path) -> Fitted:
    """The mildest encoding of `upload` within `budget` bytes that still reads the same fields.

    Lossless steps run once each, and only when forecast to fit; lossy encodings of the whole file are chosen by
    forecast (QualitySearch) and never more than settings["max_lossy_encodes"] are made (the last of them may be
    one that overshot by a little, or one that lost a value)."""
    if upload.size <= budget:
        return Fitted(upload, ())
    # Recompression runs one task per page image: a PDF of 100,000 tiny pictures is refused before any is touched.
    if upload.type == "pdf" and (problem := pdfops.image_budget_problem(
            upload.path, ingest_rules()["budgets"]["images_per_file"])):
        return Fitted(None, (), problem)
    expected = expected_fields(upload.name, state)
    tried: list[str] = []
    stem = upload.name.rsplit(".", 1)[0]
    field_pages = sorted({page for pages in expected.values() for page in pages})
    spots = value_spots(upload.name, state) if ctx.verify == "boxes" else {}
    probes = FieldPageProbe(field_pages, folder / f"{stem}.{budget}")
    # Probed only where the field pages are a small part of the file: where they are most of it, the probe encodes
    # nearly the whole file twice and its proof ends no sooner than the full pass would (see bundle.toml).
    probed = upload.type == "pdf" and 0 < len(field_pages) <= settings["probe_max_page_share"] * upload.pages
    base, best_size, number, lossy_encodes = upload.path, upload.size, 0, 0

    def attempt(step: Step) -> Fitted | int | None:
        """Encodes `step` from the base: the fitted upload, the size when it fits but is over the budget, else None."""
        nonlocal base, best_size, number
        number += 1
        out = folder / f"{stem}.{budget}.{number}.{EXTENSIONS[step.type]}"
        proven = None
        if step.lossy and step.type == "pdf" and probed:
            # The pages that carry fields are re-encoded alone and re-read while the full pass runs beside them
            # (OCR of 3 pages on 2 cores leaves one idle half the time: a 40-page scan took 3.5 s, 3.8 s in turn).
            # An encoding that loses a value there is refused and its pass dropped.
            probe = probes.encoded(base, step, number)
            with ThreadPoolExecutor(max_workers=1) as beside:
                full_pass = beside.submit(step.encode, base, out)
                lost = lost_fields(expected, probe, "pdf", ctx, folder, spots, upload.path,
                                   {page: index for index, page in enumerate(field_pages, 1)})
                full_pass.result()  # joined either way: no worker outlives the step
            if lost:
                out.unlink(missing_ok=True)
                tried.append(f"{step.label}: pages {', '.join(map(str, field_pages))} re-encoded first, but"
                             f" {', '.join(sorted(lost))} no longer read")
                return None
            proven = pdfops.page_image_digests(probe)
        else:
            step.encode(base, out)
        size = out.stat().st_size
        if size >= best_size:
            tried.append(f"{step.label}: {size:,} bytes, not smaller")
            out.unlink()
            return None
        if size > budget:
            tried.append(f"{step.label}: {size:,} bytes, still over {budget:,}")
            if not step.lossy:  # lossless output is the better start for what follows
                base, best_size = out, size
            else:
                out.unlink()
            return size
        # Proven: the field pages came out of the full pass byte for byte as in the probe that was read.
        if (step.lossy and (proven is None or proven != pdfops.page_image_digests(out, field_pages))
                and (lost := lost_fields(expected, out, step.type, ctx, folder, spots, upload.path))):
            tried.append(f"{step.label}: {size:,} bytes, but {', '.join(sorted(lost))} no longer read")
            return None
        name = f"{stem}.{EXTENSIONS[step.type]}"
        return Fitted(replace(upload, name=name, path=out, type=step.type, size=size, compression=step.label),
                      tuple(tried))

    for item in steps(upload, state, ctx, settings, folder / stem):
        if isinstance(item, Step):
            if item.estimate and (forecast := item.estimate(base)) > budget * item.margin:
                tried.append(f"{item.label}: about {forecast:,} bytes by a sample, skipped")
                continue
            outcome = attempt(item)
            if isinstance(outcome, Fitted):
                return outcome
            continue
        bias = 1.0  # what the encodes at this resolution wrote, per byte forecast
        while True:
            if lossy_encodes >= settings["max_lossy_encodes"]:
                return Fitted(None, tuple(tried))
            base_now = base
            quality, forecast = imageops.fitted_quality(lambda q: round(item.forecast(base_now, q) * bias),
                                                        budget * item.target, item.low, item.high)
            if quality is None:
                tried.append(f"{item.step(item.low).label}: about {forecast:,} bytes by a sample, skipped")
                break
            lossy_encodes += 1
            outcome = attempt(item.step(quality))
            if isinstance(outcome, Fitted):
                return outcome
            if outcome is None:
                break  # not smaller, or a value lost: a higher quality does not fit, so the next resolution
            bias = outcome / max(1, item.forecast(base_now, quality))
    return Fitted(None, tuple(tried))


def steps(upload: UploadFile, state: PacketState, ctx: Context, settings: dict, work: Path
          ) -> Iterator[Step | QualitySearch]:
    if upload.type == "pdf":
        yield from pdf_steps(settings, work, ctx.jobs)
    else:
        yield from image_steps(upload, state, settings)


def pdf_steps(settings: dict, work: Path, jobs: int) -> Iterator[Step | QualitySearch]:
    """The lossless clean-up, then page-image recompression at each resolution, highest first, its JPEG quality
    forecast from a few sample page images (so only an encoding forecast to fit runs over every page)."""
    images = cache(pdfops.page_images)  # per base file: the lossless step, when kept, gives a new base
    forecast = cache(lambda src: pdfops.SizeForecast(src, images(src), settings["pdf_sample_images"], work))
    yield Step("PDF streams recompressed and identical objects merged (lossless)", False, "pdf",
               lambda src, dst: pdfops.lossless(src, dst, settings["png_zlib_level"]),
               lambda src: lossless_floor(images(src)), settings["pdf_estimate_margin"])

    def policy(dpi: float, quality: int) -> pdfops.ImagePolicy:
        return pdfops.ImagePolicy(dpi, quality, settings["flat_sample_side"], settings["flat_sample_max_colours"],
                                  settings["flat_max_colours"], settings["grey_max_chroma"])

    low, high = settings["pdf_jpeg_quality_range"]
    for dpi in settings["pdf_dpi_steps"]:
        yield QualitySearch(f"page images at <= {dpi} dpi, photos JPEG q{{quality}}", "pdf", low, high,
                            lambda q, dpi=dpi: lambda src, dst: pdfops.recompress_images(src, dst, policy(dpi, q),
                                                                                         work, jobs),
                            lambda src, q, dpi=dpi: forecast(src)(policy(dpi, q)), settings["pdf_forecast_target"])


def lossless_floor(images: list[pdfops.PageImage]) -> int:
    """The lossless step leaves image streams as they are: their bytes (identical ones once) are a floor."""
    return sum({image.digest: image.encoded_bytes for image in images}.values())


def image_steps(upload: UploadFile, state: PacketState, settings: dict) -> Iterator[Step | QualitySearch]:
    """Steps for a JPEG or PNG upload; the picture is decoded once (one full-size copy in memory at a time).

    Every step is first forecast on a few strips of rows, so a step sure to miss the limit costs a fraction of a
    second instead of a full encode (a zlib-9 PNG of 35 MP takes ~20 s)."""
    with imageops.open_upright(upload.path) as image:
        image.load()
        flat = is_screenshot(upload.name, state) or imageops.looks_flat(
            image, settings["flat_sample_side"], settings["flat_sample_max_colours"])
        level, colours, margin = settings["png_zlib_level"], settings["flat_max_colours"], settings["estimate_margin"]

        def forecast(encode: Callable) -> Callable[[Path], int]:
            return lambda src: imageops.estimated_size(image, settings["estimate_sample"], encode)

        if upload.type == "png":
            yield Step(f"PNG re-saved at zlib level {level} (lossless)", False, "png",
                       lambda src, dst: imageops.save_png(image, dst, level), forecast(imageops.png_encoder(level)),
                       margin)
            # Computed only when the steps before did not fit (the generator is lazy).
            palette = imageops.exact_palette(image, colours)
            if palette is not None:
                yield Step(f"exact {palette.getextrema()[1] + 1}-colour palette (lossless)", False, "png",
                           lambda src, dst: imageops.save_png(palette, dst, level),
                           lambda src: imageops.estimated_size(palette, settings["estimate_sample"],
                                                               imageops.png_encoder(level)), margin)
        if flat:
            yield Step(f"{colours}-colour palette PNG", True, "png",
                       lambda src, dst: imageops.save_png(imageops.quantised(image, colours), dst, level),
                       forecast(imageops.png_encoder(level, colours)), margin)
        low, high = settings["jpeg_quality_range"]
        for scale in (1.0, *settings["scale_steps"]):
            # Strip forecasts, once per quality and scale: the search asks for a few.
            sized = cache(lambda q, s=scale: imageops.estimated_size(image, settings["estimate_sample"],
                                                                     imageops.jpeg_encoder(q, s)))
            yield QualitySearch("JPEG q{quality}" + (f" at {scale:.0%} size" if scale < 1 else ""), "jpeg", low, high,
                                lambda q, s=scale: lambda src, dst: imageops.save_jpeg(image, dst, q, s),
                                lambda src, q, sized=sized: sized(q), settings["forecast_target"])


def is_screenshot(upload_name: str, state: PacketState) -> bool:
    sources = {p.source for p in state.placements if p.upload == upload_name}
    return any(state.kinds[s].web_capture for s in sources if s in state.kinds)


# ---- legibility ---------------------------------------------------------------------------------

def expected_fields(upload_name: str, state: PacketState) -> dict[str, set[int]]:
    """Field values read from the upload's sources before that must survive, each with the upload pages that
    showed it: sure tracking numbers, timestamps and URLs."""
    claimed = state.claim.tracking_number if state.claim else None
    where = {(p.source, p.source_page): p.upload_page for p in state.placements if p.upload == upload_name}
    expected: dict[str, set[int]] = {}
    for (source, source_page), upload_page in where.items():
        reading = state.readings.get(source)
        if reading is None:
            continue
        for value, page in field_values(reading.fields, lambda number: sure_number(number, claimed)):
            if page == source_page:
                expected.setdefault(value, set()).add(upload_page)
    return expected


def sure_number(number: TrackingNumber, claimed: str | None) -> bool:
    """A number whose loss makes an encoding illegible: the claim's own, or one whose check digit verified. Where the
    claim names no number, also one of a known carrier taken for a reason (REASONED_CONTEXTS) that no check digit
    refuted. Any other may be a misread (a 14-digit run of a 12-digit label), which no re-encoding is bound to
    repeat: measured on a 35 MP label photo, it made every encoding look illegible."""
    if number.value == claimed or number.checksum == "ok":
        return True
    return (claimed is None and number.carrier is not None and number.checksum == "none"
            and number.context in REASONED_CONTEXTS)


def field_values(fields: Fields, numbers: Callable[[TrackingNumber], bool] = lambda number: True
                 ) -> Iterator[tuple[str, int]]:
    """Tracking numbers (those `numbers` accepts), timestamps and URLs, each with its page. After re-encoding all
    numbers count as found: a number taken from a label before may stand on a line of its own after."""
    for label, page, _ in field_items(fields, numbers):
        yield label, page


def field_items(fields: Fields, numbers: Callable[[TrackingNumber], bool] = lambda number: True
                ) -> Iterator[tuple[str, int, TrackingNumber | Timestamp | Url]]:
    """field_values with each value's record."""
    for t in fields.tracking_numbers:
        if numbers(t):
            yield f"tracking number {t.value}", t.page, t
    for s in fields.timestamps:
        yield f"timestamp {s.value}", s.page, s
    for u in fields.urls:
        yield f"URL {u.value}", u.page, u


def value_spots(upload_name: str, state: PacketState) -> dict[str, dict[int, "recheck.Spot"]]:
    """Where each value that must survive was read, by upload page: the box of its line or barcode on the source
    page (pipeline/reading/recheck.py). A value without a spot on a page is proven there by reading it whole."""
    from pipeline.reading import recheck
    claimed = state.claim.tracking_number if state.claim else None
    spots: dict[str, dict[int, recheck.Spot]] = {}
    for placement in state.placements:
        reading = state.readings.get(placement.source)
        if placement.upload != upload_name or reading is None or placement.source_page > len(reading.pages):
            continue
        page = reading.pages[placement.source_page - 1]
        for label, number, field in field_items(reading.fields, lambda n: sure_number(n, claimed)):
            place = recheck.spot(page, field) if number == placement.source_page else None
            if place is not None:
                spots.setdefault(label, {}).setdefault(placement.upload_page, place)
    return spots


class FieldPageProbe:
    """The field pages of the current base file as a small PDF of their own, re-encoded by one step at a time."""

    def __init__(self, pages: list[int], prefix: Path):
        self.pages, self.prefix = pages, prefix
        self.extracted: dict[Path, Path] = {}

    def encoded(self, base: Path, step: Step, number: int) -> Path:
        if base not in self.extracted:
            self.extracted[base] = self.prefix.with_name(f"{self.prefix.name}.fields-{len(self.extracted)}.pdf")
            pdfops.extract_pages(base, self.extracted[base], self.pages)
        out = self.prefix.with_name(f"{self.prefix.name}.{number}.fields.pdf")
        step.encode(self.extracted[base], out)
        return out


def lost_fields(expected: dict[str, set[int]], path: Path, file_type: str, ctx: Context, folder: Path,
                spots: dict[str, dict[int, "recheck.Spot"]] | None = None, original: Path | None = None,
                pages: dict[int, int] | None = None) -> set[str]:
    """The expected values the re-encoded file `path` no longer shows; `pages` maps an upload page to its page in
    `path` (default: the same). With ctx.verify "boxes" a value is proven, in turn, by a page of `path` that shows
    it whose images are the `original` upload page's byte for byte (PDF), by one of its `spots` read again alone,
    else by reading the pages left whole; with "full" by reading whole every page that showed one. Only pages that
    carried fields are ever read."""
    if not expected:
        return set()
    where = pages or {page: page for shown in expected.values() for page in shown}
    left = dict(expected)
    if ctx.verify == "boxes" and file_type == "pdf" and original is not None:
        same = unchanged_pages(original, path, where, sorted({p for shown in left.values() for p in shown}))
        left = {value: shown for value, shown in left.items() if not shown & same}
    if spots and ctx.verify == "boxes":
        proven = proven_at_spots(spots, left, path, file_type, where, ctx, folder)
        left = {value: shown for value, shown in left.items() if value not in proven}
    if not left:
        return set()
    needed = sorted({where[page] for shown in left.values() for page in shown})
    if file_type == "pdf" and needed != list(range(1, pdfops.page_count(path) + 1)):
        subset = folder / f"{path.stem}.reread.pdf"
        pdfops.extract_pages(path, subset, needed)
        path = subset
    return not_read(left, path, file_type, ctx)


def unchanged_pages(original: Path, path: Path, where: dict[int, int], pages: list[int]) -> set[int]:
    """The upload `pages` whose images in `path` (at where[page]) are the original's byte for byte: the same
    pixels, so the same values, with no reading at all. A page without images (a text layer) is not counted."""
    before = pdfops.page_image_digests(original, pages)
    after = pdfops.page_image_digests(path, [where[page] for page in pages])
    return {page for page, old, new in zip(pages, before, after) if old and old == new}


def proven_at_spots(spots: dict[str, dict[int, "recheck.Spot"]], left: dict[str, set[int]], path: Path,
                    file_type: str, where: dict[int, int], ctx: Context, folder: Path) -> set[str]:
    """The values of `left` that one of their pages of `path` still shows where it was read (recheck.shows)."""
    by_page: dict[int, list[str]] = {}
    for value, shown in left.items():
        for page in sorted(shown & set(spots.get(value, {}))):
            by_page.setdefault(page, []).append(value)
    proven: set[str] = set()
    for page, values in sorted(by_page.items()):
        waiting = {value: spots[value][page] for value in values if value not in proven}
        if waiting:
            proven |= proven_on_page(path, file_type, where[page], waiting, ctx, folder / f"{path.stem}.spot.png")
    return proven


def proven_on_page(path: Path, file_type: str, index: int, spots: dict[str, "recheck.Spot"], ctx: Context,
                   scratch: Path) -> set[str]:
    """The values whose spots page `index` of `path` still shows. A PDF page is rendered only where each spot is (at
    the resolution its source was read at: a whole 300-dpi page took 0.2-0.6 s to render, a line's region 0.03-0.1 s),
    an image decoded once. A page that cannot be decoded proves nothing (it is read whole, and reported there)."""
    import pypdfium2 as pdfium

    from pipeline.reading import reader, recheck
    try:
        if file_type != "pdf":
            with imageops.open_upright(path) as image:
                image.load()
                return {value for value, place in spots.items()
                        if recheck.still_shows(image, place, ctx.ocr_timeout, scratch)}
        pdf = pdfium.PdfDocument(path)
        try:
            page = pdf[index - 1]
            width, height = page.get_size()
            found = set()
            for value, place in spots.items():
                scale = place.size[0] / width
                size = (round(width * scale), round(height * scale))
                box = recheck.region(place, size) if page.get_rotation() == 0 else None
                if box is None:
                    continue
                cut = (box[0] / scale, height - box[3] / scale, width - box[2] / scale, box[1] / scale)
                crop = page.render(scale=scale, grayscale=True, crop=cut).to_pil()
                if recheck.shows(crop, place, recheck.line_height(place, size), ctx.ocr_timeout, scratch):
                    found.add(value)
            return found
        finally:
            pdf.close()
    except reader.page_failures():
        return set()


def not_read(expected: dict[str, set[int]], path: Path, file_type: str, ctx: Context) -> set[str]:
    """The expected values that reading the whole of `path` does not find."""
    return set(expected) - {value for value, _ in field_values(reread_fields(path, file_type, ctx))}


def reread_fields(path: Path, file_type: str, ctx: Context) -> Fields:
    """The fields the reader finds in `path`, its pages read on up to ctx.jobs processes (as the read stage does)."""
    # Imported here: the reader is another stage's library and the heaviest import of the pipeline.
    from pipeline.reading import reader
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    plan = reader.plan_file(path.name, path, file_type, digest, ctx)
    reading = reader.assemble(plan, reader.read_jobs([plan], ctx.jobs)[0])
    return reader.with_fields(reading, path.name, ctx.profile, ctx.now.date()).fields


def too_large(upload: UploadFile, tried: tuple[str, ...], limit: int, state: PacketState, ctx: Context,
              problem: FileProblem | None = None) -> Finding:
    sources = sorted({p.source for p in state.placements if p.upload == upload.name})
    if problem is not None:
        return Finding("too-large", ctx.profile.severity("too-large"),
                       f"{upload.name} ({', '.join(sources)}) is {upload.size:,} bytes, over the {limit:,}-byte limit,"
                       f" and was not re-encoded: {problem.message} Its pages are not in the bundle.",
                       problem.fix, sources[0] if len(sources) == 1 else None)
    return Finding("too-large", ctx.profile.severity("too-large"),
                   f"{upload.name} ({', '.join(sources)}) is {upload.size:,} bytes, over the {limit:,}-byte limit,"
                   f" and no smaller encoding stayed legible. Tried: {'; '.join(tried) or 'nothing applied'}."
                   " Its pages are not in the bundle.",
                   "split it into smaller files, or take a sharper, closer capture of the key part.",
                   sources[0] if len(sources) == 1 else None)
