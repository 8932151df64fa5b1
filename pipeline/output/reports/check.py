"""Output of `evpack check`: readable text, the evpack.check/1 JSON document, JUnit XML for CI.

Findings are listed in the order to fix them (the profile's [fix_order]): what blocks the review outright
first, then what the reviewers reject, then what only weakens the case; notes last.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.context import Context
from pipeline.i18n import format_left, gettext_for, localize_finding
from pipeline.judging.deadline import window_zone
from pipeline.judging.statement_text import load_rules
from pipeline.errors import UsageError
from pipeline.model import Finding, PacketState
from pipeline.profile import Profile

SCHEMA = "evpack.check/1"
SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}
# Characters XML 1.0 cannot carry at all (OCR text may hold any of them).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def ordered(findings: Iterable[Finding], profile: Profile) -> tuple[Finding, ...]:
    """Findings in the order to fix them: the profile's rule order, then by file; notes after everything else."""
    order = profile.data.get("fix_order", {}).get("rules", [])
    rank = {rule: i for i, rule in enumerate(order)}
    return tuple(sorted(findings, key=lambda f: (f.severity == "note", rank.get(f.rule, len(rank)), f.file or "")))


def format_instant(moment: datetime, zone: str) -> str:
    """'2026-03-19 23:59:59 KST (Asia/Seoul)': a wall-clock time with its zone, so it cannot be misread by an hour."""
    try:
        local = moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"Time zone {zone!r} is unknown.",
                         "give an IANA name such as Asia/Shanghai or Asia/Seoul.") from None
    abbr = local.tzname() or ""
    named = f"{abbr} ({zone})" if abbr.isalpha() and abbr != zone else zone
    return f"{local:%Y-%m-%d %H:%M:%S} {named}"


def time_left_seconds(state: PacketState, ctx: Context) -> int | None:
    return int((state.deadline - ctx.now).total_seconds()) if state.deadline else None


# ---- text ---------------------------------------------------------------------------------------

def check_text(states: Sequence[PacketState], ctx: Context, strict: bool) -> str:
    """What a person takes in within ten seconds: the verdict, the deadline, then each finding with its fix, in the
    user's language (ctx.lang; findings worded by pipeline/locale/findings.toml outside English)."""
    _ = gettext_for(ctx.lang)
    rules = load_rules()
    blocks = []
    for state in states:
        verdict = _(state.verdict(strict).upper())
        claim_id = state.claim.claim_id if state.claim else _("(no valid claim.toml)")
        lines = [f"{verdict}  {claim_id}  {state.root or ''}".rstrip()]
        if state.deadline:
            left = state.deadline - ctx.now
            lines.append("  " + _("Deadline: {kst} = {local}  ({left})",
                                  kst=format_instant(state.deadline, str(window_zone(ctx.profile))),
                                  local=format_instant(state.deadline, ctx.display_zone),
                                  left=format_left(left, ctx.lang)))
        if state.kinds:
            web = _("(web capture)")
            web = web if web.startswith("（") else " " + web  # a full-width parenthesis brings its own space
            # Each kind by its name in the user's language (the statement data's English name is the msgid).
            kinds = ", ".join(f"{source} = {_(rules.kind_label(c.kind, 'en'))}{web if c.web_capture else ''}"
                              for source, c in state.kinds.items())
            lines.append("  " + _("Files: {kinds}", kinds=kinds))
        findings = ordered(state.findings, ctx.profile)
        if not findings:
            lines.append("  " + _("No problems found."))
        for number, finding in enumerate(findings, 1):
            where = f"  {finding.file}" if finding.file else ""
            message, fix = localize_finding(finding.rule, finding.message, finding.fix, ctx.lang)
            lines.append(f"  {number}. {_(finding.severity.upper()):<7} [{finding.rule}]{where}")
            lines.append(f"     {message}")
            if fix:
                lines.append("     " + _("Fix: {fix}", fix=fix))
        blocks.append("\n".join(lines))
    passed = sum(s.verdict(strict) == "pass" for s in states)
    summary = _.plural("{count} packet: {passed} pass, {failed} fail", "{count} packets: {passed} pass, {failed} fail",
                       len(states), count=len(states), passed=passed, failed=len(states) - passed) \
        + (" " + _("(--strict: warnings fail too)") if strict else "")
    return "\n\n".join(blocks + [summary])


def finding_json(finding: Finding, lang: str | None) -> dict:
    """A finding of evpack.check/1: `message`/`fix` in the user's language, `message_en`/`fix_en` as the stage wrote
    them (stable for machines)."""
    data = finding.to_json()
    message, fix = localize_finding(finding.rule, finding.message, finding.fix, lang)
    data.update(message=message, message_en=finding.message)
    if finding.fix:
        data.update(fix=fix, fix_en=finding.fix)
    return data


# ---- JSON ---------------------------------------------------------------------------------------

def check_json(states: Sequence[PacketState], ctx: Context, strict: bool = False) -> dict:
    """The evpack.check/1 document of interface.md, with extra fields: fix, kinds, time_left_seconds."""
    packets = []
    for state in states:
        packets.append({
            "path": str(state.root) if state.root else None,
            "claim_id": state.claim.claim_id if state.claim else None,
            "verdict": state.verdict(strict),
            "deadline": state.deadline.isoformat() if state.deadline else None,
            "time_left_seconds": time_left_seconds(state, ctx),
            "findings": [finding_json(f, ctx.lang) for f in ordered(state.findings, ctx.profile)],
            "kinds": {source: c.to_json() for source, c in state.kinds.items()},
        })
    return {"schema": SCHEMA, "profile": ctx.profile.name, "now": ctx.now.isoformat(), "strict": strict,
            "packets": packets}


# ---- JUnit XML ----------------------------------------------------------------------------------

def check_junit(states: Sequence[PacketState], ctx: Context, strict: bool) -> str:
    """One testcase per packet; a failing packet's <failure> lists its failing findings, the rest go to system-out."""
    failing_severities = {"error", "warning"} if strict else {"error"}
    suite = ET.Element("testsuite", name="evpack check", tests=str(len(states)),
                       failures=str(sum(s.has_errors(strict) for s in states)), errors="0", skipped="0",
                       timestamp=ctx.now.isoformat())
    for state in states:
        name = state.claim.claim_id if state.claim else str(state.root or "packet")
        case = ET.SubElement(suite, "testcase", classname=f"evpack.check.{ctx.profile.name}", name=clean(name),
                             file=clean(str(state.root or "")))
        findings = ordered(state.findings, ctx.profile)
        failing = [f for f in findings if f.severity in failing_severities]
        others = [f for f in findings if f.severity not in failing_severities]
        if failing:
            rules = ", ".join(dict.fromkeys(f.rule for f in failing))
            failure = ET.SubElement(case, "failure", type="evpack.finding",
                                    message=clean(f"{len(failing)} finding(s): {rules}"))
            failure.text = clean("\n".join(finding_line(f) for f in failing))
        if others or state.deadline:
            out = ET.SubElement(case, "system-out")
            lines = [f"deadline {state.deadline.isoformat()}"] if state.deadline else []
            out.text = clean("\n".join(lines + [finding_line(f) for f in others]))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode")


def finding_line(finding: Finding) -> str:
    where = f" {finding.file}" if finding.file else ""
    fix = f" Fix: {finding.fix}" if finding.fix else ""
    return f"{finding.severity.upper()} [{finding.rule}]{where}: {finding.message}{fix}"


def clean(text: str) -> str:
    return XML_ILLEGAL.sub("\ufffd", text)
