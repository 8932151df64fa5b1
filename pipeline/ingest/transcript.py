"""A Seller Center message export (CSV) as a PDF transcript: every row, every column, with a text layer.

The CSV may be UTF-8 (with or without the BOM Excel writes), CP949/EUC-KR or GB18030; it is decoded by
`sniff.decode_text`, which refuses rather than garbles. Text is set in NanumGothic, with Han characters and
anything else NanumGothic lacks in the fallback fonts of transcript.toml, chosen per run of characters, so nothing
renders as an empty box. The output is byte-stable (reportlab's invariant mode) and written atomically.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import pypdfium2 as pdfium
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pipeline.datafiles import load_toml
from pipeline.errors import FileProblem, MissingDependencyError
from pipeline.fields.scripts import HAN
from pipeline.ingest.sniff import csv_delimiter, decode_text, ingest_rules

SETTINGS_FILE = Path(__file__).with_name("transcript.toml")
ROLES = ("time", "sender", "message")
CSV_FAILURES = (csv.Error, ValueError)
CSV_BUDGET_FIX = "export only the messages of this claim's order from Seller Center"


@dataclass(frozen=True)
class Transcript:
    path: Path
    rows: int                      # data rows (the header row not counted)
    pages: int
    encoding: str
    columns: dict[str, str]        # role -> header of the recognised time/sender/message columns
    blank_lines: int = 0           # empty lines of the CSV (nothing in them to transcribe)

    @property
    def note(self) -> str:
        found = ", ".join(f"{role}='{header}'" for role, header in self.columns.items()) or "none recognised"
        blanks = f"; {self.blank_lines} blank lines left out" if self.blank_lines else ""
        return (f"CSV ({self.encoding}) -> PDF transcript with a text layer, {_count(self.rows, 'row')}, "
                f"{_count(self.pages, 'page')}; "
                f"columns: {found}{blanks}")


@cache
def transcript_settings(path: Path = SETTINGS_FILE) -> dict:
    return load_toml(path, "Transcript settings")


def transcribe(src: Path, dst: Path, title_name: str) -> Transcript:
    """Writes the transcript of the CSV `src` to `dst`. FileProblem(unsupported-format) if it is not readable text,
    FileProblem(too-large) past ingest.toml's csv budgets (bytes, rows, columns), before anything is laid out."""
    budgets = ingest_rules()["budgets"]
    size = src.stat().st_size
    if size > budgets["csv_bytes"]:
        raise FileProblem("too-large", f"the CSV holds {size:,} bytes; evpack transcribes at most "
                          f"{budgets['csv_bytes']:,} bytes of a CSV (budgets.csv_bytes).", CSV_BUDGET_FIX)
    decoded = decode_text(src.read_bytes())
    if decoded is None:
        raise FileProblem("unsupported-format",
                          "the CSV is not text in an encoding evpack can read without garbling it "
                          "(UTF-8, CP949/EUC-KR or GB18030).",
                          "open it in Excel and save it as 'CSV UTF-8', or print it to PDF")
    text, encoding = decoded
    try:
        table = [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(text) or ",")]
    except CSV_FAILURES as exc:
        raise FileProblem("unsupported-format", f"the CSV cannot be parsed ({exc}).",
                          "open it in Excel and save it as 'CSV UTF-8', or print it to PDF") from None
    rows = [row for row in table if any(cell.strip() for cell in row)]
    if len(rows) > budgets["csv_rows"] or max((len(row) for row in rows), default=0) > budgets["csv_columns"]:
        raise FileProblem("too-large", f"the CSV has {len(rows):,} rows of up to {max(len(r) for r in rows):,} "
                          f"columns; evpack transcribes at most {budgets['csv_rows']:,} rows of "
                          f"{budgets['csv_columns']:,} columns (budgets.csv_rows, budgets.csv_columns).",
                          CSV_BUDGET_FIX)
    if not rows:
        raise FileProblem("unsupported-format", "the CSV has no rows: there is nothing to show reviewers.",
                          "export the messages again from Seller Center")
    header, body = split_header(rows)
    width = max(len(row) for row in rows)
    header = header + [f"Column {i + 1}" for i in range(len(header), width)]
    body = [row + [""] * (width - len(row)) for row in body]
    roles = column_roles(header)
    _render(dst, title_name, encoding, header, body, roles)
    return Transcript(path=dst, rows=len(body), pages=_page_count(dst), encoding=encoding,
                      columns={role: header[index] for role, index in roles.items()},
                      blank_lines=len(table) - len(rows))


