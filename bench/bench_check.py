"""Benchmark: `check` verdicts on the held-out agency tree, and the warm `check` time per packet (< 1 s).

    .venv/bin/python bench/bench_check.py [CORPUS_DIR] [--tree DIR] [--seed N]

The tree (bench/packets.py: ~25 packets nested <seller>/<claim>/ that the pipeline was not tuned on) is generated
into CORPUS_DIR/packets (default bench/corpus/packets) when it is missing. Every packet is checked with
`pipeline.api.check_packet` from a cold read cache, then again warm, each at its expected.json `now`, with a
temporary ledger holding the claims expected.json lists as `submitted`. Prints per packet the expected and the got
verdict, the must-report rules missed and the rules reported that are neither expected nor allowed (false alarms),
the cold and warm times; then the totals (verdict accuracy, must-report recall, false alarms, warm time) and the
judging alone (the three report formats on the warm states). Writes every finding to
bench/results/check-heldout.json for diagnosis. Exit 1 on any wrong verdict, missed rule, false alarm, or a warm
check of 1 s or more.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import packets as tree
from pipeline import api
from pipeline.context import Context
from pipeline.model import PacketState
from pipeline.profile import Profile
from pipeline.output.reports.check import check_json, check_junit, check_text

CORPUS = ROOT / "bench" / "corpus"
RESULTS = ROOT / "bench" / "results" / "check-heldout.json"
LIMIT_SECONDS = 1.0
REPORTED = ("error", "warning")  # notes are advice, not rules that must (or must not) be reported


@dataclass(frozen=True)
class Outcome:
    path: str
    expected: dict
    state: PacketState
    cold: float
    warm: float

    @property
    def got(self) -> set[str]:
        return {f.rule for f in self.state.findings if f.severity in REPORTED}

    @property
    def missing(self) -> set[str]:
        return set(self.expected["rules"]) - self.got

    @property
    def extra(self) -> set[str]:
        return self.got - set(self.expected["rules"]) - set(self.expected.get("allowed", ()))

    @property
    def verdict_right(self) -> bool:
        return self.state.verdict() == self.expected["verdict"]

    def to_json(self) -> dict:
        return {"path": self.path, "situation": self.expected.get("situation", ""),
                "expected": {"verdict": self.expected["verdict"], "rules": self.expected["rules"]},
                "got": {"verdict": self.state.verdict(), "rules": sorted(self.got)},
                "missing": sorted(self.missing), "extra": sorted(self.extra),
                "findings": [f.to_json() for f in self.state.findings],
                "kinds": {k: v.to_json() for k, v in self.state.kinds.items()},
                "readings": {k: {"languages": list(r.languages), "fields": r.fields.to_json()}
                             for k, r in self.state.readings.items()},
                "cold_seconds": round(self.cold, 3), "warm_seconds": round(self.warm, 3)}


def check_all(folder: Path, expected: dict, ctx: Context) -> dict[str, tuple[PacketState, float]]:
    results = {}
    for rel, entry in expected["packets"].items():
        now = datetime.fromisoformat(entry.get("now", expected["now"]))
        started = time.perf_counter()
        state = api.check_packet(folder / rel, replace(ctx, now=now))
        results[rel] = (state, time.perf_counter() - started)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS, help="the tree goes to CORPUS/packets")
    parser.add_argument("--tree", type=Path, help="the packet tree's root (default CORPUS/packets)")
    parser.add_argument("--seed", type=int, default=11, help="seed when the tree must be generated")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    folder = args.tree or args.corpus / "packets"
    expected = tree.ensure(folder, args.seed)
    with tempfile.TemporaryDirectory(prefix="evpack-bench-check-") as tmp:
        tmp = Path(tmp)
        ledger = tree.scorer_ledger(expected, tmp / "ledger.sqlite3")
        ctx = Context(profile=Profile.load(), workdir=tmp / "work", cache_dir=tmp / "cache", ledger_path=ledger)
        cold = check_all(folder, expected, ctx)
        warm = check_all(folder, expected, ctx)
        states = [state for state, _ in warm.values()]
        render_ctx = replace(ctx, now=datetime.fromisoformat(expected["now"]))
        started = time.perf_counter()
        check_text(states, render_ctx, False), check_json(states, render_ctx), check_junit(states, render_ctx, False)
        render = time.perf_counter() - started
    outcomes = [Outcome(rel, entry, warm[rel][0], cold[rel][1], warm[rel][1])
                for rel, entry in expected["packets"].items()]
    print_table(outcomes, folder)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps([o.to_json() for o in outcomes], ensure_ascii=False, indent=1), encoding="utf-8")
    must = sum(len(o.expected["rules"]) for o in outcomes)
    found = sum(len(set(o.expected["rules"]) & o.got) for o in outcomes)
    right = sum(o.verdict_right for o in outcomes)
    alarms = sum(len(o.extra) for o in outcomes)
    slowest = max(o.warm for o in outcomes)
    same = all(cold[o.path][0].findings == o.state.findings for o in outcomes)
    print(f"\nverdict accuracy:     {right}/{len(outcomes)} ({right / len(outcomes):.0%})")
    print(f"must-report recall:   {found}/{must} ({found / must:.0%})")
    print(f"false alarms:         {alarms}")
    print(f"check time, cold:     {sum(cold[o.path][1] for o in outcomes):.1f} s total")
    print(f"check time, warm:     mean {sum(o.warm for o in outcomes) / len(outcomes):.3f} s, "
          f"slowest {slowest:.3f} s per packet (limit {LIMIT_SECONDS:.1f} s)")
    print(f"cold and warm findings identical: {same}")
    print(f"render text+json+junit of {len(states)} packets: {render * 1000:.1f} ms")
    print(f"findings, kinds and fields per packet: {RESULTS}")
    ok = right == len(outcomes) and found == must and alarms == 0 and slowest < LIMIT_SECONDS and same
    return 0 if ok else 1


def print_table(outcomes: list[Outcome], folder: Path) -> None:
    print(f"{len(outcomes)} packets under {folder}")
    print(f"{'packet':<36} {'expected':<8} {'got':<8} {'cold s':>7} {'warm s':>7}  missing / extra (false alarm)")
    for o in outcomes:
        mark = "  " if o.verdict_right and not o.missing and not o.extra else "! "
        print(f"{mark}{o.path:<34} {o.expected['verdict']:<8} {o.state.verdict():<8} {o.cold:7.2f} {o.warm:7.3f}  "
              f"{','.join(sorted(o.missing)) or '-'} / {','.join(sorted(o.extra)) or '-'}")
    wrong = [o for o in outcomes if not o.verdict_right or o.missing or o.extra]
    for o in wrong:
        print(f"\n! {o.path}: {o.expected.get('situation', '')}")
        for f in o.state.findings:
            if f.severity in REPORTED and f.rule in o.extra:
                print(f"    {f.severity} {f.rule} [{f.file}]: {f.message}")
        for rule in sorted(o.missing):
            print(f"    missed {rule}")


if __name__ == "__main__":
    sys.exit(main())
