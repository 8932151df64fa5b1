"""Stage 'plan': which input pages go into which upload file, in the order a reviewer reads, within the file count.

One slot stays free for the cover (added later by the cover stage). When there are more inputs than slots, files
are merged by kind into PDFs (images embedded without re-encoding); when the kinds still outnumber the slots, the
weakest kinds share one file. Every readable page is placed, or reported with the reason it could not be.
Layout choices (reading order per reason, names, page size) are data: pipeline/output/bundle.toml.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.output import pdfops
from pipeline.output.bundle_settings import bundle_settings, optional_limit
from pipeline.context import Context
from pipeline.errors import FileProblem
from pipeline.model import EvidenceFile, Finding, PacketState, PagePlacement, UploadFile
from pipeline.output.layout import EXTENSIONS

FALLBACK_KIND = "other"


@dataclass(frozen=True)
class Piece:
    """Some pages of one evidence file that travel together (the whole file unless a page limit splits it)."""

    file: EvidenceFile
    group: str
    pages: tuple[int, ...]   # 1-based pages of the file

    @property
    def whole(self) -> bool:
        return len(self.pages) == self.file.pages or self.file.usable_type != "pdf"


@dataclass(frozen=True)
class Bin:
    """One upload file to be: its name slug and the pieces it holds, in order."""

    slug: str
    title: str
    pieces: tuple[Piece, ...]


def run(state: PacketState, ctx: Context) -> PacketState:
    settings = bundle_settings()
    usable, findings = counted_files(state, ctx)
    if not usable:
        return state.with_findings(*findings)
    reason = state.claim.reason if state.claim else FALLBACK_KIND
    groups = grouped(usable, state, reason, settings)
    slots = ctx.profile.limit("max_files") - settings["layout"]["reserved_slots"]
    page_limit = optional_limit(ctx.profile, "max_pages_per_file")
    bins, unplaced = layout(groups, slots, page_limit, settings)
    log = [f"plan: {source} left out of the upload files ({why})" for source, why in state.left_out.items()]
    log += [f"plan: {len(usable)} usable file(s) into {len(bins)} upload file(s) of {slots} free slot(s)"
           f" (reason {reason}, page limit {page_limit or 'none'})"]
    findings += [not_placed(piece, slots, page_limit, ctx) for piece in unplaced]
    uploads, placements, problems = build(bins, ctx, settings)
    findings += problems
    return replace(state, uploads=tuple(uploads), placements=tuple(placements)).with_findings(
        *findings).with_log(*log)


def counted_files(state: PacketState, ctx: Context) -> tuple[list[EvidenceFile], list[Finding]]:
    """Usable files with a known page count (a PDF ingest did not count is counted here)."""
    usable, findings = [], []
    for file in state.files:
        if file.usable is None or file.source in state.left_out:
            continue
        if file.usable_type != "pdf":
            usable.append(replace(file, pages=1))
            continue
        try:
            usable.append(file if file.pages else replace(file, pages=pdfops.page_count(file.usable)))
        except FileProblem as problem:
            findings.append(Finding(problem.rule, ctx.profile.severity(problem.rule), problem.message, problem.fix,
                                    file.source))
    return usable, findings


def kind_order(reason: str, settings: dict) -> list[str]:
    """The reason's reading order, then every other kind in the order of [groups]."""
    order = list(settings["reading_order"].get(reason, ()))
    for group in settings["groups"].values():
        order += [kind for kind in group["kinds"] if kind not in order]
    return order


def grouped(files: list[EvidenceFile], state: PacketState, reason: str,
            settings: dict) -> list[tuple[str, list[EvidenceFile]]]:
    """Files sorted by reading order, then gathered by group (a group's position: its first file's)."""
    order = kind_order(reason, settings)
    group_of = {kind: slug for slug, group in settings["groups"].items() for kind in group["kinds"]}

    def kind(file: EvidenceFile) -> str:
        classification = state.kinds.get(file.source)
        return classification.kind if classification and classification.kind in group_of else FALLBACK_KIND

    groups: dict[str, list[EvidenceFile]] = {}
    for file in sorted(files, key=lambda f: (order.index(kind(f)), f.source)):
        groups.setdefault(group_of[kind(file)], []).append(file)
    return list(groups.items())


def pieces_of(file: EvidenceFile, group: str, page_limit: int) -> list[Piece]:
    pages = list(range(1, file.pages + 1))
    size = page_limit or len(pages)
    return [Piece(file, group, tuple(pages[i:i + size])) for i in range(0, len(pages), size)]


