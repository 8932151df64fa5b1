"""Every command and every option is documented in README.md (docs cannot drift from the CLI)."""
from __future__ import annotations

import click
import pytest

from pipeline.cli import cli
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "evpack"):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from commands(command, f"{prefix} {name}")
        else:
            yield f"{prefix} {name}", command


ALL = sorted(commands(cli), key=lambda pair: pair[0])


@pytest.mark.parametrize("name,command", ALL, ids=[name for name, _ in ALL])
def test_command_and_options_documented(name, command):
    """GIVEN a CLI command WHEN README.md is read THEN it names the command and each of its options."""
    assert f"`{name}" in README, f"README.md does not document {name}"
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--") and opt != "--help":
                assert opt in README, f"README.md does not mention {name} {opt}"
