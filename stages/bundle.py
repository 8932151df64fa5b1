"""Stage 'bundle': write OUT/<claim_id>/ (upload/, statement.txt, report.json) atomically, then check it.

The bundle is built in a hidden folder beside its final place and renamed into place, so OUT/<claim_id> is
either the old bundle or the complete new one, never half written. Each upload file is checked after writing
(type by its magic bytes, size, a PDF re-opened); a file that fails is kept out and reported, never passed on.
A packet with errors still gets its bundle of what could be used; report.json says it fails, and NOT-READY.txt
(its findings and fixes) stands beside it so the folder cannot be taken for a ready one.
PDFs are placed without what a viewer would run by itself (scripts, launch actions, attachments: see
pdfops.strip_active_content); report.json's `sanitised` says what was removed from which upload file. Names that
are not UTF-8 are shown escaped (\xff), with their bytes in hex under `raw_names`.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from pipeline.output import pdfops
from pipeline.output.bundle_settings import optional_limit
from pipeline.context import Context
from pipeline.errors import FileProblem
from pipeline.model import Finding, PacketState, UploadFile
from pipeline.output.layout import (NOT_READY, REPORT, STATEMENT, UPLOAD, bundle_name, private_staging,
                                    swap_into_place, unwritable)
from pipeline.output.reports.packet import not_ready_text, report_json
from pipeline.packet import display, printable_json, raw_hex

MAGIC = {"pdf": (pdfops.PDF_MAGIC,), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",)}


def run(state: PacketState, ctx: Context) -> PacketState:
    if ctx.out_dir is None:
        return state
    name = bundle_name(state)
    final = ctx.out_dir / name
    try:
        ctx.out_dir.mkdir(parents=True, exist_ok=True)
        staging = private_staging(ctx.out_dir, name)
    except OSError as exc:
        raise unwritable(ctx.out_dir, exc) from None
    try:
        (staging / UPLOAD).mkdir()
        sanitised: dict[str, list[str]] = {}
        written = [copy_upload(u, staging / UPLOAD, sanitised) for u in state.uploads]
        kept, findings = checked(written, ctx)
        kept_names = {u.name for u in kept}
        state = replace(state, uploads=tuple(kept),
                        placements=tuple(p for p in state.placements if p.upload in kept_names)
                        ).with_findings(*findings)
        # Plain writes are safe here: the whole staging folder becomes visible at once, or not at all.
        (staging / STATEMENT).write_text((state.statement or "") + "\n", encoding="utf-8")
        report = report_json(state, ctx)
        if sanitised:
            report["sanitised"] = {name: removed for name, removed in sanitised.items() if name in kept_names}
        raw_names = {display(name): raw_hex(name) for name in state.inputs if raw_hex(name)}
        if raw_names:
            report["raw_names"] = raw_names
        (staging / REPORT).write_text(json.dumps(printable_json(report), ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
        if state.verdict() == "fail":
            (staging / NOT_READY).write_text(not_ready_text(state, ctx), encoding="utf-8", errors="backslashreplace")
        swap_into_place(staging, final)
    except OSError as exc:  # a full disk, a folder made read-only meanwhile: the user's to fix, never a traceback
        raise unwritable(ctx.out_dir, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a successful swap
    uploads = tuple(replace(u, path=final / UPLOAD / u.name) for u in state.uploads)
    return replace(state, uploads=uploads).with_log(f"bundle: wrote {final} ({len(uploads)} upload file(s))")


def copy_upload(upload: UploadFile, folder: Path, sanitised: dict[str, list[str]]) -> UploadFile:
    """The upload file copied into the bundle; a PDF without active content (what was removed goes to
    `sanitised` under the file's name)."""
    dst = folder / upload.name
    if upload.type == "pdf":
        try:
            removed = pdfops.strip_active_content(upload.path, dst)
        except FileProblem:
            removed = []
            shutil.copyfile(upload.path, dst)  # checked() below reports a PDF that cannot be opened
        if removed:
            sanitised[upload.name] = removed
    else:
        shutil.copyfile(upload.path, dst)
    return replace(upload, path=dst, size=dst.stat().st_size)


def checked(uploads: list[UploadFile], ctx: Context) -> tuple[list[UploadFile], list[Finding]]:
    """The written files that meet the form's limits by content; every other one removed and reported."""
    max_files = ctx.profile.limit("max_files")
    max_bytes = ctx.profile.limit("max_file_bytes")
    allowed = set(ctx.profile.limit("file_types"))
    kept, findings = [], []
    for upload in uploads:
        problem = content_problem(upload, allowed, max_bytes)
        if problem is None and len(kept) >= max_files:
            problem = FileProblem("too-large", f"{upload.name} would be upload file {len(kept) + 1}; the form takes"
                                  f" {max_files}.", "leave weaker evidence out of the packet.")
        if problem is None:
            kept.append(upload)
            continue
        upload.path.unlink()
        findings.append(Finding(problem.rule, ctx.profile.severity(problem.rule),
                                f"{problem.message} It was left out of upload/.", problem.fix))
    total_limit = optional_limit(ctx.profile, "max_total_bytes")
    total = sum(u.size for u in kept)
    if total_limit and total > total_limit:
        findings.append(Finding("too-large", ctx.profile.severity("too-large"),
                                f"upload/ holds {total:,} bytes; the form takes {total_limit:,} in all.",
                                "leave weaker evidence out of the packet."))
    return kept, findings


def content_problem(upload: UploadFile, allowed: set[str], max_bytes: int) -> FileProblem | None:
    if upload.type not in allowed or not has_magic(upload.path, upload.type):
        return FileProblem("unsupported-format", f"{upload.name} is not a {upload.type} file by its content.",
                           "this is an evpack bug: please report it with report.json.")
    if upload.size > max_bytes:
        return FileProblem("too-large", f"{upload.name} is {upload.size:,} bytes, over {max_bytes:,}.",
                           "split the evidence into smaller files.")
    if upload.type == "pdf":
        try:
            pdfops.page_count(upload.path)
        except FileProblem as problem:
            return problem
    return None


def has_magic(path: Path, file_type: str) -> bool:
    with open(path, "rb") as stream:
        head = stream.read(16)
    return any(head.startswith(magic) for magic in MAGIC.get(file_type, ()))
