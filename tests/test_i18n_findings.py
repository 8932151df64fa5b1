"""Findings in the seller's language: pipeline/locale/findings.toml words every rule, every wording is in every
catalog, and its variants read the values they name from the stages' English."""
from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from pipeline import i18n
from pipeline.i18n import LOCALE_DIR, finding_wording, localize_finding, placeholders
from pipeline.profile import Profile, available

TEXTS = i18n._finding_texts()
RULES = {name: entry for name, entry in TEXTS.items() if isinstance(entry, dict) and "message" in entry}
ERRORS = TEXTS.get("errors", {})
EXAMPLES = TEXTS.get("examples", [])
# A run of two or more English words that hold a small letter: a sentence, where ids, numbers, URLs and paths
# were taken out first (see english_sentences).
ENGLISH_RUN = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z']*(?:[ ,]+[A-Za-z]*[a-z][A-Za-z']*)+\b")


def english_sentences(text: str, names: tuple[str, ...] = ()) -> list[str]:
    """The English sentences left in `text` once the given file names, `code`, URLs, [rule ids] and tokens that hold
    digits or id punctuation (paths, ids, kinds, zones, claim.toml, CLM-...) are taken out."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    text = re.sub(r"`[^`]*`|https?://\S+|\[[^\]]*\]", " ", text)
    text = re.sub(r"\S*[0-9_./=+:\\-]\S*", " ", text)
    return ENGLISH_RUN.findall(text)


def msgids(lang: str) -> set:
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "evpack.po", "rb") as stream:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(stream) if m.id}


def test_the_detector_finds_english_and_spares_ids():
    """GIVEN translated text with ids, paths, URLs and commands, and text with an English sentence THEN only the
    sentence is found."""
    clean = ("1. 错误 [missing-url] POD/scan 1.pdf 请从 pan.baidu.com 下载 https://x.y/a b `evpack ledger list` "
             "KST CST")
    assert english_sentences(clean, ("POD/scan 1.pdf",)) == []
    assert english_sentences("处理：please take it again") == ["please take it again"]


def test_every_rule_of_every_profile_is_worded():
    """GIVEN the rule ids of every shipped profile THEN findings.toml words each (so no finding stays English)."""
    rules = {rule for name in available() for rule in Profile.load(name).data["rules"]}
    assert rules <= set(RULES), sorted(rules - set(RULES))


@pytest.mark.parametrize("lang", ["en", "ko", "zh_Hans"])
def test_every_wording_is_in_every_catalog(lang):
    """GIVEN every message and fix of findings.toml and its variants (findings and CLI errors) THEN each is a msgid of
    the catalog, and a variant's placeholders are groups its match can read."""
    ids = msgids(lang)
    for rule, entry in [*RULES.items(), *ERRORS.items()]:
        texts = [entry["message"], entry["fix"]]
        for variant in entry.get("variants", ()):
            groups = set()
            for key in ("match", "fix_match"):
                if key in variant:
                    groups |= set(re.compile(variant[key]).groupindex)
            for key in ("message", "fix"):
                if key in variant:
                    texts.append(variant[key])
                    assert placeholders(variant[key]) <= groups, (rule, variant[key])
        assert not (placeholders(entry["message"]) | placeholders(entry["fix"])), rule
        missing = [t for t in texts if t not in ids]
        assert not missing, (lang, rule, missing)


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["rule"] for e in EXAMPLES])
def test_variant_examples(example):
    """GIVEN a stage's English message of findings.toml's examples WHEN worded THEN the variant reads the values."""
    wording = finding_wording(example["rule"], example["message_en"], example.get("fix_en", ""))
    assert wording is not None and wording[2] == example["values"]


def test_english_stays_as_the_stage_wrote_it_and_others_translate():
    """GIVEN a finding WHEN shown in en THEN its own English; in zh_Hans the plain translated wording with the values
    (the reason label translated too); a finding without a fix gets none."""
    message = "No file supports the reason 'Buyer Communication' (a.png is a chat-app screenshot)."
    assert localize_finding("reason-mismatch", message, "x", "en") == (message, "x")
    text, fix = localize_finding("reason-mismatch", message, "x", "zh_Hans")
    assert "买家沟通记录" in text and fix and not english_sentences(text + fix)
    assert localize_finding("low-quality", "a.png may be too poor: blurred (sharpness 12)", "", "ko")[1] == ""
    assert localize_finding("no-such-rule", "As written.", "Fix it.", "ko") == ("As written.", "Fix it.")


