"""Build pipeline/fields/road_names.tsv.gz, the road-name list that fields_address checks OCR'd road names against.

The source is the road-address table that the `kozip` package (MIT) ships: every building address of the
Ministry of the Interior and Safety's 도로명주소 DB, keyed by postal zone, 시·도 and 시·군·구 (kozip 1.1.4, 2021).
It is 340 MB of JSON; evpack keeps only the road names, ~1.4 MB gzipped, so kozip is not a runtime dependency.

    pip download --no-deps kozip==1.1.4 && unzip kozip-1.1.4-py3-none-any.whl 'kozip/new_zip.json'
    python scripts/build_road_names.py kozip/new_zip.json

Output lines (after `#` comments), sorted, so a rebuild from the same source is byte-identical:
    D <tab> 시·도 <tab> 시·군·구 <tab> road|road|...       every road of a district ('' for Sejong's 시·군·구)
    Z <tab> postal code <tab> road|road|...               the roads of one postal zone
"""
from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "pipeline" / "road_names.tsv.gz"
HEADER = """\
# Korean road names by district and by postal zone, for checking OCR'd road names (pipeline/fields/addresses.py).
# Source: the 도로명주소 DB (Ministry of the Interior and Safety) as shipped by the kozip package 1.1.4 (MIT, 2021).
# Built by scripts/build_road_names.py; do not edit by hand.
"""


def main(source: Path) -> None:
    table = json.loads(source.read_text(encoding="utf-8"))
    districts: dict[tuple[str, str], set[str]] = defaultdict(set)
    zones: dict[str, set[str]] = defaultdict(set)
    for zone, sidos in table.items():
        for sido, sigungus in sidos.items():
            for sigungu, entries in sigungus.items():
                for entry in entries:  # "센텀중앙로 48|우동": the road, its building number, the legal dong
                    road = entry.split("|")[0].rsplit(" ", 1)[0]
                    districts[(sido, sigungu)].add(road)
                    zones[zone].add(road)
    lines = [f"D\t{sido}\t{sigungu}\t{'|'.join(sorted(roads))}" for (sido, sigungu), roads in sorted(districts.items())]
    lines += [f"Z\t{zone}\t{'|'.join(sorted(roads))}" for zone, roads in sorted(zones.items())]
    text = HEADER + "\n".join(lines) + "\n"
    OUT.write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    print(f"{OUT}: {len(districts)} districts, {sum(map(len, districts.values()))} roads, {len(zones)} zones")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
