"""Stage 'manifest': find the packet's evidence files and read claim.toml strictly.

A broken manifest is a finding (manifest-invalid), not an exception: the evidence is still read and judged.
"""
from __future__ import annotations

import difflib
import os
import re
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from pipeline.context import Context
from pipeline.datafiles import TOMLDecodeError, nesting_depth, parse_toml
from pipeline.ingest.sniff import ingest_rules
from pipeline.judging.ledger import claim_key
from pipeline.model import KST, Claim, Finding, PacketState
from pipeline.packet import MANIFEST, display, entry_problem, find_evidence, read_regular

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
    limits = ingest_rules()["manifest"]
    syntax = "fix the syntax (strings in double quotes, dates like 2026-03-12T10:30:00+09:00)."
    if not os.path.lexists(path):
        return None, [(f"{MANIFEST} is missing: evpack cannot tell which claim this evidence is for.",
                       f"create {MANIFEST} in the packet folder; {example}.")]
    refused = entry_problem(path, path.parent)
    if refused:
        return None, [(f"{MANIFEST} {refused}.", f"make {MANIFEST} a plain text file in the packet folder.")]
    try:
        raw = read_regular(path, limits["max_bytes"])
    except OSError as exc:
        return None, [(f"{MANIFEST} cannot be read ({exc.strerror or exc}).",
                       "check that you are allowed to read it.")]
    if len(raw) > limits["max_bytes"]:
        return None, [(f"{MANIFEST} is larger than {limits['max_bytes']:,} bytes; a claim needs a few hundred.",
                       "keep only the keys of the example; shorten buyer_claim and statement.")]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [(f"{MANIFEST} is not UTF-8 text.", "save it as UTF-8.")]
    depth = nesting_depth(text)
    if depth > limits["max_depth"]:
        return None, [(f"{MANIFEST} nests arrays or tables {depth:,} levels deep; evpack reads at most "
                       f"{limits['max_depth']}.", f"a claim needs no nesting: {syntax}")]
    try:
        data = parse_toml(text)
    except TOMLDecodeError as exc:
        return None, [(f"{MANIFEST} is not valid TOML: {exc}.", syntax)]
    except RecursionError:  # nesting_depth should have caught it; never a traceback for a user's file
        return None, [(f"{MANIFEST} nests too deeply to be read.", f"a claim needs no nesting: {syntax}")]

    problems: list[tuple[str, str]] = []
    for key in sorted(set(data) - set(REQUIRED) - set(OPTIONAL)):
        near = difflib.get_close_matches(key.lower(), REQUIRED + OPTIONAL, n=1, cutoff=0.6)
        problems.append((f"{MANIFEST} has an unknown key '{key}'" + (f": did you mean '{near[0]}'?" if near else "."),
                         f"remove it or correct its spelling; known keys: {', '.join(REQUIRED + OPTIONAL)}."))
    for key in ("claim_id", "order_id"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip()
            if any(not ch.isprintable() for ch in data[key]):
                problems.append((f"{MANIFEST}: '{key}' holds control characters ({display(data[key])}).",
                                 f"write {key} as Coupang shows it, letters, digits and dashes only."))
    ids = ctx.profile.data.get("claim_ids", {})
    claim_id = data.get("claim_id")
    if isinstance(claim_id, str) and claim_id and ids.get("pattern") and not problems \
            and not re.fullmatch(ids["pattern"], claim_key(claim_id)):
        problems.append((f"{MANIFEST}: claim_id {display(claim_id)!r} does not look like a claim id (the profile's "
                         f"[claim_ids] pattern; e.g. {ids.get('examples', ['CLM-2026-0001234'])[0]}).",
                         "copy the Claim ID from Seller Center exactly."))
    for key, most in limits["max_chars"].items():
        if isinstance(data.get(key), str) and len(data[key]) > most:
            problems.append((f"{MANIFEST}: '{key}' is {len(data[key]):,} characters long; evpack takes at most "
                             f"{most:,}.", f"copy {key} again from Coupang's claim page, without anything around it."))
    for key in REQUIRED:
        if key not in data or (isinstance(data[key], str) and not data[key].strip()):
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
        else:
            problem = payout_problem(paid, ctx, limits["payout_years"])
            if problem:
                problems.append(problem)
                paid = None
    tracking = data.get("tracking_number")
    if isinstance(tracking, str):
        data["tracking_number"] = "".join(ch for ch in tracking if ch.isalnum()).upper() or None
    if problems:
        return None, problems
    return Claim(**{**{k: data.get(k) for k in REQUIRED + OPTIONAL}, "paid_out_at": paid}), []


def payout_problem(paid: datetime, ctx: Context, years: list[int]) -> tuple[str, str] | None:
    """Why paid_out_at cannot be the payout: a year outside `years` (year 1 and 9999 are typos, and overflow the
    deadline's arithmetic), or an instant after now (--now). None when it can."""
    first, last = years
    if not first <= paid.year <= last:
        return (f"{MANIFEST}: paid_out_at is in the year {paid.year}; a payout falls between {first} and {last}.",
                "copy the payout's date and time from Coupang's claim page, e.g. 2026-03-12T10:30:00+09:00.")
    if paid > ctx.now:
        return (f"{MANIFEST}: paid_out_at {paid.isoformat()} is after now ({ctx.now.isoformat()}): a payout "
                "cannot be in the future.", "check the year and month of paid_out_at (or --now).")
    return None


def as_instant(value: object) -> datetime | None:
    """A TOML datetime as an aware instant. No offset: KST (the form's server time). A bare date is refused."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=KST)
    if isinstance(value, date) or isinstance(value, time):
        return None
    return None
