"""The runner: the one ordered list of stages, and how a packet goes through it.

`scan` runs the reading prefix (ingest..read), `check` runs up to validate, `build` runs all of it.
"""
from __future__ import annotations

import importlib
from typing import Callable

from pipeline import runtime
from pipeline.context import Context
from pipeline.fields.data import using as using_patterns
from pipeline.model import PacketState

Stage = Callable[[PacketState, Context], PacketState]


class StageModule:
    """A stage's `run`, imported on its first call: `scan` never loads the build stages (reportlab, pikepdf,
    img2pdf), and each command pays only for the stages it runs."""

    def __init__(self, module: str):
        self.module = module

    def __call__(self, state: PacketState, ctx: Context) -> PacketState:
        return importlib.import_module(self.module).run(state, ctx)

    def __repr__(self) -> str:
        return f"StageModule({self.module!r})"


STAGES: tuple[tuple[str, Stage], ...] = (
    ("manifest", StageModule("stages.manifest")),    # find evidence files, parse claim.toml strictly
    ("ingest", StageModule("stages.ingest")),        # type from content; convert HEIC/WEBP/TIFF/BMP/GIF/CSV
    ("read", StageModule("stages.read")),            # text layer or OCR; fields; cached by content hash
    ("classify", StageModule("stages.classify")),    # document kind of each file, with its reason
    ("validate", StageModule("stages.validate")),    # every rule of the profile -> findings
    ("plan", StageModule("stages.plan")),            # which pages go into which upload file, in reading order
    ("compress", StageModule("stages.compress")),    # merge and bring every upload file under the size limit
    ("statement", StageModule("stages.statement")),  # the bilingual statement, within the character limit
    ("cover", StageModule("stages.cover")),          # the cover page, first upload file
    ("bundle", StageModule("stages.bundle")),        # write OUT/<claim_id>/ atomically with report.json
)

STAGE_NAMES = tuple(name for name, _ in STAGES)


def run(state: PacketState, ctx: Context, *, start: str = "manifest", stop: str = "bundle",
        on_stage: Callable[[str], None] | None = None) -> PacketState:
    """Run the stages from `start` to `stop` (inclusive), in order, with the context's field patterns in use."""
    runtime.configure_process()
    first, last = STAGE_NAMES.index(start), STAGE_NAMES.index(stop)
    with using_patterns(ctx.fields):
        for name, stage in STAGES[first:last + 1]:
            if on_stage:
                on_stage(name)
            state = stage(state, ctx)
    return state
