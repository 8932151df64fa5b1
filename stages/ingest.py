"""Stage 'ingest': what each evidence file is (by content, not name), and a PDF/JPEG/PNG to work on.

PDF, JPEG and PNG pass as they are after a sanity check. HEIC, WEBP, TIFF, BMP, GIF become PNG (a multi-page TIFF a
PDF) without loss; a message-export CSV becomes a PDF transcript. Archives, office files, videos, audio, links and
QR codes are refused with a finding that says what to do. Inputs are only read: every conversion is written to
ctx.workdir/ingest/NNN-name. One bad file never stops the others. Each verdict (and conversion) is kept in the
ingest cache under ctx.cache_dir by content hash, so a packet checked again is neither decoded nor converted again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from pipeline import runtime
from pipeline.ingest import convert
from pipeline.context import Context
from pipeline.errors import FileProblem
from pipeline.model import EvidenceFile, Finding, PacketState
from pipeline.ingest.sniff import Sniffed, cloud_link, dominant_qr_code, ingest_rules, is_hidden, link_text, sniff
from pipeline.packet import display, entry_problem

CONVERTIBLE = ("heic", "avif", "webp", "tiff", "bmp", "gif")
TEXT_KINDS = ("text", "html", "url", "webloc")
VERSIONED_PACKAGES = ("pillow", "pillow-heif", "pypdf", "pypdfium2", "img2pdf", "zxing-cpp", "reportlab")
LABELS = {"heic": "HEIC", "avif": "AVIF", "webp": "WEBP", "tiff": "TIFF", "bmp": "BMP", "gif": "GIF",
          "jpeg": "JPEG", "png": "PNG"}


@dataclass(frozen=True)
class Ingested:
    evidence: EvidenceFile
    finding: Finding | None   # the finding that stops the file's use, if any
    note: str = ""            # where the verdict came from, for the log ("" = worked out now)


def run(state: PacketState, ctx: Context) -> PacketState:
    workdir = ctx.workdir / "ingest"
    workdir.mkdir(parents=True, exist_ok=True)
    verdicts = convert.VerdictCache(ctx.cache_dir, rules_version(ctx) if ctx.cache_dir else "")
    budgets = ingest_rules()["budgets"]
    files: list[EvidenceFile] = []
    findings: list[Finding] = []
    log: list[str] = []
    first_source_of: dict[str, str] = {}
    inputs = [s for s in state.inputs if not is_hidden(s)]
    log += [f"ingest: ignored {display(s)}: a file the computer made (system litter), not evidence"
            for s in state.inputs if is_hidden(s)]
    if len(inputs) > budgets["files_per_packet"]:
        left = inputs[budgets["files_per_packet"]:]
        inputs = inputs[:budgets["files_per_packet"]]
        shown = ", ".join(display(s) for s in left[:5]) + (" ..." if len(left) > 5 else "")
        findings.append(Finding("too-large", ctx.profile.severity("too-large"),
                                f"The packet holds {len(inputs) + len(left):,} files; evpack reads at most "
                                f"{len(inputs):,} (budgets.files_per_packet), so {len(left):,} were not read: "
                                f"{shown}.", "keep in the packet folder only the evidence for this claim", left[0]))
    pages_left = budgets["pages_per_packet"]
    for number, source in enumerate(inputs, start=1):
        path = Path(state.root or ".") / source
        refused = entry_problem(path, state.root)
        if refused is None and os.stat(path).st_size > budgets["bytes_per_file"]:
            refused = (f"holds {os.stat(path).st_size:,} bytes; evpack reads at most {budgets['bytes_per_file']:,} "
                       "bytes of a file (budgets.bytes_per_file)")
            rule, fix = "too-large", "export it again at a normal size, or keep only the pages that matter"
        elif refused and os.path.isdir(path) and not os.path.islink(path):  # past budgets.folder_depth
            rule, fix = "too-large", "move the evidence files up, nearer the packet folder"
        else:
            rule, fix = "unreadable-file", ("put the file itself in the packet folder (a copy, not a link or a "
                                            "device)")
        if refused:
            files.append(EvidenceFile(source=source, path=path.absolute(), sha256="", size=0, detected="unreadable"))
            findings.append(Finding(rule, ctx.profile.severity(rule), f"{display(source)} {refused}; it was not "
                                    "read.", fix, source))
            continue
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
        ingested = ingest_file(source, path, digest, size, workdir / f"{number:03d}-{_safe_stem(source)}", ctx,
                               verdicts)
        evidence, finding = ingested.evidence, ingested.finding
        if finding is None and evidence.pages > pages_left:
            finding = Finding("too-large", ctx.profile.severity("too-large"),
                              f"{display(source)} has {evidence.pages:,} pages, and only {max(pages_left, 0):,} of "
                              f"the {budgets['pages_per_packet']:,} pages evpack reads of a packet are left "
                              "(budgets.pages_per_packet); it was not read.",
                              "split the claim's evidence down to the pages that show it", source)
            evidence = replace(evidence, usable=None, usable_type=None)
        pages_left -= evidence.pages if finding is None else 0
        files.append(evidence)
        origin = f" ({ingested.note})" if ingested.note else ""
        if finding:
            findings.append(finding)
            log.append(f"ingest: {source}: {evidence.detected} by content -> {finding.rule}{origin}")
        else:
            log.append(f"ingest: {source}: {evidence.detected} by content -> "
                       f"{evidence.conversion or 'used as it is'}{origin}")
    state = replace(state, files=tuple(files)).with_findings(*findings)
    return state.with_log(*log)


def ingest_file(source: str, path: Path, digest: str, size: int, work_stem: Path, ctx: Context,
                verdicts: convert.VerdictCache | None = None) -> Ingested:
    """One input as an EvidenceFile, with the finding that stops its use (if any). `work_stem` + suffix names
    the conversion's output. With `verdicts` (the ingest cache) a verdict on the same content is reused, and a
    new one is stored with its conversion, which then lives in the cache."""
    base = EvidenceFile(source=source, path=path.absolute(), sha256=digest, size=size, detected="unknown")
    try:
        sniffed = sniff(path)
    except OSError as exc:
        return Ingested(base, Finding("unreadable-file", ctx.profile.severity("unreadable-file"),
                                      f"The file cannot be read ({exc.strerror or exc}).",
                                      "check that it exists and that you are allowed to read it", source))
    evidence = replace(base, detected=sniffed.kind)
    verdicts = verdicts or convert.VerdictCache(None, "")
    # A transcript shows the CSV's file name, so the same content under another name is another verdict.
    variant = Path(source).name if sniffed.kind == "csv" else ""
    note = "from the ingest cache"
    verdict = verdicts.get(digest, variant)
    if verdict is None:
        try:
            verdict = _verdict(evidence, sniffed, work_stem, ctx)
        except OSError as exc:  # may pass (a file still being copied): not cached
            return Ingested(evidence, Finding("unreadable-file", ctx.profile.severity("unreadable-file"),
                                              f"{_described(sniffed, path)}: it cannot be read "
                                              f"({exc.strerror or exc}).", convert.AGAIN, source))
        stored = verdicts.put(digest, variant, verdict)
        note = "" if stored or verdicts.folder is None else f"could not write the ingest cache under {verdicts.folder}"
        verdict = stored or verdict
    if verdict.problem:
        problem = verdict.problem
        return Ingested(evidence, Finding(problem.rule, ctx.profile.severity(problem.rule),
                                          f"{_described(sniffed, path)}: {problem.message}", problem.fix, source),
                        note)
    usable = verdict.converted or evidence.path
    return Ingested(replace(evidence, usable=usable, usable_type=verdict.usable_type, pages=verdict.pages,
                            conversion=verdict.conversion), None, note)


def rules_version(ctx: Context) -> str:
    """What an ingest verdict depends on besides the content: this code and its data, the decoding libraries, and
    the profile's external-link rules. Severities are not part of it: they are looked up afresh on every use."""
    links = json.dumps(ctx.profile.data.get("external_links", {}), sort_keys=True, default=str)
    return hashlib.sha256(f"{_code_version()}|{links}".encode()).hexdigest()


