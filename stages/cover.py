"""Stage 'cover': the cover page, in Korean and English, as the first upload file (01-cover.pdf).

It states the claim, restates the buyer's claim, lists each fact found with the upload file and page that
shows it, the review deadline (in the window's zone and the seller's), and an index of the upload files.

The plan leaves a free upload slot for it; evidence files are renumbered 02.. behind it if needed (placements
follow). With no slot free, the cover becomes page 1 of the first PDF upload, as long as that stays within
the size limit; otherwise it is left out. Either decision is logged.

Byte-stable for the same input (reportlab invariant mode, no clock), with the Korean font embedded as a subset
and a real text layer. Wording, colours and sizes: templates/cover/layout.toml.
"""
from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from pypdf import PdfWriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipeline.context import Context
from pipeline.datafiles import load_toml
from pipeline.judging.deadline import deadline as review_deadline
from pipeline.errors import EvpackError
from pipeline.output.fact_boxes import boxed_field, carrier_boxed, page_size, proof_crop
from pipeline.output.fonts import CoverFonts, cover_fonts
from pipeline.model import PacketState, UploadFile
from pipeline.judging.statement_text import ClaimFacts, Fact, StatementRules, gather_facts, load_rules

COVER_NAME = "01-cover.pdf"
COVER_TITLE = "Cover: claim, facts found with their pages, deadline, index of files"
LAYOUT = Path(__file__).resolve().parent.parent / "templates" / "cover" / "layout.toml"
PAGE_SIZES = {"A4": A4, "letter": letter}
NUMBERED = re.compile(r"^\d+-(?P<rest>.+)$")
# Re-rendering is needed only when the cover's own page count changes the page numbers it prints; it settles
# after one more pass (a longer cover never gets shorter by printing larger page numbers).
MAX_RENDERS = 3


def run(state: PacketState, ctx: Context) -> PacketState:
    if state.claim is None:
        return state.with_log("cover: skipped, no valid claim.toml")
    folder = ctx.workdir / "cover"
    folder.mkdir(parents=True, exist_ok=True)
    if len(state.uploads) < ctx.profile.limit("max_files"):
        return _as_first_file(state, ctx, folder)
    return _in_front_of_first_pdf(state, ctx, folder)


def _as_first_file(before: PacketState, ctx: Context, folder: Path) -> PacketState:
    names = {u.name: numbered(u.name, i + 2) for i, u in enumerate(before.uploads)}
    state = replace(before, uploads=tuple(replace(u, name=names[u.name]) for u in before.uploads),
                    placements=tuple(replace(p, upload=names.get(p.upload, p.upload)) for p in before.placements))
    path = folder / COVER_NAME
    rendered = _render_settled(lambda pages: state,
                               lambda s, pages: render_cover(s, ctx, path, cover_pages=pages))
    if path.stat().st_size > ctx.profile.limit("max_file_bytes"):
        size = path.stat().st_size
        path.unlink()
        return before.with_log(f"cover: left out: at {size} bytes it is over the size limit")
    cover = UploadFile(name=COVER_NAME, path=path, type="pdf", size=path.stat().st_size, pages=rendered.pages,
                       title=COVER_TITLE)
    renamed = [f"{old} -> {new}" for old, new in names.items() if old != new]
    return replace(state, uploads=(cover,) + state.uploads).with_log(
        f"cover: {COVER_NAME}, {rendered.pages} page(s), {cover.size} bytes"
        + (f"; evidence renumbered behind it: {', '.join(renamed)}" if renamed else ""), *rendered.notes())


