"""`evpack init`: a commented claim.toml drafted from the evidence of a folder.

What the evidence shows is filled in with the file and page that shows it: the parcel's tracking number (the one
verified number all carrier evidence agrees on, pipeline/judging/parcel.py), its carrier, the order id most pages
show, and a reason suggested by the document kinds. What only the seller knows (claim id, payout time, the buyer's
claim) is left to fill, marked TO FILL, so `evpack check` names it until it is written. The draft is TOML that
parses as it stands; an existing claim.toml is never replaced.
"""
from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.errors import EvpackError, ExitCode
from pipeline.i18n import gettext_for
from pipeline.judging.parcel import parcel_of
from pipeline.model import KST, Claim, PacketState
from pipeline.packet import MANIFEST
from pipeline.profile import Profile

CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


class ClaimExistsError(EvpackError):
    """The folder already has a claim.toml: init never replaces one."""

    exit_code = ExitCode.PACKET_FAILED


@dataclass(frozen=True)
class Found:
    """A value for claim.toml and where the evidence shows it."""

    value: str
    shown: tuple[tuple[str, int], ...] = ()   # (file, page), in the order found
    why: str = ""                             # how it was chosen, when not simply read


@dataclass(frozen=True)
class Draft:
    claim_id: Found | None
    order_id: Found | None
    tracking_number: Found | None
    carrier: Found | None
    reason: Found
    other_numbers: tuple[str, ...]    # verified numbers on carrier evidence that are not the parcel's
    files: int                        # evidence files read
    unreadable: tuple[str, ...]       # files that could not be read (their findings say why)

    def to_fill(self) -> list[str]:
        """The keys the seller must still write."""
        keys = [] if self.claim_id else ["claim_id"]
        keys += [] if self.order_id else ["order_id"]
        return keys + ["paid_out_at", "buyer_claim"]


def draft_from(state: PacketState, profile: Profile, folder_name: str) -> Draft:
    """What claim.toml can say from a packet state read up to `classify` (no claim)."""
    placeholder = Claim(claim_id="", order_id="", reason="other", paid_out_at=datetime(2000, 1, 1, tzinfo=KST),
                        buyer_claim="")
    parcel = parcel_of(placeholder, state.readings, state.kinds, profile.evidence_kinds("carrier_kinds"))
    tracking = carrier = None
    if parcel.number:
        seen = [n for n in parcel.numbers if n.value == parcel.number]
        tracking = Found(parcel.number, tuple(dict.fromkeys((n.source, n.page) for n in seen)))
        carriers = Counter(n.carrier for n in seen if n.carrier)
        if carriers:
            carrier = Found(carriers.most_common(1)[0][0], tracking.shown, "number")
    if carrier is None:
        hosts = [(profile.carrier_for_host(u.host), source, u.page) for source, reading in state.readings.items()
                 for u in reading.fields.urls if u.of_page and profile.carrier_for_host(u.host)]
        if hosts:
            best = Counter(h[0] for h in hosts).most_common(1)[0][0]
            carrier = Found(best, tuple(dict.fromkeys((s, p) for c, s, p in hosts if c == best)), "host")
    order_id = None
    if parcel.orders:
        counts = Counter(o.value for o in parcel.orders)
        best = max(counts, key=lambda v: (counts[v], any(not o.ocr for o in parcel.orders if o.value == v)))
        order_id = Found(best, tuple(dict.fromkeys((o.source, o.page) for o in parcel.orders if o.value == best)))
    rules = profile.data.get("claim_ids", {})
    claim_id = None
    candidate = folder_name.strip().upper()
    if rules.get("pattern") and re.fullmatch(rules["pattern"], candidate) and any(ch.isdigit() for ch in candidate):
        claim_id = Found(candidate, (), "folder")
    others = tuple(sorted({n.value for n in parcel.numbers} - {parcel.number}))
    unreadable = tuple(sorted({f.file for f in state.findings if f.file and f.file != MANIFEST}))
    return Draft(claim_id=claim_id, order_id=order_id, tracking_number=tracking, carrier=carrier,
                 reason=suggest_reason(state, profile), other_numbers=others, files=len(state.readings),
                 unreadable=unreadable)


def suggest_reason(state: PacketState, profile: Profile) -> Found:
    """The form's reason most evidence files support (profile order breaks ties); "other" when none does."""
    best, files = "other", ()
    for reason, spec in profile.reasons.items():
        if reason == "other":
            continue
        supporting = tuple(source for source, kind in state.kinds.items()
                           if kind.kind in spec.get("supporting_kinds", ()))
        if len(supporting) > len(files):
            best, files = reason, supporting
    return Found(best, tuple((source, 0) for source in files), "kinds")


