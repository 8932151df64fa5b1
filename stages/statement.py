"""Stage 'statement': the form's statement, in the profile's languages (Korean and English), within its limit.

The wording comes from templates/statement/<reason>.toml; the facts from claim.toml and the pages of the claim's
parcel (pipeline/judging/statement_text.py). A packet failed because its evidence contradicts the reason or the
parcel gets the neutral template and no fact only claim.toml states. The seller's draft is kept in whole sentences;
a draft not kept whole is reported (statement-shortened), never passed off as used. Without a claim (claim.toml
broken) there is nothing to state: manifest has already reported it.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.context import Context
from pipeline.judging.statement_text import (build_statement, gather_facts, load_rules, load_template,
                                             template_for, usable_draft)
from pipeline.model import Finding, PacketState


def run(state: PacketState, ctx: Context) -> PacketState:
    if state.claim is None:
        return state.with_log("statement: skipped, no valid claim.toml")
    rules = load_rules()
    languages = ctx.profile.limit("statement_languages")
    template, template_note = template_for(state.claim.reason)
    draft, draft_note = usable_draft(state.claim.statement, languages)
    facts = gather_facts(state, rules, ctx.profile.evidence_kinds("carrier_kinds"))
    contradicted = sorted({f.rule for f in state.findings if f.severity == "error" and f.rule in rules.neutral_when})
    if contradicted:
        template = load_template(rules.neutral_template)
        template_note = (f"statement: neutral template {template.path.name}: the evidence contradicts the claim "
                         f"({', '.join(contradicted)})")
        if facts.tracking_number and not facts.tracking_number.shown:
            facts = replace(facts, tracking_number=None, carrier=None)
    statement = build_statement(facts, template, rules, limit=ctx.profile.limit("statement_max_chars"),
                                languages=languages, zone=ctx.profile.limit("window_zone"), draft=draft,
                                profile_carriers=ctx.profile.carriers)
    delivered = (f"delivery time {facts.delivered.value} from "
                 + ", ".join(f"{s.source} p.{s.page}" for s in facts.delivered.shown)
                 if facts.delivered else "no delivery time read on the claim's parcel's delivery evidence")
    state = replace(state, statement=statement.text).with_log(
        template_note, f"statement: {draft_note}", f"statement: {delivered}", statement.describe())
    if draft and statement.draft_chars < len(draft.text):
        kept = (f"only its first {statement.draft_chars} characters (whole sentences) were kept"
                if statement.draft_chars else "none of it was used: not even its first sentence fits")
        state = state.with_findings(Finding(
            "statement-shortened", ctx.profile.severity("statement-shortened"),
            f"The draft statement in claim.toml has {len(draft.text)} characters; beside the facts evpack states, "
            f"{kept}, within the form's {ctx.profile.limit('statement_max_chars')} characters. A sentence is never "
            "cut: whole sentences were left out.",
            "read statement.txt before submitting; shorten the draft to its key sentence if what was left out "
            "matters.", "claim.toml"))
    return state
