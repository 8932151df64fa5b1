"""Count the reading rules: what field extraction and the reading passes were told by hand, per file and kind.

    python bench/count_rules.py [--rev REV] [--files]

Counted mechanically from the rule files (RULE_FILES: the field patterns, the reading passes' settings) and the
code that reads (CODE: regex literals in pipeline/fields and pipeline/reading), at the working tree or at a git
revision (`--rev main`, for a count before a change), so that two counts are comparable:

- patterns: each regex a rule file holds (a string, or each string of a list, that compiles and uses regex syntax),
  and each regex literal of the code (re.compile, re.search, ... with a literal pattern);
- repair tables: each hand-written table of misreads (an inline table of short strings to short strings:
  `as_digits = { O = "0" }`), and each list of misread forms under a key that says so (KNOWN_MISREADS);
- lists: each other list of words (labels, stop words, aliases: the closed lists acceptors take);
- settings: each number (a budget, a threshold, a margin).

Learned tables (LEARNED: confusions.toml, the road-name list) are counted apart, as data, with their entries.
A count is no judgement of a rule: it says how much the reader was told rather than learned.
"""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = ("pipeline/fields/patterns/*.toml", "pipeline/fields/order_ids.toml", "pipeline/reading/*.toml")
CODE = ("pipeline/fields/*.py", "pipeline/reading/*.py", "pipeline/reading/passes/*.py")
LEARNED = ("pipeline/fields/confusions.toml", "pipeline/fields/road_names.tsv.gz")
# Keys of lists that are misread forms written by hand, not a closed list of what a page says.
KNOWN_MISREADS = re.compile(r"misread|confusion|as_digits|as_letters|garble")
REGEX_SYNTAX = re.compile(r"\\[dswbDSWB.()\[\]]|\[[^\]]+\]|\(\?|\{\d+(?:,\d*)?\}|[+*?]\)?$|\|")
KINDS = ("patterns", "repair tables", "lists", "settings")
RE_FUNCTIONS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def git_files(rev: str | None, globs: tuple[str, ...]) -> list[str]:
    """The paths matching `globs` in the working tree, or at `rev`."""
    if rev is None:
        return sorted(str(p.relative_to(ROOT)) for glob in globs for p in ROOT.glob(glob))
    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", rev], check=True,
                           capture_output=True, text=True).stdout.split()
    return sorted(n for n in names if any(Path(n).match(glob) and n.count("/") == glob.count("/") for glob in globs))


def read(rev: str | None, path: str) -> bytes:
    if rev is None:
        return (ROOT / path).read_bytes()
    return subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True, capture_output=True).stdout


def is_regex(text: str) -> bool:
    """A string written as a regex: it uses regex syntax and compiles."""
    if not REGEX_SYNTAX.search(text):
        return False
    try:
        re.compile(text)
    except re.error:
        return False
    return True


def count_toml(data: dict, counts: Counter, key: str = "") -> None:
    """Add the rules of one parsed rule file (or table of one) to `counts` by kind."""
    for name, value in data.items():
        if name in ("about", "description") or name.endswith("examples"):
            continue  # a rule's examples are its tests, not more rules
        if isinstance(value, dict):
            if value and all(isinstance(v, str) and len(v) <= 4 and len(k) <= 4 for k, v in value.items()):
                counts["repair tables"] += 1
            else:
                count_toml(value, counts, name)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                count_toml(item, counts, name)
        elif isinstance(value, list):
            strings = [v for v in value if isinstance(v, str)]
            regexes = sum(is_regex(v) for v in strings)
            counts["patterns"] += regexes
            if strings and regexes < len(strings):
                counts["repair tables" if KNOWN_MISREADS.search(f"{key}.{name}") else "lists"] += 1
            elif not strings and value:
                counts["settings"] += 1  # a list of numbers: weights, scales
        elif isinstance(value, str):
            counts["patterns"] += is_regex(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            counts["settings"] += 1


def count_code(source: str) -> int:
    """Regex literals of one module: a literal (or f-string) pattern given to a function of `re` or to
    `compiled` (pipeline/fields/compiled.py, which keeps compiled patterns across processes)."""
    found = 0
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
            continue
        func = node.func
        if ((isinstance(func, ast.Attribute) and func.attr in RE_FUNCTIONS and isinstance(func.value, ast.Name)
             and func.value.id == "re") or (isinstance(func, ast.Name) and func.id == "compiled")):
            found += 1  # re.compile(...), re.sub(...), ...; or pipeline.fields.compiled.compiled(...)
    return found


def learned_entries(path: str, blob: bytes) -> int:
    if path.endswith(".toml"):
        data = tomllib.loads(blob.decode("utf-8"))
        return sum(len(v) for v in data.values() if isinstance(v, list))
    import gzip
    return sum(1 for line in gzip.decompress(blob).decode("utf-8").splitlines() if line.strip())


def count(rev: str | None) -> tuple[dict[str, Counter], dict[str, int]]:
    """(rules by file and kind, learned entries by file) at `rev` (the working tree if None)."""
    per_file: dict[str, Counter] = {}
    for path in git_files(rev, RULE_FILES):
        if path in LEARNED:
            continue
        counts: Counter = Counter()
        count_toml(tomllib.loads(read(rev, path).decode("utf-8")), counts)
        per_file[path] = counts
    for path in git_files(rev, CODE):
        found = count_code(read(rev, path).decode("utf-8"))
        if found:
            per_file.setdefault(path, Counter())["patterns"] += found
    learned = {path: learned_entries(path, read(rev, path)) for path in git_files(rev, LEARNED)}
    return per_file, learned


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="count at this git revision (default: the working tree)")
    parser.add_argument("--files", action="store_true", help="a row per file")
    args = parser.parse_args(argv)
    per_file, learned = count(args.rev)
    total: Counter = Counter()
    for path, counts in per_file.items():
        total.update(counts)
        if args.files:
            print(f"{path:48} " + "  ".join(f"{kind} {counts[kind]:3}" for kind in KINDS))
    print(f"{'rules (' + (args.rev or 'working tree') + ')':48} "
          + "  ".join(f"{kind} {total[kind]:3}" for kind in KINDS)
          + f"  = {sum(total[k] for k in KINDS[:3])} rules, {total['settings']} settings")
    for path, entries in learned.items():
        print(f"learned: {path} {entries} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
