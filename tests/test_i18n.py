"""Messages in the user's language: the catalogs are complete, compiled, and chosen by --lang or the locale."""
from __future__ import annotations

import re
import string
from datetime import datetime, timedelta

import pytest
from babel.messages.pofile import read_po

from pipeline import i18n
from pipeline.i18n import (
    LANGUAGES,
    LOCALE_DIR,
    format_left,
    format_when,
    gettext_for,
    resolve_language,
    rule_title,
)
from pipeline.model import KST
from pipeline.profile import Profile, available

DEADLINE = datetime(2026, 3, 19, 23, 59, 59, tzinfo=KST)


def catalog(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "evpack.po", "rb") as stream:
        return read_po(stream)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("given, env, expected", [
    ("ko", {}, "ko"), ("zh-CN", {}, "zh_Hans"), ("zh_Hans", {}, "zh_Hans"), ("EN", {}, "en"), ("fr", {}, "en"),
    (None, {"LANG": "ko_KR.UTF-8"}, "ko"), (None, {"LC_ALL": "zh_CN.UTF-8", "LANG": "ko_KR.UTF-8"}, "zh_Hans"),
    (None, {"LANG": "C.UTF-8"}, "en"), (None, {}, "en"),
])
def test_language_comes_from_lang_option_then_the_locale(given, env, expected, monkeypatch):
    """GIVEN --lang or the locale variables
    WHEN the language is resolved
    THEN --lang wins, LC_ALL beats LANG, and anything unknown is English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert resolve_language(given) == expected


def test_every_rule_of_every_profile_has_a_title_translated_in_every_language():
    """GIVEN the rule ids of every shipped rules profile
    WHEN their titles are looked up in ko and zh_Hans
    THEN each has an English title and a real translation (not the English text falling through)."""
    rules = {rule for name in available() for rule in Profile.load(name).data["rules"]}
    titles = i18n._rule_titles()
    assert rules <= set(titles), f"rules without a title: {sorted(rules - set(titles))}"
    for lang in ("ko", "zh_Hans"):
        for rule in rules:
            assert rule_title(rule, lang) != titles[rule], f"{rule} is not translated to {lang}"
    assert rule_title("missing-url", "ko") == "전체 URL이 없는 스크린샷"
    assert rule_title("missing-url", "zh_Hans") == "截图缺少完整网址"
    assert rule_title("missing-url", "en") == "Screenshot without the full URL"
    assert rule_title("no-such-rule", "ko") == "no-such-rule"


@pytest.mark.parametrize("lang", ["ko", "zh_Hans"])
def test_catalogs_translate_every_message_and_keep_its_placeholders(lang):
    """GIVEN the English catalog (every msgid evpack uses)
    WHEN the ko and zh_Hans catalogs are compared with it
    THEN each message is translated, no entry is fuzzy, and every {placeholder} survives translation."""
    source, target = catalog("en"), catalog(lang)
    assert {m.id for m in source if m.id} == {m.id for m in target if m.id}
    for message in target:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{lang}: {message.id!r} is not translated"
        for text in strings:
            assert placeholders(text) == placeholders(ids[0]), f"{lang}: {message.id!r} -> {text!r}"


def test_compiled_catalogs_match_their_sources():
    """GIVEN the .po sources
    WHEN babel compiles them
    THEN the committed .mo files translate exactly the same messages the same way (run `python -m pipeline.i18n`
    after editing a .po); the header, which names the Babel version, may differ."""
    for lang in LANGUAGES:
        po = LOCALE_DIR / lang / "LC_MESSAGES" / "evpack.po"
        committed = i18n.translations_of(po.with_suffix(".mo").read_bytes())
        assert committed == i18n.translations_of(i18n.compiled_catalog(po)), f"{lang}: stale .mo"
        assert lang == "en" or len(committed) > 20  # English is the source: its catalog translates nothing


def test_labels_and_counts_read_in_the_users_language():
    """GIVEN a translator per language
    WHEN a label and a formatted summary line are asked for
    THEN they come back in that language with the values filled in."""
    line = "{passed} passed, {failed} failed, {errors} errors, {cancelled} cancelled, of {total} packets"
    values = {"passed": 3, "failed": 1, "errors": 0, "cancelled": 0, "total": 4}
    assert gettext_for("en")(line, **values) == "3 passed, 1 failed, 0 errors, 0 cancelled, of 4 packets"
    assert gettext_for("ko")(line, **values) == "전체 4건 중 통과 3, 미통과 1, 오류 0, 취소 0"
    assert gettext_for("zh_Hans")("Seller") == "卖家"
    assert gettext_for("ko")("A message nobody translated") == "A message nobody translated"


def test_dates_show_in_the_given_zone_in_the_users_language():
    """GIVEN the deadline 2026-03-19 23:59:59 KST
    WHEN it is shown in KST and in Beijing time
    THEN the clock time moves with the zone (22:59 in Beijing), the zone is named, and the format follows the
    language."""
    assert format_when(DEADLINE, "en", "Asia/Seoul") == "Mar 19, 2026, 11:59:59 PM KST"
    assert format_when(DEADLINE, "zh_Hans", "Asia/Shanghai") == "2026年3月19日 22:59:59 CST"
    korean = format_when(DEADLINE, "ko", "Asia/Seoul")
    assert re.search(r"2026\. 3\. 19\..*11:59:59 KST$", korean)


def test_time_left_is_worded_with_plurals_and_past_deadlines():
    """GIVEN time left before and after a deadline
    WHEN it is worded
    THEN English uses singular and plural days, Korean and Chinese their own words, and a closed window says so."""
    assert format_left(timedelta(days=1, hours=2), "en") == "1 day 2 h left"
    assert format_left(timedelta(days=2, minutes=5), "en") == "2 days 5 min left"
    assert format_left(timedelta(hours=-3), "en") == "closed 3 h ago"
    assert format_left(timedelta(days=2, hours=3), "ko") == "2일 3시간 남음"
    assert format_left(timedelta(seconds=-40), "zh_Hans") == "40 秒前已关闭"
    assert format_left(None, "ko") == "마감 없음"
