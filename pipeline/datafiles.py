"""Reading evpack's own data files (TOML shipped beside the code: patterns, kinds, settings, templates)."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pipeline.errors import EvpackError


class DataFileError(EvpackError):
    """A shipped data file is missing or broken: the installation is damaged (exit 4 names the file)."""


T = TypeVar("T")


def load_toml(path: Path, what: str) -> dict:
    """The parsed file, or a DataFileError that names it and says how to repair the installation."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(f"{what} {path} is missing.", "reinstall evpack: it ships with the file.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(f"{what} {path} cannot be read: {exc}.",
                            "correct the file or restore it from the evpack release.") from None


def flat_settings(cls: type[T], path: Path, what: str) -> T:
    """A settings dataclass from a TOML file whose sections only group its fields (every key is a field)."""
    return cls(**{key: value for section in load_toml(path, what).values() for key, value in section.items()})
