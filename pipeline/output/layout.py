"""The layout of an output bundle, OUT/<claim_id>/, and how it is put in place atomically.

Shared by the bundle stage (one packet) and batch (which also stages and reuses bundles). Every bundle holds
BUNDLE_MARKER, which lists the files evpack wrote there: the folder is never read as evidence, and it is replaced
by the next build only while it holds nothing else (a file of the user's inside it is never deleted).
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from pipeline.errors import UsageError
from pipeline.model import PacketState
from pipeline.packet import BUNDLE_MARKER, display

UPLOAD = "upload"
STATEMENT = "statement.txt"
REPORT = "report.json"
NOT_READY = "NOT-READY.txt"   # only in the bundle of a packet that fails
EXTENSIONS = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}   # an upload file's name ending, by its type


def bundle_name(state: PacketState) -> str:
    """The claim id as a safe folder name; the packet folder's name when claim.toml could not be read."""
    return folder_name(state.claim.claim_id if state.claim else (state.root.name if state.root else "packet"))


def folder_name(raw: str) -> str:
    """`raw` (a claim id) as a safe folder name: OUT/<claim_id>."""
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


MARKER_SCHEMA = "evpack.bundle/1"


class OutputInUse(UsageError):
    """OUT/<claim_id> exists and is not wholly evpack's: it is left as it is."""


def files_under(folder: Path) -> list[str]:
    """Every entry under folder that is not a folder, relative, POSIX, sorted (links not followed)."""
    from pipeline.packet import walk
    found = []
    for dirpath, dirnames, filenames in walk(folder):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            found.append(Path(dirpath, name).relative_to(folder).as_posix())
    return sorted(found)


def mark(folder: Path) -> None:
    """Writes BUNDLE_MARKER into folder, listing every file under it (evpack's own, as it is about to publish)."""
    files = [name for name in files_under(folder) if name != BUNDLE_MARKER]
    (folder / BUNDLE_MARKER).write_text(json.dumps({"schema": MARKER_SCHEMA, "files": files}, indent=1) + "\n",
                                        encoding="utf-8")


def foreign_content(final: Path) -> str | None:
    """Why `final` may not be replaced (in words), or None when it does not exist or holds only what evpack
    wrote there (its marker lists every file in it)."""
    if not os.path.lexists(final):
        return None
    if final.is_symlink() or not final.is_dir():
        return "is not a folder evpack wrote"
    try:
        listed = json.loads((final / BUNDLE_MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return f"holds no {BUNDLE_MARKER} (evpack's mark on the folders it writes)"
    try:
        extra = sorted(set(files_under(final)) - set(listed) - {BUNDLE_MARKER})
    except OSError as exc:
        return f"cannot be listed ({exc.strerror or exc})"
    if extra:
        shown = ", ".join(display(name) for name in extra[:5]) + (" ..." if len(extra) > 5 else "")
        return f"holds files evpack did not write ({shown})"
    return None


def swap_into_place(staging: Path, final: Path) -> None:
    """Marks the finished bundle and renames it into place; an older bundle is moved aside first and removed only
    after. Raises OutputInUse, touching nothing, when `final` exists and holds anything evpack did not write."""
    problem = foreign_content(final)
    if problem:
        raise OutputInUse(f"{display(final)} {problem}, so evpack will not replace it.",
                          f"move your own files out of {display(final)} (or remove the folder), or choose "
                          "another output folder with -o.")
    mark(staging)
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


def checked_out_dir(out: Path, packets: Iterable[Path]) -> Path:
    """The output folder, absolute, once it is safe to write: not inside a packet folder and holding none, a folder
    (or one that can be made), writable. Raises UsageError naming the path and the fix otherwise; called before
    any work, so a bad -o costs nothing."""
    out = Path(os.path.realpath(out))
    for packet in packets:
        packet = Path(os.path.realpath(packet))
        if out == packet or packet in out.parents:
            raise UsageError(f"The output folder {display(out)} is inside the packet folder {display(packet)}: the "
                             "next run would read the bundle as evidence, and input folders are never written to.",
                             "choose an output folder outside the packet, e.g. -o out beside it.")
        if out in packet.parents:
            raise UsageError(f"The packet folder {display(packet)} is inside the output folder {display(out)}: "
                             "bundles would be written among the evidence.",
                             "choose an output folder that holds no packet folders.")
    if os.path.lexists(out) and not out.is_dir():
        raise UsageError(f"The output folder {display(out)} is not a folder (it is a file or a device).",
                         "give -o a folder, new or existing.")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkstemp(prefix=".evpack-probe-", dir=out)
        os.close(probe[0])
        os.unlink(probe[1])
    except OSError as exc:
        raise unwritable(out, exc) from None
    return out


def unwritable(out: Path, exc: OSError) -> UsageError:
    """The error for an output folder evpack cannot write to (permissions, a read-only or full disk): exit 2."""
    return UsageError(f"Cannot write to the output folder {display(out)} ({exc.strerror or exc}).",
                      "choose a folder you may write to, on a disk with free space.")
