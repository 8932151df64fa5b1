"""The browser-rendered benchmark corpus (bench/browser_corpus.py): what it writes is what its truth says."""
from __future__ import annotations

import html
import importlib.util
import json
import random
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from pipeline.fields.tracking import validate_tracking
from pipeline.profile import Profile

BENCH = Path(__file__).resolve().parent.parent / "bench"


def corpus_module():
    spec = importlib.util.spec_from_file_location("browser_corpus", BENCH / "browser_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_numbers_are_made_valid_by_evpacks_own_check():
    """GIVEN the corpus' number maker WHEN it draws numbers of every carrier THEN evpack verifies each one that has a
    check digit, and the numbers fit their carrier."""
    corpus = corpus_module()
    rng = random.Random(3)
    for carrier in corpus.CARRIERS:
        for _ in range(5):
            value, checksum = corpus.tracking_number(carrier, rng)
            assert validate_tracking(value, carrier.key)[1] == checksum, (carrier.key, value)


def test_split_seeds_do_not_overlap():
    corpus = corpus_module()
    assert not set(corpus.TUNING_SEEDS) & set(corpus.TEST_SEEDS)
    assert corpus.split_of(corpus.TEST_SEEDS[0]) == "test"


def test_a_rendered_capture_and_its_truth(tmp_path):
    """GIVEN two captures rendered by headless Chromium WHEN truth.json is read THEN each file is an image of the
    screen at its display scale, its one address bar names a carrier host, tab and bookmark hosts are apart from
    it, and a desktop capture with a clock has exactly one capture timestamp."""
    corpus = corpus_module()
    truth = corpus.build(tmp_path, seed=5, count=2)
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["seed"] == 5
    profile = Profile.load()
    for name, entry in truth["files"].items():
        with Image.open(tmp_path / name) as image:
            assert image.width >= 1000 and image.height >= 560
        bars = [u for u in entry["fields"]["urls"] if u["address_bar"]]
        assert len(bars) == 1 and profile.carrier_for_host(bars[0]["host"])
        assert bars[0]["host"] not in entry["other_hosts"]
        assert entry["fields"]["tracking_numbers"]
        clocks = [t for t in entry["fields"]["timestamps"] if t["role"] == "capture"]
        assert len(clocks) == (1 if entry["variety"]["device"] == "desktop" else 0)
        assert any(t["role"] == "event" for t in entry["fields"]["timestamps"])


def test_phone_mix_seeds_are_split_and_apart_from_the_browser_mix():
    corpus = corpus_module()
    phone = corpus.MIXES["phone"]
    assert not set(phone["tuning"]) & set(phone["test"])
    assert not (set(phone["tuning"]) | set(phone["test"])) & (set(corpus.TUNING_SEEDS) | set(corpus.TEST_SEEDS))
    assert corpus.split_of(phone["test"][0]) == "test" and corpus.split_of(phone["tuning"][0]) == "tuning"
    assert corpus.mix_of(phone["tuning"][0]) == "phone" and corpus.mix_of(corpus.TUNING_SEEDS[0]) == "browser"


def test_naver_card_shows_the_carrier_and_number_on_one_line_and_no_address_bar():
    """GIVEN a Naver app parcel card WHEN its HTML is made THEN the number follows the carrier's Korean name and a
    middle dot, it is marked as the tracking number's element, and no URL is recorded (the app shows none)."""
    corpus = corpus_module()
    rng = random.Random(7)
    carriers = tuple(c for c in corpus.CARRIERS if c.key in corpus.NAVER_CARRIER_KEYS)
    cap = corpus.draw_capture(rng, True, 0.5, carriers)
    truth = corpus.Truth()
    page = corpus.naver_card_html(cap, truth, rng)
    marked = [key for key, (kind, entry) in truth.pending.items()
              if kind == "tracking_numbers" and entry["value"] == cap.number]
    assert f'{cap.carrier.brand} · <span data-truth="{marked[0]}">{cap.number}</span>' in page
    assert not [kind for kind, _ in truth.pending.values() if kind == "urls"]


def test_a_photographed_monitor_holds_the_whole_screen():
    """GIVEN a screen image WHEN it is photographed THEN the photo is larger than the screen (bezel and desk around
    it) and the screen's dark text is still there: the darkest quarter of the photo's middle is dark."""
    corpus = corpus_module()
    screen = Image.new("RGB", (600, 340), (255, 255, 255))
    screen.paste((0, 0, 0), (100, 150, 500, 190))
    photo = corpus.photographed(screen, random.Random(1))
    assert photo.width > screen.width and photo.height > screen.height
    middle = photo.convert("L").crop((photo.width // 3, photo.height * 2 // 5, photo.width * 2 // 3,
                                      photo.height * 3 // 5))
    darkest, lightest = middle.getextrema()
    assert darkest < 80 and lightest > 180


def test_the_clock_mix_draws_its_own_varieties_and_states_zones():
    """GIVEN the clock mix WHEN captures are drawn and their pages made THEN its seeds split into tuning and test
    apart from the other mixes; pages state their zone in a notice, a foot note, the time column's header, a zone
    column or as times local to each row's place, in several zones and words; a page that states a zone shows its
    words and its events in that zone, a zone column's rows each in their own, and such a page has no screen clock
    (a page's notice speaks for the page)."""
    corpus = corpus_module()
    clock = corpus.MIXES["clock"]
    assert not set(clock["tuning"]) & set(clock["test"])
    others = {s for mix, splits in corpus.MIXES.items() if mix != "clock" for seeds in splits.values() for s in seeds}
    assert not (set(clock["tuning"]) | set(clock["test"])) & others
    assert corpus.split_of(clock["test"][0]) == "test" and corpus.mix_of(clock["tuning"][0]) == "clock"
    rng = random.Random(11)
    caps = [corpus.draw_clock_capture(rng, i % 8 == 7) for i in range(200)]
    assert {c.zone_cue for c in caps} == {"", "notice", "footnote", "header", "row", "local"}
    assert {c.zone for c in caps} >= {"Asia/Shanghai", "UTC"} and any(c.clock_form == "zh12" for c in caps)
    assert all(c.device != "desktop" for c in caps if c.zone_cue)
    for stated in [c for c in caps if c.zone and c.device == "window"][:6]:
        truth = corpus.Truth()
        page = corpus.desktop_html(stated, truth, rng)
        assert html.escape(stated.zone_words) in page
        offset = datetime(2026, 3, 1, tzinfo=ZoneInfo(stated.zone)).isoformat()[-6:]
        events = [entry for kind, entry in truth.pending.values() if kind == "timestamps"]
        assert events and all(e["value"].endswith(offset) and e["role"] == "event" for e in events)
    rows = next(c for c in caps if c.zone_cue == "row" and c.device == "window")
    truth = corpus.Truth()
    page = corpus.desktop_html(rows, truth, rng)
    origin, home = rows.zone_words.split("|")
    assert html.escape(origin) in page and html.escape(home) in page
    offsets = {entry["value"][-6:] for kind, entry in truth.pending.values() if kind == "timestamps"}
    assert offsets == {"+08:00", "+09:00"}
    assert corpus.clock_lines(datetime(2026, 3, 11, 14, 31), "zh", "zh12") == ("下午2:31", "2026/3/11")
