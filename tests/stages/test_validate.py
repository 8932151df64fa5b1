"""Judging a packet: each rule with its boundaries, from canned readings (no OCR). The profile's own examples run in
test_profile.py; these cover what examples cannot say: wording, order, skipping, the ledger seam."""
from __future__ import annotations

import builtins
from datetime import datetime

from pipeline.model import KST
from pipeline.profile import Profile
from stages import classify, validate
from tests.packet_factory import context, judge, merged, packet, rules_of

PROFILE = Profile.load()
BASE = PROFILE.data["example_base"]
CJ_URL = "https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=689212345674"
WECHAT = {"name": "wechat.png", "text": "微信\n客户: 货已经收到了，谢谢\n昨天 14:22\n按住 说话",
          "timestamps": ["2026-03-11T14:22:00+08:00"]}


def run(tmp_path, **changes):
    return judge(merged(BASE, changes), PROFILE, tmp_path)


def test_clean_packet_sets_deadline_and_finds_nothing(tmp_path):
    """GIVEN a clean delivery-proof packet WHEN validated THEN no finding, and state.deadline is 03-19 23:59:59 KST."""
    state = run(tmp_path)
    assert state.findings == ()
    assert state.deadline == datetime(2026, 3, 19, 23, 59, 59, tzinfo=KST)


def test_clean_packet_with_pod_csv_and_heic_photo_finds_nothing(tmp_path):
    """GIVEN tracking page + scanned POD + CSV transcript + HEIC photo WHEN validated THEN no false alarm."""
    state = run(tmp_path, add_files=[
        {"name": "pod.pdf", "source": "ocr", "width": 2480, "height": 3508,
         "text": "배송완료 확인서\n운송장번호 689212345674\n수령인 김민수 (서명)\n배송완료 2026-03-10 14:22\n서울특별시 송파구 올림픽로 300",
         "tracking": ["689212345674"], "timestamps": ["2026-03-10T14:22:00+09:00"],
         "addresses": ["서울특별시 송파구 올림픽로 300"]},
        {"name": "messages.csv", "text": "date,from,message\n2026-03-11 10:02,buyer,I got it, thanks",
         "timestamps": ["2026-03-11T10:02:00+09:00"]},
        {"name": "IMG_0001.heic", "text": "", "width": 4032, "height": 3024}])
    assert state.findings == (), [f.message for f in state.findings]
    assert state.kinds["messages.csv"].web_capture is False and state.kinds["IMG_0001.heic"].kind == "product-photo"


def test_findings_come_in_the_order_to_fix_them(tmp_path):
    """GIVEN a late packet with a cropped screenshot and a Chinese statement WHEN validated THEN the deadline
    comes first, the capture next, the statement last."""
    state = run(tmp_path, now=datetime(2026, 3, 20, 0, 0, 30, tzinfo=KST),
                claim={"statement": "买家已签收，请撤销赔付。"},
                files=[{"name": "t.png", "text": "배송조회 운송장번호 689212345674\n2026.03.10 14:22 배송완료\n서울특별시 송파구 올림픽로 300",
                        "tracking": ["689212345674"],
                        "timestamps": [{"text": "2026.03.10 14:22", "value": "2026-03-10T14:22:00+09:00"}],
                        "addresses": ["서울특별시 송파구 올림픽로 300"]}])
    assert rules_of(state) == ["deadline-passed", "missing-url", "statement-language"]


def test_deadline_messages_show_kst_and_the_sellers_zone(tmp_path):
    """GIVEN a packet with minutes left WHEN validated THEN deadline-soon names the close in KST and Beijing time."""
    state = run(tmp_path, now=datetime(2026, 3, 19, 23, 59, 0, tzinfo=KST))
    (soon,) = state.findings
    assert soon.rule == "deadline-soon" and soon.severity == "warning"
    assert "2026-03-19 23:59:59 KST" in soon.message and "2026-03-19 22:59:59" in soon.message
    assert "Asia/Shanghai" in soon.message and "1 min" not in soon.message and "1 min" not in soon.fix


def test_cropped_url_bar_says_why(tmp_path):
    """GIVEN a screenshot whose top band shows only the status bar WHEN validated THEN missing-url says no address
    bar was found and quotes what was read near the edges."""
    state = run(tmp_path, files=[{**BASE["files"][0], "urls": [], "header": "9:41 LTE 87%"}])
    (finding,) = [f for f in state.findings if f.rule == "missing-url"]
    assert "no browser address bar was found" in finding.message and "9:41 LTE 87%" in finding.message
    assert finding.file == "tracking.png" and "address bar" in finding.fix


def test_host_only_url_is_missing_the_full_url(tmp_path):
    """GIVEN a phone screenshot whose bar shows only the host WHEN validated THEN missing-url names the host."""
    bar = {"value": "https://cjlogistics.com", "address_bar": True}
    state = run(tmp_path, files=[{**BASE["files"][0], "urls": [bar]}])
    assert [f.message for f in state.findings if f.rule == "missing-url"][0].startswith("tracking.png is a carrier")
    assert "only the host cjlogistics.com" in state.findings[0].message


def test_wechat_only_under_delivery_proof(tmp_path):
    """GIVEN only a WeChat screenshot for Delivery Proof WHEN validated THEN reason-mismatch (suggesting no other
    reason: a chat supports none), and untrusted-source says a chat app is no main evidence; no URL rule for an app."""
    state = run(tmp_path, files=[WECHAT])
    rules = rules_of(state)
    assert "reason-mismatch" in rules and "untrusted-source" in rules and "missing-url" not in rules
    mismatch = next(f for f in state.findings if f.rule == "reason-mismatch")
    assert "instead" not in mismatch.message


