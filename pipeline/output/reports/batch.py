"""What a batch leaves at OUT/ besides the bundles: summary.json (schema evpack.batch/1), junit.xml (one testcase per
packet) and report.html (one self-contained page for the agency), plus the progress bar and the closing lines on
stderr. Everything is written atomically; only the parent process writes here.

File names, claim statements and OCR text are untrusted: report.html is rendered by jinja2 with autoescape on, and a
Content-Security-Policy lets only the page's own script (by nonce) run, so an injected <script> stays inert text.
"""
from __future__ import annotations

import base64
import io
import json
import os
import re
import secrets
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Self
from urllib.parse import quote

import pypdfium2
from jinja2 import Environment, FileSystemLoader
from PIL import Image, UnidentifiedImageError
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from pipeline import __version__
from pipeline.context import Context
from pipeline.output.bundle_settings import bundle_settings
from pipeline.i18n import format_left, format_when, gettext_for, localize_finding, rule_title
from pipeline.packet import printable_text

if TYPE_CHECKING:
    from pipeline.batch.batch import PacketSummary

SCHEMA = "evpack.batch/1"
VERDICTS = ("pass", "fail", "error", "cancelled")
TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
SUMMARY, JUNIT, REPORT_HTML = "summary.json", "junit.xml", "report.html"
HTML_LANG = {"en": "en", "ko": "ko", "zh_Hans": "zh-Hans"}
# XML 1.0 cannot carry these at all (OCR text sometimes holds them): shown as U+FFFD instead of breaking junit.xml.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class BatchOutputs:
    summary: Path
    junit: Path
    report: Path


