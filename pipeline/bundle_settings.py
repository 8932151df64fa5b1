"""evpack's own layout and compression choices for the bundle, loaded from bundle.toml (data, not code).

The platform's limits stay in the rules profile; this file says how evpack meets them (reading order, names,
compression steps).
"""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from pipeline.errors import ProfileError
from pipeline.profile import Profile

SETTINGS_FILE = Path(__file__).with_name("bundle.toml")


@cache
def bundle_settings(path: Path = SETTINGS_FILE) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProfileError(f"Bundle settings {path} cannot be read: {exc}.",
                           "restore the file from the evpack release.") from None


def optional_limit(profile: Profile, name: str) -> int:
    """A limit a profile may leave out (max_total_bytes, max_pages_per_file); 0 means none."""
    return int(profile.data.get("limits", {}).get(name, {}).get("value", 0))
