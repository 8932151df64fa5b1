"""Check digits: each algorithm a carrier's numbers carry, by the name its formats give it (`checksum` in
pipeline/fields/patterns/tracking.toml [[formats]]; the weights are data there, [checksums.<name>]).

`CHECKS[name](value)` is True when `value`, a number of a format using that check (already normalised: no spaces,
upper case, the format's regex matched), verifies. Named examples, a value and whether it verifies, per algorithm:
tests/fields/examples/tracking.toml [checksum.<carrier>], run by tests/fields/test_checkdigits.py.
"""
from __future__ import annotations

from pipeline.fields.closed_lists import s10_countries
from pipeline.fields.data import patterns



def _mod7(value: str) -> bool:
    return value.isdigit() and int(value[:-1]) % 7 == int(value[-1])


def _s10(value: str) -> bool:
    weights = patterns()["tracking"]["checksums"]["s10"]["weights"]
    digits, check, country = value[2:10], int(value[10]), value[11:]
    remainder = 11 - sum(int(d) * w for d, w in zip(digits, weights)) % 11
    expected = {10: 0, 11: 5}.get(remainder, remainder)
    return expected == check and country in s10_countries()


def _fedex12(value: str) -> bool:
    weights = patterns()["tracking"]["checksums"]["fedex12"]["weights_from_right"]
    body = value[:11]
    total = sum(int(d) * weights[(len(body) - 1 - i) % len(weights)] for i, d in enumerate(body))
    return total % 11 % 10 == int(value[11])


def _ups(value: str) -> bool:
    total = 0
    for i, char in enumerate(value[2:17]):
        digit = int(char) if char.isdigit() else (ord(char) - 3) % 10
        total += digit * 2 if i % 2 else digit
    return (10 - total % 10) % 10 == int(value[17])


CHECKS = {"mod7": _mod7, "s10": _s10, "fedex12": _fedex12, "ups": _ups}