@functools.cache
def _code_version() -> str:
    from importlib import metadata
    digest = hashlib.sha256(runtime.code_fingerprint().encode())
    for package in VERSIONED_PACKAGES:
        digest.update(f"|{package} {metadata.version(package)}".encode())
    return digest.hexdigest()


def _verdict(evidence: EvidenceFile, sniffed: Sniffed, work_stem: Path, ctx: Context) -> convert.Verdict:
    """The usable PDF/JPEG/PNG of the evidence, or the FileProblem that says why there is none."""
    try:
        return _usable(evidence, sniffed, work_stem, ctx)
    except FileProblem as problem:
        return convert.Verdict(problem=problem)


def _usable(evidence: EvidenceFile, sniffed: Sniffed, work_stem: Path, ctx: Context) -> convert.Verdict:
    """The verdict with the usable PDF/JPEG/PNG, or FileProblem saying why there is none."""
    kind, path = sniffed.kind, evidence.path
    if kind == "empty":
        raise FileProblem("unreadable-file", "it has 0 bytes, there is nothing in it.",
                          "copy the file again from where it came from; an interrupted download leaves 0 bytes")
    if kind == "pdf":
        budgets = ingest_rules()["budgets"]
        check = convert.check_pdf(path, ingest_rules()["pdf"]["eof_window"], budgets["pages_per_file"],
                                  budgets["images_per_file"])
        if check.encrypted:
            copy = convert.decrypted_copy(path, work_stem.with_suffix(".pdf"))
            return _converted(copy, "; ".join(copy.notes))
        return convert.Verdict(usable_type="pdf", pages=check.pages)
    if kind in ("jpeg", "png") or kind in CONVERTIBLE:
        # One decode serves the check, the conversion and the QR sniff (a 35 MP PNG takes ~0.35 s to decode).
        budget = ingest_rules()["budgets"]["pages_per_file"]
        with convert.decoded_image(path, budget) as (image, check):
            if check.frames > budget:
                raise convert.over_frames(budget)
            if kind == "tiff" and check.frames > 1:
                pages = convert.frames_to_pdf(path, work_stem.with_suffix(".pdf"), work_stem.parent / "pages",
                                              check.frames)
                return _converted(pages, "; ".join(["TIFF -> PDF, lossless", *pages.notes]))
            if kind in ("jpeg", "png") and check.orientation == 1:
                verdict = convert.Verdict(usable_type=kind, pages=1)
            else:
                # Rotating a JPEG's pixels means re-encoding it; a PNG of the upright pixels loses nothing.
                png = convert.png_of(image, work_stem.with_suffix(".png"), check.frames)
                verdict = _converted(png, _conversion_note(kind, png))
            _refuse_qr_code(image, ctx)  # a QR code is found in any rotation: the stored pixels will do
            return verdict
    if kind == "csv":
        from pipeline.ingest.transcript import transcribe  # reportlab: loaded only for a CSV
        transcript = transcribe(path, work_stem.with_suffix(".pdf"), Path(evidence.source).name)
        return convert.Verdict(usable_type="pdf", pages=transcript.pages, conversion=transcript.note,
                               converted=transcript.path)
    if kind in TEXT_KINDS:
        link = cloud_link(link_text(path, sniffed), ctx.profile.cloud_hosts)
        if link:
            host, written = link
            refusal = ingest_rules()["refusals"]["cloud-link"]
            raise FileProblem(refusal["rule"], f"it carries a link to {host} ({written}); {refusal['why']}.",
                              refusal["fix"].format(host=host))
    refusal = _refusal(kind)
    raise FileProblem(refusal["rule"], f"{refusal['why']}.", refusal["fix"])


def _converted(converted: convert.Converted, note: str) -> convert.Verdict:
    return convert.Verdict(usable_type=converted.type, pages=converted.pages, conversion=note,
                           converted=converted.path)


def _conversion_note(kind: str, png: convert.Converted) -> str:
    why = "(rotating a JPEG would re-encode it)" if kind == "jpeg" else "(pixels exactly as decoded)"
    return "; ".join([f"{LABELS[kind]} -> PNG, lossless {why}", *png.notes])


def _refuse_qr_code(image: Image.Image, ctx: Context) -> None:
    """An image that is mostly a QR code is a link offered as evidence (the profile's external_links.qr_codes)."""
    if not ctx.profile.data.get("external_links", {}).get("qr_codes", True):
        return
    try:
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
