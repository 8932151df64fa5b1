"""evpack's own layout and compression choices for the bundle, loaded from bundle.toml (data, not code).

The platform's limits stay in the rules profile; this file says how evpack meets them (reading order, names,
compression steps).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from pipeline.datafiles import load_toml
from pipeline.profile import Profile

SETTINGS_FILE = Path(__file__).with_name("bundle.toml")


@cache
def bundle_settings(path: Path = SETTINGS_FILE) -> dict:
    return load_toml(path, "Bundle settings")


def optional_limit(profile: Profile, name: str) -> int:
    """A limit a profile may leave out (max_total_bytes, max_pages_per_file); 0 means none."""
    return int(profile.data.get("limits", {}).get(name, {}).get("value", 0))
