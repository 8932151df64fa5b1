"""Korean addresses: road-name (도로명) and lot-number (지번) forms, with the postal code printed near them.

The structure is 시·도 -> 시·군·구 (none in Sejong, two in cities with districts) -> 읍·면 -> road and building
number (or 동·리 and lot number) -> detail (동/호/층, building name) -> legal-dong reference in parentheses.
The value is the address up to the building (or lot) number, as Coupang and the carriers key it; the detail and
the reference are read only to find a postal code printed after them. OCR spaces inside a unit are closed up
(송 파구 -> 송파구); the value keeps one space between units. A road name its district does not list is
checked against the national road-name list (road_names.py), which names the listed road OCR misread.
"""
from __future__ import annotations

import re
from typing import Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.fields.compiled import compiled
from pipeline.fields.data import cache, patterns
from pipeline.fields.keyword_match import keyword_alternation, spaced_keyword
from pipeline.model import KoreanAddress, TextLine
from pipeline.fields.road_names import check_road, jamo, sidos_of

SPACES = re.compile(r"[^\S\n]+")
LINE_END_SPACES = re.compile(r"[^\S\n]*\n[^\S\n]*")


def _one_syllable_off(name: str) -> str:
    """Regex for `name` with any one of its syllables misread (OCR spaces allowed between syllables)."""
    gap = r"[^\S\n]?"
    return "|".join(gap.join("[가-힣]" if i == j else re.escape(c) for j, c in enumerate(name))
                    for i in range(len(name)))


def _sido_candidates(read: str) -> list[str]:
    """The 시·도 a read may stand for: itself, or the long names a syllable away."""
    a = patterns()["addresses"]
    if read in a["sido"]:
        return [read]
    return [name for name in a["sido"] if len(name) == len(read) >= a["sido_fuzzy_min_syllables"]
            and sum(x != y for x, y in zip(name, read)) == 1]


@cache
def road_end_misreads() -> dict[str, str]:
    """Each syllable OCR may give for a road's last syllable (patterns/addresses.toml `road_endings`, 로 and 길) ->
    the ending it stands for: the endings themselves, and every syllable within `road_end_jamo_edits` jamo of
    exactly one of them (르, 료 and 도 for 로; 킬, 릴 and 일 for 길)."""
    a = patterns()["addresses"]
    endings = {ending: jamo(ending) for ending in a["road_endings"]}
    found = {ending: ending for ending in endings}
    for code in range(0xAC00, 0xD7A4):
        syllable = chr(code)
        near = [ending for ending, letters in endings.items()
                if Levenshtein.distance(jamo(syllable), letters) <= a["road_end_jamo_edits"]]
        if len(near) == 1:
            found.setdefault(syllable, near[0])
    return found


@cache
def _road_pattern() -> str:
    """The toml's `road` with `<<road_end>>` (a syllable that may end a road) and `<<gil>>` (one that may be 길)
    written out as character classes."""
    endings = road_end_misreads()
    gil = "".join(sorted(s for s, ending in endings.items() if ending == "길"))
    return (patterns()["addresses"]["road"].replace("<<road_end>>", f"[{''.join(sorted(endings))}]")
            .replace("<<gil>>", f"[{gil}]"))


