"""The chat and delivery-document benchmark corpus (bench/chat_corpus.py): what it writes is what its truth says."""
from __future__ import annotations

import importlib.util
import io
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from pipeline.fields.tracking import validate_tracking

BENCH = Path(__file__).resolve().parent.parent / "bench"


def corpus_module():
    sys.path.insert(0, str(BENCH))  # it reuses browser_corpus's rendering and truth
    spec = importlib.util.spec_from_file_location("chat_corpus", BENCH / "chat_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_split_seeds_do_not_overlap_the_browser_corpus():
    corpus = corpus_module()
    browser = sys.modules["browser_corpus"]
    seeds = set(corpus.TUNING_SEEDS) | set(corpus.TEST_SEEDS)
    assert not set(corpus.TUNING_SEEDS) & set(corpus.TEST_SEEDS)
    assert not seeds & (set(browser.TUNING_SEEDS) | set(browser.TEST_SEEDS))


def test_chat_separators_name_the_moment_counted_from_the_capture():
    """GIVEN a capture on Friday 2026-03-13 WHEN the app prints its separators THEN each names the message's moment
    as WeChat does: the time alone today, 昨天 the day before, the weekday within the week, the month and day
    within the year, the year before that."""
    corpus = corpus_module()
    seen = datetime(2026, 3, 13, 21, 34, tzinfo=corpus.KST)
    cases = [(seen - timedelta(hours=8), "下午1:34"), (seen - timedelta(days=1, hours=15), "昨天 早上6:34"),
             (seen - timedelta(days=3, hours=12), "星期二 上午9:34"), (seen - timedelta(days=30), "2月11日 晚上9:34"),
             (seen - timedelta(days=90), "2025年12月13日 晚上9:34")]
    for at, shown in cases:
        assert corpus.separator(at, seen, "zh", True, "wechat") == shown
    assert corpus.separator(seen - timedelta(days=1), seen, "zh", False, "dingtalk") == "昨天 21:34"


def test_rendered_chats_and_a_faxed_document_and_their_truth(tmp_path):
    """GIVEN three files rendered by headless Chromium (two chats, one delivery document) WHEN truth.json is read
    THEN each opens at a phone's, a desktop's or a page's size, chats are chat-app with their numbers valid for
    their carrier, and the document is a proof of delivery with its number, delivery time and address."""
    corpus = corpus_module()
    truth = corpus.build(tmp_path, seed=5, count=3)
    assert json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))["schema"] == corpus.SCHEMA
    for name, entry in truth["files"].items():
        data = (tmp_path / name).read_bytes()
        if name.endswith(".pdf"):
            width, height = pdfium.PdfDocument(data)[0].get_size()
            assert 0.65 < width / height < 0.75  # A4
        else:
            with Image.open(io.BytesIO(data)) as image:
                assert min(image.size) >= 700
        numbers = entry["fields"]["tracking_numbers"]
        assert numbers
        for number in numbers:
            if number["carrier"]:
                assert validate_tracking(number["value"], number["carrier"])[1] == number["checksum"]
        if entry["variety"]["family"] == "chat":
            assert entry["kind"] == "chat-app"
            captured = datetime.fromisoformat(entry["variety"]["captured"])
            assert all(datetime.fromisoformat(t["value"]) <= captured for t in entry["fields"]["timestamps"])
        else:
            assert entry["kind"] == "proof-of-delivery"
            assert entry["fields"]["korean_addresses"] and entry["fields"]["timestamps"]


def test_a_phone_whose_chat_speaks_chinese_keeps_beijing_time():
    """GIVEN chats drawn from many seeds WHEN their screens are written THEN a phone whose app speaks Chinese is in
    China (issue #15: a chat whose phone shows a Chinese carrier or UI is read in Beijing time): its messages' times
    are +08:00 and its status bar names no Korean operator; a Korean phone's and a desktop's (over a KST taskbar
    clock) times are +09:00 and name no Chinese one."""
    import random
    corpus = corpus_module()
    seen = set()
    for seed in range(60):
        rng = random.Random(seed)
        chat = corpus.draw_chat(rng)
        truth = corpus.ChatTruth()
        page, _ = (corpus.phone_chat_html if chat.device == "phone" else corpus.desktop_chat_html)(chat, truth, rng)
        china = chat.device == "phone" and chat.locale == "zh"
        offsets = {datetime.fromisoformat(entry["value"]).utcoffset() for kind, entry in truth.pending.values()
                   if kind == "timestamps"}
        assert offsets == {timedelta(hours=8 if china else 9)}, (seed, chat.app, chat.locale, chat.device)
        assert chat.where == ("China" if china else "Korea")
        others = corpus.OPERATORS["Korea" if china else "China"]
        assert not any(name and f">{name} " in page for name in others), seed
        seen.add((chat.where, chat.device))
    assert {("China", "phone"), ("Korea", "phone"), ("Korea", "desktop")} <= seen
