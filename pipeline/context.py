"""What every stage may consult besides the packet state: the profile, the clock, folders, knobs.

Picklable, so a worker process (local pool or Dask) receives the same context.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.fields.data import FieldPatterns, shipped as shipped_patterns
from pipeline.model import KST
from pipeline.profile import Profile
from pipeline.reading.settings import OcrSettings, for_tlds


def default_cache_dir() -> Path:
    """$EVPACK_CACHE_DIR, else platformdirs' user cache folder (Linux $XDG_CACHE_HOME/evpack or ~/.cache/evpack)."""
    if os.environ.get("EVPACK_CACHE_DIR"):
        return Path(os.environ["EVPACK_CACHE_DIR"])
    from platformdirs import user_cache_dir
    return Path(user_cache_dir("evpack", appauthor=False))


def default_ledger_path() -> Path:
    """$EVPACK_LEDGER, else the ledger in the user data folder (pipeline.judging.ledger): data, never the cache."""
    from pipeline.judging.ledger import default_ledger_path as ledger_default
    return ledger_default()


@dataclass(frozen=True)
class Context:
    profile: Profile
    workdir: Path                      # scratch space of this run; never inside a packet folder
    out_dir: Path | None = None        # where `build` writes OUT/<claim_id>/ (None: check only)
    now: datetime = field(default_factory=lambda: datetime.now(KST))
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no read cache
    jobs: int = 1                      # worker processes for OCR inside one packet
    ocr_timeout: float = 120.0         # seconds per Tesseract call
    ledger_path: Path | None = None    # None: no ledger consulted
    lang: str = "en"                   # language of messages: en | ko | zh_Hans
    seller_zone: str | None = None     # IANA zone for showing deadlines; None: the profile's seller_zone
    ocr_settings: OcrSettings | None = None  # how pages are read; None: ocr.toml's with the profile's TLDs
    verify: str = "boxes"              # legibility after a lossy step: boxes (where the values were read) | full
    field_patterns: FieldPatterns | None = None  # what the fields are read with; None: pipeline/fields/patterns/

    @property
    def ocr(self) -> OcrSettings:
        """The reading settings of this run: the ones given, else ocr.toml's with the profile's [web] common_tlds."""
        return self.ocr_settings or for_tlds(self.profile.web.common_tlds)

    @property
    def fields(self) -> FieldPatterns:
        """The field patterns of this run (the runner puts them in use for every stage): the ones given, else the
        shipped ones."""
        return self.field_patterns or shipped_patterns()

    @property
    def display_zone(self) -> str:
        return self.seller_zone or self.profile.limit("seller_zone")