def _in_front_of_first_pdf(state: PacketState, ctx: Context, folder: Path) -> PacketState:
    limit = ctx.profile.limit("max_files")
    target = next((u for u in state.uploads if u.type == "pdf"), None)
    if target is None:
        return state.with_log(f"cover: left out: all {limit} upload slots hold evidence and none is a PDF to "
                              "put the cover page in front of")

    def shifted(pages: int) -> PacketState:
        """The state once `pages` cover pages are in front of the target's own."""
        return replace(state,
                       uploads=tuple(replace(u, pages=u.pages + pages) if u is target else u for u in state.uploads),
                       placements=tuple(replace(p, upload_page=p.upload_page + pages)
                                        if p.upload == target.name else p for p in state.placements))

    page_file = folder / "cover-page.pdf"
    rendered = _render_settled(shifted, lambda s, pages: render_cover(s, ctx, page_file, cover_pages=pages,
                                                                      merged_into=target.name))
    pages = rendered.pages
    merged_path = folder / target.name
    writer = PdfWriter()
    writer.append(str(page_file))
    writer.append(str(target.path))
    buffer = io.BytesIO()
    writer.write(buffer)
    if buffer.tell() > ctx.profile.limit("max_file_bytes"):
        return state.with_log(f"cover: left out: all {limit} upload slots hold evidence, and {target.name} with "
                              f"the cover in front would be {buffer.tell()} bytes, over the size limit")
    write_atomically(merged_path, buffer.getvalue())
    state = shifted(pages)
    return replace(state, uploads=tuple(replace(u, path=merged_path, size=merged_path.stat().st_size)
                                        if u.name == target.name else u for u in state.uploads)).with_log(
        f"cover: all {limit} upload slots hold evidence; the cover is page(s) {page_ranges(range(1, pages + 1))} of "
        f"{target.name} (its other pages moved back by {pages})", *rendered.notes())


@dataclass(frozen=True)
class Rendered:
    pages: int
    missing_glyphs: str = ""  # characters no installed font could show
    install_hint: str = ""    # what installs a font that has them

    def notes(self) -> tuple[str, ...]:
        return ((f"cover: no installed font has {', '.join(self.missing_glyphs)}: they print as empty boxes "
                 f"({self.install_hint})",) if self.missing_glyphs else ())


def _render_settled(state_for: Callable[[int], PacketState],
                    render: Callable[[PacketState, int], Rendered]) -> Rendered:
    """Render until the page count the cover assumed for itself is the count it has."""
    pages = 1
    for _ in range(MAX_RENDERS):
        rendered = render(state_for(pages), pages)
        if rendered.pages == pages:
            return rendered
        pages = rendered.pages
    raise EvpackError(f"The cover page count did not settle after {MAX_RENDERS} renders.",
                      "report this bug with the packet's report.json.")


def numbered(name: str, number: int) -> str:
    """`name` with its leading number replaced (or a number added): 01-delivery-proof.pdf -> 02-delivery-proof.pdf."""
    match = NUMBERED.match(name)
    return f"{number:02d}-{match['rest'] if match else name}"


def write_atomically(path: Path, data: bytes) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


# ---- rendering -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Layout:
    data: Mapping

    def label(self, key: str, lang: str) -> str:
        return self.data["text"][key][lang]

    def color(self, key: str) -> colors.Color:
        return colors.HexColor(self.data["colors"][key])

    def size(self, key: str) -> float:
        return float(self.data["sizes"][key])

    def time(self, moment: datetime, zone: str, lang: str) -> str:
        """The deadline's wording: date and time, then the zone's name and UTC offset in brackets."""
        locale, tz = self.data["locales"][lang], ZoneInfo(zone)
        when = format_datetime(moment, self.data["deadline_pattern"][lang], tzinfo=tz, locale=locale)
        return f"{when} ({format_datetime(moment, self.data['zone_pattern'][lang], tzinfo=tz, locale=locale)})"

    def fact_time(self, moment: datetime, zone: str) -> str:
        return format_datetime(moment, self.data["fact_date_pattern"], tzinfo=ZoneInfo(zone), locale="en")


@lru_cache(maxsize=2)
def load_layout(path: Path = LAYOUT) -> Layout:
    return Layout(load_toml(path, "Cover layout"))


