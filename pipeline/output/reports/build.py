"""What `build` tells the seller when it ends: where the bundle is, what to upload (with sizes), the statement to
paste, the deadline in KST and the seller's zone, and the next command. Human text for stderr, in the user's
language."""
from __future__ import annotations

import shlex
from pathlib import Path

from pipeline.context import Context
from pipeline.i18n import format_left, gettext_for
from pipeline.judging.deadline import window_zone
from pipeline.model import PacketState
from pipeline.output.layout import NOT_READY, STATEMENT, UPLOAD, bundle_name
from pipeline.output.reports.check import format_instant


def human_size(size: int) -> str:
    """Decimal units, as the form counts its 10 MB: '812 KB', '2.4 MB'."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def build_summary(state: PacketState, ctx: Context, packet: str, out: str) -> str:
    """The closing block of `build` for one packet: `packet` and `out` as the user gave them (the bundle is
    OUT/<bundle name>)."""
    _ = gettext_for(ctx.lang)
    folder = Path(out).resolve() / bundle_name(state)
    ready = state.verdict() == "pass"
    lines = [_("Bundle: {path}", path=folder) + "  "
             + (_("(ready to upload)") if ready else _("(NOT READY: see {file})", file=NOT_READY))]
    if state.uploads:
        lines.append(_("Upload these {count} file(s) from {folder}/:", count=len(state.uploads), folder=UPLOAD))
        width = max(len(u.name) for u in state.uploads)
        lines += [f"  {u.name:<{width}}  {human_size(u.size):>8}" for u in state.uploads]
    else:
        lines.append(_("No file could go into {folder}/.", folder=UPLOAD))
    if state.statement:
        limit = ctx.profile.limit("statement_max_chars")
        lines.append(_("Statement to paste ({file}, {count} of {limit} characters):", file=STATEMENT,
                       count=len(state.statement), limit=limit))
        lines += [f"  {line}" for line in state.statement.splitlines()]
    if state.deadline:
        left = format_left(state.deadline - ctx.now, ctx.lang)
        lines.append(_("Deadline: {kst} = {local} ({left})",
                       kst=format_instant(state.deadline, str(window_zone(ctx.profile))),
                       local=format_instant(state.deadline, ctx.display_zone), left=left))
    claim_id = state.claim.claim_id if state.claim else "CLAIM_ID"
    if ready:
        lines.append(_("Next: upload the files and paste the statement in the form, then record it:"))
        lines.append(f"  evpack ledger mark-submitted {shlex.quote(claim_id)}")
    else:
        lines.append(_("Next: fix the errors above, then build again:"))
        lines.append(f"  evpack build {shlex.quote(packet)} -o {shlex.quote(out)}")
    return "\n".join(lines)
