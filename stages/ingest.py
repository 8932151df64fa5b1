"""Stage 'ingest': what each evidence file is (by content, not name), and a PDF/JPEG/PNG to work on.

PDF, JPEG and PNG pass as they are after a sanity check. HEIC, WEBP, TIFF, BMP, GIF become PNG (a multi-page TIFF a
PDF) without loss; a message-export CSV becomes a PDF transcript. Archives, office files, videos, audio, links and
QR codes are refused with a finding that says what to do. Inputs are only read: every conversion is written to
ctx.workdir/ingest/NNN-name. One bad file never stops the others.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from PIL import Image

from pipeline import convert
from pipeline.context import Context
from pipeline.errors import FileProblem
from pipeline.model import EvidenceFile, Finding, PacketState
from pipeline.sniff import Sniffed, cloud_link, dominant_qr_code, ingest_rules, is_hidden, link_text, sniff
from pipeline.transcript import transcribe

CONVERTIBLE = ("heic", "avif", "webp", "tiff", "bmp", "gif")
TEXT_KINDS = ("text", "html", "url", "webloc")
LABELS = {"heic": "HEIC", "avif": "AVIF", "webp": "WEBP", "tiff": "TIFF", "bmp": "BMP", "gif": "GIF",
          "jpeg": "JPEG", "png": "PNG"}


def run(state: PacketState, ctx: Context) -> PacketState:
    workdir = ctx.workdir / "ingest"
    workdir.mkdir(parents=True, exist_ok=True)
    files: list[EvidenceFile] = []
    findings: list[Finding] = []
    log: list[str] = []
    first_source_of: dict[str, str] = {}
    for number, source in enumerate(state.inputs, start=1):
        if is_hidden(source):
            log.append(f"ingest: ignored {source}: a file the computer made (system litter), not evidence")
            continue
        path = Path(state.root or ".") / source
        try:
            digest, size = _fingerprint(path)
        except OSError as exc:
            files.append(EvidenceFile(source=source, path=path.absolute(), sha256="", size=0, detected="unreadable"))
            findings.append(Finding("unreadable-file", ctx.profile.severity("unreadable-file"),
                                    f"The file cannot be read ({exc.strerror or exc}).",
                                    "check that it exists and that you are allowed to read it", source))
            continue
        if digest in first_source_of:
            log.append(f"ingest: {source} has the same content as {first_source_of[digest]} "
                       f"(sha256 {digest[:12]}): kept once")
            continue
        first_source_of[digest] = source
        evidence, finding = ingest_file(source, path, digest, size, workdir / f"{number:03d}-{_safe_stem(source)}",
                                        ctx)
        files.append(evidence)
        if finding:
            findings.append(finding)
            log.append(f"ingest: {source}: {evidence.detected} by content -> {finding.rule}")
        else:
            log.append(f"ingest: {source}: {evidence.detected} by content -> "
                       f"{evidence.conversion or 'used as it is'}")
    state = replace(state, files=tuple(files)).with_findings(*findings)
    return state.with_log(*log)


def ingest_file(source: str, path: Path, digest: str, size: int, work_stem: Path,
                ctx: Context) -> tuple[EvidenceFile, Finding | None]:
    """One input as an EvidenceFile, with the finding that stops its use (if any). `work_stem` + suffix names
    the conversion's output."""
    base = EvidenceFile(source=source, path=path.absolute(), sha256=digest, size=size, detected="unknown")
    try:
        sniffed = sniff(path)
    except OSError as exc:
        return base, Finding("unreadable-file", ctx.profile.severity("unreadable-file"),
                             f"The file cannot be read ({exc.strerror or exc}).",
                             "check that it exists and that you are allowed to read it", source)
    evidence = replace(base, detected=sniffed.kind)
    try:
        return _usable(evidence, sniffed, work_stem, ctx), None
    except FileProblem as problem:
        return evidence, Finding(problem.rule, ctx.profile.severity(problem.rule),
                                 f"{_described(sniffed, path)}: {problem.message}", problem.fix, source)
    except OSError as exc:
        return evidence, Finding("unreadable-file", ctx.profile.severity("unreadable-file"),
                                 f"{_described(sniffed, path)}: it cannot be read ({exc.strerror or exc}).",
                                 convert.AGAIN, source)


