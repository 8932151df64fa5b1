"""Packet folders: where they are under a root, and which of their files are evidence.

A packet is a folder holding `claim.toml` (MANIFEST); everything else under it, less computer litter, is evidence.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.ingest.sniff import is_hidden

MANIFEST = "claim.toml"


def find_packets(root: Path) -> list[Path]:
    """Every packet folder under root (a folder holding claim.toml), at any depth, sorted.

    A folder with evidence but no claim.toml directly under root counts too when root itself has no packets
    below it: `check` of such a folder reports manifest-invalid rather than nothing.
    """
    root = Path(root)
    if (root / MANIFEST).is_file():
        return [root]
    packets = sorted(p.parent for p in root.rglob(MANIFEST)
                     if not any(part.startswith(".") for part in p.relative_to(root).parts))
    return packets


def find_evidence(root: Path) -> tuple[tuple[str, ...], list[str]]:
    """Every file under root except claim.toml and computer litter (.DS_Store, __MACOSX/ ...), sorted, POSIX."""
    found, skipped = [], []
    for path in sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink()):
        rel = path.relative_to(root).as_posix()
        if rel == MANIFEST:
            continue
        if is_hidden(rel):
            skipped.append(rel)
            continue
        found.append(rel)
    return tuple(found), skipped
