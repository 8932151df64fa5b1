"""The confusion model (pipeline/fields/confusions.py) and its learned table (confusions.toml)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from pipeline.datafiles import load_toml
from pipeline.fields import confusions
from pipeline.fields.confusions import Table, cost, decide, nearest, prefix_costs, variants

ROOT = Path(__file__).resolve().parents[2]

# A small table of its own, so that these tests do not move when the learned one is learned again.
MODEL = Table(pairs={("l", "I"): 0.4, ("0", "O"): 0.35, (".", ""): 0.4, ("m", "rn"): 0.5, ("8", "3"): 0.5},
              substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=2)


@pytest.mark.parametrize("read, truth, expected", [
    ("cjlogistics.com", "cjlogistics.com", 0.0),
    ("cjIogistics.com", "cjlogistics.com", 0.4),       # a learned confusion
    ("cjxogistics.com", "cjlogistics.com", 1.0),       # an edit never seen
    ("mailnaver.com", "mail.naver.com", 0.4),          # a dot lost
    ("rnail.naver.com", "mail.naver.com", 0.5),        # one learned confusion of two characters
    ("MAIL.naver.com", "mail.naver.com", 1.2),         # four letters in the other case
    ("MN038", "MN038", 0.0),
    ("MNO3", "MN038", 1.35),                           # 0 read as O, an 8 lost
])
def test_cost_is_the_cheapest_weighted_edit(read, truth, expected):
    """GIVEN a read and the value it may stand for WHEN priced THEN the cost is the sum of the cheapest edits, a
    learned confusion of several characters counting once."""
    assert cost(read, truth, model=MODEL) == pytest.approx(expected)


def test_cost_beyond_the_limit_is_infinite():
    """GIVEN a limit WHEN the read is further off THEN the cost is infinity (the search stops early)."""
    assert cost("ups.com", "cjlogistics.com", limit=2.0, model=MODEL) == float("inf")
    assert cost("cjIogistics.com", "cjlogistics.com", limit=0.3, model=MODEL) == float("inf")


def _plain_cost(read: str, truth: str, model: Table) -> float:
    """The weighted edit distance by its definition: every cell tries every confusion of the table."""
    rows = [[0.0] * (len(read) + 1) for _ in range(len(truth) + 1)]
    for i in range(1, len(read) + 1):
        rows[0][i] = rows[0][i - 1] + model.inserted(read[i - 1])
    for j in range(1, len(truth) + 1):
        rows[j][0] = rows[j - 1][0] + model.deleted(truth[j - 1])
        for i in range(1, len(read) + 1):
            best = min(rows[j - 1][i] + model.deleted(truth[j - 1]), rows[j][i - 1] + model.inserted(read[i - 1]),
                       rows[j - 1][i - 1] + model.substitution(truth[j - 1], read[i - 1]))
            for (t, r), c in model.pairs.items():
                if len(t) <= j and len(r) <= i and truth[j - len(t):j] == t and read[i - len(r):i] == r:
                    best = min(best, rows[j - len(t)][i - len(r)] + c)
            rows[j][i] = best
    return rows[-1][-1]


def test_cost_is_the_edit_distance_by_its_definition_on_random_reads():
    """GIVEN random strings made of the table's confusions and other characters, and the shipped tables WHEN priced
    THEN cost is the plain edit distance that tries every confusion in every cell (or infinite past the limit):
    the per-table lookups it keeps change no sum."""
    import random
    rng = random.Random(19)
    for model in (MODEL, confusions.table(), confusions.table(section="tracking")):
        pieces = [side for pair in model.pairs for side in pair if side] + list("abcIl10O8.- ")
        for _ in range(400):
            read, truth = ("".join(rng.choice(pieces) for _ in range(rng.randint(0, 7))) for _ in range(2))
            plain = _plain_cost(read, truth, model)
            for limit in (float("inf"), 1.0, 2.5):
                assert cost(read, truth, limit, model) == (plain if plain <= limit else float("inf"))


def test_prefix_costs_price_a_value_against_every_prefix_of_a_read():
    """GIVEN a read that goes on past the value (a host glued to its path) WHEN priced by prefix THEN each prefix
    costs what `cost` gives it, one pass for all, and a prefix over the limit is infinite."""
    read = "lotteglogiscomhome"
    costs = prefix_costs(read, "lotteglogis.com", limit=2.0, model=MODEL)
    assert len(costs) == len(read) + 1
    assert costs[14] == pytest.approx(0.4)  # `lotteglogiscom`: the dot lost
    assert costs == [cost(read[:i], "lotteglogis.com", 2.0, MODEL) for i in range(len(read) + 1)]
    assert prefix_costs("ups", "cjlogistics.com", limit=1.0, model=MODEL) == [float("inf")] * 4


def test_variants_undo_learned_confusions_within_the_budget():
    """GIVEN a read number WHEN its variants within a budget are generated THEN they undo learned confusions only,
    cheapest first, the read itself first of all; an alphabet keeps digits only."""
    found = variants("6O38", 1.0, model=MODEL)
    assert found[0] == (0.0, "6O38")
    assert (0.35, "6038") in found and (0.5, "6O88") in found and (0.85, "6088") in found
    assert all(c <= 1.0 for c, _ in found)
    assert [v for _, v in variants("6O38", 1.0, model=MODEL, alphabet="0123456789")] == ["6038", "6088"]


@pytest.mark.parametrize("read, listed, status, value", [
    ("cjlogistics.com", ["cjlogistics.com", "dhl.com"], "as-read", "cjlogistics.com"),
    ("cjIogistics.com", ["cjlogistics.com", "dhl.com"], "corrected", "cjlogistics.com"),
    ("taobao.com", ["cjlogistics.com", "dhl.com"], "unmatched", "taobao.com"),
    # As cheap a misread of two listed values: neither, the read is kept.
    ("ab1.com", ["abl.com", "abi.com"], "ambiguous", "ab1.com"),
])
def test_nearest_decides_by_the_cheapest_candidate_and_a_margin(read, listed, status, value):
    """GIVEN a read and a closed list WHEN decided THEN a listed read stands, else the cheapest listed value within
    the budget that beats the next by the margin, else the read is kept and marked."""
    choice = nearest(read, listed, budget=1.0, margin=0.3, model=MODEL)
    assert (choice.status, choice.value) == (status, value)


def test_decide_takes_no_candidate_the_acceptor_refuses():
    """GIVEN candidates of which the cheapest is refused by the acceptor WHEN decided THEN the next accepted one
    wins; a candidate past the budget never does, but still counts against the margin."""
    assert decide("x", [(0.1, "a"), (0.5, "b")], 1.0, 0.3, accepted=lambda v: v == "b").value == "b"
    assert decide("x", [(1.2, "a")], 1.0, 0.3).status == "unmatched"
    assert decide("x", [(0.9, "a"), (1.1, "b")], 1.0, 0.3).status == "ambiguous"


def test_read_back_names_what_each_character_read_stands_for():
    """GIVEN tables of learned confusions WHEN read back THEN each character OCR was seen to read for one letter or
    digit stands for it in capitals (a letter read in either case), the cheapest where it was read for two; a
    confusion of several characters, a character lost or added, and a space read for one are no character read."""
    numbers = Table(pairs={("0", "O"): 0.6, ("5", "$"): 0.7, ("E", "£"): 0.5, ("EE", "66"): 0.2, ("1", " "): 0.1,
                           ("7", ""): 0.3}, substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=2)
    assert confusions.read_back(numbers) == {"$": "5", "O": "0", "o": "0", "£": "E"}
    assert confusions.read_back(numbers, MODEL) == {"$": "5", "3": "8", "I": "L", "O": "0", "i": "L", "o": "0",
                                                    "£": "E"}
    cheaper = Table(pairs={("8", "O"): 0.2}, substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=1)
    assert confusions.read_back(numbers, cheaper)["O"] == "8"


def test_the_learned_table_loads_and_every_entry_shows_its_confusion():
    """GIVEN confusions.toml as learned WHEN loaded THEN every cost lies between 0 and 1 (an edit never seen), every
    entry carries examples, and in each example the value holds the truth side and the read holds the read side."""
    data = load_toml(confusions.CONFUSIONS_FILE, "Confusion table")
    assert data["confusion"], "the table has no confusion"
    for entry in data["confusion"]:
        assert 0 < entry["cost"] < 1.0
        assert entry["seen"] <= entry["of"]
        assert entry["examples"], entry
        for value, read in entry["examples"]:
            assert entry["truth"] in value and entry["read"] in read, (entry, value, read)
    learned = confusions.table()
    assert learned.pairs and learned.substitute == 1.0


def _learner():
    spec = importlib.util.spec_from_file_location("learn_confusions", ROOT / "bench" / "learn_confusions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _learn(learner, tmp_path, saved: dict) -> tuple[Path, Path]:
    """Write `saved` (a bench_browser --save) and learn from it: the table's and the aligned pairs' paths."""
    path, out, pairs = tmp_path / "saved.json", tmp_path / "table.toml", tmp_path / "pairs.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    learner.main([str(path), "-o", str(out), "--pairs", str(pairs)])
    return out, pairs


def test_the_learner_counts_aligned_confusions_and_refuses_test_seeds(tmp_path):
    """GIVEN a saved tuning read whose bar read `wbINo` for wblNo three times WHEN the script learns THEN the table
    holds l read as I with its example; a save that holds a test seed is refused."""
    learner = _learner()
    url = {"value": "https://x.cjlogistics.com/t?wblNo=1", "shown": "x.cjlogistics.com/t?wblNo=1"}
    entry = {"fields": {"urls": [url], "tracking_numbers": []}, "other_hosts": []}
    saved = {"tuning": {f"9001/{i}.png": [entry, {}] for i in range(3)},
             "pages": {f"9001/{i}.png": [{"text": "tab\nx.cjlogistics.com/t?wbINo=1 0 0", "bar_reads": []}]
                       for i in range(3)}}
    out, _ = _learn(learner, tmp_path, saved)
    table = load_toml(out, "Confusion table")
    assert [(e["truth"], e["read"], e["seen"]) for e in table["confusion"]] == [("l", "I", 3)]
    assert table["confusion"][0]["examples"] == [["/t?wblNo=1", "/t?wbINo=1 "]]
    saved["tuning"]["9101/0.png"] = [entry, {}]
    with pytest.raises(SystemExit):
        _learn(learner, tmp_path, saved)


def test_the_learner_learns_tracking_numbers_apart_as_the_extractor_compares_them(tmp_path):
    """GIVEN a saved tuning read whose page printed a number in dashed groups and OCR read two of its 0s as O, on
    two captures WHEN the script learns THEN the tracking section holds 00 read as OO (the dashes are a number's print,
    no confusion), and the general section still learns the same pair from the value as shown."""
    learner = _learner()
    entry = {"fields": {"urls": [], "tracking_numbers": [{"value": "570012340061"}]}, "other_hosts": []}
    saved = {"tuning": {f"9201/{i}.png": [entry, {}] for i in range(2)},
             "pages": {f"9201/{i}.png": [{"text": "운송장번호 57OO-1234-0061", "bar_reads": []}] for i in range(2)}}
    out, _ = _learn(learner, tmp_path, saved)
    table = load_toml(out, "Confusion table")
    assert [(e["truth"], e["read"], e["seen"]) for e in table["tracking"]] == [("00", "OO", 2)]
    assert table["tracking"][0]["examples"] == [["570012340", "장번호57OO12340"]]
    assert confusions.table(out, "tracking").pairs == {("00", "OO"): table["tracking"][0]["cost"]}


def test_the_learner_learns_what_ocr_reads_for_a_time_s_colon(tmp_path):
    """GIVEN a saved tuning read whose table rows printed `2026.03.12 14:18:46` and a clock `20:42`, read as
    `2026.03.12 14:18146` and `20142` on two captures WHEN the script learns THEN the timestamp section holds the
    colon read as 1, seen three times, with the row's example; the date before a time on its line is aligned with it."""
    learner = _learner()
    stamps = [{"text": "2026.03.12 14:18:46"}, {"text": "20:42 2026/3/15"}]
    entry = {"fields": {"urls": [], "tracking_numbers": [], "timestamps": stamps}, "other_hosts": []}
    assert learner.timestamp_truths(entry) == ["2026.03.12 14:18:46", "20:42"]
    reads = ["배송출발 2026.03.12 14:18146 서울", "20142\n2026/3/15"]
    saved = {"tuning": {f"9241/{i}.png": [entry, {}] for i in range(2)},
             "pages": {f"9241/{i}.png": [{"text": reads[0] if i else "\n".join(reads), "bar_reads": []}]
                       for i in range(2)}}
    out, _ = _learn(learner, tmp_path, saved)
    table = load_toml(out, "Confusion table")
    assert [(e["truth"], e["read"], e["seen"]) for e in table["timestamp"]] == [(":", "1", 3)]
    assert table["timestamp"][0]["examples"] == [["14:18:46", "14:18146 서울"], ["20:42", "20142"]]


