"""pipeline/reading/settings.py: ocr.toml's patterns match their examples; the settings' version follows the
code."""
from __future__ import annotations

from pipeline import runtime
from pipeline.reading.settings import SETTINGS_FILE, OcrSettings, host_endings


def test_url_patterns_match_their_examples():
    """GIVEN every pattern of ocr.toml that carries examples (URL hint and piece, garbled bar, URL shape, clean URL,
    clock time and date) WHEN run on its own examples THEN every example matches and no counter-example does (the
    data carries its proof)."""
    import re
    import tomllib
    raw = tomllib.loads(SETTINGS_FILE.read_text(encoding="utf-8"))
    data = {k: v for section in raw.values() for k, v in section.items()}
    cfg = OcrSettings.load()  # patterns as the reader gets them (<<common_tlds>> filled from the profile)
    keys = [k.removesuffix("_examples") for k in data if k.endswith("_examples") and not k.endswith("_non_examples")
            and isinstance(data[k.removesuffix("_examples")], str)]  # a list's examples: its module's tests run them
    assert {"url_hint", "url_piece", "bar_garble_hint", "bar_url_shape", "bar_clean_url", "clock_time",
            "clock_date"} <= set(keys)
    for key in keys:
        pattern = re.compile(getattr(cfg, key))
        assert all(pattern.search(example) for example in data[f"{key}_examples"]), key
        assert not any(pattern.search(example) for example in data[f"{key}_non_examples"]), key


def test_settings_version_follows_the_reading_code(tmp_path):
    """GIVEN the same ocr.toml WHEN the reading code changes THEN the settings version (the read cache's key)
    changes too, so reads cached by older code are not served."""
    code = tmp_path / "pipeline" / "reading" / "passes" / "clock.py"  # a module in a sub-package counts too
    code.parent.mkdir(parents=True)
    code.write_text("one", encoding="utf-8")
    before = OcrSettings.load(code=runtime.fingerprint_of(tmp_path)).version
    code.write_text("two", encoding="utf-8")
    assert OcrSettings.load(code=runtime.fingerprint_of(tmp_path)).version != before


def test_the_bar_takes_its_host_endings_from_the_profile_and_its_version_follows_them():
    """GIVEN ocr.toml and two lists of a profile's common top-level domains (the shipped one, and one of another
    market with `jp`) WHEN the settings are loaded with each THEN a clean bar read ending in .jp is clean only with
    the second list, both take co.kr hosts by their last label, and the versions (the read cache's key) differ."""
    import re
    shipped = OcrSettings.load()
    other = OcrSettings.load(common_tlds=("com", "co.jp", "jp"))
    assert re.match(shipped.bar_clean_url, "service.epost.go.kr/trace") and host_endings(("co.kr",)) == "kr"
    assert not re.match(shipped.bar_clean_url, "www.kuronekoyamato.co.jp/track")
    assert re.match(other.bar_clean_url, "www.kuronekoyamato.co.jp/track")
    assert "<<" not in shipped.bar_clean_url and shipped.version != other.version


def test_a_misread_mark_is_filled_from_the_learned_confusions():
    """GIVEN ocr.toml's clean-bar pattern, whose first w of www. is `<<misread:w>>` WHEN loaded THEN it is the class
    of w and what the confusion model learned OCR reads for it (v, in confusions.toml), so the bar's `https:/Avww.`
    read is clean and a `w` read as something never learned is not."""
    import re
    from pipeline.fields.confusions import table
    from pipeline.reading.settings import misread_class
    assert table().pairs.get(("w", "v")) is not None and misread_class("w") == "[wv]"
    cfg = OcrSettings.load()
    assert "<<" not in cfg.bar_clean_url
    assert re.match(cfg.bar_clean_url, "https:/Avww.ilogen.com/web/personal/trace/35899420719")
    assert not re.match(cfg.bar_clean_url, "https:/Axww.ilogen.com/web/personal/trace/35899420719")


def test_the_bar_scores_a_scheme_the_url_reader_finds():
    """GIVEN runs of URL words as the first pass reads them WHEN the bar's score asks whether one shows a scheme THEN
    a scheme is one the URL reader makes `https://` or `http://` of by the learned confusions (misread ones too);
    a path's `home/` (Lotte's and DHL's URLs) is none, nor is a host alone."""
    from pipeline.fields.urls import shows_scheme
    for shown in ("https://www.ups.com", "http://x.kr", "ht1ps:/service", "httos‘/service", "@https://www.ups.com"):
        assert shows_scheme(shown), shown
    for shown in ("www.ups.com", "trace.cjlogistics.com/next", "1688.com", "www.lotteglogis.com/home/reservation",
                  "www.dhl.com/kr-ko/home/tracking"):
        assert not shows_scheme(shown), shown
