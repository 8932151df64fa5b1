"""Invented but realistic data for the synthetic evidence: tracking numbers with their carriers' check digits,
Korean road-name addresses, names. No real person's data: names are made up and masked the way carriers mask them,
the addresses follow the road-name structure (시/도 시/군/구 road building-number) with invented numbers.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.model import KST

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


# ---- tracking numbers -----------------------------------------------------------------------------

def mod7_12(first11: str) -> str:
    """Lotte / Hanjin: 12 digits, the last is int(first 11) % 7."""
    assert len(first11) == 11 and first11.isdigit()
    return first11 + str(int(first11) % 7)


def dhl_10(first9: str) -> str:
    """DHL Express waybill: 10 digits, the last is int(first 9) % 7."""
    assert len(first9) == 9 and first9.isdigit()
    return first9 + str(int(first9) % 7)


def s10(service: str, serial8: str, country: str = "KR") -> str:
    """UPU S10 (EMS, registered mail): weights 8,6,4,2,3,5,9,7; check = 11 - sum % 11, 10 -> 0, 11 -> 5."""
    total = sum(int(d) * w for d, w in zip(serial8, S10_WEIGHTS))
    check = 11 - total % 11
    check = {10: 0, 11: 5}.get(check, check)
    return f"{service}{serial8}{check}{country}"


def fedex_12(first11: str) -> str:
    """FedEx Express 12 digits: weights 1,3,7 repeating from the right of the first 11; check = sum % 11 % 10.

    (Verified on published FedEx numbers such as 790535312317; see pipeline/fields/patterns/tracking.toml.)"""
    weights = (1, 3, 7)
    total = sum(int(d) * weights[i % 3] for i, d in enumerate(reversed(first11)))
    return first11 + str(total % 11 % 10)


def ups_1z(body15: str) -> str:
    """UPS 1Z: 1Z + 15 characters + a check digit (letters count as (ord - 63) % 10; odd positions x1, even x2)."""
    values = [int(c) if c.isdigit() else (ord(c) - 63) % 10 for c in body15]
    total = sum(v if i % 2 == 0 else 2 * v for i, v in enumerate(values))
    return "1Z" + body15 + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Tracking:
    value: str
    carrier: str
    checksum: str   # ok | none (the truth never holds a bad one unless a sample is about that)

    def truth(self) -> dict:
        return {"value": self.value, "carrier": self.carrier, "checksum": self.checksum}


def tracking_for(carrier: str, rng: random.Random) -> Tracking:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    if carrier == "cj":
        return Tracking(rng.choice(("6892", "6401", "5683")) + digits(8), "cj", "none")
    if carrier == "korea-post":
        return Tracking("60" + digits(11), "korea-post", "none")
    if carrier in ("hanjin", "lotte"):
        return Tracking(mod7_12(rng.choice(("4", "5", "3")) + digits(10)), carrier, "ok")
    if carrier == "logen":
        return Tracking(rng.choice(("3", "4")) + digits(10), "logen", "none")
    if carrier == "coupang":
        return Tracking("4" + digits(11), "coupang", "none")
    if carrier == "fedex":
        return Tracking(fedex_12(rng.choice(("7", "8")) + digits(10)), "fedex", "ok")
    if carrier == "dhl":
        return Tracking(dhl_10(digits(9)), "dhl", "ok")
    if carrier == "ups":
        body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(6)) + "03" + digits(7)
        return Tracking(ups_1z(body), "ups", "ok")
    if carrier == "ems":
        return Tracking(s10(rng.choice(("EE", "EM", "EB")), digits(8), rng.choice(("CN", "KR"))), "ems", "ok")
    raise ValueError(f"no tracking number format for carrier {carrier}")


# ---- addresses and people -------------------------------------------------------------------------

@dataclass(frozen=True)
class Address:
    road: str          # 시/도 시/군/구 road building-number: what a reader must find
    detail: str        # unit, printed after the road address
    postal_code: str   # 5-digit 우편번호 of the region

    @property
    def full(self) -> str:
        return f"{self.road}, {self.detail}"

    def truth(self) -> dict:
        return {"value": self.road, "postal_code": self.postal_code}


ADDRESSES = (
    Address("서울특별시 마포구 월드컵북로58길 17", "302호", "03921"),
    Address("경기도 성남시 분당구 정자일로 95", "101동 1203호", "13561"),
    Address("부산광역시 해운대구 센텀중앙로 48", "1507호", "48059"),
    Address("인천광역시 연수구 컨벤시아대로 81", "204동 801호", "21998"),
    Address("대구광역시 수성구 달구벌대로 2417", "3층", "42020"),
    Address("서울특별시 강서구 공항대로43길 9", "2층", "07631"),
    Address("경기도 고양시 일산동구 중앙로 1261", "105동 402호", "10401"),
    Address("대전광역시 유성구 대학로 76", "1102호", "34186"),
    Address("광주광역시 서구 상무중앙로 61", "701호", "61949"),
    Address("서울특별시 송파구 오금로 311", "203동 1504호", "05650"),
    Address("울산광역시 남구 삼산로 282", "5층", "44704"),
    Address("경기도 수원시 영통구 광교중앙로 140", "1806호", "16514"),
)

BUYERS = ("박서연", "이준호", "최지우", "정하늘", "한도윤", "윤서아", "강민재", "오예린", "임태윤", "송지아")
SENDER_KO = ("한빛글로벌(주)", "새벽빛리빙", "제이드리프코리아", "블루피크전자", "선웨이아웃도어", "럭키포펫")
PRODUCTS = (("스테인리스 보온 텀블러 500ml", "HB-TMB-500-SL"), ("무선 블루투스 이어폰 BX-20", "BP-BX20-BK"),
            ("캠핑용 접이식 의자", "SW-CHR-02-GN"), ("고양이 자동 급식기 3L", "LP-FDR-3L-WH"),
            ("실리콘 주방 조리도구 6종 세트", "NS-KIT-6P-GY"), ("여성 니트 가디건 프리사이즈", "HL-KNT-F-BE"))


def masked(name: str) -> str:
    """Carriers print a recipient as 김*수: first and last syllable only."""
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"


def masked_phone(rng: random.Random) -> str:
    return f"010-****-{rng.randrange(1000, 10000)}"


def order_id(rng: random.Random) -> str:
    return "3100" + "".join(rng.choice("0123456789") for _ in range(10))


@dataclass(frozen=True)
class Event:
    at: datetime
    location: str
    status: str


def shipment_events(delivered_at: datetime, lang: str, rng: random.Random) -> list[Event]:
    """A plausible scan history ending in delivery at `delivered_at` (KST)."""
    ko = [("인천GW", "상품인수"), ("곤지암Hub", "간선상차"), ("곤지암Hub", "간선하차"), ("{branch}", "배송출발"),
          ("{branch}", "배송완료")]
    en = [("Incheon Gateway", "Picked up"), ("Gonjiam Hub", "Departed facility"),
          ("Gonjiam Hub", "Arrived at facility"), ("{branch}", "Out for delivery"), ("{branch}", "Delivered")]
    branch = rng.choice(("서울마포", "성남분당", "부산해운대", "인천연수", "대구수성", "서울강서")) if lang == "ko" else \
        rng.choice(("Seoul Mapo", "Seongnam", "Busan Haeundae", "Incheon Yeonsu", "Daegu Suseong"))
    steps = ko if lang == "ko" else en
    offsets = (timedelta(days=2, hours=7, minutes=13), timedelta(days=1, hours=15, minutes=2),
               timedelta(hours=19, minutes=48), timedelta(hours=6, minutes=37), timedelta(0))
    events = []
    for (place, status), back in zip(steps, offsets):
        at = (delivered_at - back).replace(second=0, microsecond=0)
        events.append(Event(at, place.format(branch=branch), status))
    return events


def kst(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=KST)
