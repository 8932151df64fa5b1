"""The cache folder's bound: least recently used files go first, the ledger-like and key files stay."""
from __future__ import annotations

import os
import sys
import subprocess

from click.testing import CliRunner

from pipeline.cachedir import prune, usage
from pipeline.cli import cli


def cache_of(tmp_path, sizes_and_ages):
    """A cache folder with files of the given sizes, each last used `age` hours ago."""
    folder = tmp_path / "cache"
    now = 1_800_000_000
    for index, (size, age) in enumerate(sizes_and_ages):
        path = folder / ("reads" if index % 2 else "ingest") / f"{index:02d}" / f"entry{index}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * size)
        os.utime(path, (now - age * 3600, now - age * 3600))
    return folder


def test_prune_removes_least_recently_used_until_the_target(tmp_path):
    """GIVEN a cache of five 1,000-byte files used 1 to 5 hours ago, and a hidden key file
    WHEN it is pruned with a bound of 3,500 bytes down to 2,000
    THEN the three oldest go, the two newest and the key file stay."""
    folder = cache_of(tmp_path, [(1000, 5), (1000, 4), (1000, 3), (1000, 2), (1000, 1)])
    (folder / "reads" / ".key").write_bytes(b"k" * 32)
    done = prune(folder, max_bytes=3500, target_bytes=2000)
    assert (done.files_before, done.files_removed, done.bytes_removed) == (5, 3, 3000)
    left = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert left == [".key", "entry3.bin", "entry4.bin"]
    assert usage(folder) == (2000, 2)


def test_prune_below_the_bound_removes_nothing(tmp_path):
    """GIVEN a cache under its bound  WHEN pruned  THEN nothing is removed (a no-op on every command)."""
    folder = cache_of(tmp_path, [(1000, 2), (1000, 1)])
    assert prune(folder, max_bytes=5000, target_bytes=1000).files_removed == 0
    assert usage(folder) == (2000, 2)


def test_prune_never_follows_or_removes_a_symlink(tmp_path):
    """GIVEN a cache holding a symlink to a file outside it  WHEN emptied  THEN the outside file is untouched."""
    folder = cache_of(tmp_path, [(1000, 1)])
    outside = tmp_path / "precious.txt"
    outside.write_text("mine")
    (folder / "link").symlink_to(outside)
    prune(folder, max_bytes=0, target_bytes=0)
    assert outside.read_text() == "mine" and (folder / "link").is_symlink()
    assert usage(folder) == (0, 0)


def test_cache_prune_command_empties_with_max_size_zero(tmp_path):
    """GIVEN a cache folder  WHEN `evpack cache prune --max-size 0`  THEN it is empty and the command says so."""
    folder = cache_of(tmp_path, [(2000, 3), (1000, 1)])
    result = CliRunner().invoke(cli, ["cache", "prune", "--max-size", "0", "--cache-dir", str(folder)])
    assert result.exit_code == 0, result.output
    assert "removed 2 of 2 files" in result.output
    assert usage(folder) == (0, 0)


def test_cache_prune_refuses_a_size_it_cannot_read(tmp_path):
    """GIVEN --max-size 'lots'  WHEN pruning  THEN exit 2 with how to write a size, and nothing removed."""
    folder = cache_of(tmp_path, [(1000, 1)])
    result = subprocess.run([sys.executable, "-m", "pipeline", "cache", "prune", "--max-size", "lots",
                             "--cache-dir", str(folder)], capture_output=True, text=True)
    assert result.returncode == 2 and "500MB" in result.stderr
    assert usage(folder) == (1000, 1)