class _Writer:
    """Paragraph factory bound to the layout and fonts: every text goes through the font fallback."""

    def __init__(self, layout: Layout, fonts: CoverFonts):
        self.layout, self.fonts = layout, fonts
        base = ParagraphStyle("body", fontName=fonts.regular, fontSize=layout.size("body"),
                              leading=layout.size("body") * 1.4, textColor=layout.color("ink"))
        self.styles = {
            "body": base,
            "small": ParagraphStyle("small", base, fontSize=layout.size("small"), leading=layout.size("small") * 1.4,
                                    textColor=layout.color("muted")),
            "title": ParagraphStyle("title", base, fontName=fonts.bold, fontSize=layout.size("title"),
                                    leading=layout.size("title") * 1.3, textColor=layout.color("accent")),
            "subtitle": ParagraphStyle("subtitle", base, fontSize=layout.size("subtitle"),
                                       leading=layout.size("subtitle") * 1.4, textColor=layout.color("muted")),
            "heading": ParagraphStyle("heading", base, fontName=fonts.bold, fontSize=layout.size("heading"),
                                      leading=layout.size("heading") * 1.4, textColor=layout.color("accent"),
                                      spaceBefore=8, spaceAfter=4),
            "cell_label": ParagraphStyle("cell_label", base, fontName=fonts.bold),
            # The pages that show a fact, one a line: in the small size, so a fact shown on five files keeps the
            # cover one page.
            "pages": ParagraphStyle("pages", base, fontSize=layout.size("small"), leading=layout.size("small") * 1.2),
            "deadline": ParagraphStyle("deadline", base, fontName=fonts.bold, fontSize=layout.size("deadline"),
                                       leading=layout.size("deadline") * 1.35, textColor=layout.color("deadline_ink")),
        }
        self.missing: list[str] = []

    def text(self, text: str) -> str:
        self.missing.append(self.fonts.missing(text))
        return self.fonts.markup(text)

    def para(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(self.text(text), self.styles[style])

    def lines(self, *parts: tuple[str, str], style: str = "body") -> Paragraph:
        """Several (text, style-of-line) lines in one paragraph: 'main' lines in the style, 'muted' smaller."""
        muted = self.layout.color("muted").hexval()[2:]
        small = self.layout.size("small")
        html = "<br/>".join(self.text(t) if kind == "main"
                            else f'<font size="{small}" color="#{muted}">{self.text(t)}</font>'
                            for t, kind in parts if t)
        return Paragraph(html, self.styles[style])

    def bilingual(self, key: str, style: str = "body") -> Paragraph:
        return self.lines((self.layout.label(key, "ko"), "main"), (self.layout.label(key, "en"), "muted"),
                          style=style)

    def heading(self, key: str) -> Paragraph:
        muted = self.layout.color("muted").hexval()[2:]
        return Paragraph(f'{self.text(self.layout.label(key, "ko"))}  <font color="#{muted}">'
                         f'{self.text(self.layout.label(key, "en"))}</font>', self.styles["heading"])


def render_cover(state: PacketState, ctx: Context, path: Path, *, cover_pages: int = 1,
                 merged_into: str | None = None) -> Rendered:
    """Write the cover PDF of `state` (its final upload names and placements) to `path`. The facts' proof crops
    are left out where they alone would take the cover past one page (the facts and their pages are what must fit):
    the carrier's first (its number names it too), then all."""
    rendered = _render_cover(state, ctx, path, cover_pages, merged_into, proofs=PROVEN)
    if rendered.pages == 1:
        return rendered
    fewest = _render_cover(state, ctx, path, cover_pages, merged_into, proofs=()).pages
    for proofs in (PROVEN, tuple(key for key in PROVEN if key != "carrier")):
        rendered = _render_cover(state, ctx, path, cover_pages, merged_into, proofs=proofs)
        if rendered.pages <= fewest:
            return rendered
    return _render_cover(state, ctx, path, cover_pages, merged_into, proofs=())


# The facts given a proof crop where they were read with a box.
PROVEN = ("tracking_number", "carrier", "delivered", "address")


def _render_cover(state: PacketState, ctx: Context, path: Path, cover_pages: int, merged_into: str | None,
                  proofs: tuple[str, ...]) -> Rendered:
    claim = state.claim
    assert claim is not None, "a cover needs a claim"
    layout, fonts, rules = load_layout(), cover_fonts(), load_rules()
    facts = gather_facts(state, rules, ctx.profile.evidence_kinds("carrier_kinds"))
    w = _Writer(layout, fonts)
    width = PAGE_SIZES[layout.data["page_size"]][0] - 2 * layout.data["margin_mm"] * mm
    window_zone = ctx.profile.limit("window_zone")

    story: list = [w.para(layout.label("title", "ko"), "title"), w.para(layout.label("title", "en"), "subtitle"),
                   Spacer(1, 6)]
    closes = state.deadline or review_deadline(claim.paid_out_at, ctx.profile)  # None: the profile has no window
    if closes is not None:
        story += [_deadline_box(w, closes, window_zone, ctx.display_zone, width), Spacer(1, 4)]
    story += [w.heading("claim"), _claim_table(w, state, ctx, width),
              w.heading("buyer_claim"), _quote(w, claim.buyer_claim, width)]
    fact_rows = _fact_rows(w, facts, state, rules, ctx, window_zone, 0.26 * width if proofs else 0, proofs)
    if any(not isinstance(row[2], str) for row in fact_rows):
        # A column for the proofs, beside the values and the pages that show them.
        story += [KeepTogether([w.heading("facts"),
                                _table(w, [_header(w, "fact", "value", "proof", "shown_in")] + fact_rows,
                                       [0.18 * width, 0.30 * width, 0.26 * width, 0.26 * width])])]
    elif fact_rows:
        story += [KeepTogether([w.heading("facts"),
                                _table(w, [_header(w, "fact", "value", "shown_in")]
                                       + [[key, value, shown] for key, value, _, shown in fact_rows],
                                       [0.22 * width, 0.43 * width, 0.35 * width])])]
    story += [KeepTogether([w.heading("attachments"),
                            _table(w, [_header(w, "file", "pages", "contents")]
                                   + _index_rows(w, state, rules, cover_pages, merged_into),
                                   [0.30 * width, 0.08 * width, 0.62 * width])])]

    margin = layout.data["margin_mm"] * mm
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=PAGE_SIZES[layout.data["page_size"]], leftMargin=margin,
                            rightMargin=margin, topMargin=margin, bottomMargin=margin + 8 * mm, invariant=1,
                            title=f"{claim.claim_id}: {layout.label('title', 'en')}", author=claim.seller or "",
                            subject=f"Order {claim.order_id}", creator="evpack")
    footer = _footer(layout, fonts, claim.claim_id, margin)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    write_atomically(path, buffer.getvalue())
    return Rendered(pages=doc.page, missing_glyphs="".join(dict.fromkeys("".join(w.missing))),
                    install_hint=fonts.fallback_install)


