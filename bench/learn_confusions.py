"""Learn OCR's character confusions from aligned truth/read pairs: writes pipeline/fields/confusions.toml.

    python bench/bench_browser.py --split tuning --save /tmp/tuning.json     # read the tuning seeds, keep the pages
    python bench/bench_browser.py --mix phone --split tuning --save /tmp/phone.json   # any mix's tuning seeds
    python bench/bench_chat.py --split tuning --save /tmp/chat.json                   # chats, faxes and scans
    python bench/learn_confusions.py /tmp/tuning.json [MORE.json ...] [--section confusion]
    python bench/learn_confusions.py --from-pairs            # the table again from bench/confusion_pairs.json

Two steps, so that the shipped table can be learned again without the saves: the saves' values are aligned with
their best read lines into PAIRS (bench/confusion_pairs.json: per section, each aligned value with the stretch of
its line that it was aligned with, and where they came from), and the table is learned from those pairs alone.
tests/fields/test_confusions.py learns the table from the shipped pairs and checks it is the shipped table.

Only tuning seeds may be learned from: a file whose truth names a split other than `tuning` is refused. Each value
the truth says a capture shows in Latin letters and digits (every URL as the bar shows it, the hosts of tabs and
bookmarks, tracking numbers) is aligned with the line of the page's reads (its text, bands and every read of its
address bar) that holds it best, by the fewest edits with free ends in the read; a pair more than MAX_EDIT_SHARE
of the value's length apart is no reading of it and is left out. The alignment's runs of differing characters
(`l` -> `I`, `m` -> `rn`, `.` -> ``) are the confusions; each is counted against how often its truth side occurs
in the aligned values, and its cost is -ln(share) / -ln(FLOOR), between MIN_COST and 1.0 (an edit never seen).
A confusion seen fewer than MIN_SEEN times is not kept (in a tracking number, once is enough: see KINDS). Each
entry keeps up to two examples: the value and the read around the confusion.

The table has three sections (KINDS): `confusion`, learned from every such value as shown and read; `tracking`,
learned from the tracking numbers alone, aligned with the reads as the tracking extractor compares them (spaces and
dashes left out, letters in capitals): how OCR misreads a number's digits and letters, counted against how often
they occur in numbers, not in URLs; and `timestamp`, learned from the times a capture prints (TIME): what OCR reads
for a time's colon. A save that holds a test seed of any mix is refused, whatever its split says.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from browser_corpus import MIXES  # noqa: E402
from chat_corpus import SPLITS as CHAT_SPLITS  # noqa: E402

OUT = ROOT / "pipeline" / "fields" / "confusions.toml"
PAIRS = ROOT / "bench" / "confusion_pairs.json"
MAX_EDIT_SHARE = 0.34  # a read further from the value than this share of its length is not a reading of it
MIN_PARTIAL = 60       # rapidfuzz partial_ratio below which a line is not searched for the value
MIN_SEEN = 2           # a confusion seen once is noise
LONGEST = 3            # the most characters on either side of one confusion
FLOOR = 1e-4           # the share that costs 1.0, as much as an edit never seen
MIN_COST = 0.05
CASE_COST = 0.3        # a letter read in the other case, where the table has no entry for it
CONTEXT = 5            # characters kept each side of a confusion in its examples
SEPARATORS = re.compile(r"[\s\-–—]")  # as pipeline/fields/tracking.py's normalise sets them aside


def truths(entry: dict) -> list[str]:
    """The Latin values a capture shows, as shown."""
    fields = entry["fields"]
    values = [u.get("shown") or u["value"] for u in fields["urls"]]
    values += list(entry.get("other_hosts", ()))
    values += [t["value"] for t in fields["tracking_numbers"]]
    return [v for v in dict.fromkeys(values) if v and v.isascii()]


def tracking_truths(entry: dict) -> list[str]:
    """The tracking numbers a capture shows (digits and capitals, no separators)."""
    values = [t["value"] for t in entry["fields"]["tracking_numbers"]]
    return [v for v in dict.fromkeys(values) if v and v.isascii()]


# A time as a capture prints it, with the full date printed just before it on its line where there is one
# (`2026.03.12 14:18:46`, `20:42`, `1:03`; a year alone is no anchor: `Mar 4, 2026 3:15 PM` gives `3:15`): where
# OCR reads a time's colon as something else, or loses it.
TIME = re.compile(r"(?:\d{2,4}[./\-]\d{1,2}[./\-]\d{1,2} )?\d{1,2}:\d{2}(?::\d{2})?")


def timestamp_truths(entry: dict) -> list[str]:
    """The times a capture shows (TIME), from its truth's timestamps as printed."""
    values = [m.group() for t in entry["fields"].get("timestamps", ()) for m in TIME.finditer(t.get("text", ""))]
    return [v for v in dict.fromkeys(values) if v]