def split_header(rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
    """(header, data rows). The first row is a header if it names a known column, or if it has no digits while
    the row after it does (exports always carry timestamps); else every row is data under 'Column n' names."""
    first = rows[0]
    if column_roles(first):
        return first, rows[1:]
    has_digit = re.compile(r"\d")
    if (len(rows) > 1 and all(cell.strip() for cell in first) and not any(has_digit.search(c) for c in first)
            and any(_looks_like_time(cell) for cell in rows[1])):
        return first, rows[1:]
    return [], rows


def column_roles(header: list[str]) -> dict[str, int]:
    """role -> column index for the time/sender/message columns that the header names (each column one role)."""
    names = transcript_settings()["columns"]
    keys = [_key(cell) for cell in header]
    roles: dict[str, int] = {}
    for exact in (True, False):
        for role in ROLES:
            if role in roles:
                continue
            wanted = [_key(name) for name in names[role]]
            for index, key in enumerate(keys):
                if index in roles.values() or not key:
                    continue
                if key in wanted if exact else any(name in key for name in wanted):
                    roles[role] = index
                    break
    return roles


def _key(cell: str) -> str:
    return re.sub(r"[\s_\-]+", "", cell.casefold())


def _looks_like_time(cell: str) -> bool:
    return re.search(transcript_settings()["detect"]["timestamp_pattern"], cell) is not None


# ---- rendering -----------------------------------------------------------------------------------------------

@cache
def _fonts() -> tuple[tuple[str, frozenset[int]], ...]:
    """(font name, code points it covers) in fallback order, each registered with reportlab once per process."""
    fonts = []
    for font in transcript_settings()["fonts"]["chain"]:
        if font["name"] not in pdfmetrics.getRegisteredFontNames():
            try:
                pdfmetrics.registerFont(TTFont(font["name"], font["file"], subfontIndex=font.get("subfont", 0)))
            except OSError as exc:
                raise MissingDependencyError(f"The font {font['file']} for transcripts is missing ({exc}).",
                                             "install fonts-nanum, fonts-wqy-zenhei and fonts-dejavu-core "
                                             "(apt-get install fonts-nanum fonts-wqy-zenhei fonts-dejavu-core)."
                                             ) from None
        face = pdfmetrics.getFont(font["name"]).face
        fonts.append((font["name"], frozenset(face.charToGlyph)))
    return tuple(fonts)


def markup(text: str) -> str:
    """Paragraph markup of `text` with a font per run of characters; characters no font can draw as [U+XXXX]."""
    fonts = _fonts()
    han = transcript_settings()["fonts"]["han"]
    runs: list[tuple[str, str]] = []
    for ch in text:
        if ch == "\n":
            runs.append((runs[-1][0] if runs else fonts[0][0], "<br/>"))
            continue
        if ch in "\r\t":
            ch = " "
        code = ord(ch)
        order = sorted(fonts, key=lambda f: f[0] != han) if HAN.match(ch) else fonts
        # Beyond the BMP, reportlab's text layer keeps only 16 bits of the code (an emoji would read as another
        # character), so such characters are spelled out instead of drawn.
        name = None if code > 0xFFFF else next((n for n, covered in order if code in covered or ch == " "), None)
        piece = escape(ch) if name else f"[U+{code:04X}]"
        runs.append((name or fonts[0][0], piece))
    merged: list[list[str]] = []
    for name, piece in runs:
        if merged and merged[-1][0] == name:
            merged[-1][1] += piece
        else:
            merged.append([name, piece])
    return "".join(f'<font name="{name}">{pieces}</font>' for name, pieces in merged)


def _render(dst: Path, title_name: str, encoding: str, header: list[str], body: list[list[str]],
            roles: dict[str, int]) -> None:
    layout = transcript_settings()["layout"]
    fonts = _fonts()
    page = landscape(A4) if layout["landscape"] else A4
    margin = layout["margin_mm"] * mm
    cell = ParagraphStyle("cell", fontName=fonts[0][0], fontSize=layout["font_size"], leading=layout["leading"])
    title = ParagraphStyle("title", fontName=fonts[0][0], fontSize=layout["title_size"],
                           leading=layout["title_size"] * 1.3)
    widths = _column_widths(header, body, roles, page[0] - 2 * margin, layout)
    data = [[Paragraph(markup(text), cell) for text in row] for row in [header] + body]
    table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(layout["header_background"])),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(layout["grid_colour"])),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    heading = f"{title_name} — {_count(len(body), 'row')} — converted by evpack from CSV ({encoding})"
    tmp = dst.with_name(f".{dst.name}.part")
    try:
        # invariant=1: no creation date or random document id, so the same CSV gives the same bytes.
        doc = SimpleDocTemplate(str(tmp), pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
                                bottomMargin=margin, title=f"Transcript of {title_name}", author="evpack",
                                creator="evpack", invariant=1)
        doc.build([Paragraph(markup(heading), title), Spacer(1, 4 * mm), table])
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)


def _column_widths(header: list[str], body: list[list[str]], roles: dict[str, int], total: float,
                   layout: dict) -> list[float]:
    """A recognised message column gets `message_share` of the width; the rest share by typical text length."""
    count = len(header)
    minimum = min(layout["min_column_mm"] * mm, total / count)
    sample = body[:200]
    typical = [max(4.0, min(60.0, sum(len(row[i]) for row in sample) / max(1, len(sample)), len(header[i]) + 2.0))
               for i in range(count)]
    message = roles.get("message")
    if message is not None and count > 1:
        rest = total * (1 - layout["message_share"])
        others = sum(t for i, t in enumerate(typical) if i != message)
        widths = [total * layout["message_share"] if i == message else rest * t / others
                  for i, t in enumerate(typical)]
    else:
        widths = [total * t / sum(typical) for t in typical]
    widths = [max(minimum, w) for w in widths]
    scale = total / sum(widths)
    return [w * scale for w in widths]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _page_count(path: Path) -> int:
    """Re-opens the written transcript: a check that it is a valid PDF, and its page count."""
    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()
