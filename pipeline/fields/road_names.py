"""The national road-name list (road_names.tsv.gz, built by scripts/build_road_names.py): is a road name that OCR
read one of its district's roads, and if not, which listed road was misread?

Tesseract's fast Korean model misreads some syllables of some fonts at every scale (센텀중앙로 as 셈중앙로,
섬중앙로, 센럼중앙로), and no re-read recovers a syllable no read contains. A district has a few hundred roads, so
the road nearest in jamo (ㅅㅔㄴㅌㅓㅁ: a misread syllable is one or two jamo off, a merged pair three) is the road
meant when it is near enough and clearly nearer than the next; the postal zone printed beside the address decides
between two near roads, and failing that the letters they share with the read. A 시·군·구 the list does not have
is the one a letter away (해운데구: 해운대구), where that one lists the road. The list is from 2021: a road missing
from it is reported `unlisted`, never changed unless a listed road is that near, and a branch's number is never
changed (월드컵북로59길 is not 월드컵북로58길; a number that starts a name is compared as letters are). Thresholds are
data: patterns/addresses.toml [road_names].
"""
from __future__ import annotations

import gzip
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import LCSseq, Levenshtein

from pipeline.fields.data import patterns, per_patterns

ROAD_NAMES_FILE = Path(__file__).with_name("road_names.tsv.gz")
# A road's numbers after a syllable (월드컵북로58길, 함박로25번길, 10용사1길's 1): a branch's number, never guessed. A
# number that starts the name (10용사로, 3.1만세로; 289 of the list's 165,081 roads) is compared as letters are, so
# that a syllable OCR read as a digit there (2금로 for 오금로) is a misread like any other.
DIGITS = re.compile(r"(?<=[가-힣])\d+")


@dataclass(frozen=True)
class RoadCheck:
    """`status`: listed (the district lists the road), corrected (`road` is the listed road OCR misread, or
    `sigungu` the listed district), unlisted (not listed and no listed road near enough: a new road or a misread),
    unchecked (district not listed). `sigungu`: the district as listed, or as read where it is not."""
    road: str
    status: str
    sigungu: str


@cache
def _table() -> str:
    return "\n" + gzip.decompress(ROAD_NAMES_FILE.read_bytes()).decode("utf-8")


def _row(key: str) -> list[str] | None:
    table = _table()
    at = table.find(key)
    if at < 0:
        return None
    end = table.find("\n", at + len(key))
    return table[at + len(key):end].split("|")


@cache
def _district_keys() -> dict[str, list[tuple[str, str]]]:
    """Sigungu name -> the (시·도, 시·군·구) keys of the list that carry it."""
    keys: dict[str, list[tuple[str, str]]] = {}
    for line in _table().split("\nD\t")[1:]:
        sido, sigungu, _ = line.split("\t", 2)
        keys.setdefault(sigungu, []).append((sido, sigungu))
    return keys


def sidos_of(sigungu: str) -> tuple[str, ...]:
    """The 시·도 (as the list files them) that have a 시·군·구 of this name: one for 마포구, seven for 중구."""
    return tuple(sido for sido, _ in _district_keys().get(sigungu, ()))


@per_patterns
def district_roads(sido: str, sigungu: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The roads of a district as listed, and in jamo; None where the list has no such district. `sido` is any
    form evidence prints (서울, 강원특별자치도); a 시·군·구 that moved to another 시·도 since 2021 (군위군) is
    found by its name alone when that name is unique."""
    listed = patterns()["addresses"]["road_names"]["sido_in_list"].get(sido)
    roads = _row(f"\nD\t{listed}\t{sigungu}\t") if listed else None
    if roads is None:
        keys = _district_keys().get(sigungu, [])
        if sigungu and len(keys) == 1:
            roads = _row(f"\nD\t{keys[0][0]}\t{sigungu}\t")
    if roads is None:
        return None
    return tuple(roads), tuple(jamo(road) for road in roads)


@cache
def zone_roads(postal_code: str) -> frozenset[str]:
    return frozenset(_row(f"\nZ\t{postal_code}\t") or ())


def jamo(text: str) -> str:
    """Hangul syllables split into their letters (센 -> ㅅㅔㄴ), so that an edit counts letters, not syllables."""
    return unicodedata.normalize("NFD", text)


@per_patterns
def near_sigungu(sido: str, sigungu: str) -> str | None:
    """The listed 시·군·구 of `sido` one letter (jamo) from a read that is none (해운데구 -> 해운대구), if only one is."""
    listed = patterns()["addresses"]["road_names"]["sido_in_list"].get(sido)
    near = [name for name, keys in _district_keys().items() if (listed, name) in keys
            and Levenshtein.distance(jamo(name), jamo(sigungu)) == 1]
    return near[0] if len(near) == 1 else None


def check_road(sido: str, sigungu: str, road: str, postal_code: str | None) -> RoadCheck:
    district = district_roads(sido, sigungu)
    if district is None and sigungu and (near := near_sigungu(sido, sigungu)):
        checked = check_road(sido, near, road, postal_code)
        if checked.status in ("listed", "corrected"):  # the district's name taken only where it lists the road
            return replace(checked, status="corrected")
    if district is None:
        return RoadCheck(road, "unchecked", sigungu)
    roads, spelled = district
    if road in roads:
        return RoadCheck(road, "listed", sigungu)
    rules = patterns()["addresses"]["road_names"]
    read, digits = jamo(road), DIGITS.findall(road)
    near = [(roads[i], distance) for _, distance, i in
            process.extract(read, spelled, scorer=Levenshtein.distance, limit=None,
                            score_cutoff=rules["max_edits"] + rules["min_margin"])
            if DIGITS.findall(roads[i]) == digits]
    if not near:
        return RoadCheck(road, "unlisted", sigungu)
    # Near enough to be taken: each listed road by its own length (센텀동로 allows 3 jamo, 센텀중앙로 4).
    near_enough = {name for name, distance in near
                   if distance <= min(rules["max_edits"], int(rules["max_edit_fraction"] * len(jamo(name))))}
    if not near_enough:
        return RoadCheck(road, "unlisted", sigungu)
    fewest = min(distance for _, distance in near)
    rivals = {name: distance for name, distance in near if distance < fewest + rules["min_margin"]}
    if len(rivals) > 1 and postal_code:  # two near roads: the one in the printed postal zone, if only one is
        rivals = {name: distance for name, distance in rivals.items() if name in zone_roads(postal_code)}
    if len(rivals) > 1:
        # Still two: the nearest (or one as near), if it also keeps more of the read's letters in order. OCR that
        # merges two syllables drops letters: 섬중앙로 is 센텀중앙로 less ㅔㄴㅌ (all 11 kept), while 송정중앙로 keeps
        # 10; 센퉁양로 is 4 jamo off both 센텀중앙로 and 센텀동로, and keeps 10 of the first, 7 of the second.
        kept = {name: LCSseq.similarity(read, jamo(name)) for name in rivals}
        leader = min(rivals, key=lambda name: (rivals[name], -kept[name]))
        if all(rivals[leader] <= rivals[n] and kept[leader] > kept[n] for n in rivals if n != leader):
            rivals = {leader: rivals[leader]}
    return (RoadCheck(next(iter(rivals)), "corrected", sigungu) if len(rivals) == 1 and set(rivals) <= near_enough
            else RoadCheck(road, "unlisted", sigungu))
