"""Packet folders: where they are under a root, and which of their files are evidence.

A packet is a folder holding `claim.toml` (MANIFEST); everything else under it, less computer litter and folders
evpack wrote itself (they hold BUNDLE_MARKER), is evidence. Only regular files are ever opened: a symlink is
followed only when it resolves to a regular file inside the packet folder; devices, FIFOs, sockets and links
leading elsewhere are reported by `entry_problem` and never opened (a FIFO would block, /dev/zero never ends).
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

from pipeline.ingest.sniff import is_hidden

MANIFEST = "claim.toml"
BUNDLE_MARKER = ".evpack-bundle"  # written by evpack into every folder it writes (pipeline/output/layout.py)

SPECIAL_KINDS = ((stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
                 (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def walk(root: str | os.PathLike, max_depth: int = 0):
    """os.walk(root), top-down and never into linked folders, without recursion: Python 3.11's os.walk and
    Path.rglob recurse once per folder level, so a packet of folders nested 1,500 deep ended in a RecursionError.
    Yields (dirpath, dirnames, filenames) as os.walk does (pruning dirnames in place works); with `max_depth`, the
    folders that many levels below root are listed in their parent's dirnames but not entered. Folders that cannot
    be listed are passed over, as os.walk does."""
    pending = [(os.fspath(root), 0)]
    while pending:
        top, depth = pending.pop()
        dirnames, filenames = [], []
        try:
            with os.scandir(top) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    (dirnames if is_dir else filenames).append(entry.name)
        except OSError:
            continue
        yield top, dirnames, filenames
        if max_depth and depth + 1 >= max_depth:
            continue
        pending.extend((os.path.join(top, name), depth + 1) for name in reversed(dirnames)
                       if not os.path.islink(os.path.join(top, name)))


def folder_depth() -> int:
    """How many folder levels below a packet (or a batch root) evpack looks (ingest.toml budgets.folder_depth)."""
    from pipeline.ingest.sniff import ingest_rules
    return ingest_rules()["budgets"]["folder_depth"]


def too_deep(path: str | os.PathLike, root: str | os.PathLike | None) -> bool:
    """Whether `path` lies budgets.folder_depth or more levels below `root` (find_evidence does not enter it)."""
    if root is None:
        return False
    try:
        return len(Path(path).relative_to(root).parts) >= folder_depth()
    except ValueError:
        return False


def written_by_evpack(folder: Path) -> bool:
    """Whether evpack wrote this folder (an output bundle): never read as evidence or as a packet."""
    return os.path.lexists(os.path.join(folder, BUNDLE_MARKER))


def find_packets(root: Path) -> list[Path]:
    """Every packet folder under root (a folder holding claim.toml), up to budgets.folder_depth deep, sorted.

    A folder with evidence but no claim.toml directly under root counts too when root itself has no packets
    below it: `check` of such a folder reports manifest-invalid rather than nothing. Hidden folders, folders
    evpack wrote and symlinked folders are not searched.
    """
    root = Path(root)
    if os.path.lexists(root / MANIFEST):
        return [root]
    packets = []
    for dirpath, dirnames, filenames in walk(root, folder_depth()):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not written_by_evpack(Path(dirpath) / d))
        if MANIFEST in filenames:
            packets.append(Path(dirpath))
    return sorted(packets)


def find_evidence(root: Path) -> tuple[tuple[str, ...], list[str]]:
    """Every entry under root except claim.toml, computer litter (.DS_Store, __MACOSX/ ...) and folders evpack
    wrote, sorted, POSIX. Symlinked folders are not entered; special files and links are listed (ingest reports
    them with `entry_problem`), so nothing is dropped silently; so are folders nested deeper than
    budgets.folder_depth, which are not entered."""
    found, skipped = [], []
    for dirpath, dirnames, filenames in walk(root, folder_depth()):
        here = Path(dirpath)
        for name in list(dirnames):
            if written_by_evpack(here / name):
                skipped.append((here / name).relative_to(root).as_posix() + "/ (written by evpack)")
                dirnames.remove(name)
            elif os.path.islink(here / name) or too_deep(here / name, root):
                filenames.append(name)  # a link to a folder, or a folder too deep: listed, never entered
                dirnames.remove(name)
        for name in filenames:
            rel = (here / name).relative_to(root).as_posix()
            if rel == MANIFEST:
                continue
            (skipped if is_hidden(rel) else found).append(rel)
    return tuple(sorted(found)), sorted(skipped)


def entry_problem(path: Path, root: Path | None = None) -> str | None:
    """Why `path` must not be opened as evidence, in words ("is a FIFO", "is a link to /etc/passwd, outside the
    packet folder"), or None for a regular file (through links that stay inside `root`, when given)."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return f"cannot be looked at ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(path)
        if root is not None:
            inside = os.path.realpath(root)
            if os.path.commonpath([inside, target]) != inside:
                return f"is a link to {display(target)}, outside the packet folder"
        try:
            info = os.stat(target)
        except OSError:
            return f"is a link to {display(target)}, which does not exist"
    if stat.S_ISDIR(info.st_mode) and not stat.S_ISLNK(os.lstat(path).st_mode) and too_deep(path, root):
        return (f"is a folder {folder_depth()} levels below the packet folder, and evpack looks no deeper "
                "(budgets.folder_depth)")
    for test, kind in SPECIAL_KINDS:
        if test(info.st_mode):
            return f"is {kind}, not a file"
    return None if stat.S_ISREG(info.st_mode) else "is not a regular file"


def read_regular(path: Path, limit: int) -> bytes:
    """Up to limit + 1 bytes of a regular file (the caller tells "too large" by the length). Opened without
    blocking and checked again once open, so a FIFO swapped in meanwhile is refused, never waited on. Raises
    OSError (IsADirectoryError or a plain OSError for a special file)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{display(path)} is not a regular file")
        return handle.read(limit + 1)


def display(name: str | os.PathLike) -> str:
    """A file name as a terminal and a JSON document may show it: bytes that are not UTF-8 as \\xNN, control
    characters as \\x1b and the like. Reversible for the eye, never a raw escape sequence."""
    text = os.fspath(name)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


def raw_hex(name: str) -> str | None:
    """The bytes of a name that is not valid UTF-8 (read from disk with surrogateescape), in hex; None for a
    name that is."""
    try:
        name.encode("utf-8")
        return None
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").hex()


def printable_json(value):
    """A JSON-able value with every string that cannot be written as UTF-8 (a non-UTF-8 file name) shown as
    `display` shows it. Control characters stay as they are: json.dumps escapes them."""
    if isinstance(value, str):
        return value if raw_hex(value) is None else display(value)
    if isinstance(value, dict):
        return {printable_json(k): printable_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_json(v) for v in value]
    return value


def printable_text(text: str) -> str:
    """Text for a terminal: each line as `display` shows it (no raw escape sequences, bells or non-UTF-8 bytes)."""
    return "\n".join(display(line) for line in text.split("\n"))