def test_the_learner_learns_the_same_table_again_from_its_pairs(tmp_path):
    """GIVEN a table learned from saves (which also writes the aligned pairs) WHEN learned again from the pairs alone
    THEN the table is byte for byte the same, and the pairs hold each value with the stretch of its read line."""
    learner = _learner()
    urls = [{"value": "https://www.dhl.com/kr-ko/t?id=1", "shown": "www.dhl.com/kr-ko/t?id=1"}]
    entry = {"fields": {"urls": urls, "tracking_numbers": [{"value": "EB790867918KR"}]},
             "other_hosts": ["www.taobao.com"]}
    reads = ["www.dhi.com/kr-ko/t?id=1", "icons wwwtaobao.com x", "번호 EB79O867918KR 조회", "wwwtaobao.com"]
    saved = {"tuning": {f"9001/{i}.png": [entry, {}] for i in range(3)},
             "pages": {f"9001/{i}.png": [{"text": "\n".join(reads[i:]), "bar_reads": [reads[0]]}]
                       for i in range(3)}}
    out, pairs = _learn(learner, tmp_path, saved)
    first = out.read_text(encoding="utf-8")
    learned = json.loads(pairs.read_text(encoding="utf-8"))
    assert ["www.taobao.com", "cons wwwtaobao.com x"] in learned["confusion"]["pairs"]
    assert learned["confusion"]["seeds"] == [9001] and learned["confusion"]["captures"] == 3
    out.unlink()
    learner.main(["--from-pairs", "-o", str(out), "--pairs", str(pairs)])
    assert out.read_text(encoding="utf-8") == first
    assert ("l", "i") in confusions.table(out).pairs and (".", "") in confusions.table(out).pairs