def pack(pieces: list[Piece], page_limit: int) -> list[list[Piece]]:
    """Consecutive pieces into as few files as the page limit allows, order kept."""
    packed: list[list[Piece]] = []
    pages = 0
    for piece in pieces:
        if not packed or (page_limit and pages + len(piece.pages) > page_limit):
            packed.append([])
            pages = 0
        packed[-1].append(piece)
        pages += len(piece.pages)
    return packed


def layout(groups: list[tuple[str, list[EvidenceFile]]], slots: int, page_limit: int,
           settings: dict) -> tuple[list[Bin], list[Piece]]:
    """The upload files: one per piece if they fit, else one per group, else the trailing groups merged."""
    pieces = [(slug, [p for f in files for p in pieces_of(f, slug, page_limit)]) for slug, files in groups]
    titles = {slug: group["title"] for slug, group in settings["groups"].items()}
    flat = [piece for _, group_pieces in pieces for piece in group_pieces]
    if len(flat) <= slots:
        return [Bin(p.group, titles[p.group], (p,)) for p in flat], []
    overflow = settings["overflow"]
    bins: list[Bin] = []
    for keep in range(len(pieces), -1, -1):
        bins = [Bin(slug, titles[slug], tuple(chunk)) for slug, group_pieces in pieces[:keep]
                for chunk in pack(group_pieces, page_limit)]
        rest_groups = pieces[keep:]
        rest = [piece for _, group_pieces in rest_groups for piece in group_pieces]
        if len(rest_groups) == 1:
            slug = rest_groups[0][0]
            bins += [Bin(slug, titles[slug], tuple(chunk)) for chunk in pack(rest, page_limit)]
        elif rest_groups:
            title = f"{overflow['title']}: {', '.join(titles[slug] for slug, _ in rest_groups)}"
            bins += [Bin(overflow["slug"], title, tuple(chunk)) for chunk in pack(rest, page_limit)]
        if len(bins) <= slots:
            return bins, []
    return bins[:slots], [piece for b in bins[slots:] for piece in b.pieces]


def build(bins: list[Bin], ctx: Context, settings: dict) -> tuple[list[UploadFile], list[PagePlacement],
                                                                  list[Finding]]:
    """Writes merged PDFs into the work folder; a single whole file is used where it lies (never modified)."""
    folder = ctx.workdir / "plan"
    folder.mkdir(parents=True, exist_ok=True)
    page_size = pdfops.page_size_points(settings["layout"]["page_size_mm"])
    uploads, placements, findings = [], [], []
    number = settings["layout"]["first_number"]
    for bin_ in bins:
        single = bin_.pieces[0] if len(bin_.pieces) == 1 and bin_.pieces[0].whole else None
        upload_type = single.file.usable_type if single else "pdf"
        name = f"{number:02d}-{bin_.slug}.{EXTENSIONS[upload_type]}"
        if single:
            path = single.file.usable
            added: list[int | FileProblem] = [len(single.pages)]
        else:
            path = folder / name
            parts = [pdfops.Part(p.file.usable, p.file.usable_type, None if p.whole else p.pages)
                     for p in bin_.pieces]
            added = pdfops.merge(parts, path, page_size, folder / "scratch")
        upload_page = 0
        for piece, result in zip(bin_.pieces, added):
            if isinstance(result, FileProblem):
                findings.append(Finding(result.rule, ctx.profile.severity(result.rule),
                                        f"{piece.file.source} {result.message}", result.fix, piece.file.source))
                continue
            for source_page in piece.pages:
                upload_page += 1
                placements.append(PagePlacement(piece.file.source, source_page, name, upload_page))
        if upload_page == 0:  # every part of a merge failed (each reported): no empty file
            Path(path).unlink(missing_ok=True)
            continue
        uploads.append(UploadFile(name=name, path=Path(path), type=upload_type, size=Path(path).stat().st_size,
                                  pages=upload_page, title=describe(bin_)))
        number += 1
    return uploads, placements, findings


def describe(bin_: Bin) -> str:
    files = Counter(piece.file.source for piece in bin_.pieces)
    return f"{bin_.title} ({len(files)} file{'s' if len(files) != 1 else ''})"


def not_placed(piece: Piece, slots: int, page_limit: int, ctx: Context) -> Finding:
    pages = f"pages {piece.pages[0]}-{piece.pages[-1]}" if len(piece.pages) > 1 else f"page {piece.pages[0]}"
    limit = f" of at most {page_limit} pages" if page_limit else ""
    return Finding("too-large", ctx.profile.severity("too-large"),
                   f"{piece.file.source} ({pages}) does not fit: the form takes {slots} evidence files{limit}"
                   " besides the cover.",
                   "leave weaker evidence out of the packet, or split long documents to their key pages.",
                   piece.file.source)
