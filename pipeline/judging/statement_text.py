"""The statement builder: the form's statement in every language of the profile, within its character limit.

The wording is data (templates/statement/<reason>.toml: variants from full to terse, per language, with
placeholders). The builder fills the placeholders with facts read from the evidence, never with guesses: a
variant whose placeholder has no value is skipped. It tries every combination of variants, richest first,
keeps the most important facts (tracking number, delivery time) as long as anything else, builds on the
seller's own draft where that is in a language of the profile, and returns the first combination that fits.

Characters are counted as Unicode code points after NFC, as the profile's limit says.
"""
from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Iterable, Mapping
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from pipeline.datafiles import load_toml
from pipeline.errors import EvpackError, ProfileError
from pipeline.fields.keyword_match import squeeze
from pipeline.fields.scripts import script_counts
from pipeline.judging.keywords import says_delivered
from pipeline.judging.parcel import Parcel, Shown, parcel_of
from pipeline.model import KST, PacketState, Reading

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "statement"
SHARED_TEMPLATE = TEMPLATES_DIR / "_shared.toml"
FALLBACK_REASON = "other"
PLACEHOLDERS = frozenset({"order_id", "claim_id", "tracking_number", "carrier", "delivered", "attachments"})

SENTENCE_END = re.compile(r"[.!?。！？](?=\s|$)")
WHITESPACE = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def char_count(text: str) -> int:
    """Characters as the form counts them: code points after NFC."""
    return len(nfc(text))


# ---- data ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementRules:
    """templates/statement/_shared.toml: what every reason's template shares."""

    separator: str
    draft_min_chars: int
    key_facts: tuple[str, ...]
    locales: Mapping[str, str]
    date_patterns: Mapping[str, str]
    delivery_kinds: tuple[str, ...]
    delivered_keywords: tuple[str, ...]
    not_delivered_keywords: tuple[str, ...]
    delivery_examples: tuple[Mapping, ...]
    delivery_time_labels: tuple[str, ...]
    stamped_examples: tuple[Mapping, ...]
    carriers: Mapping[str, Mapping[str, str]]
    kinds: Mapping[str, Mapping[str, str]]
    neutral_when: tuple[str, ...] = ()  # rules whose error makes the statement neutral (see _shared.toml)
    neutral_template: str = FALLBACK_REASON

    def says_delivered(self, line: str) -> bool:
        return says_delivered(line, self.delivered_keywords, self.not_delivered_keywords)

    def printed_as_delivered(self, page_text: str, stamp_text: str) -> bool:
        """The timestamp read as `stamp_text` is the page's delivery time: printed on a line that says delivered, right
        under a label line that says so and has no digits of its own (`배송완료 일시` over `2026-03-10 14:22`), or on
        the same line as a delivery-time label (`배송일시 2026.03.10 14:22`, [delivery] time_labels) of a page that
        says delivered on another line (a POD titled 배송완료 확인서). Spaces are ignored (OCR puts them anywhere).
        One rule for the check (validate's missing-timestamp) and the statement (its delivery time)."""
        lines = page_text.splitlines()
        stamp = squeeze(stamp_text)
        page_says_delivered = None
        for i, line in enumerate(lines):
            if not stamp or stamp not in squeeze(line):
                continue
            if self.says_delivered(line):
                return True
            above = lines[i - 1] if i else ""
            if self.says_delivered(above) and not any(ch.isdigit() for ch in above):
                return True
            if says_delivered(line, self.delivery_time_labels, self.not_delivered_keywords):
                if page_says_delivered is None:
                    page_says_delivered = any(self.says_delivered(other) for other in lines)
                if page_says_delivered:
                    return True
        return False

    def carrier_label(self, carrier: str, lang: str, profile_carriers: Mapping[str, Mapping] | None = None) -> str:
        """The carrier's name in one language; the profile's name, then the id, where the data has none."""
        return (self.carriers.get(carrier, {}).get(lang)
                or (profile_carriers or {}).get(carrier, {}).get("name") or carrier)

    def kind_label(self, kind: str, lang: str) -> str:
        return self.kinds.get(kind, self.kinds["other"])[lang]


@lru_cache(maxsize=4)
def load_rules(path: Path = SHARED_TEMPLATE) -> StatementRules:
    data = _read_toml(path)
    try:
        delivery = data["delivery"]
        return StatementRules(
            separator=data["separator"], draft_min_chars=int(data["draft_min_chars"]),
            key_facts=tuple(data["key_facts"]), locales=data["locales"], date_patterns=data["dates"],
            delivery_kinds=tuple(delivery["kinds"]), delivered_keywords=tuple(delivery["keywords"]),
            not_delivered_keywords=tuple(delivery.get("not_keywords", ())),
            delivery_examples=tuple(delivery.get("examples", ())),
            delivery_time_labels=tuple(delivery.get("time_labels", ())),
            stamped_examples=tuple(delivery.get("stamped_examples", ())),
            carriers=data["carriers"], kinds=data["kinds"], neutral_when=tuple(data.get("neutral_when", ())),
            neutral_template=data.get("neutral_template", FALLBACK_REASON))
    except KeyError as exc:
        raise EvpackError(f"Statement data {path} lacks {exc}.", "restore the file from the evpack release.") from None


