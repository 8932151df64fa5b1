"""The rules profile: every limit, severity and list that evpack judges by, loaded from a TOML file.

Nothing of the platform's rules lives in code. `--profile FILE` swaps the whole set.
"""
from __future__ import annotations

import copy
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pipeline.datafiles import TOMLDecodeError, read_toml
from pipeline.errors import ProfileError

PROFILES_DIR = Path(__file__).parent / "profiles"
DEFAULT_PROFILE = PROFILES_DIR / "coupang-a2z.toml"

REQUIRED_LIMITS = ("max_files", "max_file_bytes", "file_types", "statement_max_chars", "statement_languages",
                   "window_days", "window_closes_at", "window_zone", "deadline_soon_hours")


@dataclass(frozen=True)
class Web:
    """The profile's [web]: the top-level domains a host may end in, this market's common ones, and `site_hosts`,
    the sites a seller's browser shows in its tabs and bookmarks (the closed list their hosts are read against)."""

    tlds: frozenset[str]
    common_tlds: tuple[str, ...]
    site_hosts: tuple[str, ...] = ()


# The data of the profiles this process parsed, by (path, modification time, size): the default profile is asked
# for by the command line, by the OCR settings' host endings and by the field extractor's language check; a copy
# costs a twentieth of a parse.
_PARSED: dict[tuple[Path, int, int], dict] = {}
PARSED_MAX = 16


@dataclass(frozen=True)
class Profile:
    path: Path
    data: dict

    @classmethod
    def load(cls, path: Path | str | None = None) -> "Profile":
        """The profile of `path` (default: the shipped Coupang A-to-z one; a name without a suffix: a shipped
        profile). A file this process loaded before, unchanged since (the same modification time and size), is not
        parsed again: its data is copied from the first parse (a caller may change its copy: the tests do)."""
        path = Path(path) if path else DEFAULT_PROFILE
        if not path.is_file() and not path.suffix:
            path = PROFILES_DIR / f"{path}.toml"  # a shipped profile by name: --profile stripe
        try:
            stat = path.stat()
            key = (path, stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = None  # read below, which says why it cannot be
        if key in _PARSED:
            return cls(path=path, data=copy.deepcopy(_PARSED[key]))
        try:
            data = read_toml(path)
        except FileNotFoundError:
            raise ProfileError(f"Rules profile {path} does not exist.",
                               f"give an existing TOML file, or one of: {', '.join(available())}.") from None
        except (TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ProfileError(f"Rules profile {path} is not valid TOML: {exc}.", "correct the file.") from None
        missing = [k for k in REQUIRED_LIMITS if k not in data.get("limits", {})]
        if missing or "rules" not in data or "reasons" not in data:
            raise ProfileError(f"Rules profile {path} lacks {', '.join(missing) or '[rules] or [reasons]'}.",
                               f"copy {DEFAULT_PROFILE} and edit it.")
        if key is not None:
            if len(_PARSED) >= PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = copy.deepcopy(data)
        return cls(path=path, data=data)

    @property
    def name(self) -> str:
        return self.data.get("profile", {}).get("name", self.path.stem)

    def limit(self, name: str) -> Any:
        try:
            return self.data["limits"][name]["value"]
        except KeyError:
            raise ProfileError(f"Rules profile {self.path} has no limits.{name}.", "add it.") from None

    def severity(self, rule: str) -> str:
        return self.data["rules"].get(rule, "error")

    @property
    def reasons(self) -> dict[str, dict]:
        return self.data["reasons"]

    @property
    def carriers(self) -> dict[str, dict]:
        return self.data.get("carriers", {})

    @cached_property
    def carrier_by_name(self) -> dict[str, str]:
        """Every carrier id and alias, folded by name_key, -> the carrier id."""
        names = {name_key(cid): cid for cid in self.carriers}
        for cid, carrier in self.carriers.items():
            names.update({name_key(alias): cid for alias in carrier.get("aliases", ())})
        return names

    def carrier_named(self, name: str) -> str | None:
        """The carrier id a name written by a seller stands for ('乐天', 'Lotte', '롯데' -> 'lotte'), or None."""
        return self.carrier_by_name.get(name_key(name))

    def unknown_carrier_hint(self, name: str) -> str:
        """Why a carrier name is not accepted: the profile's own word for a known non-carrier ('顺丰'), else the
        nearest id or alias ('did you mean ...?'), else ''."""
        for entry in self.data.get("unsupported_carriers", {}).values():
            if name_key(name) in {name_key(n) for n in entry.get("names", ())}:
                return entry["says"]
        near = difflib.get_close_matches(name_key(name), list(self.carrier_by_name), n=1, cutoff=0.6)
        return f"did you mean '{self.carrier_by_name[near[0]]}'?" if near else ""

    @cached_property
    def carrier_by_host(self) -> dict[str, str]:
        return {host: cid for cid, c in self.carriers.items() for host in c.get("hosts", ())}

    def carrier_for_host(self, host: str) -> str | None:
        host = host.lower()
        for known, cid in self.carrier_by_host.items():
            if host == known or host.endswith("." + known):
                return cid
        return None

    @cached_property
    def web(self) -> Web:
        """[web] of the profile; a profile without one takes the shipped default's."""
        web = self.data.get("web") or read_toml(DEFAULT_PROFILE)["web"]
        return Web(tlds=frozenset(web["tlds"]), common_tlds=tuple(web["common_tlds"]),
                   site_hosts=tuple(web.get("site_hosts", ())))

    @property
    def cloud_hosts(self) -> list[str]:
        return self.data.get("external_links", {}).get("cloud_hosts", [])

    def evidence_kinds(self, key: str) -> tuple[str, ...]:
        """The document kinds a rule looks at ([evidence] of the profile), e.g. carrier_kinds."""
        return tuple(self.data.get("evidence", {}).get(key, ()))

    def quality(self, name: str) -> float:
        return float(self.data.get("quality", {}).get(name, 0))


def name_key(name: str) -> str:
    """A name as compared with aliases: NFKC, case-folded, without spaces, dots, hyphens or underscores."""
    return re.sub(r"[\s.\-_]", "", unicodedata.normalize("NFKC", name).casefold())


def available() -> list[str]:
    return sorted(p.stem for p in PROFILES_DIR.glob("*.toml"))
