"""The data of field extraction (pipeline/fields/patterns.toml), loaded once per process.

The keyword helpers the patterns are built with live in pipeline/fields/keyword_match.py.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from pipeline.datafiles import load_toml

PATTERNS_FILE = Path(__file__).with_name("patterns.toml")


@cache
def patterns() -> dict:
    return load_toml(PATTERNS_FILE, "Field patterns")
