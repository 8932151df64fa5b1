"""Stage 'validate' (not built yet)."""
from __future__ import annotations

from pipeline.context import Context
from pipeline.model import PacketState


def run(state: PacketState, ctx: Context) -> PacketState:
    return state
