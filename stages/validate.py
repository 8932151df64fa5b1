"""Stage 'validate': every rule of the rules profile, as findings that say why and how to fix it.

Limits, severities, the reason <-> evidence matrix and the kinds each rule looks at are data (the profile).
Rules that need the claim are skipped when claim.toml was invalid (the manifest stage reported it). Rules about
what the evidence *lacks* are skipped while a file could not be read at all: the missing piece may be in it, and
the seller must fix that file first (ingest or read reported it).
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, replace

from pipeline.judging import deadline as window
from pipeline.context import Context
from pipeline.model import Claim, Classification, EvidenceFile, Finding, PacketState, Reading
from pipeline.profile import Profile
from pipeline.output.reports.check import format_instant, ordered
from pipeline.judging.statement_text import load_rules as load_statement_rules, script_counts
from pipeline.judging.keywords import load_kind_rules
from pipeline.judging.parcel import parcel_of
from pipeline.fields.scripts import RANGES

# Rules whose findings mean a file never reached the read stage.
BLOCKING_FILE_RULES = ("unsupported-format", "unreadable-file", "external-link")
HOST_TOKEN = re.compile(r"[a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?:/[^\s]*)?")
LINK = re.compile(r"(?i)^(https?://|www\.)|^[a-z0-9-]+(\.[a-z0-9-]+)+(/|$)")
LATIN_WORD = re.compile(f"[{RANGES['latin']}]+")


@dataclass(frozen=True)
class Item:
    """One evidence file that was read, with its kind."""

    evidence: EvidenceFile
    reading: Reading
    kind: Classification

    @property
    def source(self) -> str:
        return self.evidence.source


def run(state: PacketState, ctx: Context) -> PacketState:
    profile = ctx.profile
    judge = Judge(state, ctx)
    if state.claim is not None:
        state = replace(state, deadline=window.deadline(state.claim.paid_out_at, profile))
        judge.deadline_rules(state.claim)
        judge.ledger_rule(state.claim)
        judge.statement_language(state.claim)
    judge.no_evidence()
    for item in judge.items:
        judge.capture_rules(item)
        judge.quality_rule(item)
        judge.link_rule(item)
    if state.claim is not None:
        judge.parcel_rules(state.claim)
    left_out: dict[str, str] = {}
    if judge.blocked:
        judge.log.append(f"validate: evidence-set rules skipped until {', '.join(judge.blocked)} can be read")
    elif judge.items:
        judge.untranslated_rule()
        if state.claim is not None:
            left_out = judge.strongest_bundle(state.claim)
    seen = {(f.rule, f.file) for f in state.findings}
    new = []
    for finding in judge.findings:  # one finding per rule and file: the first, most specific, is kept
        if (finding.rule, finding.file) not in seen:
            seen.add((finding.rule, finding.file))
            new.append(finding)
    return replace(state, findings=ordered(state.findings + tuple(new), profile),
                   left_out=left_out).with_log(*judge.log)


class Judge:
    """Collects the findings of one packet; each method is one rule or a family of them."""

    def __init__(self, state: PacketState, ctx: Context):
        self.state = state
        self.ctx = ctx
        self.profile: Profile = ctx.profile
        self.kind_rules = load_kind_rules()
        self.findings: list[Finding] = []
        self.log: list[str] = []
        unclassified = Classification("other", "not classified")
        self.items = [Item(f, state.readings[f.source], state.kinds.get(f.source) or unclassified)
                      for f in state.files if f.source in state.readings]
        self.blocked = sorted({f.file for f in state.findings
                               if f.rule in BLOCKING_FILE_RULES and f.file and f.file not in state.readings})
        self.evidence_spec = self.profile.data.get("evidence", {})
        self.sources = {i.source for i in self.items}
        self.order_id = state.claim.order_id if state.claim else None
        self.parcel = (parcel_of(state.claim, state.readings, state.kinds, self.kinds("carrier_kinds"))
                       if state.claim else None)

    def add(self, rule: str, message: str, fix: str, file: str | None = None, severity: str | None = None) -> None:
        self.findings.append(Finding(rule, severity or self.profile.severity(rule), message, fix, file))

    def kinds(self, key: str) -> set[str]:
        return set(self.evidence_spec.get(key, ()))

    # ---- time and ledger ----------------------------------------------------------------------

    def deadline_rules(self, claim: Claim) -> None:
        left = window.time_left(claim.paid_out_at, self.ctx.now, self.profile)
        if left is None:
            self.log.append("validate: the profile sets no review window; the deadline rules do not apply")
            return
        closes = window.deadline(claim.paid_out_at, self.profile)
        zone = self.ctx.display_zone
        when = f"{format_instant(closes, str(window.window_zone(self.profile)))} = {format_instant(closes, zone)}"
        payout_day = claim.paid_out_at.astimezone(window.window_zone(self.profile)).date()
        days = self.profile.limit("window_days")
        if window.is_passed(left):
            self.add("deadline-passed",
                     f"The review window closed at {when}: {days} calendar days after the payout on {payout_day} "
                     f"({self.profile.limit('window_zone')} date), at {self.profile.limit('window_closes_at')}; "
                     f"it is now {format_instant(self.ctx.now, zone)}, {window.format_left(left)}.",
                     "the form no longer offers 'Request Review' for this claim; if paid_out_at in claim.toml is "
                     "wrong, correct it from the payout notice.")
        elif window.is_soon(left, self.profile):
            self.add("deadline-soon",
                     f"Only {window.format_left(left)}: the review window closes at {when}.",
                     f"submit before {format_instant(closes, zone)} (your time); "
                     "the form closes one second later.")

    def ledger_rule(self, claim: Claim) -> None:
        if self.ctx.ledger_path is None:
            return
        try:
            from pipeline.judging.ledger import LedgerError, is_submitted  # optional: another engineer's module
        except ImportError:
            self.log.append("validate: no ledger module; already-submitted not checked")
            return
        try:
            submitted = is_submitted(self.ctx.ledger_path, claim.claim_id)
        except LedgerError as exc:  # the packet is still judged; the seller must know the check could not be made
            self.add("already-submitted", f"Whether this claim's one review was already requested is unknown: "
                     f"{exc.message}", exc.fix, severity="warning")
            return
        if submitted:
            self.add("already-submitted",
                     f"The ledger {self.ctx.ledger_path} records that claim {claim.claim_id}'s review was already "
                     "requested; a claim gets exactly one, and a second request locks it for good.",
                     "do not submit again; if the record is wrong, check with whoever marked it before acting.")

    def statement_language(self, claim: Claim) -> None:
        if not claim.statement or not claim.statement.strip():
            return
        lang, counts = dominant_language(claim.statement)
        allowed = self.profile.limit("statement_languages")
        if lang not in allowed:
            self.add("statement-language",
                     f"The draft statement in claim.toml is in {LANGUAGE_NAMES.get(lang, lang)} ({counts}): the "
                     f"reviewers read only {' and '.join(LANGUAGE_NAMES.get(a, a) for a in allowed)}, so it would be "
                     "ignored; evpack writes its own statement instead.",
                     f"write the draft in {' or '.join(LANGUAGE_NAMES.get(a, a) for a in allowed)}, or leave it out.",
                     "claim.toml")

    # ---- the packet as a whole ----------------------------------------------------------------

    def no_evidence(self) -> None:
        if not self.state.inputs:
            self.add("no-evidence", "The packet folder holds no evidence file, only claim.toml (or nothing).",
                     "put the evidence (tracking page, POD, messages, reports, photos as PDF/JPG/PNG) in the folder.")

    # ---- one file at a time -------------------------------------------------------------------

    def capture_rules(self, item: Item) -> None:
        """missing-url / missing-timestamp: only for screenshots and prints of web pages."""
        if not item.kind.web_capture:
            return
        reading, image = item.reading, item.evidence.detected != "pdf"
        urls = [u for u in reading.fields.urls if u.of_page]  # a tab's or a bookmark's URL is not the page's
        full = [u for u in urls if u.full]
        if not full:
            if urls:
                where = "in the address bar" if any(u.address_bar for u in urls) else "on the page"
                why = (f"only the host {urls[0].host} is visible {where}, not the page's full address; "
                       "reviewers treat a capture without its full URL as invalid")
            elif image:
                header = " ".join(p.header_text.strip() for p in reading.pages if p.header_text.strip())
                why = ("no browser address bar was found on the screenshot"
                       + (f" (read near its edges: {shorten(header)!r})" if header else "")
                       + " and no URL appears anywhere on it")
            else:
                why = "no URL was found in the print header or footer, nor anywhere on the page"
            self.add("missing-url", f"{item.source} is a {label(self, item)} captured from the web, but {why}.",
                     "capture the page again with the whole browser window, address bar included (on a phone, "
                     "tap the address bar so the full URL shows), or print it to PDF with headers and footers on.",
                     item.source)
        if not reading.fields.timestamps:
            where = ("no screen clock, status bar or print header, nor any on the page" if image
                     else "not in the print header or footer nor on the page")
            self.add("missing-timestamp",
                     f"{item.source} is a {label(self, item)} captured from the web, but no date and time was read "
                     f"on it: {where}; reviewers treat a capture without a timestamp as invalid.",
                     "capture it again with the clock visible, or print it to PDF with headers and footers on "
                     "(they carry the date and time).", item.source)

    def quality_rule(self, item: Item) -> None:
        """low-quality: blur, OCR confidence and size against the profile's [quality] thresholds, or those of
        [quality.photos.<kind>] for a camera photo (an image, not a web capture) of that kind: a phone photo of a
        label or a POD is judged by its blur with sensor noise filtered out, on thresholds measured for it."""
        q, kind_note = self.quality_thresholds(item)
        problems = []
        for page in item.reading.pages:
            if page.source == "text-layer":
                continue  # exact text: nothing to misread
            at = f"page {page.index}: " if len(item.reading.pages) > 1 else ""
            if page.sharpness is not None and page.sharpness < q["min_sharpness"]:
                problems.append(f"{at}blurred (sharpness {page.sharpness:.0f}, the minimum{kind_note} is "
                                f"{q['min_sharpness']:.0f}: variance of the Laplacian)")
            elif page.sharpness_denoised is not None and page.sharpness_denoised < q["min_sharpness_denoised"]:
                problems.append(f"{at}blurred (sharpness {page.sharpness_denoised:.0f} with the camera's noise "
                                f"filtered out, the minimum{kind_note} is {q['min_sharpness_denoised']:.0f})")
            letters = sum(ch.isalpha() for ch in page.text)
            if (page.confidence is not None and page.confidence < q["min_confidence"] and letters >= 20
                    and item.kind.kind != "product-photo"):
                problems.append(f"{at}OCR read it with {page.confidence:.0f}% confidence "
                                f"(the minimum{kind_note} is {q['min_confidence']:.0f}%)")
        read = [p for p in item.reading.pages if p.source == "ocr"]
        width = item.reading.image_width or max((p.width for p in read), default=0)
        height = item.reading.image_height or max((p.height for p in read), default=0)
        if width and height and min(width, height) < q["min_short_side_px"]:
            problems.append(f"only {width}x{height} px (under {q['min_short_side_px']:.0f} px on the short side)")
        if problems:
            self.add("low-quality", f"{item.source} may be too poor to read reliably: {'; '.join(problems)}.",
                     "rescan at 300 dpi, or take the photo again in good light and hold still; take screenshots at "
                     "full size instead of cropping or resizing them.", item.source)

    def quality_thresholds(self, item: Item) -> tuple[dict[str, float], str]:
        """The thresholds that apply to the item, and how the message names them ("" or " for a photo of ...")."""
        spec = self.profile.data.get("quality", {})
        names = ("min_sharpness", "min_sharpness_denoised", "min_confidence", "min_short_side_px")
        general = {name: float(spec.get(name, 0)) for name in names}
        photo = spec.get("photos", {}).get(item.kind.kind)
        if (photo is None or item.kind.web_capture
                or item.evidence.detected not in self.kind_rules.signals["image_types"]):
            return general, ""
        return ({name: float(photo.get(name, general[name])) for name in names},
                f" for a photo of a {label(self, item)}")

    def link_rule(self, item: Item) -> None:
        """external-link: a cloud-drive link or a QR code link offered instead of the evidence itself."""
        reading, found = item.reading, []
        for url in reading.fields.urls:
            if self.cloud_host(url.host):
                found.append(f"a {url.host} link ({url.value})")
        squeezed = re.sub(r"\s*([./])\s*", r"\1", reading.text.casefold())
        for token in dict.fromkeys(HOST_TOKEN.findall(squeezed)):
            host = self.cloud_host(token.split("/")[0])
            if host and not any(host in f for f in found):
                found.append(f"a {host} address in the text ({token})")
        if self.profile.data.get("external_links", {}).get("qr_codes", True):
            for payload in reading.qr_codes:
                link = payload.strip()
                if not LINK.match(link):
                    continue
                host = re.sub(r"(?i)^https?://", "", link).split("/")[0].lower()
                if self.profile.carrier_for_host(host):
                    self.log.append(f"validate: {item.source}: QR code to the carrier host {host} (a parcel label), "
                                    "not offered as evidence")
                    continue
                found.append(f"a QR code linking to {link}")
        if found:
            self.add("external-link",
                     f"{item.source} offers {'; '.join(found)}: the reviewers open no links, cloud drives or QR "
                     "codes, only the uploaded files.",
                     "download what the link points to and put those files (PDF/JPG/PNG) in the packet instead.",
                     item.source)

    def cloud_host(self, host: str) -> str | None:
        host = host.lower().strip(".")
        for cloud in self.profile.cloud_hosts:
            if host == cloud or host.endswith("." + cloud):
                return cloud
        return None

    # ---- the claim against the evidence -------------------------------------------------------

    def parcel_rules(self, claim: Claim) -> None:
        """tracking-mismatch: no carrier evidence shows the claim's number, some shows another (the evidence is of
        another parcel, or claim.toml's number is wrong). inconsistent-evidence: the carrier evidence shows two
        parcels (some files the claim's number, others another; or, with no number in claim.toml, no one number all
        of it agrees on), or a page shows another order than the claim's. One fact, one finding: files reported as
        another parcel by tracking-mismatch are not reported again as inconsistent."""
        parcel = self.parcel
        by_file = parcel.numbers_by_file()
        if parcel.basis == "claim.toml":
            holders = [s for s, numbers in by_file.items() if parcel.number in numbers]
            strays = {s: numbers for s, numbers in by_file.items() if parcel.number not in numbers}
            for source, numbers in strays.items():
                if not holders:
                    self.add("tracking-mismatch",
                             f"{source} shows tracking number {listing(numbers)}, not the claim's {parcel.number}, "
                             "and no carrier evidence in the packet shows the claim's number: the reviewers match "
                             "the number to the order and reject evidence of another parcel.",
                             f"attach the carrier's page for parcel {parcel.number}, or correct tracking_number in "
                             "claim.toml if the claim's number is the wrong one.", source)
                else:
                    self.add("inconsistent-evidence",
                             f"{source} shows tracking number {listing(numbers)}, another parcel than the claim's "
                             f"{parcel.number}, which {', '.join(holders)} show: a review is about one parcel, "
                             "and the reviewers reject a packet that mixes parcels.",
                             f"take {source} out of the packet (or replace it with the page of parcel "
                             f"{parcel.number}).", source)
        elif by_file and parcel.number is None:
            shown = "; ".join(f"{s} shows {listing(numbers)}" for s, numbers in by_file.items())
            shared = set.intersection(*(set(numbers) for numbers in by_file.values()))
            why = (f"every file shows {' and '.join(sorted(shared))}" if shared
                   else "no one tracking number is shown by all of it")
            for source in by_file:
                self.add("inconsistent-evidence",
                         f"The carrier evidence shows more than one parcel ({shown}): {why}, and claim.toml names "
                         "no tracking_number, so which parcel the claim is about cannot be told; a review is about "
                         "one parcel.",
                         "set tracking_number in claim.toml to the claim's parcel and keep only that parcel's "
                         f"evidence (take out the files of the other parcels).", source)
        self.conversation_numbers(parcel)
        self.order_rule(parcel)

    def conversation_numbers(self, parcel) -> None:
        """A different number typed in a conversation is a likely typo: a note, never a mismatch."""
        if not parcel.number:
            return
        evidence = {n.value for n in parcel.numbers}
        for item in self.items:
            if item.kind.kind not in self.kinds("conversation_kinds"):
                continue
            for number in item.reading.fields.tracking_numbers:
                value = number.value.upper()
                if value not in (parcel.number, parcel.order_id) and value not in evidence:
                    self.add("tracking-mismatch",
                             f"A message in {item.source} mentions tracking number {value}, not the claim's "
                             f"{parcel.number}: likely a typo in the conversation, not another parcel.",
                             "nothing to do unless the conversation is about a different parcel.", item.source,
                             severity=self.evidence_spec.get("conversation_number_severity", "note"))
                    break

    def order_rule(self, parcel) -> None:
        """inconsistent-evidence for a page showing another order id than the claim's (a URL's orderId=, an order
        page's number). An id one digit off the claim's, read by OCR, may be a misreading: a note. An order number
        in a conversation's text (not its URL) is what someone wrote: a note too."""
        talk = self.kinds("conversation_kinds")
        reported = set()
        for seen in parcel.orders:
            if seen.value == parcel.order_id or (seen.source, seen.value) in reported:
                continue
            reported.add((seen.source, seen.value))
            kind = self.state.kinds.get(seen.source)
            near = (len(seen.value) == len(parcel.order_id)
                    and sum(a != b for a, b in zip(seen.value, parcel.order_id)) == 1)
            where = "in the page's URL" if seen.where == "url" else "as its order number"
            if seen.ocr and near:
                self.add("inconsistent-evidence",
                         f"{seen.source} shows order {seen.value} {where} (page {seen.page}), one digit off the "
                         f"claim's order {parcel.order_id}: likely a misreading of the claim's order.",
                         "check that the page is of the claim's order.", seen.source, severity="note")
            elif kind and kind.kind in talk and seen.where == "label":
                self.add("inconsistent-evidence",
                         f"A message in {seen.source} mentions order {seen.value}, not the claim's "
                         f"{parcel.order_id}.", "nothing to do unless the conversation is about another order.",
                         seen.source, severity=self.evidence_spec.get("conversation_number_severity", "note"))
            else:
                self.add("inconsistent-evidence",
                         f"{seen.source} shows order {seen.value} {where} (page {seen.page}), not the claim's order "
                         f"{parcel.order_id}: the reviewers match the evidence to the claim's order and reject "
                         "evidence of another order.",
                         f"replace {seen.source} with the page of order {parcel.order_id}, or correct order_id in "
                         "claim.toml if the claim's order id is the wrong one.", seen.source)

    # ---- the bundle, not the folder ------------------------------------------------------------

    def strongest_bundle(self, claim: Claim) -> dict[str, str]:
        """Judges the reason's requirements on the evidence that will be uploaded, and returns the files left out.

        A file failing a per-file rule of the profile's [bundle] leave_out_rules (a capture without its URL, a
        blurred photo, Chinese without a translation) is left out when the other files meet the reason's
        requirements without it (no error, and something readable in Korean or English supports the reason); its
        finding becomes a warning saying so, as long as leaving it out costs nothing the whole folder meets (no reason
        finding, warning or error, that all the files together do not give: a weak capture that alone shows the
        tracking number stays). A weak file that alone makes the rest meet them is kept with its finding as it is;
        when no such file does, every file is kept and judged as it is."""
        leave_out_rules = set(self.profile.data.get("bundle", {}).get("leave_out_rules", ()))
        weak: dict[str, list[Finding]] = {}
        for finding in self.findings:
            if finding.rule in leave_out_rules and finding.file in self.sources:
                weak.setdefault(finding.file, []).append(finding)
        strong = [i for i in self.items if i.source not in weak]
        ranked = sorted(weak, key=lambda s: (any(f.severity == "error" for f in weak[s]), len(weak[s]), s))
        everything = self.on(self.items).requirements(claim)
        chosen, kept = everything, set(weak)
        for extra in ([()] + [(s,) for s in ranked] if weak else []):
            outcome = self.on(strong + [i for i in self.items if i.source in extra]).requirements(claim)
            if outcome.met and outcome.rules <= everything.rules:  # nothing the whole folder meets is lost
                chosen, kept = outcome, set(extra)
                break
        self.findings += chosen.findings
        self.log += chosen.log
        left = {s: f for s, f in weak.items() if s not in kept}
        if left:
            self.leave_out(left, claim, strong + [i for i in self.items if i.source in kept])
        if not chosen.readable:
            self.untranslated_blocks(claim)
        return {s: "; ".join(f"{f.rule}" for f in found) + ": not needed, the other evidence meets the reason"
                for s, found in left.items()}

    @dataclass(frozen=True)
    class Outcome:
        findings: list
        log: list
        readable: bool   # something readable in Korean or English supports the reason

        @property
        def met(self) -> bool:
            return self.readable and not any(f.severity == "error" for f in self.findings)

        @property
        def rules(self) -> set[str]:
            return {f.rule for f in self.findings}

    def on(self, items: list[Item]) -> "Judge":
        """A judge of the same packet that sees only `items`, with no findings yet."""
        other = copy.copy(self)
        other.items, other.findings, other.log = list(items), [], []
        return other

    def requirements(self, claim: Claim) -> "Judge.Outcome":
        """The reason's rules on this judge's items."""
        self.reason_rules(claim)
        return Judge.Outcome(self.findings, self.log, self.readable_support(claim))

    def readable_support(self, claim: Claim) -> bool:
        spec = self.profile.reasons.get(claim.reason)
        if spec is None:
            return True
        kinds = set(spec.get("supporting_kinds", ())) | set(spec.get("weak_kinds", ()))
        neutral = set(self.kind_rules.languages.get("not_documents", ()))
        return any(i.kind.kind in kinds and (i.kind.kind in neutral or (i.reading.text.strip()
                                                                         and not self.is_chinese(i.reading.text)))
                   for i in self.items)

    def leave_out(self, left: dict[str, list[Finding]], claim: Claim, kept: list[Item]) -> None:
        chosen = reason_label(self.profile.reasons.get(claim.reason, {}), claim.reason)
        others = ", ".join(i.source for i in kept) or "the other files"
        for source, found in left.items():
            for finding in found:
                index = self.findings.index(finding)
                self.findings[index] = replace(
                    finding, severity="warning",
                    message=f"{finding.message} It is left out of the upload files: the other evidence ({others}) "
                            f"meets the {chosen!r} requirements without it.",
                    fix=f"nothing is needed for this packet; to upload it anyway, {finding.fix}")
            self.log.append(f"validate: {source} left out of the upload files ({', '.join(f.rule for f in found)}): "
                            f"not needed for {chosen!r}")

    def untranslated_blocks(self, claim: Claim) -> None:
        """untranslated becomes an error where nothing readable in Korean or English supports the reason."""
        chosen = reason_label(self.profile.reasons.get(claim.reason, {}), claim.reason)
        for index, finding in enumerate(self.findings):
            if finding.rule == "untranslated":
                self.findings[index] = replace(
                    finding, severity="error",
                    message=f"{finding.message} Nothing else in the packet that supports {chosen!r} is in Korean "
                            "or English, so the review would have no evidence the reviewers can read.")

    def reason_rules(self, claim: Claim) -> None:
        reasons = self.profile.reasons
        spec = reasons.get(claim.reason)
        if spec is None:
            return
        strong = set(spec.get("supporting_kinds", ()))
        weak = set(spec.get("weak_kinds", ()))
        main = [i for i in self.items if i.kind.kind in strong]
        weak_items = [i for i in self.items if i.kind.kind in weak]
        untrusted = set(self.profile.data.get("untrusted_sources", {}).get("kinds", ()))
        chosen = reason_label(spec, claim.reason)

        if not main and not weak_items:
            listing = "; ".join(f"{i.source} is a {label(self, i)}" for i in self.items)
            others = self.other_reasons(claim.reason)
            instead = (f" The evidence supports {' or '.join(repr(o) for o in others)} instead." if others else "")
            fix = (f"choose {others[0]!r} as the reason (claim.toml and the form), or add evidence for {chosen!r}"
                   if others else f"add evidence for {chosen!r}") + f": {describe_kinds(self, strong)}."
            self.add("reason-mismatch",
                     f"No file supports the reason {chosen!r} ({listing}); reviewers file by reason and reject "
                     f"mismatched evidence outright.{instead}", fix)
            if self.items and all(i.kind.kind in untrusted for i in self.items):
                self.untrusted_only(self.items, chosen)
            return
        if not main:
            self.untrusted_only(weak_items, chosen)
        requires = spec.get("requires", ())
        if "tracking_number" in requires:
            self.require_tracking_number(main)
        if "delivery_time" in requires:
            self.require_delivery_time(main)
        if "korean_address" in requires:
            self.require_address(main)
        if "timestamp" in requires:
            for item in main + weak_items:
                if not item.reading.fields.timestamps and not item.kind.web_capture:
                    self.add("missing-timestamp",
                             f"{item.source} ({label(self, item)}) shows no date and time for its messages; the "
                             f"reviewers need a timestamped thread for {chosen!r}.",
                             "export the thread from Seller Center with its timestamps (the CSV export), or capture "
                             "it with the message times visible.", item.source)
        thin = spec.get("thin_below_files")
        if thin and len(main) + len(weak_items) < thin:
            self.add("thin-evidence",
                     f"Only {len(main) + len(weak_items)} file supports {chosen!r}; with the 'Other' reason the "
                     "reviewers have only the evidence itself to go by.",
                     "add what backs the case: order, claim and deduction records, carrier or customs notices.")

    def other_reasons(self, chosen: str) -> list[str]:
        """Labels of the other specific reasons this packet's evidence supports, the best supported first."""
        counts = []
        for name, spec in self.profile.reasons.items():
            if name == chosen or name == "other":
                continue
            kinds = set(spec.get("supporting_kinds", ())) | set(spec.get("weak_kinds", ()))
            n = sum(i.kind.kind in kinds for i in self.items)
            if n:
                counts.append((-n, reason_label(spec, name)))
        return [name for _, name in sorted(counts)]

    def untrusted_only(self, items: list[Item], chosen: str) -> None:
        listing = ", ".join(f"{i.source} ({label(self, i)})" for i in items)
        self.add("untrusted-source",
                 f"The only evidence for {chosen!r} is {listing}: Coupang does not accept chat-app screenshots "
                 "(e.g. WeChat) as main evidence.",
                 "add the Seller Center message export (CSV, with timestamps) or the carrier's own evidence; keep "
                 "the chat only as a supplement.", items[0].source)

    def delivery_items(self, main: list[Item]) -> list[Item]:
        kinds = self.kinds("delivery_kinds")
        return [i for i in main if i.kind.kind in kinds]

    def require_tracking_number(self, main: list[Item]) -> None:
        carrier = [i for i in main if i.kind.kind in self.kinds("carrier_kinds")]
        numbers = [t for i in carrier for t in i.reading.fields.tracking_numbers
                   if t.checksum != "bad" and t.value != self.order_id]
        if carrier and not numbers:
            self.add("untrusted-source",
                     f"No valid tracking number was read on the carrier evidence "
                     f"({', '.join(i.source for i in carrier)}): Coupang does not accept logistics evidence without "
                     "a tracking number as main evidence.",
                     "add the carrier's page or PDF that shows the tracking number in full.", carrier[0].source)

    def require_delivery_time(self, main: list[Item]) -> None:
        items = self.delivery_items(main)
        if not items:
            return
        keywords = load_statement_rules()  # the statement builder's "delivered" words: one list for both
        delivered = [i for i in items if any(keywords.says_delivered(line) for line in i.reading.text.splitlines())]
        if not delivered:
            self.add("reason-mismatch",
                     f"None of the delivery evidence ({', '.join(i.source for i in items)}) shows the parcel as "
                     "delivered (배송완료 / delivered / 签收 was not read): without the delivered step it does not "
                     "prove delivery.",
                     "add the carrier's page with the delivered step and its time, or the signed proof of delivery.")
        elif not any(delivery_stamped(i.reading, keywords) for i in delivered):
            for item in delivered:
                self.add("missing-timestamp",
                         f"{item.source} shows the parcel as delivered, but no date and time was read on the "
                         "delivered line (or just under its label).",
                         "add the page or POD that shows the delivery date and time.", item.source)

    def require_address(self, main: list[Item]) -> None:
        items = self.delivery_items(main)
        if not items or any(i.reading.fields.korean_addresses for i in items):
            return
        pods = [i for i in items if i.kind.kind == "proof-of-delivery"] or items
        self.add("missing-address",
                 f"No Korean delivery address was read on the delivery evidence "
                 f"({', '.join(i.source for i in items)}): proof of delivery must show the Korean address, the "
                 "delivery date and the signature.",
                 "add the POD or carrier page that shows the full Korean address (do not mask it).", pods[0].source)

    def untranslated_rule(self) -> None:
        claim = self.state.claim
        spec = self.profile.reasons.get(claim.reason, {}) if claim else {}
        main_kinds = set(spec.get("supporting_kinds", ())) | set(spec.get("weak_kinds", ()))
        skip = set(self.kind_rules.languages.get("not_documents", ()))
        main = [i for i in self.items if i.kind.kind in main_kinds] or self.items
        for item in main:
            if item.kind.kind in skip or not self.is_chinese(item.reading.text):
                continue
            versions = [i for i in self.items if i is not item and i.kind.kind == item.kind.kind
                        and not self.is_chinese(i.reading.text) and i.reading.text.strip()]
            if versions:
                self.log.append(f"validate: {item.source} is Chinese; {versions[0].source} taken as its translation")
                continue
            self.add("untranslated",
                     f"{item.source} ({label(self, item)}) is in Chinese, and the packet has no Korean or English "
                     "version of it: the reviewers read only Korean and English, and ignore Chinese-only material.",
                     "add an official (not machine) Korean or English translation as its own file.", item.source)

    def is_chinese(self, text: str) -> bool:
        """Mostly Han characters, without its own Korean/English version in the same file."""
        counts = script_counts(text)
        min_letters = int(self.kind_rules.languages.get("latin_word_min_letters", 3))
        latin_words = sum(1 for w in LATIN_WORD.findall(text) if len(w) >= min_letters)
        total = counts["han"] + counts["hangul"] + latin_words
        if not counts["han"] or not total:
            return False
        return (counts["hangul"] + latin_words) / total < float(self.kind_rules.languages["translated_min_share"])


