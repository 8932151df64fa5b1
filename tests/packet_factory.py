"""Builds PacketStates from canned readings (no OCR), for the judging tests and the rules profile's examples.

A packet spec is a dict (the shape of a profile's [example_base] and [[examples]]):
  claim: claim.toml keys (or no_claim = true); now: an aware datetime; ledger: true marks the claim submitted;
  files: [{name, detected, text, header, footer, urls, tracking, timestamps, addresses, qr, sharpness,
           confidence, sharpness_denoised, width, height, source}]; add_files: appended to the base's files;
  prior_findings: [{rule, file}] as earlier stages (manifest, ingest) would report them.
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pipeline.context import Context
from pipeline.judging.ledger import Ledger
from pipeline.model import (KST, Claim, EvidenceFile, Fields, Finding, KoreanAddress, PacketState, PageReading,
                            Reading, Timestamp, TrackingNumber, Url)
from pipeline.profile import Profile
from stages import classify, validate

SUFFIX_TYPES = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "pdf": "pdf", "csv": "csv", "heic": "heic",
                "webp": "webp", "zip": "zip"}


def merged(base: dict, example: dict) -> dict:
    """The base packet with an example's changes: claim keys merged, files replaced or added to."""
    spec = {**base, **{k: v for k, v in example.items() if k not in ("claim", "add_files")}}
    spec["claim"] = {**base.get("claim", {}), **example.get("claim", {})}
    spec["files"] = list(example.get("files", base.get("files", []))) + list(example.get("add_files", []))
    return spec


def url_record(value: str | dict) -> Url:
    spec = {"value": value} if isinstance(value, str) else dict(value)
    rest = spec["value"].split("://", 1)[-1]
    host, _, path = rest.partition("/")
    return Url(value=spec["value"], host=host.lower(), address_bar=spec.get("address_bar", False),
               full=spec.get("full", bool(path.strip("/"))))


def reading(spec: dict) -> Reading:
    name = spec["name"]
    text = spec.get("text", "")
    source = spec.get("source", "text-layer" if SUFFIX_TYPES.get(name.rsplit(".", 1)[-1]) == "pdf" else "ocr")
    width, height = spec.get("width", 1170), spec.get("height", 2532)
    ocr = source == "ocr"
    page = PageReading(index=1, text=text, source=source, confidence=spec.get("confidence", 90.0 if ocr else None),
                       width=width, height=height, sharpness=spec.get("sharpness", 400.0 if ocr else None),
                       sharpness_denoised=spec.get("sharpness_denoised", spec.get("sharpness", 300.0 if ocr else None)),
                       header_text=spec.get("header", ""), footer_text=spec.get("footer", ""))
    tracking = tuple(TrackingNumber(value=t, carrier=None, checksum="ok") if isinstance(t, str)
                     else TrackingNumber(value=t["value"], carrier=t.get("carrier"), checksum=t.get("checksum", "ok"),
                                         source=t.get("source", ""))
                     for t in spec.get("tracking", ()))
    stamps = tuple(Timestamp(text=t, value=t) if isinstance(t, str) else Timestamp(text=t["text"], value=t["value"])
                   for t in spec.get("timestamps", ()))
    fields = Fields(tracking_numbers=tracking, timestamps=stamps,
                    urls=tuple(url_record(u) for u in spec.get("urls", ())),
                    korean_addresses=tuple(KoreanAddress(value=a) for a in spec.get("addresses", ())))
    image = detected_type(spec) != "pdf"
    return Reading(source=name, sha256=digest(name), pages=(page,), fields=fields,
                   languages=tuple(spec.get("languages", ())), engine="canned",
                   qr_codes=tuple(spec.get("qr", ())), image_width=width if image else 0,
                   image_height=height if image else 0)


def detected_type(spec: dict) -> str:
    return spec.get("detected") or SUFFIX_TYPES.get(spec["name"].rsplit(".", 1)[-1].lower(), "unknown")


def digest(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def packet(spec: dict, root: Path = Path("/packets/example")) -> PacketState:
    claim = None
    if not spec.get("no_claim"):
        data = dict(spec["claim"])
        paid = data["paid_out_at"]
        data["paid_out_at"] = paid if paid.tzinfo else paid.replace(tzinfo=KST)
        claim = Claim(**data)
    files, readings = [], {}
    for f in spec.get("files", ()):
        detected = detected_type(f)
        usable = detected if detected in ("pdf", "jpeg", "png") else "png"
        files.append(EvidenceFile(source=f["name"], path=root / f["name"], sha256=digest(f["name"]), size=1000,
                                  detected=detected, usable=root / f["name"], usable_type=usable, pages=1))
        readings[f["name"]] = reading(f)
    prior = tuple(Finding(p["rule"], p.get("severity", "error"), p.get("message", "reported earlier"), "",
                          p.get("file")) for p in spec.get("prior_findings", ()))
    unread = [p["file"] for p in spec.get("prior_findings", ()) if p.get("file") and p["file"] != "claim.toml"]
    return PacketState(root=root, inputs=tuple(sorted({f.source for f in files} | set(unread))), claim=claim,
                       files=tuple(files), readings=readings, findings=prior)


def context(spec: dict, profile: Profile, tmp: Path) -> Context:
    ledger = None
    if spec.get("ledger") is not None:
        ledger = tmp / "ledger.sqlite3"
        if spec["ledger"] and spec.get("claim", {}).get("claim_id"):
            Ledger(ledger).mark_submitted(spec["claim"]["claim_id"], datetime(2026, 3, 14, tzinfo=KST))
    now = spec.get("now") or datetime(2026, 3, 15, 12, 0, tzinfo=KST)
    return Context(profile=profile, workdir=tmp / "work", now=now, cache_dir=None, ledger_path=ledger)


def judge(spec: dict, profile: Profile, tmp: Path) -> PacketState:
    """classify + validate of the packet a spec describes."""
    ctx = context(spec, profile, tmp)
    state = packet(spec)
    return validate.run(classify.run(state, ctx), ctx)


def rules_of(state: PacketState, severity: str | None = None) -> list[str]:
    return [f.rule for f in state.findings if severity is None or f.severity == severity]


def with_claim(state: PacketState, **changes) -> PacketState:
    return replace(state, claim=replace(state.claim, **changes))
