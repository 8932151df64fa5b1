"""bench/count_rules.py: the reading rules counted by kind, from rule files and the code that reads."""
from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _counter():
    spec = importlib.util.spec_from_file_location("count_rules", ROOT / "bench" / "count_rules.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_rule_file_is_counted_by_kind_and_its_examples_are_not_rules():
    """GIVEN a rule file with a regex, a list of regexes, a hand table of misreads, a list of misread forms, a closed
    list of labels, budgets and examples WHEN counted THEN each regex is a pattern, the table and the misread list are
    repair tables, the labels a list, each number a setting, and the examples nothing."""
    counter = _counter()
    rules = {"trailer": r"(?<=\S)\s+0{1,3}$", "not_numbers": [r"01\d{8}", r"1[5-9]\d{2}-\d{4}"],
             "as_digits": {"O": "0", "l": "1"}, "label_misreads": ["운승장번호"], "labels": ["운송장번호", "Waybill"],
             "budget": 1.5, "margin": 0.3, "on": True, "trailer_examples": ["x 0 0", "y 000"],
             "formats": [{"regex": r"[A-Z]{2}\d{9}[A-Z]{2}", "about": "S10 (a sentence, no rule)"}]}
    counts = Counter()
    counter.count_toml(rules, counts)
    assert counts == Counter({"patterns": 4, "repair tables": 2, "lists": 1, "settings": 2})


def test_regex_literals_of_the_code_are_counted():
    """GIVEN a module with two literal patterns given to `re`, one to `compiled` and one built from a variable WHEN
    counted THEN three."""
    source = ('import re\nA = re.compile(r"\\d+")\nB = compiled(rf"[{A}]")\n'
              'def f(x, p):\n    return re.sub(rf"{x}[.]", "", re.match(p, x))\n')
    assert _counter().count_code(source) == 3


def test_the_working_tree_is_counted_with_the_learned_tables_apart():
    """GIVEN the working tree WHEN counted THEN the URL patterns are among the rule files, and the learned confusion
    table is counted apart, as data, never as rules."""
    counter = _counter()
    per_file, learned = counter.count(None)
    assert "pipeline/fields/patterns/urls.toml" in per_file
    assert learned["pipeline/fields/confusions.toml"] > 0
    assert "pipeline/fields/confusions.toml" not in per_file
