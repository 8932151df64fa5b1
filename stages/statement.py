"""Stage 'statement': the form's statement, in the profile's languages (Korean and English), within its limit.

The wording comes from templates/statement/<reason>.toml; the facts from claim.toml and the evidence read
(pipeline/judging/statement_text.py). Without a claim (claim.toml broken) there is nothing to state: manifest has
already reported it.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.context import Context
from pipeline.model import PacketState
from pipeline.judging.statement_text import (build_statement, gather_facts, load_rules, template_for,
                                     usable_draft)


def run(state: PacketState, ctx: Context) -> PacketState:
    if state.claim is None:
        return state.with_log("statement: skipped, no valid claim.toml")
    rules = load_rules()
    languages = ctx.profile.limit("statement_languages")
    template, template_note = template_for(state.claim.reason)
    draft, draft_note = usable_draft(state.claim.statement, languages)
    facts = gather_facts(state, rules)
    statement = build_statement(facts, template, rules, limit=ctx.profile.limit("statement_max_chars"),
                                languages=languages, zone=ctx.profile.limit("window_zone"), draft=draft,
                                profile_carriers=ctx.profile.carriers)
    delivered = (f"delivery time {facts.delivered.value} from "
                 + ", ".join(f"{s.source} p.{s.page}" for s in facts.delivered.shown)
                 if facts.delivered else "no delivery time read on delivery evidence")
    return replace(state, statement=statement.text).with_log(
        template_note, f"statement: {draft_note}", f"statement: {delivered}", statement.describe())