@dataclass(frozen=True)
class Variant:
    name: str
    texts: Mapping[str, str]  # language -> text with placeholders

    def placeholders(self, lang: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.texts[lang]) if name}

    def render(self, lang: str, values: Mapping[str, str]) -> str | None:
        """The text with every placeholder filled, or None if a placeholder has no value."""
        if any(not values.get(name) for name in self.placeholders(lang)):
            return None
        return nfc(self.texts[lang].format_map(values))


@dataclass(frozen=True)
class StatementTemplate:
    reason: str
    path: Path
    variants: tuple[Variant, ...]  # richest first


@lru_cache(maxsize=16)
def load_template(reason: str, templates_dir: Path = TEMPLATES_DIR) -> StatementTemplate:
    path = templates_dir / f"{reason}.toml"
    data = _read_toml(path)
    variants = tuple(Variant(name=v.get("name", str(i)), texts={k: t for k, t in v.items() if k != "name"})
                     for i, v in enumerate(data.get("variants", ())))
    if not variants:
        raise EvpackError(f"Statement template {path} has no [[variants]].", "add at least one variant.")
    for variant in variants:
        for lang, text in variant.texts.items():
            unknown = variant.placeholders(lang) - PLACEHOLDERS
            if unknown:
                raise EvpackError(f"Statement template {path}, variant {variant.name!r} ({lang}) uses unknown "
                                  f"placeholder(s) {', '.join(sorted(unknown))}.",
                                  f"use only {', '.join(sorted(PLACEHOLDERS))}.")
    return StatementTemplate(reason=reason, path=path, variants=variants)


def template_for(reason: str) -> tuple[StatementTemplate, str]:
    """The reason's template, or the 'other' one for a reason of a custom profile; with a log line saying which."""
    if (TEMPLATES_DIR / f"{reason}.toml").is_file():
        template = load_template(reason)
        return template, f"statement: template {template.path.name}"
    template = load_template(FALLBACK_REASON)
    return template, (f"statement: no template for reason {reason!r} in {TEMPLATES_DIR}; "
                      f"used {template.path.name}")


def _read_toml(path: Path) -> dict:
    return load_toml(path, "Statement data")


# ---- facts read from the evidence ---------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    value: str                  # tracking number, carrier id, ISO 8601 time or address
    shown: tuple[Shown, ...] = ()  # evidence pages showing it; () when only claim.toml says so


@dataclass(frozen=True)
class ClaimFacts:
    """What the statement and the cover may state, each fact with the pages that show it."""

    claim_id: str
    order_id: str
    tracking_number: Fact | None = None
    carrier: Fact | None = None
    delivered: Fact | None = None
    address: Fact | None = None
    attachment_kinds: tuple[str, ...] = ()  # what the upload files show, in upload order

    @property
    def delivered_at(self) -> datetime | None:
        return datetime.fromisoformat(self.delivered.value) if self.delivered else None


def gather_facts(state: PacketState, rules: StatementRules, carrier_kinds: Iterable[str]) -> ClaimFacts:
    """The facts of the claim, each only from pages of the claim's parcel or order (pipeline/judging/parcel.py) and
    citing them: a fact no such page shows is left out, never taken from another parcel's page. The tracking number
    and carrier come from claim.toml where the seller stated them (cited where a page of the parcel shows them).
    Files left out of the upload files (state.left_out) are cited for nothing."""
    claim = state.claim
    assert claim is not None, "facts need a claim"
    parcel = parcel_of(claim, state.readings, state.kinds, carrier_kinds)
    order = {source: i for i, source in enumerate(state.inputs)}
    ranked = sorted((s for s in state.readings if s not in state.left_out),
                    key=lambda s: (order.get(s, len(order)), s))
    delivery = [(s, _parcel_only(state.readings[s], parcel, s)) for s in ranked
                if s in state.kinds and state.kinds[s].kind in rules.delivery_kinds]
    tracking = _tracking_fact(parcel, [(s, state.readings[s]) for s in ranked])
    return ClaimFacts(
        claim_id=claim.claim_id, order_id=claim.order_id, tracking_number=tracking,
        carrier=_carrier_fact(claim.carrier, tracking, parcel),
        delivered=delivery_time([(s, r) for s, r in delivery if r.pages], rules),
        address=_address_fact([(s, r) for s, r in delivery if r.pages]),
        attachment_kinds=attachment_kinds(state))


