"""The strongest bundle the rules allow: a weak file the reason does not need is left out of upload/ with a warning;
the packet fails only when what remains cannot meet the reason; Chinese-only support fails. Canned readings."""
from __future__ import annotations

from dataclasses import replace

from PIL import Image

from pipeline.model import PacketState
from pipeline.output.reports.packet import report_json
from pipeline.profile import Profile
from stages import classify, plan, validate
from tests.packet_factory import context, merged, packet, rules_of

PROFILE = Profile.load()
BASE = PROFILE.data["example_base"]
TRACK = BASE["files"][0]
KP = "6012345678901"
KP_URL = f"https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={KP}"
QC_ZH = {"name": "质检报告.pdf", "text": "出厂检验报告\nProduct Name 产品名称: 保温杯\nBatch 批次: 20260301\n"
                                    "Result 检验结果: 合格\n检验员: 王工\n外观、尺寸、密封性均符合标准要求，抽样检验全部合格"}


def kp_capture(name: str, url: dict | None = None) -> dict:
    return {"name": name, "text": f"우체국 배송조회\n등기번호 {KP}\n2026.03.13 15:40 배달완료\n서울특별시 송파구 올림픽로 300",
            "urls": [url or {"value": KP_URL, "address_bar": True}], "tracking": [KP],
            "timestamps": [{"text": "2026.03.13 15:40", "value": "2026-03-13T15:40:00+09:00"}],
            "addresses": ["서울특별시 송파구 올림픽로 300"]}


def judged(tmp_path, **changes) -> tuple[PacketState, object]:
    spec = merged(BASE, changes)
    ctx = context(spec, PROFILE, tmp_path)
    return validate.run(classify.run(packet(spec), ctx), ctx), ctx


def test_a_redundant_weak_capture_is_left_out_and_the_packet_passes(tmp_path):
    """GIVEN eight consistent files of one Korea Post parcel, one a phone capture whose bar shows only the host
    WHEN judged THEN missing-url is a warning that names the file and says it is left out, the packet passes, and
    state.left_out holds it (the plan will not upload it)."""
    files = [kp_capture(f"{i:02d} 배송조회.png") for i in range(1, 8)]
    files.append(kp_capture("08 phone.png", {"value": "https://service.epost.go.kr", "address_bar": True}))
    state, _ = judged(tmp_path, claim={"tracking_number": KP, "carrier": "korea-post"}, files=files)
    (weak,) = [f for f in state.findings if f.rule == "missing-url"]
    assert weak.file == "08 phone.png" and weak.severity == "warning"
    assert "left out of the upload files" in weak.message and "only the host" in weak.message
    assert state.verdict() == "pass" and set(state.left_out) == {"08 phone.png"}
    assert "missing-url" in state.left_out["08 phone.png"]


def test_a_weak_file_that_is_needed_stays_an_error(tmp_path):
    """GIVEN the only tracking capture has a host-only bar WHEN judged THEN missing-url stays an error, the file
    stays in the bundle, and the packet fails."""
    only = {**TRACK, "urls": [{"value": "https://www.cjlogistics.com", "address_bar": True}]}
    state, _ = judged(tmp_path, files=[only])
    (weak,) = [f for f in state.findings if f.rule == "missing-url"]
    assert weak.severity == "error" and "left out" not in weak.message
    assert state.left_out == {} and state.verdict() == "fail"


def test_chinese_only_support_fails_as_untranslated(tmp_path):
    """GIVEN a product-quality claim whose only document is a Chinese QC report with English table headings
    WHEN judged THEN untranslated is an error (nothing readable in Korean or English supports the reason)."""
    state, _ = judged(tmp_path, claim={"reason": "product-quality"}, files=[QC_ZH])
    (finding,) = [f for f in state.findings if f.rule == "untranslated"]
    assert finding.severity == "error" and "no evidence the reviewers can read" in finding.message
    assert state.verdict() == "fail"


def test_chinese_report_beside_an_english_one_is_fine(tmp_path):
    """GIVEN the Chinese QC report with its English translation as a second file WHEN judged THEN no untranslated."""
    english = {"name": "qc-en.pdf", "text": "Factory inspection report (translation)\nProduct: insulated bottle\n"
                                           "Batch: 20260301\nResult: pass"}
    state, _ = judged(tmp_path, claim={"reason": "product-quality"}, files=[QC_ZH, english])
    assert "untranslated" not in rules_of(state) and state.verdict() == "pass"


def test_the_plan_leaves_the_file_out_and_report_json_lists_it(tmp_path):
    """GIVEN a packet with a redundant weak capture WHEN planned and reported THEN no page of it is in upload/,
    report.json's left_out names it with why, and its lineage says left-out with the rule."""
    files = [kp_capture(f"{i:02d}.png") for i in (1, 2)]
    files.append(kp_capture("03 phone.png", {"value": "https://service.epost.go.kr", "address_bar": True}))
    state, ctx = judged(tmp_path, claim={"tracking_number": KP, "carrier": "korea-post"}, files=files)
    files_on_disk = []  # real images to plan with
    for f in state.files:
        path = tmp_path / f.source
        Image.new("RGB", (800, 900), "white").save(path)
        files_on_disk.append(replace(f, path=path, usable=path, usable_type="png"))
    state = plan.run(replace(state, files=tuple(files_on_disk), root=tmp_path), ctx)
    assert "03 phone.png" not in {p.source for p in state.placements}
    assert {p.source for p in state.placements} == {"01.png", "02.png"}
    report = report_json(state, ctx)
    assert report["left_out"] == [{"path": "03 phone.png", "why": state.left_out["03 phone.png"]}]
    (entry,) = [e for e in report["lineage"] if e["path"] == "03 phone.png"]
    assert entry["status"] == "left-out" and entry["rules"] == ["missing-url"]


def test_a_weak_capture_that_alone_shows_the_tracking_number_stays(tmp_path):
    """GIVEN a phone capture with a host-only bar (the only file showing the tracking number) and the claim's
    Coupang order page without one WHEN judged THEN the capture is not left out (without it the evidence would lose
    its tracking number: untrusted-source), and missing-url stays an error: the packet fails."""
    phone = kp_capture("phone.png", {"value": "https://service.epost.go.kr", "address_bar": True})
    order = {"name": "order.png", "text": "쿠팡 주문상세\n주문번호 31000012345678\n2026.03.13 15:40 배송완료\n"
                                          "서울특별시 송파구 올림픽로 300",
             "urls": [{"value": "https://mc.coupang.com/ssr/desktop/order/31000012345678", "address_bar": True}],
             "timestamps": [{"text": "2026.03.13 15:40", "value": "2026-03-13T15:40:00+09:00"}],
             "addresses": ["서울특별시 송파구 올림픽로 300"]}
    state, _ = judged(tmp_path, claim={"tracking_number": KP, "carrier": "korea-post"}, files=[phone, order])
    (weak,) = [f for f in state.findings if f.rule == "missing-url"]
    assert weak.severity == "error" and state.left_out == {} and state.verdict() == "fail"
    assert "untrusted-source" not in rules_of(state)