# ---- helpers --------------------------------------------------------------------------------------

LANGUAGE_NAMES = {"ko": "Korean", "en": "English", "zh": "Chinese", "other": "another script"}


def dominant_language(text: str) -> tuple[str, str]:
    """The language a short text is mostly written in (by script: Hangul ko, Latin en, Han zh), with counts."""
    counts = script_counts(text)
    latin_words = len(LATIN_WORD.findall(text))
    scores = {"ko": counts["hangul"], "en": latin_words, "zh": counts["han"]}
    lang = max(scores, key=lambda k: scores[k])
    if not scores[lang]:
        lang = "other" if any(ch.isalpha() for ch in text) else "en"
    return lang, (f"{counts['han']} Chinese characters, {counts['hangul']} Hangul syllables, "
                  f"{latin_words} Latin-letter words")


def delivery_stamped(reading: Reading, keywords) -> bool:
    """A timestamp of the reading printed as its page's delivery time (StatementRules.printed_as_delivered)."""
    texts = {page.index: page.text for page in reading.pages}
    return any(stamp.page in texts and keywords.printed_as_delivered(texts[stamp.page], stamp.text)
               for stamp in reading.fields.timestamps)


def reason_label(spec: dict, name: str) -> str:
    return spec.get("label_en", name)


def label(judge: Judge, item: Item) -> str:
    return judge.kind_rules.label(item.kind.kind)


def describe_kinds(judge: Judge, kinds: set[str]) -> str:
    return ", ".join(judge.kind_rules.label(k) for k in sorted(kinds)) or "any evidence"


def listing(numbers) -> str:
    """'689212345674 (p.1, 2)' per number of a file's {number: pages}."""
    return ", ".join(f"{value} (p.{', '.join(map(str, pages))})" for value, pages in numbers.items())


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
