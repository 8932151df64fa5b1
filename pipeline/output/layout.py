"""The layout of an output bundle, OUT/<claim_id>/, and how it is put in place atomically.

Shared by the bundle stage (one packet) and batch (which also stages and reuses bundles).
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path

from pipeline.model import PacketState

UPLOAD = "upload"
STATEMENT = "statement.txt"
REPORT = "report.json"
NOT_READY = "NOT-READY.txt"   # only in the bundle of a packet that fails
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}   # an upload file's name ending, by its type


def bundle_name(state: PacketState) -> str:
    """The claim id as a safe folder name; the packet folder's name when claim.toml could not be read."""
    raw = state.claim.claim_id if state.claim else (state.root.name if state.root else "packet")
    return re.sub(r"[^A-Za-z0-9._-]", "_", raw).lstrip(".") or "packet"


def private_staging(out_dir: Path, name: str) -> Path:
    """A fresh staging folder beside the final bundle (same filesystem, so the final rename is atomic).

    mkdtemp makes it 0700; the finished bundle should have the permissions any other folder gets (the umask),
    so an agency's other users can read it.
    """
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".partial", dir=out_dir))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(staging, 0o777 & ~umask)
    return staging


def swap_into_place(staging: Path, final: Path) -> None:
    """Renames the finished bundle into place; an older bundle is moved aside first and removed only after."""
    aside = final.with_name(f".{final.name}.{secrets.token_hex(4)}.old")
    had_old = final.exists()
    if had_old:
        os.rename(final, aside)
    try:
        os.rename(staging, final)
    except OSError:
        if had_old:
            os.rename(aside, final)
        raise
    if had_old:
        shutil.rmtree(aside, ignore_errors=True)