def test_wechat_only_under_buyer_communication_fails(tmp_path):
    """GIVEN only a WeChat screenshot for Buyer Communication WHEN validated THEN the packet fails: a chat app is
    not the Seller Center thread the reviewers ask for (reason-mismatch), and untrusted-source explains why."""
    state = run(tmp_path, files=[WECHAT], claim={"reason": "buyer-communication"})
    rules = rules_of(state)
    assert "reason-mismatch" in rules and "untrusted-source" in rules
    assert state.verdict() == "fail"


def test_tracking_mismatch_needs_a_valid_other_number(tmp_path):
    """GIVEN carrier evidence showing only a number that fails its check digit WHEN validated THEN no mismatch."""
    bad = {**BASE["files"][0], "tracking": [{"value": "689212345647", "checksum": "bad"}]}
    assert "tracking-mismatch" not in rules_of(run(tmp_path, files=[bad]))


def test_tracking_mismatch_not_when_the_claims_number_is_shown_too(tmp_path):
    """GIVEN carrier evidence with the claim's number and another WHEN validated THEN no mismatch."""
    two = {**BASE["files"][0], "tracking": ["689212345674", "550012345678"]}
    assert "tracking-mismatch" not in rules_of(run(tmp_path, files=[two]))


def test_order_number_is_not_taken_for_a_tracking_number(tmp_path):
    """GIVEN the claim's order id read as a number on a Coupang order page WHEN validated THEN no mismatch."""
    order = {"name": "order.pdf", "text": "쿠팡 주문상세 주문번호 31000012345678 배송완료 2026.03.10 14:22 서울특별시 송파구 올림픽로 300",
             "tracking": ["31000012345678"], "header": "2026. 3. 15. 오후 2:00 주문상세 | 쿠팡",
             "footer": "https://mc.coupang.com/ssr/desktop/order/31000012345678 1/1",
             "urls": ["https://mc.coupang.com/ssr/desktop/order/31000012345678"],
             "timestamps": [{"text": "2026.03.10 14:22", "value": "2026-03-10T14:22:00+09:00"}],
             "addresses": ["서울특별시 송파구 올림픽로 300"]}
    state = run(tmp_path, add_files=[order])
    assert state.kinds["order.pdf"].kind == "coupang-order" and state.kinds["order.pdf"].web_capture
    assert state.findings == (), [f.message for f in state.findings]


def test_bilingual_document_is_not_untranslated(tmp_path):
    """GIVEN a QC report in Chinese and English in one file WHEN validated THEN no untranslated warning."""
    qc = {"name": "qc.pdf", "text": "检验报告 Inspection report\n产品 保温杯 Product insulated bottle\n"
                                    "结果 合格 Result passed, all items conform to the standard"}
    assert "untranslated" not in rules_of(run(tmp_path, claim={"reason": "product-quality"}, files=[qc]))


def test_ingest_external_link_is_not_reported_twice(tmp_path):
    """GIVEN ingest already reported a link file WHEN validate sees a cloud URL in it THEN one finding, not two."""
    link = {"name": "link.png", "text": "https://pan.baidu.com/s/1AbC", "urls": ["https://pan.baidu.com/s/1AbC"]}
    state = run(tmp_path, add_files=[link], prior_findings=[{"rule": "external-link", "file": "link.png"}])
    assert rules_of(state).count("external-link") == 1


def test_no_claim_skips_claim_rules_but_judges_files(tmp_path):
    """GIVEN an invalid manifest WHEN validated THEN no deadline, no reason rules, but a cropped capture is reported."""
    cropped = {**BASE["files"][0], "urls": [], "header": ""}
    state = run(tmp_path, no_claim=True, files=[cropped],
                prior_findings=[{"rule": "manifest-invalid", "file": "claim.toml"}])
    assert state.deadline is None and rules_of(state) == ["manifest-invalid", "missing-url"]


def test_missing_ledger_module_is_no_ledger(tmp_path, monkeypatch):
    """GIVEN pipeline.judging.ledger cannot be imported WHEN validated with a ledger path THEN no crash, no finding."""
    real_import = builtins.__import__

    def no_ledger(name, *args, **kwargs):
        if name == "pipeline.judging.ledger":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    spec = merged(BASE, {"ledger": False})  # a ledger path is set, nothing is marked
    ctx = context(spec, PROFILE, tmp_path)
    monkeypatch.setattr(builtins, "__import__", no_ledger)
    state = validate.run(classify.run(packet(spec), ctx), ctx)
    assert "already-submitted" not in rules_of(state)
    assert any("no ledger module" in line for line in state.log)


def test_low_quality_names_each_measure(tmp_path):
    """GIVEN a blurred, small, poorly read photo WHEN validated THEN low-quality names blur, confidence and size."""
    pod = {"name": "pod.jpg", "text": "배송완료 수령인 서명 서울특별시 송파구 올림픽로", "sharpness": 12.0,
           "confidence": 41.0, "width": 480, "height": 640}
    (finding,) = [f for f in run(tmp_path, add_files=[pod]).findings if f.rule == "low-quality"]
    assert "blurred (sharpness 12" in finding.message and "41% confidence" in finding.message
    assert "480x640" in finding.message
