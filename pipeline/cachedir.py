"""evpack's cache folder as a whole: its size, and pruning it least-recently-used within a bound (cache.toml).

The folder holds only what can be made again from the evidence (read results under reads/, converted images under
ingest/, internal-error logs under logs/), so removing a file costs time, never data. A file's last use is its
access time where the file system keeps one newer than its modification time, else its modification time. The
ledger never lives here. Only regular files are counted or removed; symlinks are neither followed nor deleted, and
the key files a cache keeps beside its entries (names starting with '.') are kept.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.datafiles import FlatSettings

SETTINGS_FILE = Path(__file__).with_name("cache.toml")


@dataclass(frozen=True)
class CacheSettings(FlatSettings, file=SETTINGS_FILE, what="The cache settings file"):
    max_bytes: int            # above this, the least recently used files go
    prune_to_fraction: float  # ... until the folder holds at most this fraction of max_bytes


@dataclass(frozen=True)
class Pruned:
    """What one prune did: bytes and files before, and what it removed."""
    bytes_before: int
    files_before: int
    bytes_removed: int
    files_removed: int

    @property
    def bytes_after(self) -> int:
        return self.bytes_before - self.bytes_removed


def entries(folder: Path) -> list[tuple[float, int, Path]]:
    """(last use, size, path) of every regular file under folder, not following symlinks; [] if there is none."""
    found = []
    for dirpath, _dirs, files in os.walk(folder, followlinks=False):
        for name in files:
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            try:
                st = path.lstat()
            except OSError:
                continue  # removed meanwhile by another evpack
            if path.is_symlink() or not path.is_file():
                continue
            found.append((max(st.st_atime, st.st_mtime), st.st_size, path))
    return found


def usage(folder: Path) -> tuple[int, int]:
    """(bytes, files) the cache folder holds."""
    found = entries(folder)
    return sum(size for _, size, _ in found), len(found)


def prune(folder: Path, max_bytes: int | None = None, target_bytes: int | None = None) -> Pruned:
    """Removes the least recently used files until the folder holds at most `target_bytes`, and only if it holds
    more than `max_bytes` (defaults: cache.toml's limits; `max_bytes=0` empties it). Safe beside other evpack
    processes: a file they removed or are writing is skipped, and a reader that finds an entry gone re-reads."""
    settings = CacheSettings.default()
    limit = settings.max_bytes if max_bytes is None else max_bytes
    target = int(limit * settings.prune_to_fraction) if target_bytes is None else target_bytes
    found = sorted(entries(folder))
    total = sum(size for _, size, _ in found)
    removed_bytes = removed_files = 0
    if total > limit:
        for _, size, path in found:
            if total - removed_bytes <= target:
                break
            try:
                path.unlink()
            except OSError:
                continue
            removed_bytes += size
            removed_files += 1
    return Pruned(total, len(found), removed_bytes, removed_files)