def _parcel_only(reading: Reading, parcel: Parcel, source: str) -> Reading:
    """The reading with only the fields printed on pages of the claim's parcel (pages keep their numbers)."""
    keep = {p.index for p in reading.pages if parcel.shows(source, p.index)}
    fields = reading.fields
    return replace(reading, pages=tuple(p for p in reading.pages if p.index in keep),
                   fields=replace(fields, timestamps=tuple(t for t in fields.timestamps if t.page in keep),
                                  korean_addresses=tuple(a for a in fields.korean_addresses if a.page in keep)))


def _tracking_fact(parcel: Parcel, readings: list[tuple[str, Reading]]) -> Fact | None:
    if not parcel.number:
        return None
    shown = _unique(Shown(s, t.page) for s, r in readings for t in r.fields.tracking_numbers
                    if t.value.upper() == parcel.number and parcel.shows(s, t.page))
    return Fact(parcel.number, shown)


def _carrier_fact(stated: str | None, tracking: Fact | None, parcel: Parcel) -> Fact | None:
    matches = [n for n in parcel.numbers if tracking and n.value == tracking.value and n.carrier
               and parcel.shows(n.source, n.page)]
    carrier = stated or (Counter(n.carrier for n in matches).most_common(1)[0][0] if matches else None)
    if not carrier:
        return None
    return Fact(carrier, _unique(Shown(n.source, n.page) for n in matches if n.carrier == carrier))


def _address_fact(readings: list[tuple[str, Reading]]) -> Fact | None:
    seen = Counter(a.value for _, r in readings for a in r.fields.korean_addresses)
    if not seen:
        return None
    value = seen.most_common(1)[0][0]
    return Fact(value, _unique(Shown(s, a.page) for s, r in readings for a in r.fields.korean_addresses
                               if a.value == value))


def delivery_time(readings: Iterable[tuple[str, Reading]], rules: StatementRules) -> Fact | None:
    """The latest timestamp printed on a line saying the parcel was delivered (or just under a label line
    saying so), on the given delivery evidence; None if no such timestamp was read."""
    found: list[tuple[datetime, Shown]] = []
    for source, reading in readings:
        texts = {page.index: page.text for page in reading.pages}
        for stamp in reading.fields.timestamps:
            if stamp.page not in texts:
                continue
            if rules.printed_as_delivered(texts[stamp.page], stamp.text):
                try:
                    moment = datetime.fromisoformat(stamp.value)
                except ValueError:  # a value read stage could not normalise is no fact to state
                    continue
                found.append((moment if moment.tzinfo else moment.replace(tzinfo=KST), Shown(source, stamp.page)))
    if not found:
        return None
    latest = max(moment for moment, _ in found)
    return Fact(latest.isoformat(), _unique(shown for moment, shown in found if moment == latest))


def attachment_kinds(state: PacketState) -> tuple[str, ...]:
    """The kinds of evidence placed into the upload files, distinct, in upload and page order."""
    rank = {u.name: i for i, u in enumerate(state.uploads)}
    placements = sorted(state.placements, key=lambda p: (rank.get(p.upload, len(rank)), p.upload_page))
    kinds = (state.kinds[p.source].kind for p in placements if p.source in state.kinds)
    return tuple(dict.fromkeys(kinds))


def _unique(items: Iterable[Shown]) -> tuple[Shown, ...]:
    return tuple(dict.fromkeys(items))


# ---- the seller's draft ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Draft:
    text: str   # NFC, whitespace collapsed
    lang: str   # the language it is written in


def usable_draft(text: str | None, languages: Iterable[str]) -> tuple[Draft | None, str]:
    """The seller's draft if it is written in one of `languages` (ko, en), with the reason for the decision.

    A draft with Chinese characters is not used: Coupang ignores Chinese, and validate reports it
    (statement-language); evpack's own statement takes its place.
    """
    if not text or not text.strip():
        return None, "no draft statement in claim.toml"
    cleaned = WHITESPACE.sub(" ", nfc(text)).strip()
    counts = script_counts(cleaned)
    if counts["han"] or counts["kana"]:
        return None, f"draft statement not used: it has {counts['han'] + counts['kana']} Chinese/Japanese characters"
    lang = "ko" if counts["hangul"] >= counts["latin"] and counts["hangul"] else "en" if counts["latin"] else None
    if lang not in set(languages):
        return None, "draft statement not used: it is in none of the profile's statement languages"
    return Draft(cleaned, lang), f"draft statement is {lang}, {len(cleaned)} characters"