def _deadline_box(w: _Writer, deadline: datetime, window_zone: str, seller_zone: str, width: float) -> Table:
    layout = w.layout
    lines = [w.lines((f"{layout.label('deadline', 'ko')} · {layout.label('deadline', 'en')}", "muted")),
             w.para(layout.time(deadline, window_zone, "ko"), "deadline"),
             w.para(layout.time(deadline, window_zone, "en"), "body")]
    if ZoneInfo(seller_zone).utcoffset(deadline) != ZoneInfo(window_zone).utcoffset(deadline):
        lines.append(w.lines((f"{layout.label('deadline_seller', 'ko')} / {layout.label('deadline_seller', 'en')}"
                              f" ({seller_zone}): {layout.time(deadline, seller_zone, 'en')}", "main")))
    box = Table([[lines]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), layout.color("deadline_background")),
        ("LINEBEFORE", (0, 0), (0, -1), 4, layout.color("deadline_border")),
        ("BOX", (0, 0), (-1, -1), 0.6, layout.color("deadline_border")),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    return box


def _claim_table(w: _Writer, state: PacketState, ctx: Context, width: float) -> Table:
    """Two facts a row (label, value, label, value) to keep the cover on one page; the seller spans a row."""
    claim = state.claim
    reason = ctx.profile.reasons.get(claim.reason, {})
    rows = [[w.bilingual("claim_id"), w.para(claim.claim_id), w.bilingual("order_id"), w.para(claim.order_id)],
            [w.bilingual("reason"),
             w.para(f"{reason.get('label_ko', claim.reason)} / {reason.get('label_en', claim.reason)}"),
             w.bilingual("paid_out_at"),
             w.para(w.layout.fact_time(claim.paid_out_at, ctx.profile.limit("window_zone")))]]
    if claim.seller:
        rows.append([w.bilingual("seller"), w.para(claim.seller), "", ""])
    table = Table(rows, colWidths=[0.15 * width, 0.35 * width, 0.15 * width, 0.35 * width])
    style = _grid(w.layout, header=False)
    style.add("BACKGROUND", (2, 0), (2, 1), w.layout.color("band"))
    if claim.seller:
        style.add("SPAN", (1, 2), (3, 2))
    table.setStyle(style)
    return table


