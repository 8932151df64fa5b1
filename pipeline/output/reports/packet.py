"""report.json of a bundle (schema evpack.report/1): verdict, findings, fields per file, and lineage.

Lineage accounts for every input: its sha256 and where each of its pages went in upload/, or the rule that kept it
out; `left_out` lists the files judged not needed and kept out of upload/ (status "left-out"), with why. Nothing is
dropped silently.
"""
from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from pipeline import __version__
from pipeline.context import Context
from pipeline.i18n import format_left, format_when, gettext_for, localize_finding, rule_title
from pipeline.model import PacketState
from pipeline.output.fact_boxes import fact_boxes
from pipeline.output.reports.check import ordered

SCHEMA = "evpack.report/1"
LIBRARIES = ("pypdf", "pypdfium2", "pillow", "img2pdf", "reportlab")


def report_json(state: PacketState, ctx: Context) -> dict:
    return {
        "schema": SCHEMA,
        "evpack": __version__,
        "profile": ctx.profile.name,
        "now": ctx.now.isoformat(),
        "claim": state.claim.to_json() if state.claim else None,
        "verdict": state.verdict(),
        "deadline": state.deadline.isoformat() if state.deadline else None,
        "findings": [f.to_json() for f in state.findings],
        "left_out": [{"path": source, "why": why} for source, why in state.left_out.items()],
        "kinds": {source: c.to_json() for source, c in sorted(state.kinds.items())},
        "files": [state.readings[s].to_json() for s in sources(state) if s in state.readings],
        "lineage": lineage(state),
        "fact_boxes": fact_boxes(state, ctx.profile),
        "uploads": [{"name": u.name, "type": u.type, "bytes": u.size, "pages": u.pages, "sha256": sha256(u.path),
                     "title": u.title, "compression": u.compression} for u in state.uploads],
        "statement": state.statement,
        "engines": engines(state),
        "decisions": list(state.log),
    }


def not_ready_text(state: PacketState, ctx: Context) -> str:
    """NOT-READY.txt of a failed bundle: that it must not be submitted, the deadline, every finding with its fix
    (errors first, in the order to fix them) and the files left out of upload/, in the chosen language where the
    catalogs have it (findings worded by pipeline/locale/findings.toml), English otherwise."""
    _ = gettext_for(ctx.lang)
    claim_id = state.claim.claim_id if state.claim else (state.root.name if state.root else "packet")
    lines = [_("NOT READY: do not submit this packet."), "",
             _("Claim {claim_id}: the reviewers would reject this packet for the problems below. Fix them and build "
               "it again; until then, upload/ and statement.txt are only a draft.", claim_id=claim_id)]
    if state.deadline:
        zone = ctx.display_zone
        lines += ["", _("Review deadline: {time} ({left})",
                        time=f"{format_when(state.deadline, ctx.lang, str(ctx.profile.limit('window_zone')))} = "
                             f"{format_when(state.deadline, ctx.lang, zone)}",
                        left=format_left(state.deadline - ctx.now, ctx.lang))]
    for number, finding in enumerate(ordered(state.findings, ctx.profile), 1):
        where = f" ({finding.file})" if finding.file else ""
        message, fix = localize_finding(finding.rule, finding.message, finding.fix, ctx.lang)
        lines += ["", f"{number}. {_(finding.severity.upper())} [{finding.rule}] {rule_title(finding.rule, ctx.lang)}"
                      f"{where}", f"   {message}"]
        if fix:
            lines.append("   " + _("Fix: {fix}", fix=fix))
    if state.left_out:
        lines += ["", _("Left out of upload/") + ":"] + [f"- {source}: {why}" for source, why in state.left_out.items()]
    return "\n".join(lines) + "\n"


def sources(state: PacketState) -> list[str]:
    """Every input, in the order found: those the manifest listed, then any other file a stage knows of."""
    known = list(state.inputs)
    return known + [f.source for f in state.files if f.source not in known]


def lineage(state: PacketState) -> list[dict]:
    files = {f.source: f for f in state.files}
    rules: dict[str, list[str]] = {}
    for finding in state.findings:
        if finding.file:
            rules.setdefault(finding.file, []).append(finding.rule)
    entries = []
    for source in sources(state):
        file = files.get(source)
        placed = sorted((p.source_page, p.upload, p.upload_page) for p in state.placements if p.source == source)
        pages = file.pages if file and file.usable is not None else 0
        missing = sorted(set(range(1, pages + 1)) - {page for page, _, _ in placed})
        entry = {
            "path": source,
            "sha256": file.sha256 if file else input_sha256(state.root, source),
            "bytes": file.size if file else None,
            "detected": file.detected if file else None,
            "conversion": file.conversion if file else "",
            "status": ("left-out" if source in state.left_out else "placed" if placed and not missing
                       else "partly-placed" if placed else "not-placed"),
            "pages": [{"page": page, "upload": upload, "upload_page": upload_page}
                      for page, upload, upload_page in placed],
            "pages_not_placed": missing,
            "rules": sorted(set(rules.get(source, ()))),
        }
        entries.append(entry)
    return entries


def input_sha256(root: Path | None, source: str) -> str | None:
    """A file no stage hashed (it was refused early) is still identified by content."""
    path = (root / source) if root else Path(source)
    return sha256(path) if path.is_file() else None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def engines(state: PacketState) -> dict:
    found = {"evpack": __version__, "readers": sorted({r.engine for r in state.readings.values()})}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found