def test_the_shipped_table_is_what_the_learner_learns_from_the_shipped_pairs():
    """GIVEN bench/confusion_pairs.json (the tuning reads' aligned values) WHEN the learner learns each section it
    holds THEN the section is the shipped confusions.toml's, line for line: the table is the data's, not edited."""
    learner = _learner()
    data = json.loads(learner.PAIRS.read_text(encoding="utf-8"))
    assert "confusion" in data
    shipped = learner.sections_of(confusions.CONFUSIONS_FILE.read_text(encoding="utf-8"))
    for kind, section in data.items():
        learned = learner.learn([tuple(pair) for pair in section["pairs"]])
        rendered = learner.render_section(kind, learned, section["captures"], section["seeds"])
        assert "\n".join(rendered).rstrip("\n") == "\n".join(shipped[kind]).rstrip("\n"), kind  # the file's last
        # section ends where the file does, without the blank line between sections


def test_the_learner_leaves_out_a_stretch_another_value_reads_better(tmp_path):
    """GIVEN a capture showing mail.naver.com and papago.naver.com, whose read lines hold papago.naver.com right and
    mail.naver.com nowhere WHEN the learner pairs values with reads THEN papago's line is no reading of mail's (two
    edits off it, none off papago's), and no confusion is learned from it."""
    learner = _learner()
    entry = {"fields": {"urls": [], "tracking_numbers": []}, "other_hosts": ["mail.naver.com", "papago.naver.com"]}
    saved = {"tuning": {"9001/0.png": [entry, {}]},
             "pages": {"9001/0.png": [{"text": "x papago.naver.com x", "bar_reads": []}]}}
    pairs = learner.pairs_of(saved, "confusion")
    assert [value for value, _ in pairs] == ["papago.naver.com"]