def as_number(line: str) -> str:
    """A read line as the tracking extractor compares it: spaces and dashes (a printed number's groups, OCR's
    breaks) left out, letters in capitals."""
    return SEPARATORS.sub("", line).upper()


# What each section of the table learns from: the values a capture shows, each read line as compared with them, and
# how often a confusion must be seen to be kept. A tracking number is aligned whole (digits and capitals, at most
# MAX_EDIT_SHARE of it apart), so a confusion seen once in one is OCR's, not a stray alignment: the tuning corpora
# read few numbers wrong (6 confusions in 198 numbers of the browser and phone mixes), and each is kept. A time
# (`timestamp`) is aligned as printed: what OCR reads for its colon (pipeline/fields/timestamps.py colon_reads).
KINDS = {"confusion": (truths, lambda line: line, MIN_SEEN), "tracking": (tracking_truths, as_number, 1),
         "timestamp": (timestamp_truths, lambda line: line, MIN_SEEN)}


def lines(pages: list[dict]) -> list[str]:
    found: dict[str, None] = {}
    for page in pages:
        for text in (page.get("text", ""), page.get("header_text", ""), page.get("footer_text", "")):
            for line in text.splitlines():
                if line.strip():
                    found[line.strip()] = None
        for read in page.get("bar_reads", ()):
            found[read.strip()] = None
    return list(found)


def align(value: str, read: str) -> tuple[int, list[tuple[str, str]], int, int] | None:
    """(edits, columns, where in `read` the stretch starts and ends) of the cheapest alignment of all of `value` with a
    stretch of `read` (unit costs, free ends in the read); columns are (value char or "", read char or "")."""
    n, m = len(value), len(read)
    inf = n + m + 1
    dist = [[0] * (m + 1)] + [[inf] * (m + 1) for _ in range(n)]
    for j in range(1, n + 1):
        dist[j][0] = j
        for i in range(1, m + 1):
            dist[j][i] = min(dist[j - 1][i] + 1, dist[j][i - 1] + 1,
                             dist[j - 1][i - 1] + (value[j - 1] != read[i - 1]))
    end = min(range(m + 1), key=lambda i: (dist[n][i], -i))
    edits = dist[n][end]
    if edits > MAX_EDIT_SHARE * n:
        return None
    columns = []
    j, i = n, end
    while j > 0:
        if i > 0 and dist[j][i] == dist[j - 1][i - 1] + (value[j - 1] != read[i - 1]):
            columns.append((value[j - 1], read[i - 1]))
            j, i = j - 1, i - 1
        elif dist[j][i] == dist[j - 1][i] + 1:
            columns.append((value[j - 1], ""))
            j -= 1
        else:
            columns.append(("", read[i - 1]))
            i -= 1
    return edits, columns[::-1], i, end


