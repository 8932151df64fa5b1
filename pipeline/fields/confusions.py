"""One model of how OCR misreads characters, and one rule for deciding what a misread stood for.

The model is data (confusions.toml, learned by bench/learn_confusions.py from aligned truth/read pairs of a
tuning corpus): the cost of each confusion of one to three characters for one to three others (`l` read as `I`,
`m` as `rn`, a dot lost), a default for every other substitution, insertion and deletion, and a smaller one for a
change of case. A cost is 1.0 for an edit OCR was never seen to make and falls towards `min_cost` the more often
it was seen.

Closed-world acceptors decide, this module only prices: `cost` is the cheapest way `truth` could have been read
as `read` (a weighted edit distance in which the learned confusions are single edits), `variants` the readings a
read may stand for within a budget (for an acceptor that knows no list, a check digit or a format), and `decide`
the one decision rule: the cheapest accepted candidate within the budget, taken when it is cheaper than the next by
the margin; else the read as it stands, marked (`Choice.status`).
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable, Iterable

from pipeline.datafiles import load_toml

CONFUSIONS_FILE = Path(__file__).with_name("confusions.toml")


@dataclass(frozen=True)
class Table:
    """Learned costs: `pairs` (truth, read) -> cost for confusions of 1-3 characters each ("" on one side is a
    character OCR added or lost), and the defaults of every edit not listed."""
    pairs: dict[tuple[str, str], float]
    substitute: float
    insert: float
    delete: float
    case: float
    longest: int  # the longest side of any pair

    def substitution(self, truth: str, read: str) -> float:
        """The cost of one character `truth` read as one character `read` (0 when the same)."""
        if truth == read:
            return 0.0
        listed = self.pairs.get((truth, read))
        if listed is not None:
            return listed
        return self.case if truth.lower() == read.lower() else self.substitute

    def inserted(self, read: str) -> float:
        return self.pairs.get(("", read), self.insert)

    def deleted(self, truth: str) -> float:
        return self.pairs.get((truth, ""), self.delete)


@cache
def table(path: Path = CONFUSIONS_FILE, section: str = "confusion") -> Table:
    """The confusion table of `path`, loaded once per process: `section` `confusion` for every Latin value a page
    shows (hosts, URLs), `tracking` for tracking numbers (learned from their values alone, the read's separators
    and case set aside as the extractor sets them aside)."""
    data = load_toml(path, "Confusion table")
    pairs = {(entry["truth"], entry["read"]): float(entry["cost"]) for entry in data.get(section, ())}
    defaults = data["defaults"]
    return Table(pairs=pairs, substitute=float(defaults["substitute"]), insert=float(defaults["insert"]),
                 delete=float(defaults["delete"]), case=float(defaults["case"]),
                 longest=max((max(len(t), len(r)) for t, r in pairs), default=1))


def cost(read: str, truth: str, limit: float = float("inf"), model: Table | None = None) -> float:
    """The cheapest sum of edit costs that turns `truth` into `read` (the weighted edit distance, a learned
    confusion of several characters counting as one edit); anything above `limit` is returned as infinity."""
    model = model or table()
    if abs(len(read) - len(truth)) * _derived(model).length_step > limit:
        return float("inf")
    row = _final_row(read, truth, limit, model)
    return row[len(read)] if row is not None and row[len(read)] <= limit else float("inf")


def prefix_costs(read: str, truth: str, limit: float = float("inf"), model: Table | None = None) -> list[float]:
    """`cost(read[:i], truth, limit)` for every i from 0 to len(read), in one pass (where a value ends in a read
    that goes on: a host glued to its path)."""
    row = _final_row(read, truth, limit, model or table())
    return [c if c <= limit else float("inf") for c in row] if row is not None else [float("inf")] * (len(read) + 1)


def _final_row(read: str, truth: str, limit: float, model: Table) -> tuple[float, ...] | None:
    """The weighted edit distance's last row: the cost of all of `truth` read as each prefix of `read`; None where
    every prefix is over `limit`.

    Remembered per process (at most ROWS_KEPT rows, then forgotten all at once): a host read is priced against every
    known host each time a page's URL is checked, and the same pairs come back on every page and file of a carrier
    (the browser tuning split's 120 files: cost asked 110,265 times for 16,815 distinct pairs, prefix_costs 9,453
    times for 2,694)."""
    key = (read, truth, limit, id(model))
    kept = _ROWS.get(key)
    if kept is not None and kept[0] is model:
        return kept[1]
    row = _computed_row(read, truth, limit, model)
    if len(_ROWS) >= ROWS_KEPT:
        _ROWS.clear()
    _ROWS[key] = (model, row)
    return row


# _final_row's rows by (read, truth, limit, id of the table), each kept with its table: the table cannot be dropped
# while its rows are kept, so its id is never another table's.
ROWS_KEPT = 100_000
_ROWS: dict[tuple[str, str, float, int], tuple[Table, tuple[float, ...] | None]] = {}


def _computed_row(read: str, truth: str, limit: float, model: Table) -> tuple[float, ...] | None:
    """_final_row computed. Each character's insertion and deletion cost is looked up once, and a cell tries only
    the confusions of several characters whose read side ends with the cell's character (or is empty): the same sums
    as trying them all."""
    several = _derived(model).several
    inf = float("inf")
    inserted = [model.inserted(ch) for ch in read]
    # Per column i: the several-character confusions that can end there (read[i - len(r):i] == r needs r to end
    # with read[i - 1]; an empty read side ends anywhere).
    ending = [None] + [several.get(ch, ()) + several.get("", ()) for ch in read]
    previous_rows: list[list[float]] = []
    row = [0.0] * (len(read) + 1)
    for i in range(1, len(read) + 1):
        row[i] = row[i - 1] + inserted[i - 1]
    previous_rows.append(row)
    for j in range(1, len(truth) + 1):
        above = previous_rows[-1]
        char = truth[j - 1]
        deleted = model.deleted(char)
        row = [inf] * (len(read) + 1)
        row[0] = above[0] + deleted
        for i in range(1, len(read) + 1):
            best = min(above[i] + deleted, row[i - 1] + inserted[i - 1],
                       above[i - 1] + model.substitution(char, read[i - 1]))
            for t, r, c in ending[i]:
                if (len(t) <= j and len(r) <= i and truth[j - len(t):j] == t and read[i - len(r):i] == r):
                    back = previous_rows[-len(t)] if len(t) else row
                    best = min(best, back[i - len(r)] + c)
            row[i] = best
        previous_rows.append(row)
        if len(previous_rows) > model.longest + 1:
            previous_rows.pop(0)
        if min(min(r) for r in previous_rows[-model.longest:]) > limit:
            return None  # a confusion of several characters may jump a row: every row it may jump from is over
    return tuple(row)


@dataclass(frozen=True)
class _Derived:
    """What the edit distance looks up in a table on every call, computed once per table."""
    several: dict[str, tuple[tuple[str, str, float], ...]]  # confusions of several characters, by their read's end
    length_step: float  # the least an edit that changes the length costs (at most 1.0)


def _derived(model: Table) -> _Derived:
    key = id(model)
    if key not in _DERIVED or _DERIVED[key][0] is not model:
        by_end: dict[str, list[tuple[str, str, float]]] = {}
        for (t, r), c in model.pairs.items():
            if len(t) > 1 or len(r) > 1:
                by_end.setdefault(r[-1:], []).append((t, r, c))  # "" for those read as nothing
        step = min(model.insert, model.delete, *(c for (t, r), c in model.pairs.items() if len(t) != len(r)), 1.0)
        _DERIVED[key] = (model, _Derived({end: tuple(found) for end, found in by_end.items()}, step))
    return _DERIVED[key][1]


_DERIVED: dict[int, tuple[Table, _Derived]] = {}  # by the table's id, the table kept so that an id is never reused


def variants(read: str, budget: float, model: Table | None = None, alphabet: str | None = None,
             limit: int = 2000) -> list[tuple[float, str]]:
    """(cost, reading) of every string `read` may be a misread of within `budget`, through the table's learned
    confusions only (not every possible edit), cheapest first, the read itself (cost 0) included; at most `limit`.
    `alphabet`: where given, only readings made of these characters (digits for a number)."""
    model = model or table()
    undo: dict[str, list[tuple[str, float]]] = {}  # read side -> (truth side, cost)
    for (t, r), c in model.pairs.items():
        if c <= budget:
            undo.setdefault(r, []).append((t, c))
    found: dict[str, float] = {read: 0.0}
    queue = [(0.0, read, 0)]  # (cost, text, position from which edits may still be made)
    while queue and len(found) < limit:
        spent, text, start = heapq.heappop(queue)
        if spent > found.get(text, float("inf")):
            continue
        for at in range(start, len(text) + 1):
            for size in range(0, model.longest + 1):
                piece = text[at:at + size]
                if len(piece) != size:
                    break
                for truth, c in undo.get(piece, ()):
                    total = spent + c
                    if total > budget:
                        continue
                    made = text[:at] + truth + text[at + size:]
                    if total < found.get(made, float("inf")):
                        found[made] = total
                        heapq.heappush(queue, (total, made, at + len(truth)))
    ranked = sorted((c, text) for text, c in found.items()
                    if alphabet is None or all(ch in alphabet for ch in text))
    return ranked


def read_back(*models: Table) -> dict[str, str]:
    """Each character OCR was seen to read for one letter or digit, and the letter or digit (in capitals) it stands
    for: the confusions of `models` of one character read as another, the cheapest where one character was read for
    two. A letter read stands for it in either case (the tracking section is learned from reads in capitals, as the
    tracking extractor compares); a space read for a character is left out (spaces in a value are OCR's breaks)."""
    found: dict[str, tuple[float, str]] = {}
    for model in models:
        for (truth, read), c in model.pairs.items():
            if len(truth) != 1 or len(read) != 1 or not truth.isalnum() or read.isspace():
                continue
            for shown in {read, read.lower(), read.upper()} - {truth.lower(), truth.upper()}:
                if c < found.get(shown, (float("inf"), ""))[0]:
                    found[shown] = (c, truth.upper())
    return {shown: truth for shown, (_, truth) in sorted(found.items())}


@dataclass(frozen=True)
class Choice:
    """What a read stands for. `status`: `as-read` (the read itself is accepted), `corrected` (`value` is the one
    accepted candidate within the budget, cheaper than any other by the margin), `ambiguous` (two or more as
    cheap: the read is kept), `unmatched` (none within the budget: the read is kept)."""
    value: str
    status: str
    cost: float = 0.0
    runner_up: str | None = None


def decide(read: str, candidates: Iterable[tuple[float, str]], budget: float, margin: float,
           accepted: Callable[[str], bool] | None = None) -> Choice:
    """The decision rule. `candidates`: (cost, value) pairs (from `cost` against a closed list, or `variants`);
    those `accepted` (all where None) and within `budget` compete, the cheapest wins when the next costs at least
    `margin` more. A read the acceptor accepts stands (as-read); without an acceptor the read is no candidate."""
    if accepted is None:
        accepted = lambda value: value != read  # noqa: E731
    if accepted(read):
        return Choice(read, "as-read")
    unique: dict[str, float] = {}
    for c, v in sorted((c, v) for c, v in candidates if c < budget + margin and v != read and accepted(v)):
        unique.setdefault(v, c)
    ordered = sorted((c, v) for v, c in unique.items())
    if not ordered or ordered[0][0] > budget:
        return Choice(read, "unmatched")
    (best_cost, best), *rest = ordered
    if rest and rest[0][0] - best_cost < margin:
        return Choice(read, "ambiguous", best_cost, rest[0][1])
    return Choice(best, "corrected", best_cost, rest[0][1] if rest else None)


def nearest(read: str, listed: Iterable[str], budget: float, margin: float, model: Table | None = None) -> Choice:
    """`decide` over a closed list: `read` is as-read when listed, else the listed value it is the cheapest misread
    of, within `budget` and by `margin` (see decide)."""
    names = list(dict.fromkeys(listed))
    if read in names:
        return Choice(read, "as-read")
    # Beyond the budget plus the margin a candidate cannot matter: it neither wins nor ties.
    scored = [(cost(read, name, budget + margin, model), name) for name in names]
    members = set(names)
    return decide(read, [(c, n) for c, n in scored if c != float("inf")], budget, margin, members.__contains__)
