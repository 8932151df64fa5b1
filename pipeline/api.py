"""The library behind the CLI: scan files, check packets, build a bundle. The CLI only parses and calls these."""
from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterator

from pipeline import runner
from pipeline.context import Context
from pipeline.model import PacketState
from pipeline.packet import MANIFEST, find_packets  # noqa: F401  (find_packets: part of the library)


@contextmanager
def workspace(ctx: Context, label: str = "packet") -> Iterator[Context]:
    """A private scratch folder under ctx.workdir for one packet, removed afterwards."""
    ctx.workdir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=ctx.workdir))
    try:
        yield replace(ctx, workdir=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def scan(paths: list[Path], ctx: Context) -> PacketState:
    """Ingest and read loose files (no claim.toml). The state holds readings and any findings per file."""
    state = PacketState(root=None, inputs=tuple(str(p) for p in paths))
    with workspace(ctx, "scan") as work:
        return runner.run(state, work, start="ingest", stop="read")


def check_packet(packet: Path, ctx: Context, on_stage: Callable[[str], None] | None = None) -> PacketState:
    """Validate one packet folder against the rules; changes nothing."""
    with workspace(ctx, "check") as work:
        return runner.run(PacketState(root=Path(packet).resolve()), work, stop="validate", on_stage=on_stage)


def build_packet(packet: Path, out: Path, ctx: Context,
                 on_stage: Callable[[str], None] | None = None) -> PacketState:
    """The whole pipeline: writes OUT/<claim_id>/ (upload/, statement.txt, report.json) atomically."""
    with workspace(ctx, "build") as work:
        work = replace(work, out_dir=Path(out).resolve())
        return runner.run(PacketState(root=Path(packet).resolve()), work, on_stage=on_stage)


def init_claim(folder: Path, ctx: Context) -> tuple[Path, "Draft"]:
    """Reads the evidence of `folder` and writes a commented claim.toml draft there (pipeline.claim_draft); never
    replaces an existing one (ClaimExistsError, exit 1). Returns the file written and what it says."""
    from pipeline.claim_draft import Draft, draft_from, exists_error, render, write_new  # noqa: F401
    root = Path(folder).resolve()
    if (root / MANIFEST).exists():
        raise exists_error(root / MANIFEST)
    with workspace(ctx, "init") as work:
        state = runner.run(PacketState(root=root), work, stop="classify")
    draft = draft_from(state, ctx.profile, root.name)
    write_new(root / MANIFEST, render(draft, ctx.profile, ctx.lang))
    return root / MANIFEST, draft