def _usable(evidence: EvidenceFile, sniffed: Sniffed, work_stem: Path, ctx: Context) -> EvidenceFile:
    """The evidence with its usable PDF/JPEG/PNG, or FileProblem saying why there is none."""
    kind, path = sniffed.kind, evidence.path
    if kind == "empty":
        raise FileProblem("unreadable-file", "it has 0 bytes, there is nothing in it.",
                          "copy the file again from where it came from; an interrupted download leaves 0 bytes")
    if kind == "pdf":
        check = convert.check_pdf(path, ingest_rules()["pdf"]["eof_window"])
        if check.encrypted:
            copy = convert.decrypted_copy(path, work_stem.with_suffix(".pdf"))
            return _with(evidence, copy, "; ".join(copy.notes))
        return replace(evidence, usable=path, usable_type="pdf", pages=check.pages)
    if kind in ("jpeg", "png"):
        check = convert.check_image(path)
        if check.orientation != 1:
            # Rotating a JPEG's pixels means re-encoding it; a PNG of the upright pixels loses nothing.
            upright = convert.image_to_png(path, work_stem.with_suffix(".png"))
            evidence = _with(evidence, upright, _conversion_note(kind, upright))
        else:
            evidence = replace(evidence, usable=path, usable_type=kind, pages=1)
        _refuse_qr_code(evidence.usable, ctx)
        return evidence
    if kind in CONVERTIBLE:
        check = convert.check_image(path)
        if kind == "tiff" and check.frames > 1:
            pages = convert.frames_to_pdf(path, work_stem.with_suffix(".pdf"), work_stem.parent / "pages")
            return _with(evidence, pages, "; ".join(["TIFF -> PDF, lossless", *pages.notes]))
        png = convert.image_to_png(path, work_stem.with_suffix(".png"))
        evidence = _with(evidence, png, _conversion_note(kind, png))
        _refuse_qr_code(png.path, ctx)
        return evidence
    if kind == "csv":
        transcript = transcribe(path, work_stem.with_suffix(".pdf"), Path(evidence.source).name)
        return replace(evidence, usable=transcript.path, usable_type="pdf", pages=transcript.pages,
                       conversion=transcript.note)
    if kind in TEXT_KINDS:
        link = cloud_link(link_text(path, sniffed), ctx.profile.cloud_hosts)
        if link:
            host, written = link
            refusal = ingest_rules()["refusals"]["cloud-link"]
            raise FileProblem(refusal["rule"], f"it carries a link to {host} ({written}); {refusal['why']}.",
                              refusal["fix"].format(host=host))
    refusal = _refusal(kind)
    raise FileProblem(refusal["rule"], f"{refusal['why']}.", refusal["fix"])


def _with(evidence: EvidenceFile, converted: convert.Converted, note: str) -> EvidenceFile:
    return replace(evidence, usable=converted.path, usable_type=converted.type, pages=converted.pages,
                   conversion=note)


def _conversion_note(kind: str, png: convert.Converted) -> str:
    why = "(rotating a JPEG would re-encode it)" if kind == "jpeg" else "(pixels exactly as decoded)"
    return "; ".join([f"{LABELS[kind]} -> PNG, lossless {why}", *png.notes])


def _refuse_qr_code(image_path: Path, ctx: Context) -> None:
    """An image that is mostly a QR code is a link offered as evidence (the profile's external_links.qr_codes)."""
    if not ctx.profile.data.get("external_links", {}).get("qr_codes", True):
        return
    try:
        with Image.open(image_path) as image:
            image.draft("L", (ingest_rules()["qr"]["sample_side"],) * 2)  # JPEG: decode at a reduced size
            code = dominant_qr_code(image)
    except convert.IMAGE_FAILURES as exc:
        raise FileProblem("unreadable-file", f"the image cannot be decoded ({exc}).", convert.AGAIN) from None
    if code:
        refusal = ingest_rules()["refusals"]["qr-code"]
        raise FileProblem(refusal["rule"],
                          f"the picture is a QR code (it covers {code.share:.0%} of the image and encodes "
                          f"'{code.text[:120]}'); {refusal['why']}.", refusal["fix"])


def _refusal(kind: str) -> dict:
    refusals = ingest_rules()["refusals"]
    return next((entry for entry in refusals.values() if kind in entry["kinds"]), refusals["unknown"])


def _described(sniffed: Sniffed, path: Path) -> str:
    """"A ZIP archive (by its content; the name says .pdf)": what the file is, and why evpack thinks so."""
    suffix = path.suffix.lower().lstrip(".")
    fitting = ingest_rules()["suffixes"].get(sniffed.kind, [])
    if suffix and suffix not in fitting:
        says = f"; the name says .{suffix}"
    elif not suffix:
        says = "; the name has no extension"
    else:
        says = ""
    name = sniffed.name[0].upper() + sniffed.name[1:]
    return f"{name} (by its content{says})"


def _fingerprint(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _safe_stem(source: str) -> str:
    """The file's name without folders or odd characters, for work file names that are easy to find."""
    stem = re.sub(r"[^\w.-]+", "_", Path(source.replace("\\", "/")).stem).strip("._")
    return stem[:60] or "file"
