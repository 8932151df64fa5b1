"""Benchmark: evpack's reading and classifying of chat screenshots and faxed or scanned delivery documents
(bench/chat_corpus.py), per variety.

    python bench/bench_chat.py [--split tuning|test|both] [--work DIR] [--cache DIR] [--by app,device,...] [--misses]

Reads each seed's corpus of the split (rendered under --work when missing; default /work/corpora/chat, or
$EVPACK_CORPORA/chat) with the library (pipeline.api.scan, 2 jobs, cold cache unless --cache), classifies each
reading as the classify stage does, and prints, for the tuning and the test split apart, bench_browser.py's columns
that apply (tracking recall and precision, timestamps, capture clocks, Korean addresses; its tally) and `kind`: the
share of files classified as their truth's kind (a chat app's screenshot `chat-app`, a delivery document
`proof-of-delivery`).

Tuning seeds may be studied and used to change the reader; test seeds are measured once and never used to mend a
rule (see the seeds in bench/chat_corpus.py).
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import tempfile
from dataclasses import asdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_browser import TARGETS, print_misses, report, save_run, tally  # noqa: E402
from bench_scan import evpack_scan  # noqa: E402
from chat_corpus import SPLITS, ensure  # noqa: E402

from pipeline.profile import Profile  # noqa: E402
from pipeline.reading.reader import with_fields  # noqa: E402
from stages.classify import classify  # noqa: E402

COLUMNS = ("track_r", "track_p", "time_r", "clock_r", "addr_r", "kind")
VARIETIES = ("family", "app", "locale", "device", "hours", "date_shown", "degradation", "where", "layout")
DEFAULT_WORK = Path(os.environ.get("EVPACK_CORPORA", "/work/corpora")) / "chat"
DETECTED = {"png": "png", "jpeg": "jpeg", "pdf": "pdf"}
NOW = date(2026, 3, 20)  # the day of the reading: a few days after the corpus' captures, as a seller runs evpack


def score(want: dict, got: dict) -> dict[str, list[int]]:
    """[hits, total] of each column for one file: bench_browser's tally, and whether its kind is the truth's."""
    counts = tally(want, got)
    return {**{k: counts[k] for k in COLUMNS if k in counts}, "kind": [int(got["kind"] == want["kind"]), 1]}


def read_split(name: str, work: Path, cache: Path | None, profile: Profile, pages: Path | None = None,
               now: date = NOW, read: dict[str, list[dict]] | None = None) -> dict[str, tuple[dict, dict]]:
    """(truth entry, fields as scan --json gives them plus `kind` and the read `text`) of every file of the split's
    seeds, keyed seed/file. `pages`: a pickle of the readings (pages as read, fields empty), written after reading
    when missing, else read instead of reading the files again (the fields and kinds are made afresh: as fast as
    a change to fields/ or judging/ can be measured; any change to reading/ needs a fresh one). `now`: the day of
    the reading (`scan --now`). `read`: where given, each file's pages as read are put in it (as
    bench_browser.py --save keeps them, for bench/learn_confusions.py)."""
    kept = pickle.loads(pages.read_bytes()) if pages and pages.exists() else {}
    found, keep = {}, {}
    for seed in SPLITS[name]:
        corpus = ensure(work, seed)
        truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["files"]
        if f"{name}/{seed}" in kept:
            readings = kept[f"{name}/{seed}"]
        else:
            with tempfile.TemporaryDirectory(prefix="bench-chat-") as tmp:
                readings, seconds = evpack_scan(corpus, sorted(truth), cache or Path(tmp) / "cache", Path(tmp),
                                                profile)
            print(f"  seed {seed}: {len(readings)} files read in {seconds:.0f} s", file=sys.stderr, flush=True)
        keep[f"{name}/{seed}"] = readings
        if pages and f"{name}/{seed}" not in kept:
            pages.write_bytes(pickle.dumps({**kept, **keep}))
        for file, reading in readings.items():
            if read is not None:
                read[f"{seed}/{file}"] = [asdict(page) for page in reading.pages]
            reading = with_fields(reading, reading.source, profile, now)
            decision = classify(reading, DETECTED[truth[file]["form"]], profile)
            found[f"{seed}/{file}"] = (truth[file], {**reading.fields.to_json(), "kind": decision.kind,
                                                     "why": decision.reason, "text": reading.text})
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuning", "test", "both"), default="both")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the corpora are kept")
    parser.add_argument("--cache", type=Path, help="a read cache to keep between runs (default: cold)")
    parser.add_argument("--by", default=",".join(VARIETIES), help="varieties to break the numbers down by")
    parser.add_argument("--misses", action="store_true", help="name each file's missed and extra values")
    parser.add_argument("--save", type=Path, help="write every file's truth, reading and pages read as JSON here")
    parser.add_argument("--now", type=date.fromisoformat, default=NOW, help=f"the day of the reading ({NOW})")
    parser.add_argument("--pages", type=Path, help="keep the pages read in this pickle; read them from it next time")
    args = parser.parse_args(argv)
    profile = Profile.load()
    varieties = [v for v in args.by.split(",") if v]
    saved, pages = {}, {}
    for name in ("tuning", "test") if args.split == "both" else (args.split,):
        found = read_split(name, args.work, args.cache, profile, args.pages, args.now, pages if args.save else None)
        saved[name] = found
        report(name, found, varieties, COLUMNS, score, {**TARGETS, "kind": 1.0})
        if args.misses:
            print_misses(found, kind_miss)
    if args.save:
        save_run(args.save, saved, pages)


def kind_miss(want: dict, got: dict) -> list[str]:
    """The kind, where the file was classified as another than its truth's."""
    return [] if got["kind"] == want["kind"] else [f"kind {got['kind']} ({got['why']}), not {want['kind']}"]


if __name__ == "__main__":
    main()