def runs(columns: list[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """The alignment's runs of differing columns as (truth side, read side, index of the run's first column)."""
    found, start = [], None
    for k, (t, r) in enumerate(columns + [("", "")]):
        differs = k < len(columns) and t != r
        if differs and start is None:
            start = k
        if not differs and start is not None:
            block = columns[start:k]
            found.append(("".join(t for t, _ in block), "".join(r for _, r in block), start))
            start = None
    return found


def pairs_of(saved: dict, kind: str = "confusion") -> list[tuple[str, str]]:
    """(value, read) of every value of the section `kind` (KINDS) that a capture's read lines hold: the read is the
    stretch of the best line the value was aligned with, CONTEXT characters more on each side (as the examples
    show them), in the saves' order."""
    values_of, compared, _ = KINDS[kind]
    found = []
    for key, (entry, _) in saved["tuning"].items():
        reads = list(dict.fromkeys(compared(line) for line in lines(saved["pages"].get(key, ()))))
        values = values_of(entry)
        for value in values:
            candidates = [line for line in reads if fuzz.partial_ratio(value, line) >= MIN_PARTIAL]
            best = None
            for line in candidates:
                aligned = align(value, line)
                # A stretch that shows another value of the capture read right is that one, not this one misread
                # (mail.naver.com is no misread of papago.naver.com).
                if aligned and any(other not in value and other in line[aligned[2]:aligned[3]] for other in values):
                    continue
                if aligned and (best is None or aligned[0] < best[0][0]):
                    best = (aligned, line)
            if best is None:
                continue
            (edits, _, start, end), line = best
            # A stretch nearer another value of the capture is that one misread, not this one (a tab's
            # `papago.naver.com` is no reading of mail.naver.com two edits off).
            if any(other not in value and (near := align(other, line[start:end])) and near[0] < edits
                   for other in values):
                continue
            found.append((value, line[max(0, start - CONTEXT):end + CONTEXT]))
    return found


def learn(pairs: list[tuple[str, str]]) -> tuple[Counter, Counter, dict, int]:
    """(confusions seen, truth pieces seen, examples, values aligned) of aligned (value, read) pairs (pairs_of)."""
    seen: Counter = Counter()
    occurs: Counter = Counter()
    examples: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    aligned = 0
    for value, line in pairs:
        found = align(value, line)
        if found is None:
            continue
        _, columns, offset, _ = found
        aligned += 1
        for size in range(1, LONGEST + 1):
            for k in range(len(value) - size + 1):
                occurs[value[k:k + size]] += 1
        occurs[""] += len(value) + 1
        for t, r, start in runs(columns):
            if len(t) > LONGEST or len(r) > LONGEST:
                continue  # a garbled stretch says little about any pair
            seen[(t, r)] += 1
            at_value = sum(1 for c, _ in columns[:start] if c)
            at_read = offset + sum(1 for _, c in columns[:start] if c)
            example = (value[max(0, at_value - CONTEXT):at_value + len(t) + CONTEXT],
                       line[max(0, at_read - CONTEXT):at_read + len(r) + CONTEXT])
            if len(examples[(t, r)]) < 2 and example not in examples[(t, r)]:
                examples[(t, r)].append(example)
    return seen, occurs, examples, aligned


def toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def entries(seen: Counter, occurs: Counter, examples: dict, section: str) -> list[str]:
    """The TOML entries of one section, cheapest first: confusions seen as often as the section asks (KINDS) or
    more, cheaper than 1.0."""
    kept = []
    for (t, r), count in seen.items():
        if count < KINDS[section][2]:
            continue
        total = max(count, occurs[t])
        share = count / total
        value = max(MIN_COST, min(1.0, math.log(share) / math.log(FLOOR)))
        if value >= 1.0:
            continue
        kept.append((round(value, 3), t, r, count, total))
    out = []
    for value, t, r, count, total in sorted(kept, key=lambda e: (e[0], e[1], e[2])):
        out.append(f"[[{section}]]")
        out.append(f"truth = {toml_string(t)}")
        out.append(f"read = {toml_string(r)}")
        out.append(f"cost = {value}")
        out.append(f"seen = {count}")
        out.append(f"of = {total}")
        shown = [f"[{toml_string(value)}, {toml_string(read)}]" for value, read in examples[(t, r)]]
        out.append(f"examples = [{', '.join(shown)}]")
        out.append("")
    return out


HEADER = [
    "# OCR's character confusions, learned by bench/learn_confusions.py from aligned truth/read pairs of tuning",
    "# captures (bench/confusion_pairs.json). Do not edit by hand: run the script again. A confusion is one edit of",
    "# `cost`: `truth` (1-3 characters, \"\" for one OCR added) read as `read` (\"\" for one OCR lost), seen `seen`",
    f"# times in `of` occurrences of its truth side; cost = -ln(seen / of) / -ln({FLOOR}), between {MIN_COST} and 1.0.",
    "# Every other edit costs its default; a letter read in the other case `case`. Used by",
    "# pipeline/fields/confusions.py.",
    "# [[confusion]]: every Latin value a capture shows (URLs, hosts, tracking numbers), as shown and read;",
    "# [[tracking]]: tracking numbers alone, the read's spaces and dashes left out and its letters in capitals;",
    "# [[timestamp]]: the times a capture prints (with the date before them on their line), as printed and read.",
    "",
    "[defaults]",
    "substitute = 1.0",
    "insert = 1.0",
    "delete = 1.0",
    f"case = {CASE_COST}",
    "",
]


def section_mark(kind: str) -> str:
    return f"# [[{kind}]] learned from "


def render_section(kind: str, learned: tuple[Counter, Counter, dict, int], files: int, seeds: list[int]) -> list[str]:
    """One section's lines: where it was learned from, then its entries."""
    seen, occurs, examples, aligned = learned
    mark = (f"{section_mark(kind)}the tuning seeds {', '.join(map(str, seeds))} ({aligned} values on {files} "
            "captures).")
    return [mark, ""] + entries(seen, occurs, examples, kind)


def sections_of(text: str) -> dict[str, list[str]]:
    """The lines of each section of a table this script wrote, by kind (each from its mark to the next)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        kind = next((k for k in KINDS if line.startswith(section_mark(k))), None)
        if kind:
            current = kind
            found[kind] = []
        if current:
            found[current].append(line)
    return found


def render(sections: dict[str, list[str]]) -> str:
    """The table: the header and defaults, then each section's lines in KINDS order, one blank line between."""
    out = list(HEADER)
    for kind in KINDS:
        body = list(sections.get(kind, []))
        while body and not body[-1]:
            body.pop()
        out += body + [""] if body else []
    return "\n".join(out).rstrip("\n") + "\n"


def load_saves(paths: list[Path]) -> dict:
    """The saves' tuning truth and pages, merged; exits naming the file where one holds anything but tuning seeds."""
    saved: dict = {"tuning": {}, "pages": {}}
    test_seeds = {seed for mix in [*MIXES.values(), CHAT_SPLITS] for seed in mix["test"]}
    for path in paths:
        one = json.loads(path.read_text(encoding="utf-8"))
        if set(one) - {"tuning", "pages"} or "tuning" not in one:
            sys.exit(f"{path}: only a tuning split may be learned from (found {sorted(set(one) - {'pages'})})")
        if "pages" not in one:
            sys.exit(f"{path}: no pages read; save it again with bench/bench_browser.py --save")
        test = {key for key in one["tuning"] if int(key.split("/")[0]) in test_seeds}
        if test:
            sys.exit(f"{path}: holds files of test seeds ({sorted(test)[0]}, ...); never learn from them")
        saved["tuning"].update(one["tuning"])
        saved["pages"].update(one["pages"])
    return saved


def write_pairs(path: Path, data: dict) -> None:
    """The pairs file, one pair a line (its diff shows what a relearning changed)."""
    out = ["{"]
    for n, (kind, section) in enumerate(data.items()):
        out.append(f"  {json.dumps(kind)}: {{\"seeds\": {json.dumps(section['seeds'])}, "
                   f"\"captures\": {section['captures']}, \"pairs\": [")
        rows = [f"    {json.dumps(pair, ensure_ascii=False)}" for pair in section["pairs"]]
        out.append(",\n".join(rows))
        out.append("  ]}" + ("," if n < len(data) - 1 else ""))
    out.append("}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("saved", type=Path, nargs="*", help="bench_browser.py --split tuning --save outputs")
    parser.add_argument("-o", "--out", type=Path, default=OUT)
    parser.add_argument("--pairs", type=Path, help="the aligned pairs, written from the saves or read with "
                        "--from-pairs (default bench/confusion_pairs.json for the shipped table, else OUT_pairs.json)")
    parser.add_argument("--from-pairs", action="store_true", help="learn from --pairs alone, no saves")
    parser.add_argument("--section", choices=sorted(KINDS), action="append",
                        help="learn only this section (again for more); the others stay as the table holds them")
    args = parser.parse_args(argv)
    if args.from_pairs == bool(args.saved):
        parser.error("give saves to learn from, or --from-pairs (not both)")
    if args.pairs is None:
        args.pairs = PAIRS if args.out.resolve() == OUT else args.out.with_name(args.out.stem + "_pairs.json")
    data = json.loads(args.pairs.read_text(encoding="utf-8")) if args.pairs.exists() else {}
    kinds = args.section or (list(data) if args.from_pairs else list(KINDS))
    if args.from_pairs:
        missing = [kind for kind in kinds if kind not in data]
        if missing:
            sys.exit(f"{args.pairs}: holds no pairs of {', '.join(missing)}; learn them from saves first")
    else:
        saved = load_saves(args.saved)
        seeds = sorted({int(key.split("/")[0]) for key in saved["tuning"]})
        for kind in kinds:
            data[kind] = {"seeds": seeds, "captures": len(saved["tuning"]), "pairs": pairs_of(saved, kind)}
        write_pairs(args.pairs, {kind: data[kind] for kind in KINDS if kind in data})
    learned = {kind: learn([tuple(pair) for pair in data[kind]["pairs"]]) for kind in kinds}
    sections = sections_of(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    sections.update({kind: render_section(kind, learned[kind], data[kind]["captures"], data[kind]["seeds"])
                     for kind in kinds})
    args.out.write_text(render(sections), encoding="utf-8")
    for kind, (seen, _, _, aligned) in learned.items():
        least = KINDS[kind][2]
        print(f"{args.out} [[{kind}]]: {sum(1 for c in seen.values() if c >= least)} confusions seen at least "
              f"{least} times from {aligned} values", file=sys.stderr)


if __name__ == "__main__":
    main()