@cache
def _address_regex() -> re.Pattern:
    a = patterns()["addresses"]
    unit_gap = r"[^\S\n]?"
    between = rf"{unit_gap}(?:{a['stray_mark']}{unit_gap})?"  # a scan's speck read as a mark between two units
    # Longest first, so that 서 울 득 별 시 is not read as 서울 and a 시 named 득별시; at one length the exact names
    # first, then the long names with one syllable misread (서울득별시), which _value resolves.
    exact = sorted(a["sido"], key=len, reverse=True)
    fuzzy = [name for name in a["sido"] if len(name) >= a["sido_fuzzy_min_syllables"]]
    sido = "|".join([spaced_keyword(name) for name in exact if len(name) >= a["sido_fuzzy_min_syllables"]]
                    + [_one_syllable_off(name) for name in fuzzy]
                    + [spaced_keyword(name) for name in exact if len(name) < a["sido_fuzzy_min_syllables"]])
    return compiled(
        rf"(?<![가-힣])(?P<sido>{sido})(?![가-힣]){between}"
        rf"(?P<sigungu>(?:(?:{a['city_with_districts']}{unit_gap}{a['district']}|{a['sigungu']}){between})?)"
        rf"(?P<eupmyeon>{a['eupmyeon']}{between})?"
        rf"(?:(?P<road>{_road_pattern()}){unit_gap}(?P<building>{a['building']})"
        rf"|(?P<dong>{a['dong']}){unit_gap}(?P<lot>{a['lot']}))"
        rf"(?P<detail>{unit_gap},?{unit_gap}(?:{a['detail_token']})(?:{unit_gap}(?:{a['detail_token']})){{0,3}})?"
        rf"(?P<reference>{unit_gap}{a['reference']})?")


@cache
def _district_regex() -> re.Pattern:
    """An address from its 시·군·구 on, for a 시·도 OCR lost (`주소 고 마포구 월 드 컵 북 로 58 길 17` on a 200-dpi scan):
    matched from the start of a word (district_addresses)."""
    a = patterns()["addresses"]
    unit_gap = r"[^\S\n]?"
    between = rf"{unit_gap}(?:{a['stray_mark']}{unit_gap})?"
    return re.compile(
        rf"(?P<sigungu>(?:{a['city_with_districts']}{unit_gap}{a['district']}|{a['sigungu']})){between}"
        rf"(?P<eupmyeon>{a['eupmyeon']}{between})?"
        rf"(?P<road>{_road_pattern()}){unit_gap}(?P<building>{a['building']})")


def _bracketed_or_labelled(a: dict) -> str:
    """A postal code in brackets, with or without a label inside (`(05551)`, `[우편번호 05551]`), or after a label."""
    labels = keyword_alternation(a["postal_labels"])
    return (rf"[(\[][^\S\n]?(?:(?:{labels})[^\S\n]?:?[^\S\n]?)?(?P<bracketed>{a['postal_code']})[^\S\n]?[)\]]"
            rf"|(?:{labels})[^\S\n]?:?[^\S\n]?(?P<labelled>{a['postal_code']})")


@cache
def _postal_before() -> re.Pattern:
    a = patterns()["addresses"]
    return compiled(rf"(?:{_bracketed_or_labelled(a)}|(?<!\d)(?P<bare>{a['postal_code']}))[^\S\n]?$")


@cache
def _postal_after() -> re.Pattern:
    a = patterns()["addresses"]
    return compiled(rf"[^\S\n]?,?[^\S\n]?(?:{_bracketed_or_labelled(a)})(?!\d)")


def _closed(unit: str | None) -> str:
    return SPACES.sub("", unit or "")


def _value(m: re.Match, postal_code: str | None) -> tuple[str, str | None, str | None] | None:
    """The address value, the road-name check (road_names.py) and, where the road was corrected, the value as read;
    None where the 시·도 read is a syllable off two names and neither the road list nor the letters decide."""
    read_sido = _closed(m.group("sido"))
    sidos = _sido_candidates(read_sido)
    sigungu = [_closed(u) for u in re.findall(patterns()["addresses"]["sigungu"], m.group("sigungu"))]
    units = [*sigungu] + ([_closed(m.group("eupmyeon"))] if m.group("eupmyeon") else [])
    if not m.group("road"):
        if len(sidos) != 1:
            return None
        lot = SPACES.sub(" ", m.group("lot").strip())
        return " ".join([sidos[0], *units, _closed(m.group("dong")), lot]), None, None
    read = _closed(m.group("road"))
    meant = read[:-1] + road_end_misreads().get(read[-1], read[-1]) if not read.endswith("대로") else read
    checks = {sido: check_road(sido, " ".join(sigungu), meant, postal_code) for sido in sidos}
    if meant != read or read[0].isdigit():  # a misread ending or a leading digit: only where the list names the road
        sidos = [sido for sido in sidos if checks[sido].status in ("listed", "corrected")]
    # 무산광역시 남구 삼산로: 부산 and 울산 are a syllable off, and 울산 남구 lists 삼산로. Failing the list, the name
    # fewer letters off (인전광역시: 인천 one jamo, 대전 three).
    listed = [sido for sido in sidos if checks[sido].status == "listed"]
    if len(listed) == 1:
        sidos = listed
    elif len(sidos) > 1:
        letters = {sido: Levenshtein.distance(jamo(sido), jamo(read_sido)) for sido in sidos}
        sidos = [sido for sido in sidos if letters[sido] == min(letters.values())]
    if len(sidos) != 1:
        return None
    check = checks[sidos[0]]
    listed_units = check.sigungu.split() + units[len(sigungu):]  # 해운데구 read, 해운대구 listed
    value = " ".join([sidos[0], *listed_units, check.road, _closed(m.group("building"))])
    if check.road == read and listed_units == units:
        return value, check.status, None
    return value, "corrected", " ".join([sidos[0], *units, read, _closed(m.group("building"))])


