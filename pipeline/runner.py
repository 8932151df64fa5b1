"""The runner: the one ordered list of stages, and how a packet goes through it.

`scan` runs the reading prefix (ingest..read), `check` runs up to validate, `build` runs all of it.
"""
from __future__ import annotations

from typing import Callable

from pipeline import runtime
from pipeline.context import Context
from pipeline.model import PacketState
from stages import (bundle, classify, compress, cover, ingest, manifest, plan, read, statement,
                    validate)

Stage = Callable[[PacketState, Context], PacketState]

STAGES: tuple[tuple[str, Stage], ...] = (
    ("manifest", manifest.run),    # find evidence files, parse claim.toml strictly
    ("ingest", ingest.run),        # type from content; convert HEIC/WEBP/TIFF/BMP/GIF/CSV; refuse the rest
    ("read", read.run),            # text layer or OCR; fields; cached by content hash
    ("classify", classify.run),    # document kind of each file, with its reason
    ("validate", validate.run),    # every rule of the profile -> findings
    ("plan", plan.run),            # which pages go into which upload file, in reading order
    ("compress", compress.run),    # merge and bring every upload file under the size limit, legibly
    ("statement", statement.run),  # the bilingual statement, within the character limit
    ("cover", cover.run),          # the cover page, first upload file
    ("bundle", bundle.run),        # write OUT/<claim_id>/ atomically with report.json
)

STAGE_NAMES = tuple(name for name, _ in STAGES)


def run(state: PacketState, ctx: Context, *, start: str = "manifest", stop: str = "bundle",
        on_stage: Callable[[str], None] | None = None) -> PacketState:
    """Run the stages from `start` to `stop` (inclusive), in order."""
    runtime.configure_process()
    first, last = STAGE_NAMES.index(start), STAGE_NAMES.index(stop)
    for name, stage in STAGES[first:last + 1]:
        if on_stage:
            on_stage(name)
        state = stage(state, ctx)
    return state
