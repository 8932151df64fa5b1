"""Timestamps and dates: every printed form of patterns.toml [timestamps], normalised to ISO 8601 with an offset.

A time without a zone is KST (the evidence is judged in Korea's terms); a zone named next to it (UTC, GMT+8, CST,
北京时间, +08:00) wins. A date without a time is not a timestamp; `extract_dates` reads those. Impossible values
(month 13, hour 25, 30 February) give nothing.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Iterable

from pipeline.fields.data import patterns
from pipeline.model import Timestamp

PART = re.compile(r"<<(\w+)>>")
MARKER_NOISE = re.compile(r"(?<=[AP])[lI1|](?=M)")  # PlM: the marker as OCR misreads it, glued to the next word
NUMERIC_OFFSET = re.compile(r"(?P<sign>[+-])[^\S\n]*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?")


@dataclass(frozen=True)
class Form:
    name: str
    regex: re.Pattern
    year_from_document: bool


@dataclass(frozen=True)
class DateMention:
    text: str
    value: date
    start: int


def _expand(regex: str) -> str:
    parts = patterns()["timestamps"]["parts"]
    return PART.sub(lambda m: parts[m.group(1)], regex)


@cache
def _forms() -> tuple[Form, ...]:
    return tuple(Form(f["name"], re.compile(_expand(f["regex"])), f.get("year") == "document")
                 for f in patterns()["timestamps"]["forms"])


@cache
def _date_forms() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(_expand(regex)) for regex in patterns()["dates"]["forms"])


@cache
def _zone_names() -> str:
    # One-letter names (the Z of ISO 8601) only count inside the ISO form, never as a word next to a time.
    names = [n for n in patterns()["timestamps"]["zones"] if len(n) > 1]
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@cache
def _zone_after() -> re.Pattern:
    return re.compile(rf"[^\S\n]*[(\[]?[^\S\n]*(?:(?P<name>{_zone_names()})(?P<offset>[^\S\n]*[+-][^\S\n]*\d{{1,2}}"
                      rf"(?::?\d{{2}})?)?|(?P<bare>[+-]\d{{2}}:?\d{{2}}))(?![A-Za-z\d])[)\]]?")


@cache
def _zone_before() -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z])(?P<name>{_zone_names()})[)\]:：]?[^\S\n]*$")


def _numeric_offset(text: str) -> timezone | None:
    numeric = NUMERIC_OFFSET.search(text)
    minutes = int(numeric.group("h")) * 60 + int(numeric.group("m") or 0) if numeric else 24 * 60
    if minutes > 14 * 60:
        return None  # no zone is that far from UTC: not an offset
    return timezone(timedelta(minutes=-minutes if numeric.group("sign") == "-" else minutes))


def _named_offset(name: str) -> timezone:
    return _parse_offset(patterns()["timestamps"]["zones"][name])


def _parse_offset(value: str) -> timezone:
    sign = -1 if value.startswith("-") else 1
    hours, minutes = value[1:].split(":")
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))


def _month(groups: dict) -> int:
    if groups.get("mon"):
        return patterns()["timestamps"]["months"].index(groups["mon"][:3].lower()) + 1
    return int(groups["mo"])


def _year(raw: str) -> int:
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


def _day_month(groups: dict, form: str) -> tuple[int, int]:
    month, day = _month(groups), int(groups["d"])
    if form in ("month-day-year", "taskbar-clock-english", "taskbar-clock-english-ocr") and month > 12 >= day:
        month, day = day, month  # 25/03/2026: only day-first reads
    return month, day


def _hour(groups: dict) -> int:
    hour = int(groups["h"])
    marker = groups.get("ampm") or groups.get("ampm_after")
    if not marker or hour > 12:
        return hour
    is_pm = MARKER_NOISE.sub("", marker) in patterns()["timestamps"]["pm"]
    return (hour % 12) + (12 if is_pm else 0)


def _build(groups: dict, form: Form, default_year: int | None, zone: timezone) -> datetime | None:
    year = default_year if form.year_from_document else _year(groups["y"])
    if year is None:
        return None
    month, day = _day_month(groups, form.name)
    try:
        return datetime(year, month, day, _hour(groups), int(groups["mi"]), int(groups.get("s") or 0), tzinfo=zone)
    except ValueError:
        return None  # month 13, hour 25, 30 February: not a time, whatever it is


def _zone_near(text: str, start: int, end: int) -> tuple[timezone | None, int]:
    """The zone named right after (or just before) a time, and where the printed text then ends."""
    after = _zone_after().match(text, end)
    if after:
        if after.group("bare"):
            offset = _numeric_offset(after.group("bare"))
        elif after.group("offset") and after.group("name") in patterns()["timestamps"]["offset_prefixes"]:
            offset = _numeric_offset(after.group("offset"))
        else:
            offset = _named_offset(after.group("name"))
        if offset is not None:
            return offset, after.end()
    line_start = text.rfind("\n", 0, start) + 1
    lookbehind = patterns()["timestamps"]["zone_lookbehind_chars"]
    before = _zone_before().search(text, max(line_start, start - lookbehind), start)
    return (_named_offset(before.group("name")) if before else None), end


def _printed(text: str) -> str:
    return re.sub(r"[^\S\n]*\n\s*", " ", text).strip()


def extract_timestamps(text: str, page: int, default_year: int | None) -> list[Timestamp]:
    """Timestamps in text order. Overlapping readings: the leftmost wins, then the more specific form."""
    default = _parse_offset(patterns()["timestamps"]["default_offset"])
    matches = sorted(((m.start(), order, m, form) for order, form in enumerate(_forms())
                      for m in form.regex.finditer(text)), key=lambda item: item[:2])
    taken_until = -1
    found = []
    for start, _, match, form in matches:
        if start < taken_until:
            continue
        taken_until = match.end()  # an impossible reading still claims its span: no fragment of it is read again
        groups = match.groupdict()
        zone, end = _zone_near(text, start, match.end())
        if groups.get("zone"):
            zone = _named_offset("Z") if groups["zone"] == "Z" else _numeric_offset(groups["zone"])
        moment = _build(groups, form, default_year, zone or default)
        if moment:
            found.append(Timestamp(text=_printed(text[start:end]), value=moment.isoformat(), page=page))
    return found


def extract_dates(text: str) -> list[DateMention]:
    """Every full date (with its year) in text order, timestamps' dates included: for delivery dates and years."""
    found: dict[int, DateMention] = {}
    for regex in _date_forms():
        for match in regex.finditer(text):
            if any(m.start <= match.start() < m.start + len(m.text) for m in found.values()):
                continue
            groups = match.groupdict()
            try:
                value = date(_year(groups["y"]), _month(groups), int(groups["d"]))
            except ValueError:
                continue
            found[match.start()] = DateMention(match.group(0).strip(), value, match.start())
    return [found[k] for k in sorted(found)]


def document_year(texts: Iterable[str]) -> int | None:
    """The year printed most often in a document's full dates: the year of its dates printed without one."""
    years = Counter(d.value.year for text in texts for d in extract_dates(text))
    if not years:
        return None
    return max(years.items(), key=lambda item: (item[1], item[0]))[0]