def write_all(out: Path, root: Path, summaries: list[PacketSummary], ctx: Context, *,
              interrupted: bool = False) -> BatchOutputs:
    outputs = BatchOutputs(out / SUMMARY, out / JUNIT, out / REPORT_HTML)
    document = summary_json(root, summaries, ctx, interrupted)
    atomic_write(outputs.summary, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    atomic_write(outputs.junit, junit_xml(summaries))
    atomic_write(outputs.report, report_html(out, summaries, ctx))
    return outputs


def atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(tmp, 0o666 & ~current_umask())  # mkstemp makes 0600; the agency's other users must read these
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def counts(summaries: list[PacketSummary]) -> dict[str, int]:
    return {verdict: sum(1 for s in summaries if s.verdict == verdict) for verdict in VERDICTS}


# ---- summary.json -------------------------------------------------------------------------------------

def summary_json(root: Path, summaries: list[PacketSummary], ctx: Context, interrupted: bool) -> dict:
    return {
        "schema": SCHEMA,
        "evpack": __version__,
        "profile": ctx.profile.name,
        "now": ctx.now.isoformat(),
        "root": str(root),
        "zone": ctx.display_zone,
        "interrupted": interrupted,
        "counts": {**counts(summaries), "total": len(summaries)},
        "packets": [s.to_json(ctx.now, ctx.display_zone) for s in summaries],
    }


def summary_text(summaries: list[PacketSummary], ctx: Context) -> str:
    """The closing lines on stderr: the counts, then every packet that did not pass and why, in the user's language."""
    _ = gettext_for(ctx.lang)
    c = counts(summaries)
    lines = [_("{passed} passed, {failed} failed, {errors} errors, {cancelled} cancelled, of {total} packets",
               passed=c["pass"], failed=c["fail"], errors=c["error"], cancelled=c["cancelled"], total=len(summaries))]
    for s in summaries:
        if s.verdict == "fail":
            titles = sorted({rule_title(f["rule"], ctx.lang) for f in s.findings if f.get("severity") == "error"})
            lines.append(f"  {_(s.verdict)}  {s.path}  {s.claim_id or ''}  {'; '.join(titles)}")
        elif s.verdict == "error":
            lines.append(f"  {_(s.verdict)}  {s.path}  {s.error}  {_('Details: {log}', log=s.log)}")
    return printable_text("\n".join(lines))  # packet folder names are the user's: no raw escape sequences


# ---- junit.xml ----------------------------------------------------------------------------------------

def junit_xml(summaries: list[PacketSummary]) -> str:
    """One testcase per packet: fail -> <failure> with every finding, error -> <error>, cancelled -> <skipped>."""
    c = counts(summaries)
    total_time = f"{sum(s.seconds for s in summaries):.2f}"
    attrs = {"name": "evpack batch", "tests": str(len(summaries)), "failures": str(c["fail"]),
             "errors": str(c["error"]), "skipped": str(c["cancelled"]), "time": total_time}
    suites = ET.Element("testsuites", attrs)
    suite = ET.SubElement(suites, "testsuite", attrs)
    for s in summaries:
        case = ET.SubElement(suite, "testcase", {"classname": xml_text(s.seller or "evpack"),
                                                 "name": xml_text(f"{s.claim_id or s.path} ({s.path})"),
                                                 "time": f"{s.seconds:.2f}"})
        listing = "\n".join(finding_line(f) for f in s.findings)
        if s.verdict == "fail":
            errors = s.counts()["error"]
            failure = ET.SubElement(case, "failure", {"type": "evpack.fail",
                                                      "message": f"{errors} error finding(s)"})
            failure.text = xml_text(listing)
        elif s.verdict == "error":
            error = ET.SubElement(case, "error", {"type": "evpack.error", "message": xml_text(s.error)})
            error.text = xml_text(f"{s.error}\nlog: {s.log}")
        elif s.verdict == "cancelled":
            ET.SubElement(case, "skipped", {"message": "interrupted before this packet was built"})
        elif listing:
            ET.SubElement(case, "system-out").text = xml_text(listing)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def finding_line(finding: dict) -> str:
    where = f" {finding['file']}" if finding.get("file") else ""
    fix = f" Fix: {finding['fix']}" if finding.get("fix") else ""
    return f"[{finding['severity']}] {finding['rule']}{where}: {finding['message']}{fix}"


def xml_text(text: str) -> str:
    return XML_ILLEGAL.sub("\ufffd", text)


# ---- report.html --------------------------------------------------------------------------------------

def report_html(out: Path, summaries: list[PacketSummary], ctx: Context) -> str:
    _ = gettext_for(ctx.lang)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    c = counts(summaries)
    packets = [packet_view(out, s, ctx, anchor=f"packet-{number}")
               for number, s in enumerate(sorted(summaries, key=lambda s: urgency_order(s, ctx)), start=1)]
    return env.get_template("report.html.j2").render(
        _=_, html_lang=HTML_LANG.get(_.lang, "en"), nonce=secrets.token_urlsafe(16),
        generated=format_when(ctx.now, ctx.lang, ctx.display_zone),
        counts_line=_("{passed} passed, {failed} failed, {errors} errors, {cancelled} cancelled, of {total} packets",
                      passed=c["pass"], failed=c["fail"], errors=c["error"], cancelled=c["cancelled"],
                      total=len(summaries)),
        sellers=sorted({s.seller for s in summaries if s.seller}),
        verdicts=[(v, _(v)) for v in VERDICTS if c[v]], packets=packets)


def urgency_order(s: PacketSummary, ctx: Context) -> tuple:
    """Open windows first, the one closing soonest on top; then packets without a deadline; closed ones last."""
    left = s.time_left(ctx.now)
    if left is None:
        return (1, 0.0, s.path)
    return (2, -left.total_seconds(), s.path) if left < timedelta(0) else (0, left.total_seconds(), s.path)


def urgency(left: timedelta | None, ctx: Context) -> str:
    if left is None:
        return "no-deadline"
    if left < timedelta(0):
        return "closed"
    return "urgent" if left < timedelta(hours=float(ctx.profile.limit("deadline_soon_hours"))) else "open"


def packet_view(out: Path, s: PacketSummary, ctx: Context, anchor: str = "") -> dict:
    """What the template shows of one packet. Hrefs are relative to OUT (where report.html is) and percent-encoded
    segment by segment, so a hostile name stays a path inside OUT, never a scheme or a parent folder."""
    _ = gettext_for(ctx.lang)
    left = s.time_left(ctx.now)
    window_zone = ctx.profile.limit("window_zone")
    findings = [{**f, "title": rule_title(f["rule"], ctx.lang), "severity_label": _(f["severity"]),
                 **dict(zip(("message", "fix"), localize_finding(f["rule"], f.get("message", ""),
                                                                 f.get("fix", ""), ctx.lang)))}
                for f in s.findings]
    folder = href(s.output) + "/" if s.output else ""
    return {
        "anchor": anchor, "path": s.path, "claim_id": s.claim_id, "seller": s.seller, "verdict": s.verdict,
        "verdict_label": _(s.verdict), "urgency": urgency(left, ctx), "time_left": format_left(left, ctx.lang),
        "deadline_window": format_when(s.deadline, ctx.lang, window_zone) if s.deadline else "",
        "deadline_local": format_when(s.deadline, ctx.lang, ctx.display_zone) if s.deadline else "",
        "output": s.output, "folder_href": folder, "reused": s.reused, "error": s.error, "log": s.log,
        "findings": findings, "first_fix": first_fix(findings), "statement": s.statement,
        "uploads": upload_views(out / s.output, s.uploads, folder, _) if s.output else [],
    }


def upload_views(bundle: Path, uploads: tuple[str, ...], folder: str, _) -> list[dict]:
    """Each upload file with thumbnails of its pages (bundle.toml [report] bounds them per file and per packet; the
    pages past a bound are counted) and, on each page, the boxes of the facts found there (report.json's
    fact_boxes, as fractions of the page, drawn as percentages)."""
    limits = bundle_settings()["report"]
    boxes = bundle_facts(bundle)
    left = limits["thumbnail_pages_per_packet"]
    views = []
    for name in uploads:
        shown = max(0, min(limits["thumbnail_pages_per_file"], left))
        pages, total = page_thumbnails(bundle / "upload" / name, shown)
        left -= len(pages)
        views.append({
            "name": name, "href": folder + "upload/" + href(name), "more": max(0, total - len(pages)),
            "pages": [{"number": number, "uri": uri,
                       "boxes": [box_view(b, mark, _) for mark, b in enumerate(
                           (b for b in boxes if b["upload"] == name and b["page"] == number), start=1)]}
                      for number, uri in enumerate(pages, start=1)]})
    return views


def box_view(box: dict, mark: int, _) -> dict:
    """A fact box as the page draws it: its kind (the colour), its number on the thumbnail, the label of the
    legend under it, and its place as percentages of the page."""
    kind = box.get("fact") if box.get("fact") in FACT_KINDS else FIELD_KINDS[box["field"]]
    x0, y0, x1, y1 = box["box"]
    return {"kind": kind, "mark": mark, "name": _(FACT_KINDS[kind]), "value": str(box.get("value", "")),
            "label": f"{_(FACT_KINDS[kind])}: {box.get('value', '')}",
            "style": "left:{:.2f}%;top:{:.2f}%;width:{:.2f}%;height:{:.2f}%".format(
                x0 * 100, y0 * 100, (x1 - x0) * 100, (y1 - y0) * 100)}


# The facts report.json boxes (pipeline/output/fact_boxes.py) and their labels; a bundle written before facts
# were named gives only the field.
FACT_KINDS = {"tracking": "Tracking number", "carrier": "Carrier", "delivery_time": "Delivery time",
              "capture_time": "Capture time", "url": "URL", "address": "Address", "time": "Time"}
FIELD_KINDS = {"tracking_numbers": "tracking", "timestamps": "time", "urls": "url", "korean_addresses": "address"}


def bundle_facts(bundle: Path) -> list[dict]:
    """The fact boxes a bundle's report.json lists; none when it has none or cannot be read (an older bundle)."""
    try:
        found = json.loads((bundle / "report.json").read_text(encoding="utf-8")).get("fact_boxes", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [b for b in found if isinstance(b, dict) and b.get("field") in FIELD_KINDS
            and isinstance(b.get("box"), list) and len(b["box"]) == 4
            and all(isinstance(v, (int, float)) for v in b["box"])]


def href(name: str) -> str:
    """A relative URL path for a file or folder name inside OUT (every character but letters, digits and -._~
    percent-encoded, the slash included)."""
    return quote(name, safe="")


def first_fix(findings: list[dict]) -> str:
    """The fix of the first error finding, else of the first warning, else of the first finding that has one."""
    for severity in ("error", "warning", None):
        for f in findings:
            if f.get("fix") and (severity is None or f.get("severity") == severity):
                return f["fix"]
    return ""


THUMBNAIL_FAILURES = (OSError, pypdfium2.PdfiumError, UnidentifiedImageError, Image.DecompressionBombError, ValueError)


def page_thumbnails(path: Path, limit: int) -> tuple[list[str | None], int]:
    """Small JPEGs of the file's first `limit` pages as data: URIs (None for a page that cannot be rendered, shown
    as 'no preview'), and how many pages the file has (1 for an image; 1 when it cannot be opened at all)."""
    if path.suffix.lower() != ".pdf":
        return ([thumbnail_uri(lambda: _image_copy(path))] if limit else []), 1
    try:
        pdf = pypdfium2.PdfDocument(path)
    except THUMBNAIL_FAILURES:
        return ([None] if limit else []), 1
    try:
        return [thumbnail_uri(lambda i=i: _page_render(pdf[i])) for i in range(min(limit, len(pdf)))], len(pdf)
    finally:
        pdf.close()


def _page_render(page: pypdfium2.PdfPage) -> Image.Image:
    side = bundle_settings()["report"]["thumbnail_px"]
    return page.render(scale=side / max(page.get_width(), page.get_height())).to_pil()


def _image_copy(path: Path) -> Image.Image:
    side = bundle_settings()["report"]["thumbnail_px"]
    with Image.open(path) as original:
        original.draft("RGB", (side, side))  # JPEG: decode at a fraction of the size
        return original.copy()


def thumbnail_uri(picture) -> str | None:
    """The picture `picture()` makes, as a small JPEG data: URI; None when it cannot be made."""
    limits = bundle_settings()["report"]
    try:
        image = picture()
        image.thumbnail((limits["thumbnail_px"], limits["thumbnail_px"]))
        buffer = io.BytesIO()
        image.convert("RGB").save(buffer, "JPEG", quality=limits["thumbnail_quality"], optimize=True)
    except THUMBNAIL_FAILURES:
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# ---- progress on stderr -------------------------------------------------------------------------------

class BatchProgress:
    """A rich progress bar on stderr: packets done of all, and which packets are running in which stage.
    Disabled (every method a no-op) when stderr is not a terminal, so logs and CI output stay clean."""

    def __init__(self, total: int, enabled: bool, lang: str):
        self.total = total
        self.enabled = enabled
        self._ = gettext_for(lang)
        self.running: dict[str, str] = {}
        self.progress: Progress | None = None
        self.task = None

    def __enter__(self) -> Self:
        if self.enabled:
            self.progress = Progress(SpinnerColumn(), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     TextColumn("{task.description}"), console=Console(stderr=True))
            self.progress.start()
            self.task = self.progress.add_task("", total=self.total)
        return self

    def __exit__(self, *exc) -> bool:
        if self.progress:
            self.progress.stop()
        return False

    def started(self, rel: str) -> None:
        self.running[rel] = ""
        self._refresh()

    def stage(self, rel: str, stage: str) -> None:
        if rel in self.running:
            self.running[rel] = stage
            self._refresh()

    def finished(self, summary: PacketSummary) -> None:
        self.running.pop(summary.path, None)
        if self.progress:
            self.progress.advance(self.task)
        self._refresh()

    def _refresh(self) -> None:
        if self.progress:
            running = ", ".join(f"{rel} ({stage})" if stage else rel for rel, stage in self.running.items())
            self.progress.update(self.task, description=escape(running[:100]))
