"""The hostile-input corpus: >= 500 inputs, each run through the evpack command in a child process with a timeout.

    .venv/bin/python bench/fuzz.py [--count 500] [--jobs 2] [--timeout 60] [--seed 0]

The corpus is every case of tests/hostile.py (one per kind of hostile input: huge and many pages, special files
and links, deep and huge manifests, long fields, names that are not UTF-8, output folders inside input or
unwritable, out-of-range dates, bad options, active PDF content, decompression bombs, too many files, a PDF page of
100,000 images, 3,000 nested form XObjects, GIF/TIFF/APNG/WebP of 50,000 frames, a HEIC of 600 images, folders
nested 1,500 deep) and, to make up the count, generated ones: PDFs with random bytes changed or cut, claim.toml
files edited at random, random bytes behind each format's magic bytes, file names of random bytes. It prints a table by kind: how many
inputs, the exit codes, hangs (killed at the timeout), packet trees modified (sha256 of every entry before and
after), user files deleted, the slowest run and the largest resident set of a run (evpack and its workers); then
every input that ended in exit 4 or a hang, with its stderr.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import hostile  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500, help="inputs in all (fixed cases + generated)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a run counts as a hang")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fixed = hostile.fixed_cases()
    cases = fixed + hostile.generated_cases(max(0, args.count - len(fixed)), args.seed)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="evpack-fuzz-") as tmp:
        with ThreadPoolExecutor(args.jobs) as pool:
            outcomes = list(pool.map(lambda pair: hostile.run_case(pair[1], Path(tmp) / f"{pair[0]:04d}",
                                                                    args.timeout), enumerate(cases)))
    print_table(outcomes)
    print(f"\n{len(outcomes)} inputs in {time.perf_counter() - started:.0f} s with {args.jobs} jobs "
          f"(timeout {args.timeout:.0f} s, seed {args.seed})")
    bad = [o for o in outcomes if o.exit_code in (None, 4) or o.modified or o.user_files_lost]
    for outcome in bad:
        print(f"\n--- {outcome.case.row}: {outcome.case.name}: exit {outcome.exit_code}, "
              f"modified {outcome.modified}, user files lost {outcome.user_files_lost}\n{outcome.stderr[-1500:]}")
    sys.exit(1 if bad else 0)


def print_table(outcomes: list[hostile.Outcome]) -> None:
    rows: dict[str, list[hostile.Outcome]] = defaultdict(list)
    for outcome in outcomes:
        rows[outcome.case.row].append(outcome)
    header = ("| kind | inputs | exit 0 | exit 1 | exit 2 | exit 3 | exit 4 | hangs | inputs modified "
              "| user files deleted | slowest | peak RSS |")
    print(header)
    print("|" + " --- |" * header.count(" |"))
    totals: Counter = Counter()
    for row, group in rows.items():
        counts = Counter(o.exit_code for o in group)
        line = Counter({"inputs": len(group), **{f"exit {c}": counts.get(c, 0) for c in range(5)},
                        "hangs": counts.get(None, 0), "modified": sum(o.modified for o in group),
                        "lost": sum(o.user_files_lost for o in group)})
        totals.update(line)
        slowest = max(o.seconds for o in group)
        print(f"| {row} | " + " | ".join(str(line[k]) for k in ("inputs", "exit 0", "exit 1", "exit 2", "exit 3",
                                                                 "exit 4", "hangs", "modified", "lost"))
              + f" | {slowest:.1f} s | {max(o.peak_rss_mb for o in group):.0f} MB |")
    print("| **all** | " + " | ".join(f"**{totals[k]}**" for k in ("inputs", "exit 0", "exit 1", "exit 2", "exit 3",
                                                                   "exit 4", "hangs", "modified", "lost"))
          + f" | {max(o.seconds for o in outcomes):.1f} s | {max(o.peak_rss_mb for o in outcomes):.0f} MB |")


if __name__ == "__main__":
    main()
