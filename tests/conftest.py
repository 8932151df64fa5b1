"""Shared fixtures. Every test gets its own cache and ledger so runs never leak into each other."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from pipeline import runtime
from pipeline.context import Context
from pipeline.model import KST
from pipeline.profile import Profile

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def pytest_configure(config):
    """The test process is configured as every evpack process is at its start (threads, decoding limit)."""
    runtime.configure_process()


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("EVPACK_CACHE_DIR", str(home / "cache"))
    monkeypatch.setenv("EVPACK_LEDGER", str(home / "ledger.sqlite3"))


@pytest.fixture
def profile() -> Profile:
    return Profile.load()


@pytest.fixture
def ctx(tmp_path, profile) -> Context:
    return Context(profile=profile, workdir=tmp_path / "work", now=datetime(2026, 3, 15, 12, 0, tzinfo=KST),
                   cache_dir=tmp_path / "cache")
