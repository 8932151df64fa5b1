"""A failed packet's output says so: NOT-READY.txt with the findings and fixes, and a statement that states no fact
the evidence contradicts. Canned readings (no OCR); the statement and bundle stages run for real."""
from __future__ import annotations

from dataclasses import replace

from pipeline.model import PagePlacement
from pipeline.output.layout import NOT_READY
from pipeline.profile import Profile
from stages import bundle, classify, statement, validate
from tests.packet_factory import context, merged, packet

PROFILE = Profile.load()
BASE = PROFILE.data["example_base"]
EMS = "EE583584283KR"
EMS_PAGE = {"name": "ems.png", "text": f"EMS 배송조회\n등기번호 {EMS}\n2026.03.11 15:40 배달완료\n부산광역시 해운대구 센텀중앙로 79",
            "urls": [{"value": f"https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={EMS}",
                      "address_bar": True}], "tracking": [EMS],
            "timestamps": [{"text": "2026.03.11 15:40", "value": "2026-03-11T15:40:00+09:00"}],
            "addresses": ["부산광역시 해운대구 센텀중앙로 79"]}


def built(tmp_path, lang: str = "en", **changes):
    """validate, statement and bundle of a canned packet (no upload files: the judging is what is tested)."""
    spec = merged(BASE, changes)
    ctx = replace(context(spec, PROFILE, tmp_path), out_dir=tmp_path / "out", lang=lang)
    state = validate.run(classify.run(packet(spec), ctx), ctx)
    state = replace(state, placements=tuple(PagePlacement(f.source, 1, "02-evidence.pdf", 1) for f in state.files))
    state = statement.run(state, ctx)
    return bundle.run(replace(state, placements=()), ctx), tmp_path / "out" / state.claim.claim_id


def test_failed_bundle_holds_not_ready_with_findings_and_fixes(tmp_path):
    """GIVEN a packet whose only carrier page is another parcel's (tracking-mismatch)
    WHEN built THEN OUT/<claim_id>/NOT-READY.txt says not to submit, lists the finding with its file and fix."""
    state, out = built(tmp_path, files=[EMS_PAGE])
    assert state.verdict() == "fail"
    text = (out / NOT_READY).read_text(encoding="utf-8")
    assert text.startswith("NOT READY: do not submit this packet.")
    assert "[tracking-mismatch] Tracking number differs from the claim (ems.png)" in text
    assert "Fix: attach the carrier's page for parcel 689212345674" in text
    assert "Review deadline:" in text


def test_not_ready_is_in_the_chosen_language(tmp_path):
    """GIVEN the same failed packet built with --lang ko WHEN built THEN NOT-READY.txt's headings, rule titles and
    the finding's message and fix are Korean (the catalogs have them), the numbers kept."""
    _, out = built(tmp_path, lang="ko", files=[EMS_PAGE])
    text = (out / NOT_READY).read_text(encoding="utf-8")
    assert text.startswith("준비 안 됨") and "운송장 번호가 클레임과 다름" in text and "해결" in text
    assert "클레임의 송장번호(689212345674)와 다르고" in text and "attach the carrier's page" not in text


def test_passing_bundle_has_no_not_ready(tmp_path):
    """GIVEN a clean packet WHEN built THEN there is no NOT-READY.txt."""
    state, out = built(tmp_path)
    assert state.verdict() == "pass" and (out / "report.json").is_file() and not (out / NOT_READY).exists()


def test_statement_of_a_tracking_mismatch_states_no_fact_of_the_other_parcel(tmp_path):
    """GIVEN claim.toml names CJ parcel 689212345674 and the only evidence is EMS parcel EE583584283KR (delivered
    03-11) WHEN built THEN the statement states neither the EMS delivery time nor the claim's number as proven by
    attached delivery proof: it is neutral, Korean and English both whole."""
    state, out = built(tmp_path, files=[EMS_PAGE])
    text = (out / "statement.txt").read_text(encoding="utf-8").strip()
    assert "3.11" not in text and "Mar 11" not in text and EMS not in text and "689212345674" not in text
    assert "Delivery proof attached" not in text and "배송 증빙" not in text
    korean, english = text.split("\n")
    assert korean.endswith(".") and english.endswith(".")
    assert any("neutral template" in line for line in state.log)


def test_statement_of_a_reason_mismatch_does_not_call_tracking_quality_evidence(tmp_path):
    """GIVEN Product Quality chosen for a packet of a tracking page (reason-mismatch)
    WHEN built THEN the statement does not say quality evidence is attached."""
    state, out = built(tmp_path, claim={"reason": "product-quality"})
    assert "reason-mismatch" in {f.rule for f in state.findings}
    text = (out / "statement.txt").read_text(encoding="utf-8")
    assert "Quality evidence" not in text and "quality evidence" not in text and "품질 증빙" not in text


def test_a_draft_that_does_not_fit_whole_is_reported_not_cut(tmp_path):
    """GIVEN an English draft of three sentences, too long to fit beside the facts
    WHEN built THEN the statement keeps only whole sentences of it (never 'The buyer received the parcel on…'),
    and a statement-shortened warning says so (the output does not say 'no problems')."""
    draft = ("The buyer received the parcel on March 10 at the door and signed for it in person. The buyer then "
             "asked for a refund anyway, saying the parcel never came, which the carrier's records contradict. "
             "We attach the carrier's tracking page and the signed proof of delivery.")
    state, out = built(tmp_path, claim={"statement": draft})
    text = (out / "statement.txt").read_text(encoding="utf-8").strip()
    assert "…" not in text and text.endswith(".")
    english = text.split("\n")[1]
    kept = english[english.index("The buyer") :] if "The buyer" in english else ""
    assert kept == "" or draft.startswith(kept) and kept.endswith(".")
    (found,) = [f for f in state.findings if f.rule == "statement-shortened"]
    assert found.severity == "warning" and "never cut" in found.message