def shorten(text: str, budget: int) -> str:
    """`text`'s leading whole sentences within `budget` characters; "" if not even the first sentence fits.

    A statement is never cut mid-sentence: a cut sentence ("The buyer received the parcel on…") reads as a claim
    left unfinished, or as a different one. Whole sentences are dropped instead, and the caller reports it."""
    text = WHITESPACE.sub(" ", nfc(text)).strip()
    if len(text) <= budget:
        return text
    cut = 0
    for match in SENTENCE_END.finditer(text):
        if match.end() > budget:
            break
        cut = match.end()
    return text[:cut]


# ---- building ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Statement:
    text: str
    variants: Mapping[str, str]  # language -> name of the variant used
    draft_chars: int             # characters of the seller's draft kept; 0: not used

    def describe(self) -> str:
        used = ", ".join(f"{lang} {name!r}" for lang, name in self.variants.items())
        draft = f", {self.draft_chars} characters of the seller's draft" if self.draft_chars else ""
        return f"statement: {char_count(self.text)} characters, variants {used}{draft}"


def placeholder_values(facts: ClaimFacts, rules: StatementRules, lang: str, zone: str,
                       profile_carriers: Mapping[str, Mapping] | None = None) -> dict[str, str]:
    """Every placeholder's text in one language; a fact not known is absent (its variants are skipped)."""
    values = {"order_id": facts.order_id, "claim_id": facts.claim_id}
    if facts.tracking_number:
        values["tracking_number"] = facts.tracking_number.value
    if facts.carrier:
        values["carrier"] = rules.carrier_label(facts.carrier.value, lang, profile_carriers)
    if facts.delivered_at:
        values["delivered"] = format_datetime(facts.delivered_at, rules.date_patterns[lang],
                                              tzinfo=ZoneInfo(zone), locale=rules.locales[lang])
    if facts.attachment_kinds:
        values["attachments"] = ", ".join(rules.kind_label(k, lang) for k in facts.attachment_kinds)
    return {k: nfc(v.strip()) for k, v in values.items() if v and v.strip()}


def build_statement(facts: ClaimFacts, template: StatementTemplate, rules: StatementRules, *,
                    limit: int, languages: Iterable[str], zone: str, draft: Draft | None = None,
                    profile_carriers: Mapping[str, Mapping] | None = None) -> Statement:
    """The richest statement within `limit` characters with one part per language, in order.

    Candidates are ranked by: key facts kept in every language, then the seller's draft kept, then richness
    (the variants' positions). The first that fits wins. ProfileError if even the tersest does not fit.
    """
    languages = tuple(languages)
    options: list[list[tuple[int, Variant, str]]] = []
    for lang in languages:
        values = placeholder_values(facts, rules, lang, zone, profile_carriers)
        rendered = [(i, v, v.render(lang, values)) for i, v in enumerate(template.variants) if lang in v.texts]
        options.append([(i, v, text) for i, v, text in rendered if text is not None])
    known_keys = [k for k in rules.key_facts if placeholder_values(facts, rules, languages[0], zone).get(k)]

    def rank(combo: tuple, with_draft: bool) -> tuple:
        kept = sum(all(key in v.placeholders(lang) for (_, v, _), lang in zip(combo, languages))
                   for key in known_keys)
        return (-kept, not with_draft, sum(i for i, _, _ in combo), tuple(i for i, _, _ in combo))

    candidates = sorted(((rank(combo, with_draft), combo, with_draft)
                         for combo in product(*options) for with_draft in ((True, False) if draft else (False,))),
                        key=lambda c: c[0])
    for _, combo, with_draft in candidates:
        text, kept = _assemble([t for _, _, t in combo], languages, rules, limit, draft if with_draft else None)
        if text is not None:
            return Statement(text, {lang: v.name for (_, v, _), lang in zip(combo, languages)}, kept)
    shortest = min((sum(len(t) for _, _, t in combo) for combo in product(*options)), default=0)
    raise ProfileError(f"statement_max_chars = {limit} is too small: the shortest statement of "
                       f"{template.path} needs {shortest + len(rules.separator) * (len(languages) - 1)} characters.",
                       "raise statement_max_chars in the rules profile, or add a terser variant to the template.")


def _assemble(parts: list[str], languages: tuple[str, ...], rules: StatementRules, limit: int,
              draft: Draft | None) -> tuple[str | None, int]:
    """The parts joined (the draft after its language's part), or None if they exceed `limit`."""
    fixed = sum(len(p) for p in parts) + len(rules.separator) * (len(parts) - 1)
    kept = ""
    if draft is not None:
        if draft.lang not in languages:
            return None, 0
        kept = shorten(draft.text, limit - fixed - 1)  # 1: the space before it
        if len(kept) < min(rules.draft_min_chars, len(draft.text)):
            return None, 0
        parts = [f"{p} {kept}" if lang == draft.lang else p for p, lang in zip(parts, languages)]
    text = nfc(rules.separator.join(parts))
    return (text, len(kept)) if len(text) <= limit else (None, 0)
