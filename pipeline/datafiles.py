"""The one TOML reader: evpack's own data files (patterns, kinds, settings, templates) and the user's (profiles,
claim.toml). A broken shipped file is a DataFileError (exit 4, naming the file); a user's file is the caller's to
report (a ProfileError, exit 2, or a manifest-invalid finding), from the exceptions `read_toml` lets through."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TypeVar

from pipeline.errors import EvpackError


class DataFileError(EvpackError):
    """A shipped data file is missing or broken: the installation is damaged (exit 4 names the file)."""


T = TypeVar("T")

TOMLDecodeError = tomllib.TOMLDecodeError


def read_toml(path: Path, encoding: str = "utf-8") -> dict:
    """The parsed file. Raises FileNotFoundError, UnicodeDecodeError, OSError or TOMLDecodeError for the caller
    to turn into its own error; evpack's own files go through `load_toml` instead."""
    return parse_toml(Path(path).read_text(encoding=encoding))


def parse_toml(text: str) -> dict:
    """TOML text already read (and measured: see `nesting_depth`). Raises TOMLDecodeError, or RecursionError for
    nesting deeper than Python's stack allows."""
    return tomllib.loads(text)


def load_toml(path: Path, what: str) -> dict:
    """The parsed file, or a DataFileError that names it and says how to repair the installation."""
    try:
        return read_toml(path)
    except FileNotFoundError:
        raise DataFileError(f"{what} {path} is missing.", "reinstall evpack: it ships with the file.") from None
    except (OSError, UnicodeDecodeError, TOMLDecodeError) as exc:
        raise DataFileError(f"{what} {path} cannot be read: {exc}.",
                            "correct the file or restore it from the evpack release.") from None


def broken(path: Path, what: str, exc: Exception) -> DataFileError:
    """The error for a shipped file that parses but lacks a key or holds a bad value (a regex, a type)."""
    return DataFileError(f"{what} {path} is broken: {exc!r}.", "restore it from the evpack release.")


def flat_settings(cls: type[T], path: Path, what: str) -> T:
    """A settings dataclass from a TOML file whose sections only group its fields (every key is a field)."""
    return cls(**{key: value for section in load_toml(path, what).values() for key, value in section.items()})


class FlatSettings:
    """Base of a frozen settings dataclass read by `flat_settings` from its module's TOML file, named in the class
    statement: `class DeskewSettings(FlatSettings, file=SETTINGS_FILE, what="The deskew settings file")`."""

    def __init_subclass__(cls, file: Path | None = None, what: str = "", **kwargs):
        super().__init_subclass__(**kwargs)
        cls._file, cls._what = file, what

    @classmethod
    def load(cls, path: Path | None = None):
        """The settings of `path` (default: the class's file); a DataFileError names a missing or broken file."""
        return flat_settings(cls, path or cls._file, cls._what)

    @classmethod
    def default(cls):
        """The settings of the class's file, read once per process."""
        if "_default" not in cls.__dict__:
            cls._default = cls.load()
        return cls._default


def nesting_depth(text: str) -> int:
    """The deepest nesting of arrays and inline tables in TOML text, outside strings and comments. Linear and
    without recursion, so a hostile file is measured before the (recursive) parser ever sees it. Table headers
    (`[a]`, `[[a]]`) count as one level at most; a malformed file gives a depth the parser then refuses."""
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif ch in "\"'":
            triple = text.startswith(ch * 3, i)
            quote = ch * 3 if triple else ch
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                if ch == '"' and text[i] == "\\":
                    i += 1
                elif not triple and text[i] == "\n":
                    break
                i += 1
            if triple:
                while text.startswith(ch, i + 3):  # up to two quotes may close a multi-line string's content
                    i += 1
                i += 2  # the closing quote's first two characters; the loop's step passes the third
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return deepest