def _district_value(m: re.Match, postal_code: str | None) -> tuple[str, str, str] | None:
    """An address read from its 시·군·구 on (no 시·도): its value, road check and the value as read, where the
    district's name is listed and exactly one 시·도 of that name lists the road (or, where none lists it, exactly one
    has a listed road the read is near: corrected); else None."""
    units = [_closed(u) for u in re.findall(patterns()["addresses"]["sigungu"], m.group("sigungu"))]
    units += [_closed(m.group("eupmyeon"))] if m.group("eupmyeon") else []
    sigungu = " ".join(units[:2] if len(units) > 1 and units[1].endswith("구") else units[:1])
    read = _closed(m.group("road"))
    meant = read[:-1] + road_end_misreads().get(read[-1], read[-1]) if not read.endswith("대로") else read
    checks = [(sido, check) for sido in sidos_of(sigungu)
              if (check := check_road(sido, sigungu, meant, postal_code)).status in ("listed", "corrected")]
    listed = [(sido, check) for sido, check in checks if check.status == "listed"]
    checks = listed or checks  # 중구 세종대로: 서울 lists it, 인천 only has a road near it
    if len(checks) != 1:
        return None
    sido, check = checks[0]
    building = _closed(m.group("building"))
    rest = units[len(sigungu.split()):]
    value = " ".join([sido, check.sigungu, *rest, check.road, building])
    return value, "corrected" if check.road != read else check.status, " ".join([*units, read, building])


def district_addresses(text: str, taken: Sequence[tuple[int, int]]) -> list[tuple[re.Match, str, str, str]]:
    """Addresses whose 시·도 OCR lost (`_district_regex` from the start of each word, outside the `taken` spans),
    each given its 시·도 by the road list (`_district_value`)."""
    found = []
    at = 0
    for start in (i for i, ch in enumerate(text) if "가" <= ch <= "힣" and (i == 0 or not "가" <= text[i - 1] <= "힣")):
        if start < at or any(s <= start < e for s, e in taken):
            continue
        m = _district_regex().match(text, start)
        if m and not any(s < m.end() and m.start() < e for s, e in taken) and (
                valued := _district_value(m, _postal_code(text, m))) is not None:
            found.append((m, *valued))
            at = m.end()
    return found


def _postal_code(text: str, m: re.Match) -> str | None:
    line_end = text.find("\n", m.end())
    after = _postal_after().match(text, m.end())
    if not after and line_end >= 0:  # the code on the line below: only a labelled one
        after = _postal_after().match(text, line_end + 1)
        after = after if after and after.group("labelled") else None
    if after:
        return after.group("bracketed") or after.group("labelled")
    line_start = text.rfind("\n", 0, m.start()) + 1
    before = _postal_before().search(text, line_start, m.start())
    if before:
        return before.group("bracketed") or before.group("labelled") or before.group("bare")
    if line_start > 0:  # the code on the line above: only a labelled or bracketed one, never a bare number
        above = _postal_before().search(text, text.rfind("\n", 0, line_start - 1) + 1, line_start - 1)
        if above and not above.group("bare"):
            return above.group("bracketed") or above.group("labelled")
    return None


