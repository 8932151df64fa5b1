"""pipeline/fields/checkdigits.py: every check-digit algorithm against the named examples of the carriers whose
formats use it (tests/fields/examples/tracking.toml [checksum.<carrier>]), the algorithm called directly."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from pipeline.fields.checkdigits import CHECKS
from pipeline.fields.data import patterns
from pipeline.fields.tracking import format_regex, normalise

EXAMPLES = tomllib.loads((Path(__file__).with_name("examples") / "tracking.toml").read_text(encoding="utf-8"))


def _cases() -> list:
    """(algorithm, value, verifies) for each example whose value, as written, is of a format using a check digit."""
    cases = []
    for carrier, of_carrier in EXAMPLES["checksum"].items():
        for name, case in of_carrier.items():
            value = normalise(case["value"])
            for fmt in patterns()["tracking"]["formats"]:
                if (fmt["carrier"] == carrier and fmt["checksum"] in CHECKS and case["checksum"] in ("ok", "bad")
                        and re.fullmatch(format_regex(fmt), value)):
                    cases.append(pytest.param(fmt["checksum"], value, case["checksum"] == "ok",
                                              id=f"{fmt['checksum']}.{carrier}.{name}"))
                    break
    return cases


CASES = _cases()


@pytest.mark.parametrize(("algorithm", "value", "verifies"), CASES)
def test_check_digit_example(algorithm, value, verifies):
    """GIVEN a carrier's example number of a format with a check digit WHEN its algorithm checks it THEN it verifies
    exactly when the example says its checksum is ok."""
    assert CHECKS[algorithm](value) is verifies


def test_every_algorithm_has_examples_both_ways():
    """GIVEN the algorithms and the examples WHEN they are matched up THEN every algorithm a format names exists, and
    each has an example that verifies and one that fails."""
    named = {fmt["checksum"] for fmt in patterns()["tracking"]["formats"]} - {"none"}
    assert named == set(CHECKS)
    for algorithm in CHECKS:
        outcomes = {param.values[2] for param in CASES if param.values[0] == algorithm}
        assert outcomes == {True, False}, algorithm
