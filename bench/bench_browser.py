"""Benchmark: evpack's reading on captures a real browser engine rendered (bench/browser_corpus.py), per variety.

    python bench/bench_browser.py [--split tuning|test|both] [--mix browser|phone|clock] [--work DIR] [--by browser,...]
                                  [--misses]

Reads each seed's corpus of the split (rendered under --work when missing; default /work/corpora/browser, or
$EVPACK_CORPORA/browser) with the library (pipeline.api.scan, 2 jobs, cold cache unless --cache) and prints, for
the tuning and the test split apart, recall and precision per field, in total and per variety:

- track R / track P: tracking numbers;
- time R: every timestamp; clock R: the capture clocks alone (taskbar, menu bar);
- host R: the address bar's host found (as a URL of the page: any zone but `tab` and `bookmark`); host P: hosts
  reported as the page's (any zone but `tab` and `bookmark`) that are the address bar's or the page's, a host of a
  tab title or a bookmark counting against only when reported as the address bar, never for; bar P: URLs reported
  with address_bar true whose host is the address bar's; other P: hosts reported in zone `tab` or `bookmark` that
  a tab or bookmark shows (a misread one counts against);
- url R: the address bar's full URL as the bar shows it (with the scheme), character for character;
- addr R: Korean addresses.

Tuning seeds may be studied and used to change the reader; test seeds are measured once per change set and never
used to mend a rule (see the seeds in bench/browser_corpus.py).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_scan import evpack_scan, host, squash  # noqa: E402
from browser_corpus import MIXES, ensure  # noqa: E402

from pipeline.fields.extract import extract_fields  # noqa: E402
from pipeline.model import Barcode, PageReading, TextLine  # noqa: E402
from pipeline.profile import Profile  # noqa: E402

COLUMNS = ("track_r", "track_p", "time_r", "clock_r", "host_r", "host_p", "bar_p", "other_p", "url_r", "addr_r")
TARGETS = {"track_r": 0.98, "track_p": 0.99, "time_r": 0.95, "clock_r": 0.95, "host_r": 0.98, "host_p": 0.98,
           "bar_p": 0.98, "other_p": 0.98, "url_r": 0.90, "addr_r": 0.95}
CHROME_ZONES = ("tab", "bookmark")  # a URL reported in these zones is another visible host, not the page's
VARIETIES = ("device", "browser", "os", "clock", "taskbar", "theme", "scale", "layout", "degradation", "zone",
             "stated")
DEFAULT_WORK = Path(os.environ.get("EVPACK_CORPORA", "/work/corpora")) / "browser"


def tally(want: dict, got: dict) -> dict[str, list[int]]:
    """[hits, total] of each column for one file: `want` its truth entry, `got` the fields as scan --json has
    them."""
    counts = {k: [0, 0] for k in COLUMNS}

    def add(key: str, expected: set, found: set) -> None:
        counts[key][0] += len(expected & found)
        counts[key][1] += len(expected)

    fields = want["fields"]
    truth_numbers = {t["value"] for t in fields["tracking_numbers"]}
    numbers = {t["value"] for t in got["tracking_numbers"]}
    add("track_r", truth_numbers, numbers)
    add("track_p", numbers, truth_numbers)
    add("time_r", {t["value"] for t in fields["timestamps"]}, {t["value"] for t in got["timestamps"]})
    add("clock_r", {t["value"] for t in fields["timestamps"] if t["role"] == "capture"},
        {t["value"] for t in got["timestamps"]})
    truth_hosts = {host(u["host"]) for u in fields["urls"]}
    bar_hosts = {host(u["host"]) for u in fields["urls"] if u["address_bar"]}
    others = {host(h) for h in want["other_hosts"]}
    reported = {host(u["host"]) for u in got["urls"] if u.get("zone") not in CHROME_ZONES}
    reported_bar = {host(u["host"]) for u in got["urls"] if u.get("address_bar")}
    chrome = {host(u["host"]) for u in got["urls"] if u.get("zone") in CHROME_ZONES}
    add("host_r", truth_hosts, reported)
    # A tab's or bookmark's host reported as a plain URL is neither right nor wrong; as the address bar it is wrong.
    judged = {h for h in reported if h not in others or h in reported_bar}
    add("host_p", judged, truth_hosts)
    add("bar_p", reported_bar, bar_hosts)
    add("other_p", chrome, others)
    add("url_r", {u["value"] for u in fields["urls"] if u["address_bar"] and u["full"]},
        {u["value"] for u in got["urls"]})
    add("addr_r", {squash(a["value"]) for a in fields["korean_addresses"]},
        {squash(a["value"]) for a in got["korean_addresses"]})
    return counts


def misses(want: dict, got: dict) -> list[str]:
    """What was missed (-) or added (+) in one file."""
    fields = want["fields"]
    lines = []
    pairs = (("tracking", {t["value"] for t in fields["tracking_numbers"]},
              {t["value"] for t in got["tracking_numbers"]}),
             # to the minute, with the offset: a time read in the wrong zone is a miss (and an extra)
             ("timestamps", {f'{t["value"][:16]}{t["value"][19:]} {t["role"]}' for t in fields["timestamps"]},
              {f'{t["value"][:16]}{t["value"][19:]} {r}' for t in got["timestamps"] for r in ("capture", "event")}),
             ("urls", {u["value"] for u in fields["urls"]}, {u["value"] for u in got["urls"]}),
             ("addresses", {squash(a["value"]) for a in fields["korean_addresses"]},
              {squash(a["value"]) for a in got["korean_addresses"]}))
    for kind, expected, found in pairs:
        if expected - found:
            lines.append(f"{kind} - {sorted(expected - found)}")
    minutes = {f'{t["value"][:16]}{t["value"][19:]}' for t in fields["timestamps"]}
    extra_times = {f'{t["value"][:16]}{t["value"][19:]}' for t in got["timestamps"]} - minutes
    if extra_times:
        lines.append(f"timestamps + {sorted(extra_times)}")
    numbers = {t["value"] for t in fields["tracking_numbers"]}
    extra = {t["value"] for t in got["tracking_numbers"]} - numbers
    if extra:
        lines.append(f"tracking + {sorted(extra)}")
    bar = {host(u["host"]) for u in fields["urls"] if u["address_bar"]}
    wrong_bar = [u["value"] for u in got["urls"] if u.get("address_bar") and host(u["host"]) not in bar]
    if wrong_bar:
        lines.append(f"address bar + {wrong_bar}")
    truth_hosts = {host(u["host"]) for u in fields["urls"]} | {host(h) for h in want["other_hosts"]}
    wrong = [f'{u["value"]} [{u.get("zone", "")}]' for u in got["urls"] if host(u["host"]) not in truth_hosts]
    if wrong:
        lines.append(f"hosts + {wrong}")
    if {u["value"] for u in fields["urls"] if u["full"]} - {u["value"] for u in got["urls"]}:
        lines.append(f"urls read {[u['value'] for u in got['urls']]}")
    return lines


def read_split(name: str, work: Path, cache: Path | None, profile: Profile,
               mix: str = "browser", pages: dict[str, list[dict]] | None = None,
               seeds: tuple[int, ...] | None = None) -> dict[str, tuple[dict, dict]]:
    """(truth entry, fields as scan --json gives them) of every file of the split's seeds of `mix` (or of
    `seeds`), keyed seed/file; each file's pages as read (text, bands, the address bar's reads) into `pages` where
    given."""
    found = {}
    for seed in seeds or MIXES[mix][name]:
        corpus = ensure(work, seed, mix=mix if seeds else None)  # a seed outside the splits renders `mix`
        truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))["files"]
        with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
            readings, seconds = evpack_scan(corpus, sorted(truth), cache or Path(tmp) / "cache", Path(tmp), profile)
        print(f"  seed {seed}: {len(readings)} files read in {seconds:.0f} s", file=sys.stderr, flush=True)
        for file, reading in readings.items():
            found[f"{seed}/{file}"] = (truth[file], reading.fields.to_json())
            if pages is not None:
                pages[f"{seed}/{file}"] = [asdict(page) for page in reading.pages]
    return found


def replay(saved: dict, name: str, profile: Profile) -> dict[str, tuple[dict, dict]]:
    """(truth entry, fields) of every file of a saved split, the fields extracted afresh from its saved pages."""
    if name not in saved or "pages" not in saved:
        sys.exit(f"the saved run holds no pages of the {name} split: save one with --save first")
    return {key: (want, extract_fields(tuple(PageReading(**{**page, "bar_reads": tuple(page["bar_reads"]),
                                                            "barcodes": tuple(Barcode.from_json(b) if "format" in b
                                                                              else Barcode(**b)
                                                                              for b in page["barcodes"]),
                                                            "lines": tuple(TextLine.from_json(line)
                                                                           for line in page.get("lines", ()))})
                                         for page in saved["pages"][key]), profile).to_json())
            for key, (want, _) in saved[name].items()}


def report(name: str, found: dict[str, tuple[dict, dict]], varieties: list[str], columns: tuple[str, ...] = COLUMNS,
           score=None, targets: dict | None = None) -> None:
    """Print the split's numbers, in total and per value of each variety: `score(want, got)` gives a file's [hits,
    total] per column (default `tally`)."""
    score = score or tally
    targets = targets or TARGETS

    def pooled(items) -> dict[str, list[int]]:
        total = {k: [0, 0] for k in columns}
        for want, got in items:
            for key, (hits, count) in score(want, got).items():
                total[key][0] += hits
                total[key][1] += count
        return total

    def row(label: str, counts: dict[str, list[int]], files: int) -> str:
        cells = "".join(f"{counts[k][0] / counts[k][1]:>9.2f}" if counts[k][1] else f"{'-':>9}" for k in columns)
        return f"{label:<28}{cells}{files:>7}"

    print(f"\n== {name} split ({len(found)} files)")
    print(f"{'':<28}" + "".join(f"{k:>9}" for k in columns) + f"{'files':>7}")
    everything = pooled(found.values())
    print(row("all", everything, len(found)))
    print(f"{'hits':<28}" + "".join(f"{f'{h}/{t}':>9}" for h, t in (everything[k] for k in columns)))
    print(f"{'target':<28}" + "".join(f"{targets[k]:>9.2f}" for k in columns))
    for variety in varieties:
        values = sorted({str(want["variety"].get(variety, "-")) for want, _ in found.values()})
        for value in values:
            items = [(w, g) for w, g in found.values() if str(w["variety"].get(variety, "-")) == value]
            print(row(f"{variety}={value}", pooled(items), len(items)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuning", "test", "both"), default="both")
    parser.add_argument("--mix", choices=sorted(MIXES), default="browser",
                        help="the seeds of this mix (browser_corpus.py: browser; phone: phones, the Naver app's "
                             "parcel card, photos of a monitor; clock: more top taskbars, Windows 10 and zh clocks, "
                             "pages that state their zone)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where the corpora are kept")
    parser.add_argument("--seeds", help="other tuning seeds than the split's, comma-separated (rendered under --work "
                        "when missing); never a test seed")
    parser.add_argument("--cache", type=Path, help="a read cache to keep between runs (default: cold)")
    parser.add_argument("--by", default=",".join(VARIETIES), help="varieties to break the numbers down by")
    parser.add_argument("--misses", action="store_true", help="name each file's missed and extra values")
    parser.add_argument("--replay", type=Path, help="no reading: the fields extracted afresh, with this code, from "
                        "the pages a --save kept (for changes to pipeline/fields only)")
    parser.add_argument("--save", type=Path, help="write every file's truth, fields and pages read as JSON here "
                        "(the input of bench/learn_confusions.py)")
    args = parser.parse_args(argv)
    profile = Profile.load()
    seeds = tuple(int(s) for s in args.seeds.split(",")) if args.seeds else None
    if seeds and (any(set(seeds) & set(mix["test"]) for mix in MIXES.values()) or args.split != "tuning"):
        parser.error("--seeds takes tuning seeds only, with --split tuning")
    varieties = [v for v in args.by.split(",") if v]
    saved: dict = {}
    pages: dict[str, list[dict]] = {}
    replayed = json.loads(args.replay.read_text(encoding="utf-8")) if args.replay else None
    for name in ("tuning", "test") if args.split == "both" else (args.split,):
        if replayed is not None:
            found = replay(replayed, name, profile)
        else:
            found = read_split(name, args.work, args.cache, profile, args.mix, pages if args.save else None, seeds)
        saved[name] = found
        report(name if args.mix == "browser" else f"{name} ({args.mix} mix)", found, varieties)
        if args.misses:
            print_misses(found)
    if args.save:
        save_run(args.save, saved, pages)


def print_misses(found: dict, more: Callable[[dict, dict], list[str]] = lambda want, got: []) -> None:
    """Each file's missed and extra values (`misses`, then `more` of the caller's own), under its name and variety."""
    for key, (want, got) in sorted(found.items()):
        lines = misses(want, got) + more(want, got)
        if lines:
            print(f"  {key} ({', '.join(f'{k}={v}' for k, v in want['variety'].items())})")
            print("".join(f"      {line}\n" for line in lines), end="")


def save_run(path: Path, saved: dict, pages: dict) -> None:
    """Write a --save file: every split's truth and fields, and the pages read (bench/learn_confusions.py's input)."""
    saved["pages"] = pages
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