def rows_text(lines: Sequence[TextLine]) -> str:
    """The page's lines put together again by their boxes into the rows they stand in, each row's pieces left to
    right and the rows top to bottom. Tesseract's layout analysis may cut one row into several lines and list them
    apart, between other blocks' lines (a phone card's `광 주 광역시 북구` / `동우` / `로 52 번 길 76, 108 동` at one
    height, listed three blocks apart). A line belongs to a row when the two overlap vertically by at least
    `row_overlap` of the lower one's height; a piece of marks alone that stands under or over another piece of its
    row (its width overlapping that piece's by half) is that piece's ink (a syllable's lower half read as `=`) and is
    left out."""
    share = patterns()["addresses"]["row_overlap"]
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda line: (line.box[1], line.box[0])):
        top, bottom = line.box[1], line.box[3]
        row = next((row for row in rows if min(bottom, max(r.box[3] for r in row)) - max(top, min(r.box[1] for r in row))
                    >= share * min(bottom - top, *(r.box[3] - r.box[1] for r in row))), None)
        if row is None:
            rows.append([line])
        else:
            row.append(line)

    def stacked(line: TextLine, row: list[TextLine]) -> bool:
        width = max(1, line.box[2] - line.box[0])
        return not any(c.isalnum() for c in line.text) and any(
            other is not line and min(line.box[2], other.box[2]) - max(line.box[0], other.box[0]) >= width / 2
            for other in row)

    return "\n".join(" ".join(line.text for line in sorted(row, key=lambda line: line.box[0])
                              if not stacked(line, row)) for row in rows)


def extract_addresses(text: str, page: int, lines: Sequence[TextLine] = ()) -> list[KoreanAddress]:
    """Every address of `text`, one record per value. An address may run on over a line break (a narrow page or a
    phone wraps it anywhere: `부산광역시 북구 가람로` over `137, 115동`, `홍곡로 37` over `번길 200`): read as if the
    break were a space, such a reading is taken only where the road list names its road (`listed` or `corrected`),
    and then in place of the one-line reading it starts or ends in (`홍곡로 37`, cut short by the break). `lines`:
    the page's lines with their boxes, where known; the same text put together by rows (rows_text) is read too,
    and an address read only there is taken where the road list names its road."""
    found = _addresses(text, page)
    if lines:
        values = {address.value for address in found}
        checks = patterns()["addresses"]["wrapped_road_checks"]
        found += [address for address in _addresses(rows_text(lines), page)
                  if address.value not in values and address.road_check in checks]
    return found


def _addresses(text: str, page: int) -> list[KoreanAddress]:
    text = LINE_END_SPACES.sub("\n", SPACES.sub(" ", text))
    one_line = [(m, *valued) for m in _address_regex().finditer(text)
                if (valued := _value(m, _postal_code(text, m))) is not None]
    # The same text with its line breaks as spaces: positions are unchanged, so a match is a span of `text` too.
    joined = text.replace("\n", " ")
    wrapped = [(m, *valued) for m in _address_regex().finditer(joined)
               if "\n" in text[m.start():m.end("building") if m.group("building") else m.end()]
               and (valued := _value(m, _postal_code(text, m))) is not None
               and valued[1] in patterns()["addresses"]["wrapped_road_checks"]]
    kept = [read for read in one_line
            if not any(w.start() < read[0].end() and read[0].start() < w.end() for w, *_ in wrapped)]
    spans = [(m.start(), m.end()) for m, *_ in kept + wrapped]
    district_only = district_addresses(text, spans)
    found: dict[str, KoreanAddress] = {}
    for m, value, road_check, as_read in sorted(kept + wrapped + district_only, key=lambda read: read[0].start()):
        if value not in found:
            found[value] = KoreanAddress(value=value, postal_code=_postal_code(text, m), page=page,
                                         road_check=road_check, as_read=as_read)
    return list(found.values())