def _quote(w: _Writer, text: str, width: float) -> Table:
    """The text in a shaded box, one row per chunk of it, so a long text continues on the next page."""
    rows = [[w.para(chunk)] for chunk in text_chunks(text, w.layout.data["quote_chunk_chars"])] or [[""]]
    box = Table(rows, colWidths=[width])
    box.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), w.layout.color("band")),
                             ("LINEBEFORE", (0, 0), (0, -1), 3, w.layout.color("rule")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 0),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, 0), 6),
                             ("BOTTOMPADDING", (0, -1), (-1, -1), 7)]))
    return box


def text_chunks(text: str, size: int) -> list[str]:
    """The text's lines, each long one cut into pieces of at most `size` characters at a space where there is one
    in the piece's second half (else mid-word: a 10,000-letter word must still fit on pages). Nothing is lost:
    the pieces joined with their spaces give the text again."""
    chunks = []
    for line in text.splitlines() or [text]:
        while len(line) > size:
            cut = line.rfind(" ", size // 2, size)
            cut = cut if cut > 0 else size
            chunks.append(line[:cut])
            line = line[cut:]
        chunks.append(line)
    return chunks


def _fact_rows(w: _Writer, facts: ClaimFacts, state: PacketState, rules: StatementRules, ctx: Context,
               window_zone: str, proof_width: float, proofs: tuple[str, ...] = ()) -> list[list]:
    """A row per fact: its label, its value, the crop that proves it ("" without one; none when `proof_width` is 0
    or the fact is not among `proofs`) at most `proof_width` wide, the pages that show it."""
    rows = []
    if facts.tracking_number:
        rows.append(("tracking_number", facts.tracking_number.value, facts.tracking_number))
    if facts.carrier:
        ko = rules.carrier_label(facts.carrier.value, "ko", ctx.profile.carriers)
        en = rules.carrier_label(facts.carrier.value, "en", ctx.profile.carriers)
        rows.append(("carrier", ko if ko == en else f"{ko} / {en}", facts.carrier))
    if facts.delivered_at:
        rows.append(("delivered", w.layout.fact_time(facts.delivered_at, window_zone), facts.delivered))
    if facts.address:
        rows.append(("address", facts.address.value, facts.address))
    found = []
    for key, value, fact in rows:
        # A fact shown on the very pages of the one above (a carrier, read with its tracking number) says so in a
        # line, not in the same list again: the cover stays one page.
        same = bool(fact.shown) and bool(found) and found[-1][1].shown == fact.shown
        found.append(([w.bilingual(key), w.para(value),
                       (_proof(w, fact, state, proof_width, key) if proof_width and key in proofs else None) or "",
                       w.bilingual("same_pages", "pages") if same else _shown_in(w, fact, state)], fact))
    return [row for row, _ in found]


def _proof(w: _Writer, fact: Fact, state: PacketState, most_wide: float, key: str) -> Image | None:
    """A crop of the first uploaded evidence page where the fact was read with a box (the words that show it, or a
    barcode's bars; for the carrier, its name or its site's host on the page: pipeline/fields/boxes.py): the
    reviewer sees the proof beside the fact. Sized by layout.toml [proof]; None without a boxed reading (a carrier
    known from its number's format alone, a fact claim.toml states alone)."""
    settings = w.layout.data["proof"]
    files = {f.source: f for f in state.files}
    placed = {(p.source, p.source_page) for p in state.placements}
    for shown in fact.shown:
        reading, evidence = state.readings.get(shown.source), files.get(shown.source)
        if reading is None or evidence is None or evidence.usable is None or (shown.source, shown.page) not in placed:
            continue
        box = carrier_boxed(reading, shown.page, fact.value) if key == "carrier" else \
            boxed_field(reading, shown.page, fact.value)
        size = page_size(reading, shown.page)
        crop = proof_crop(evidence.usable, evidence.usable_type or "", shown.page, size, box, settings["dpi"],
                          settings["pad"]) if box and size else None
        if crop is None:
            continue
        wide = min(settings["width_mm"] * mm, most_wide - 10)  # within the column's padding
        # A carrier's name is one short line: its crop no taller than the two-line label beside it.
        tallest = settings["name_height_mm" if key == "carrier" else "height_mm"] * mm
        height = min(tallest, wide * crop.height / crop.width)
        buffer = io.BytesIO()
        crop.save(buffer, "PNG")
        return Image(buffer, width=height * crop.width / crop.height, height=height)
    return None


def _shown_in(w: _Writer, fact: Fact, state: PacketState) -> Paragraph:
    if not fact.shown:
        return w.bilingual("stated_only")
    where = [f"{p.upload} {w.layout.label('page', 'en')}{p.upload_page}" for shown in fact.shown
             for p in state.placements if (p.source, p.source_page) == (shown.source, shown.page)]
    if not where:
        return w.bilingual("not_uploaded")
    return w.lines(*((line, "main") for line in dict.fromkeys(where)), style="pages")


def _index_rows(w: _Writer, state: PacketState, rules: StatementRules, cover_pages: int,
                merged_into: str | None) -> list[list]:
    rows = []
    if merged_into is None:
        rows.append([w.para(COVER_NAME), w.para(str(cover_pages)), w.bilingual("cover_itself")])
    for upload in state.uploads:
        parts = []
        if upload.name == merged_into:
            pages = page_ranges(range(1, cover_pages + 1))
            parts.append((f"{w.layout.label('cover_merged', 'ko').format(pages=pages)} / "
                          f"{w.layout.label('cover_merged', 'en').format(pages=pages)}", "main"))
        by_kind: dict[str, list[int]] = {}
        for p in sorted(state.placements, key=lambda p: p.upload_page):
            if p.upload == upload.name and p.source in state.kinds:
                by_kind.setdefault(state.kinds[p.source].kind, []).append(p.upload_page)
        for kind, pages in by_kind.items():
            parts.append((f"{rules.kind_label(kind, 'ko')} / {rules.kind_label(kind, 'en')} "
                          f"({w.layout.label('page', 'en')}{page_ranges(pages)})", "main"))
        if upload.title:
            parts.append((upload.title, "muted"))
        rows.append([w.para(upload.name), w.para(str(upload.pages)), w.lines(*parts) if parts else w.para("")])
    return rows


def page_ranges(pages: Iterable[int]) -> str:
    """[1, 2, 3, 5] -> '1–3, 5'."""
    ranges: list[list[int]] = []
    for page in sorted(set(pages)):
        if ranges and page == ranges[-1][1] + 1:
            ranges[-1][1] = page
        else:
            ranges.append([page, page])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def _header(w: _Writer, *keys: str) -> list[Paragraph]:
    return [w.bilingual(key, "cell_label") for key in keys]


def _table(w: _Writer, rows: list[list], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_grid(w.layout, header=True))
    return table


def _grid(layout: Layout, header: bool) -> TableStyle:
    commands = [("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, layout.color("rule")),
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, layout.color("accent")),
                ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]
    if header:
        commands += [("BACKGROUND", (0, 0), (-1, 0), layout.color("band")),
                     ("LINEBELOW", (0, 0), (-1, 0), 0.8, layout.color("accent"))]
    else:
        commands += [("BACKGROUND", (0, 0), (0, -1), layout.color("band"))]
    return TableStyle(commands)


def _footer(layout: Layout, fonts: CoverFonts, claim_id: str, margin: float) -> Callable:
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(fonts.regular, layout.size("small"))
        canvas.setFillColor(layout.color("muted"))
        y = margin
        canvas.drawString(margin, y + 10, layout.label("footer", "ko"))
        canvas.drawString(margin, y, layout.label("footer", "en"))
        canvas.drawRightString(doc.pagesize[0] - margin, y, f"{claim_id} · {doc.page}")
        canvas.restoreState()
    return draw
