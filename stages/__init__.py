"""The pipeline stages: each module has one job and one entry point, `run(state, ctx) -> state`."""
