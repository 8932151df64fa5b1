"""Stage 'manifest': find the packet's evidence files and read claim.toml strictly.

A broken manifest is a finding (manifest-invalid), not an exception: the evidence is still read and judged.
"""
from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from pipeline.context import Context
from pipeline.datafiles import TOMLDecodeError, read_toml
from pipeline.model import KST, Claim, Finding, PacketState
from pipeline.packet import MANIFEST, find_evidence

REQUIRED = ("claim_id", "order_id", "reason", "paid_out_at", "buyer_claim")
OPTIONAL = ("tracking_number", "carrier", "seller", "statement")


def run(state: PacketState, ctx: Context) -> PacketState:
    root = state.root
    assert root is not None, "the manifest stage needs a packet folder"
    inputs, skipped = find_evidence(root)
    state = replace(state, inputs=inputs).with_log(*(f"skipped system file {s}" for s in skipped))
    claim, problems = parse_manifest(root / MANIFEST, ctx)
    if problems:
        severity = ctx.profile.severity("manifest-invalid")
        state = state.with_findings(*(Finding("manifest-invalid", severity, message, fix, MANIFEST)
                                      for message, fix in problems))
    return replace(state, claim=claim)


def parse_manifest(path: Path, ctx: Context) -> tuple[Claim | None, list[tuple[str, str]]]:
    """Returns the claim, or None with (message, fix) pairs naming every problem found."""
    example = "see README.md, 'A packet folder', for an example claim.toml"
    try:
        data = read_toml(path, encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [(f"{MANIFEST} is missing: evpack cannot tell which claim this evidence is for.",
                       f"create {MANIFEST} in the packet folder; {example}.")]
    except UnicodeDecodeError:
        return None, [(f"{MANIFEST} is not UTF-8 text.", "save it as UTF-8.")]
    except TOMLDecodeError as exc:
        return None, [(f"{MANIFEST} is not valid TOML: {exc}.",
                       "fix the syntax (strings in double quotes, dates like 2026-03-12T10:30:00+09:00).")]

    problems: list[tuple[str, str]] = []
    for key in sorted(set(data) - set(REQUIRED) - set(OPTIONAL)):
        near = difflib.get_close_matches(key.lower(), REQUIRED + OPTIONAL, n=1, cutoff=0.6)
        problems.append((f"{MANIFEST} has an unknown key '{key}'" + (f": did you mean '{near[0]}'?" if near else "."),
                         f"remove it or correct its spelling; known keys: {', '.join(REQUIRED + OPTIONAL)}."))
    for key in REQUIRED:
        if key not in data or data[key] in ("", None):
            problems.append((f"{MANIFEST} lacks the required key '{key}'.", f"add {key} = ...; {example}."))
    for key in set(REQUIRED + OPTIONAL) - {"paid_out_at"}:
        if key in data and not isinstance(data[key], str):
            problems.append((f"{MANIFEST}: '{key}' must be a string in double quotes, not {type(data[key]).__name__}.",
                             f'write {key} = "{data[key]}".'))
    reasons = ctx.profile.reasons
    if isinstance(data.get("reason"), str) and data["reason"] not in reasons:
        problems.append((f"{MANIFEST}: reason '{data['reason']}' is not one of the review form's reasons.",
                         f"use one of: {', '.join(reasons)}."))
    carriers = ctx.profile.carriers
    if isinstance(data.get("carrier"), str) and carriers and data["carrier"] not in carriers:
        named = ctx.profile.carrier_named(data["carrier"])  # an alias: 乐天, 롯데, Lotte -> lotte
        hint = ctx.profile.unknown_carrier_hint(data["carrier"]) if named is None else ""
        if named is None:
            problems.append((f"{MANIFEST}: carrier '{data['carrier']}' is unknown" + (f": {hint}" if hint else "."),
                             f"use one of: {', '.join(carriers)}, or leave it out."))
        data["carrier"] = named
    paid = data.get("paid_out_at")
    if "paid_out_at" in data:
        paid = as_instant(paid)
        if paid is None and isinstance(data["paid_out_at"], date):
            day = data["paid_out_at"].isoformat()
            problems.append((f"{MANIFEST}: paid_out_at = {day} has no time of day; the window is counted from it.",
                             "add the payout's time from the claim's notice, "
                             f"e.g. paid_out_at = {day}T10:30:00+09:00."))
        elif paid is None:
            problems.append((f"{MANIFEST}: paid_out_at must be a TOML date-time such as 2026-03-12T10:30:00+09:00.",
                             "write it without quotes; a time without an offset is read as KST."))
    tracking = data.get("tracking_number")
    if isinstance(tracking, str):
        data["tracking_number"] = "".join(ch for ch in tracking if ch.isalnum()).upper() or None
    if problems:
        return None, problems
    return Claim(**{**{k: data.get(k) for k in REQUIRED + OPTIONAL}, "paid_out_at": paid}), []


def as_instant(value: object) -> datetime | None:
    """A TOML datetime as an aware instant. No offset: KST (the form's server time). A bare date is refused."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=KST)
    if isinstance(value, date) or isinstance(value, time):
        return None
    return None
