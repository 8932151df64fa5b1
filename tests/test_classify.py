"""Document kinds: every example of pipeline/kinds.toml is classified as it says, with a reason."""
from __future__ import annotations

import pytest

from pipeline.profile import Profile
from pipeline.keywords import KINDS_FILE, Text, load_kind_rules as load_rules, matches
from stages.classify import classify
from tests.packet_factory import reading

RULES = load_rules()
PROFILE = Profile.load()
DATA = __import__("tomllib").loads(KINDS_FILE.read_text(encoding="utf-8"))


def example_reading(example: dict):
    return reading({"name": "x." + {"pdf": "pdf", "csv": "csv"}.get(example.get("detected", ""), "png"),
                    "text": example["text"], "header": example.get("header", ""),
                    "urls": example.get("urls", ()), "tracking": example.get("tracking", ())})


@pytest.mark.parametrize("example", DATA["examples"], ids=[e["says"] for e in DATA["examples"]])
def test_kinds_examples(example):
    """GIVEN an example reading of kinds.toml WHEN classified THEN it gets the kind and web-capture flag it names."""
    decision = classify(example_reading(example), example.get("detected", "png"), PROFILE, RULES, "31000012345678")
    assert (decision.kind, decision.web_capture) == (example["kind"], example["web_capture"]), decision.reason
    assert decision.reason


@pytest.mark.parametrize("example", DATA["keyword_examples"], ids=[e["text"] for e in DATA["keyword_examples"]])
def test_keyword_matching_examples(example):
    """GIVEN a keyword and a text THEN ASCII keywords match whole words, Hangul/Han ignore OCR's spaces."""
    assert matches(example["keyword"], Text.of(example["text"])) == example["matches"]


def test_every_kind_has_an_example():
    """GIVEN kinds.toml THEN each kind it defines is the expected result of at least one example."""
    assert set(DATA["kinds"]) <= {e["kind"] for e in DATA["examples"]}


def test_reason_names_the_signals():
    """GIVEN a tracking page with a carrier URL WHEN classified THEN the reason names keyword, number and host."""
    example = DATA["examples"][0]
    decision = classify(example_reading(example), "png", PROFILE, RULES)
    assert "배송조회" in decision.reason and "689212345674" in decision.reason and "cjlogistics.com" in decision.reason


def test_run_classifies_only_files_that_were_read(ctx):
    """GIVEN a packet with one read file and one that ingest refused WHEN classify runs THEN only the read one has a kind."""
    from tests.packet_factory import packet
    from stages import classify as stage
    state = packet({"claim": {}, "no_claim": True, "files": [{"name": "a.png", "text": "微信 按住说话"}],
                    "prior_findings": [{"rule": "unsupported-format", "file": "b.zip"}]})
    out = stage.run(state, ctx)
    assert set(out.kinds) == {"a.png"} and out.kinds["a.png"].kind == "chat-app"
    assert any("a.png is chat-app" in line for line in out.log)