def render(draft: Draft, profile: Profile, lang: str | None) -> str:
    """The claim.toml text: every key with a comment saying where its value was found or what to write."""
    _ = gettext_for(lang)

    def where(found: Found) -> str:
        places = [clean(source) if page == 0 else _("{file} (page {page})", file=clean(source), page=page)
                  for source, page in found.shown[:3]]
        more = len(found.shown) - 3
        return ", ".join(places) + (_(" and {count} more", count=more) if more > 0 else "")

    reasons = " | ".join(profile.reasons)
    carriers = " | ".join(profile.carriers)
    lines = [_("# claim.toml drafted by `evpack init` from {count} evidence file(s) in this folder.",
               count=draft.files),
             _("# Check every value, write the ones marked TO FILL, then run: evpack check FOLDER"),
             ""]
    if draft.claim_id:
        lines.append(f"claim_id = {quoted(draft.claim_id.value)}"
                     f"   # {_('from the folder name: check it against Seller Center')}")
    else:
        lines.append(f'claim_id = ""   # {_("TO FILL: the Claim ID from Seller Center, e.g. CLM-2026-0001234")}')
    if draft.order_id:
        lines.append(f"order_id = {quoted(draft.order_id.value)}   # {_('found in')}: {where(draft.order_id)}")
    else:
        lines.append(f'order_id = ""   # {_("TO FILL: the order number (no order id was found in the evidence)")}')
    if draft.reason.value != "other":
        lines.append(f"reason = {quoted(draft.reason.value)}   # "
                     + _("suggested: {count} file(s) support it ({files}); the choices: {choices}",
                         count=len(draft.reason.shown), files=where(draft.reason), choices=reasons))
    else:
        lines.append(f'reason = "other"   # '
                     + _("no evidence fits a specific reason; the choices: {choices}", choices=reasons))
    lines.append("# paid_out_at = 2026-03-12T10:30:00+09:00   # "
                 + _("TO FILL: the payout time from the claim's notice, without quotes; no offset = KST"))
    if draft.tracking_number:
        lines.append(f"tracking_number = {quoted(draft.tracking_number.value)}   # {_('found in')}: "
                     f"{where(draft.tracking_number)}")
        if draft.other_numbers:
            lines.append("# " + _("other numbers on the carrier evidence: {numbers}",
                                  numbers=", ".join(draft.other_numbers)))
    else:
        lines.append("# tracking_number = \"\"   # "
                     + _("optional: no single tracking number was found on the carrier evidence"))
    if draft.carrier:
        basis = (_("the tracking number's format") if draft.carrier.why == "number"
                 else _("the tracking page's address"))
        lines.append(f"carrier = {quoted(draft.carrier.value)}   # "
                     + _("from {basis} in {files}; the choices: {choices}", basis=basis,
                         files=where(draft.carrier), choices=carriers))
    else:
        lines.append("# carrier = \"\"   # " + _("optional: one of {choices}", choices=carriers))
    lines.append('buyer_claim = ""   # '
                 + _("TO FILL: what the buyer claims, e.g. \"Buyer says the parcel never arrived.\""))
    lines.append('# seller = ""   # ' + _("optional: your shop's name"))
    lines.append('# statement = ""   # '
                 + _("optional: your own draft in Korean or English (at most 200 characters); evpack writes one"))
    if draft.unreadable:
        lines += ["", "# " + _("could not be read (see `evpack check`): {files}",
                               files=", ".join(clean(f) for f in draft.unreadable))]
    return "\n".join(lines) + "\n"


def quoted(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def clean(name: str) -> str:
    """A file name as a comment may hold it: control characters and line breaks shown as escapes."""
    return CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), name)


def write_new(path: Path, text: str) -> None:
    """Writes `path` atomically and only if it does not exist: a temporary file beside it, linked into place (a link
    fails when the name exists, so a claim.toml written meanwhile is never replaced)."""
    path = Path(path)
    if path.exists():
        raise exists_error(path)
    fd, tmp = tempfile.mkstemp(prefix=".claim-", suffix=".toml.tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise exists_error(path) from None
        except OSError:  # a file system without hard links (FAT, some network shares)
            if path.exists():
                raise exists_error(path) from None
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def exists_error(path: Path) -> ClaimExistsError:
    return ClaimExistsError(f"{path} already exists; evpack init never replaces it.",
                            f"edit it, or move it away and run evpack init again; evpack check {path.parent} "
                            "says what it still lacks.")