@pytest.fixture
def locale_env(monkeypatch):
    """Sets the locale as a user's shell would, every other locale variable cleared."""
    def set_locale(value: str) -> None:
        for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("LANG", value)
    return set_locale


def test_cli_errors_and_notes_follow_the_locale(tmp_path, locale_env):
    """GIVEN a damaged ledger and an empty one WHEN the ledger commands run under a Chinese, then an English locale
    THEN the error (exit 1) and the 'no claims' note are Chinese with no English sentence, then English as raised."""
    from click.testing import CliRunner

    from pipeline.cli import cli
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(range(256)) * 8)
    empty = str(tmp_path / "empty.sqlite3")
    locale_env("zh_CN.UTF-8")
    failed = CliRunner().invoke(cli, ["ledger", "list", "--ledger", str(damaged)], catch_exceptions=False)
    assert failed.exit_code == 1 and "已损坏" in failed.stderr and "解决办法：" in failed.stderr
    assert english_sentences(failed.stderr, (str(damaged),)) == [], failed.stderr
    note = CliRunner().invoke(cli, ["ledger", "list", "--ledger", empty], catch_exceptions=False)
    assert "没有任何索赔记录" in note.stderr
    locale_env("C.UTF-8")
    failed = CliRunner().invoke(cli, ["ledger", "list", "--ledger", str(damaged)], catch_exceptions=False)
    assert failed.exit_code == 1 and "is damaged" in failed.stderr and "Fix: move it aside" in failed.stderr


def test_report_html_findings_follow_the_language(tmp_path):
    """GIVEN a batch summary's finding WHEN report.html's packet view is made in zh_Hans, then en THEN its message and
    fix are the Chinese wording with the number, then the English as written."""
    from dataclasses import replace

    from pipeline.batch.batch import PacketSummary
    from pipeline.context import Context
    from pipeline.output.reports.batch import packet_view
    finding = {"rule": "tracking-mismatch", "severity": "error", "file": "a.png",
               "message": "a.png shows tracking number 640167099136 (p.1), not the claim's 568339513041, and more.",
               "fix": "attach the carrier's page for parcel 568339513041."}
    summary = PacketSummary(path="s/c", verdict="fail", findings=(finding,))
    ctx = Context(profile=Profile.load(), workdir=tmp_path, lang="zh_Hans")
    (shown,) = packet_view(tmp_path, summary, ctx)["findings"]
    assert "640167099136" in shown["message"] and "运单号" in shown["message"] and "568339513041" in shown["fix"]
    assert not english_sentences(shown["message"] + shown["fix"])
    (shown,) = packet_view(tmp_path, summary, replace(ctx, lang="en"))["findings"]
    assert (shown["message"], shown["fix"]) == (finding["message"], finding["fix"])


@pytest.mark.parametrize("rule", ["missing-url", "missing-timestamp", "low-quality", "untranslated"])
@pytest.mark.parametrize("lang, left_out_words", [("zh_Hans", "此材料包无需处理"), ("ko", "따로 조치할 것이 없습니다")])
def test_a_file_left_out_says_so_in_every_language(rule, lang, left_out_words):
    """GIVEN a per-file finding validate turned into a warning because the file is left out of the upload files
    WHEN it is worded in ko or zh_Hans
    THEN the fix says nothing is needed (not the English-only 'left out' sentence, nor a fix to re-capture)."""
    from pipeline.i18n import localize_finding
    message, fix = localize_finding(
        rule, "x.png is a carrier tracking page captured from the web, but a blurred photo. It is left out of the "
              "upload files: the other evidence (a.pdf) meets the 'Delivery proof' requirements without it.",
        "nothing is needed for this packet; to upload it anyway, capture it again.", lang)
    assert left_out_words in fix, (message, fix)