def test_a_remembered_price_answers_only_for_its_own_table():
    """GIVEN a pair priced with one table WHEN the same pair is priced (or its prefixes) with another table (another learned table,
    one made after the first was dropped) or another limit THEN each gets its own price, never the remembered one."""
    assert cost("cjIogistics.com", "cjlogistics.com", model=MODEL) == pytest.approx(0.4)
    dearer = Table(pairs={("l", "I"): 0.9}, substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=1)
    assert cost("cjIogistics.com", "cjlogistics.com", model=dearer) == pytest.approx(0.9)
    assert cost("cjIogistics.com", "cjlogistics.com", limit=0.5, model=dearer) == float("inf")
    for _ in range(3):  # tables made and dropped in turn, their ids free to be reused
        cheap = Table(pairs={("l", "I"): 0.1}, substitute=1.0, insert=1.0, delete=1.0, case=0.3, longest=1)
        assert cost("cjIogistics.com", "cjlogistics.com", model=cheap) == pytest.approx(0.1)
        del cheap
    assert cost("cjIogistics.com", "cjlogistics.com", model=MODEL) == pytest.approx(0.4)
    assert prefix_costs("cjIogistics.com/x", "cjlogistics.com", model=dearer)[15] == pytest.approx(0.9)
    assert prefix_costs("cjIogistics.com/x", "cjlogistics.com", model=MODEL)[15] == pytest.approx(0.4)


def test_prices_are_forgotten_when_too_many_are_kept(monkeypatch):
    """GIVEN the price memory full WHEN another pair is priced THEN the memory is emptied first and the price is right."""
    monkeypatch.setattr(confusions, "ROWS_KEPT", 2)
    monkeypatch.setattr(confusions, "_ROWS", {})
    prices = [cost(read, "cjlogistics.com", model=MODEL) for read in ("cjIogistics.com", "cjxogistics.com",
                                                                     "cjlogistics.com")]
    assert prices == pytest.approx([0.4, 1.0, 0.0])
    assert len(confusions._ROWS) <= 2
