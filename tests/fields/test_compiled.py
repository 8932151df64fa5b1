"""pipeline/fields/compiled.py: regexes whose compiled programs are kept across processes.

What can fail: a kept program that matches otherwise than `re.compile` would, a later process that compiles again
anyway, a damaged or foreign file that breaks a read, a file in another folder than the cache folder, and field
patterns whose text changes from process to process (a set's order), which would never be found again.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from pipeline.context import default_cache_dir
from pipeline.fields import compiled as compiled_module
from pipeline.fields.keyword_match import keyword_alternation
from tests.conftest import ROOT

PATTERN = r"(?P<label>운[^\S\n]?송[^\S\n]?장|Tracking[^\S\n]*No)[^\S\n]*:?[^\S\n]*(?P<number>\d{10,14})"
TEXT = "배송 조회\n운 송장: 601234567890\ntracking no 123456789012\n"

# In a fresh process: compile PATTERN (IGNORECASE) through `compiled`, say whether re's parser ran, and what it finds.
COMPILE_AND_REPORT = """
import json, re, sys
from re import _parser
parsed = []
parse = _parser.parse
_parser.parse = lambda *args, **kwargs: parsed.append(1) or parse(*args, **kwargs)
from pipeline.fields.compiled import compiled
pattern = compiled(sys.argv[1], re.IGNORECASE)
print(json.dumps({"parsed": len(parsed), "groups": pattern.groupindex.copy(), "flags": pattern.flags,
                  "found": [m.groupdict() for m in pattern.finditer(sys.argv[2])]}))
"""


def _fresh(cache_dir, env_extra: dict | None = None) -> dict:
    env = {**os.environ, "EVPACK_CACHE_DIR": str(cache_dir), **(env_extra or {})}
    proc = subprocess.run([sys.executable, "-c", COMPILE_AND_REPORT, PATTERN, TEXT], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=60, check=True)
    return json.loads(proc.stdout)


def _expected() -> dict:
    pattern = re.compile(PATTERN, re.IGNORECASE)
    return {"groups": dict(pattern.groupindex), "flags": pattern.flags,
            "found": [m.groupdict() for m in pattern.finditer(TEXT)]}


def test_a_later_process_takes_the_kept_program_and_matches_as_re_compile_does(tmp_path):
    """GIVEN an empty cache folder WHEN one process compiles a pattern, then another THEN the first parses it and
    writes its program, the second does not parse it, and both find what re.compile's pattern finds."""
    first, second = _fresh(tmp_path), _fresh(tmp_path)
    assert first["parsed"] > 0 and second["parsed"] == 0
    assert len(list((tmp_path / compiled_module.FOLDER).glob("regex-*.marshal"))) == 1
    expected = _expected()
    assert expected["found"] == [{"label": "운 송장", "number": "601234567890"},
                                 {"label": "tracking no", "number": "123456789012"}]
    for run in (first, second):
        assert {k: run[k] for k in expected} == expected


def test_a_damaged_file_is_compiled_afresh(tmp_path):
    """GIVEN a cache folder whose programs file holds garbage, or a program the engine rejects WHEN a process
    compiles the pattern THEN it finds what re.compile's pattern finds, and the next process takes the program
    it wrote."""
    _fresh(tmp_path)
    [path] = (tmp_path / compiled_module.FOLDER).glob("regex-*.marshal")
    path.write_bytes(b"\x00garbage" * 100)
    assert {k: v for k, v in _fresh(tmp_path).items() if k != "parsed"} == _expected()
    import marshal
    programs = marshal.loads(path.read_bytes())
    key = next(k for k in programs if k[0] == PATTERN)
    flags, code, groups, groupindex, indexgroup = programs[key]
    programs[key] = (flags, [999, 1, 2, 3], groups, groupindex, indexgroup)  # not a program _sre takes
    path.write_bytes(marshal.dumps(programs))
    run = _fresh(tmp_path)
    assert run["parsed"] > 0 and {k: v for k, v in run.items() if k != "parsed"} == _expected()
    assert _fresh(tmp_path)["parsed"] == 0


def test_a_folder_that_cannot_be_written_only_costs_the_compile(tmp_path):
    """GIVEN a cache folder below a file (it cannot be made) WHEN a process compiles a pattern THEN it finds what
    re.compile's pattern finds and exits 0."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = _fresh(blocker / "cache")
    assert {k: v for k, v in run.items() if k != "parsed"} == _expected()


def test_the_programs_live_in_the_cache_folder():
    """GIVEN EVPACK_CACHE_DIR (the tests set one) WHEN the programs file is named THEN it lies in the cache folder's
    patterns/ folder, named for this Python."""
    path = compiled_module.store_path()
    assert path.parent == default_cache_dir() / compiled_module.FOLDER
    assert sys.implementation.cache_tag in path.name


def test_keyword_alternations_are_the_same_in_every_process():
    """GIVEN keywords of one length WHEN alternated THEN longest first and, at one length, in the order given (a
    set's order changes from process to process, and a pattern whose text changes is never found kept)."""
    assert keyword_alternation(["Order No", "운송장", "Order ID", "운송장번호", "Order No"]).split("|") == [
        r"Order[^\S\n]*No", r"Order[^\S\n]*ID", r"운[^\S\n]?송[^\S\n]?장[^\S\n]?번[^\S\n]?호", r"운[^\S\n]?송[^\S\n]?장"]
    code = ("from pipeline.fields.closed_lists import carrier_name_regex, label_regex, stop_regex\n"
            "from pipeline.fields.addresses import _address_regex\nfrom pipeline.fields.tracking import _read_back\n"
            "import hashlib\nprint(hashlib.sha256('\\n'.join(p.pattern for p in (label_regex(), "
            "label_regex(2, tuple(_read_back().items())), "
            "stop_regex(), carrier_name_regex(), _address_regex())).encode()).hexdigest())")
    texts = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60,
                            env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout for seed in ("1", "2", "3")}
    assert len(texts) == 1
