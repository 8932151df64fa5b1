"""Document kinds: every example of pipeline/judging/kinds.toml is classified as it says, with a reason."""
from __future__ import annotations

from datetime import datetime

import pytest

from pipeline.profile import Profile
from pipeline.fields.keyword_match import Text, matches
from pipeline.judging.keywords import KINDS_FILE, load_kind_rules as load_rules
from stages.classify import classify
from tests.packet_factory import reading

RULES = load_rules()
PROFILE = Profile.load()
DATA = __import__("tomllib").loads(KINDS_FILE.read_text(encoding="utf-8"))


def example_reading(example: dict):
    return reading({"name": "x." + {"pdf": "pdf", "csv": "csv"}.get(example.get("detected", ""), "png"),
                    "text": example["text"], "header": example.get("header", ""),
                    "urls": example.get("urls", ()), "tracking": example.get("tracking", ()),
                    "width": example.get("width", 1170), "height": example.get("height", 2532)})


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
    """GIVEN a packet with one read file and one that ingest refused WHEN classify runs THEN only the read one has a
    kind."""
    from tests.packet_factory import packet
    from stages import classify as stage
    state = packet({"claim": {}, "no_claim": True, "files": [{"name": "a.png", "text": "微信 按住说话"}],
                    "prior_findings": [{"rule": "unsupported-format", "file": "b.zip"}]})
    out = stage.run(state, ctx)
    assert set(out.kinds) == {"a.png"} and out.kinds["a.png"].kind == "chat-app"
    assert any("a.png is chat-app" in line for line in out.log)


@pytest.mark.parametrize("rule", DATA["url_kinds"], ids=[u["kind"] for u in DATA["url_kinds"]])
def test_url_kind_examples(rule):
    """GIVEN a [[url_kinds]] rule of kinds.toml THEN its pattern matches its examples and none of its
    counter-examples."""
    compiled = next(u for u in RULES.url_kinds if u.pattern.pattern == rule["pattern"])
    assert all(compiled.pattern.search(url) for url in rule["matches"])
    assert not any(compiled.pattern.search(url) for url in rule["not_matches"])


def test_wing_inquiry_is_a_message_thread_not_an_order_page(ctx):
    """GIVEN a Coupang Wing inquiry screenshot: wing.coupang.com in the address bar, the claim's order number, and a
    tracking number a buyer typed in a message
    WHEN classify runs with that claim
    THEN it is a message thread (so the typed number is no carrier evidence), and the reason names the Wing URL."""
    from tests.packet_factory import packet
    from stages import classify as stage
    url = "https://wing.coupang.com/tenants/cs/inquiry/detail?inquiryId=6921601309"
    state = packet({"claim": {"claim_id": "CLM-1", "order_id": "31005190692160", "tracking_number": "490834215244",
                              "paid_out_at": datetime(2026, 3, 12, 10, 0), "reason": "not-received",
                              "buyer_claim": "not received"},
                    "files": [{"name": "wing_thread.png", "width": 1366, "height": 768,
                               "text": "고객문의 상세\n주문번호 31005190692160 | 쿠팡 wing | coupang\n"
                                       "구매자 이*호 2026-03-09 13:36\n운송장 490384215244 맞나요?\n"
                                       "판매자 2026-03-09 13:51\n오늘 오후 배송완료로 나옵니다.",
                               "urls": [{"value": url, "address_bar": True}], "tracking": ["490384215244"]}]})
    decision = stage.run(state, ctx).kinds["wing_thread.png"]
    assert (decision.kind, decision.web_capture) == ("message-thread", True), decision.reason
    assert "Coupang Wing inquiry URL" in decision.reason and "Coupang host" not in decision.reason


def test_photo_sized_png_without_url_is_no_web_capture():
    """GIVEN a 5000x7000 (35 MP) PNG photo of a shipping label: tracking keywords and number, no URL, no browser chrome
    WHEN classified
    THEN it is not a web capture (no missing-url/missing-timestamp to follow), and the reason gives its size;
    the same text in a phone-screen-sized PNG is still a web capture."""
    spec = {"name": "label_photo.png", "text": "한진택배\n운송장번호\n568607-0579-8411\n받는 분 정*늘",
            "tracking": ["56860705798411"], "width": 5000, "height": 7000}
    photo = classify(reading(spec), "png", PROFILE, RULES)
    screen = classify(reading({**spec, "width": 1170, "height": 2532}), "png", PROFILE, RULES)
    assert (photo.kind, photo.web_capture) == ("carrier-tracking", False), photo.reason
    assert "5000x7000" in photo.reason and "camera-photo sized" in photo.reason
    assert (screen.kind, screen.web_capture) == ("carrier-tracking", True), screen.reason
