"""A benchmark corpus rendered by a real browser engine, not drawn by the kit the reader was tuned on.

    python bench/browser_corpus.py OUTDIR --seed N [--count 40] [--mix clock]   (--mix: a seed outside the splits)
    python bench/browser_corpus.py ROOT --split tuning|test      (one corpus per seed of the split, ROOT/seed-N/)

Each capture is one HTML page that draws the whole screen in CSS, rendered by Debian's headless Chromium
(`--screenshot`, a fresh profile, `--force-device-scale-factor` for 100/125/150 % display scaling): the browser's
own chrome (Chrome, Edge, Firefox, Safari, Whale; tabs whose titles are other hosts, a bookmarks bar of hosts, the
address bar in the browser's style, https shown or hidden), the operating system's clock (Windows 10/11 taskbars at
the bottom or the top, the macOS menu bar; ko/en/zh formats), phone captures (status bar, Safari, Chrome, in-app
browsers), light and dark themes, several fonts, and a carrier's tracking page (CJ, Korea Post, EMS, Hanjin, Lotte,
Logen, UPS, FedEx, DHL: their URL templates, event tables with one date-time column, separate date and time
columns, or day headers over time rows). Tracking numbers carry valid check digits, made by evpack's own check
(pipeline/fields/tracking.py) by trying each last digit, never by its reading code. Degradations: JPEG re-saves,
downscaling, a slight blur. Nothing here imports samples/.

Writes OUTDIR/truth.json (schema evpack.browser-corpus/1): per file the fields a perfect reader reports, in the
shape of `scan --json` (timestamps carry `role`: `capture` for the screen's clock, `event` otherwise; URLs carry
`address_bar` and `full`), `other_hosts` (hosts visible in tab titles and bookmarks: never the address bar) and
`variety` (browser, os, clock locale, theme, scale, font, device, layout, carrier, degradation).

Seeds: TUNING_SEEDS may be looked at and used to change the reader; TEST_SEEDS are measured once per change set and
never used to mend a rule. The phone mix's seeds (PHONE_TUNING_SEEDS, PHONE_TEST_SEEDS; `--mix phone`) render phone
captures, the Naver app's parcel card and phone photos of a monitor instead, dark at even odds. The clock mix's
seeds (CLOCK_TUNING_SEEDS, CLOCK_TEST_SEEDS; `--mix clock`) draw the browser mix's captures, then their clock and
page again: more Windows 10 and top taskbars, ko/en/zh clocks alike (zh also as `下午2:31`), Korean event times as
`2026년 03월 11일 15시 07분`, and pages without a screen clock that state the zone of their times (ZONE_WORDS): in a
notice over the table or a foot note under it (`以下时间均为北京时间（UTC+8）`, `时区：Asia/Shanghai`, `※ 아래 시간은 베이징
시간 기준입니다`, `All times are in UTC (GMT+0)`), in the time column's header (`(GMT+8)`, `(UTC+08:00)`, `(CST)`,
`[北京时间]`, `(ICT)`), in a zone column on every row (`GMT+8`/`GMT+9`, `CST`/`KST`, `Asia/Shanghai`/`Asia/Seoul`), or
as times local to each row's place (`현지 시간`, `Local Time`; places abroad named in the page's language: `중국 선전`,
`HO CHI MINH CITY - VIETNAM`), in Beijing, Hong Kong, Indochina or UTC time.
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import html
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageFilter  # noqa: E402

from pipeline.fields.tracking import validate_tracking  # noqa: E402

SCHEMA = "evpack.browser-corpus/1"
TUNING_SEEDS = (9001, 9002, 9003)
TEST_SEEDS = (9101, 9102, 9103)
SPLITS = {"tuning": TUNING_SEEDS, "test": TEST_SEEDS}
# The phone mix: phone captures of browsers, the Naver app's parcel card and phone photos of a monitor showing a
# desktop capture, dark themes at even odds (see PHONE_MIX_KINDS). Split the same way: tuning seeds may be studied,
# test seeds are measured once per change set.
PHONE_TUNING_SEEDS = (9201, 9202)
PHONE_TEST_SEEDS = (9301, 9302)
# The clock mix: the browser mix's captures with their clock and page drawn again (see draw_clock_capture).
CLOCK_TUNING_SEEDS = (9241, 9242)
CLOCK_TEST_SEEDS = (9341, 9342)
# The photo mix: the phone mix's photos of a monitor alone, for seeds outside every split (it has no split of its own:
# more photos to study than the phone mix's one capture in five).
MIXES = {"browser": SPLITS, "phone": {"tuning": PHONE_TUNING_SEEDS, "test": PHONE_TEST_SEEDS},
         "clock": {"tuning": CLOCK_TUNING_SEEDS, "test": CLOCK_TEST_SEEDS}, "photo": {"tuning": (), "test": ()}}
# What each capture of a phone-mix seed is, by its index modulo 5.
PHONE_MIX_KINDS = ("phone", "phone", "naver-app", "photo", "phone")
PHONE_MIX_DARK_SHARE = 0.5
# The Naver app's parcel card names these carriers by their Korean names.
NAVER_CARRIER_KEYS = ("cj", "korea-post", "hanjin", "lotte", "logen")
CHROMIUM = os.environ.get("EVPACK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio")
KST = timezone(timedelta(hours=9))
# The zone of each hub's wall clock, for pages whose times are local to the row's place.
HUB_ZONES = {"SHENZHEN - CHINA": "Asia/Shanghai", "HONG KONG - HK": "Asia/Hong_Kong",
             "ANCHORAGE, AK - US": "America/Anchorage"}
# How the clock mix's pages state the zone of their times, by where the statement stands: a notice above the table
# (`notice`), a foot note under it (`footnote`), the time column's header (`header`: its suffix), each with the words
# of several languages per zone; a zone column on every row (`row`: each row's zone as a pair of the origin's and
# Korea's words); times local to each row's place (`local`: the words that say so, in a column header or a notice,
# and the route's places in the page's language).
ZONE_WORDS = {
    "notice": {
        "Asia/Shanghai": ("以下时间均为北京时间（UTC+8）", "All times are shown in Beijing Time (GMT+8)",
                          "※ 조회 시간은 중국 표준시(UTC+08:00) 기준입니다", "时区：Asia/Shanghai",
                          "Times below are China Standard Time (CST)", "※ 아래 시간은 베이징 시간 기준입니다"),
        "Asia/Hong_Kong": ("All times are Hong Kong Time (HKT)", "以下時間均為香港時間（GMT+8）"),
        "Asia/Ho_Chi_Minh": ("All times shown in Indochina Time (UTC+7)", "Time zone: Asia/Ho_Chi_Minh"),
        "UTC": ("All times are in UTC (GMT+0)", "※ 모든 시간은 UTC+0 기준입니다"),
    },
    "footnote": {
        "Asia/Shanghai": ("* 以上时间均为北京时间", "* All times are Beijing time (UTC+8).",
                          "※ 위 시간은 중국 시간(GMT+8) 기준입니다.", "Time zone: China Standard Time"),
        "Asia/Ho_Chi_Minh": ("* Times are shown in GMT+7 (Asia/Ho_Chi_Minh).",),
        "UTC": ("* All times are Coordinated Universal Time (UTC).",),
    },
    "header": {
        "Asia/Shanghai": (" (GMT+8)", " (UTC+08:00)", " (CST)", " [北京时间]", " (Asia/Shanghai)", " GMT+08:00"),
        "Asia/Hong_Kong": (" (HKT)", " (GMT+8)"),
        "Asia/Ho_Chi_Minh": (" (GMT+7)", " (ICT)"),
        "UTC": (" (UTC)", " (GMT+0)"),
    },
}
ZONE_ODDS = (("Asia/Shanghai", 6), ("Asia/Hong_Kong", 1), ("Asia/Ho_Chi_Minh", 1), ("UTC", 1))
ROW_ZONE_WORDS = (("GMT+8", "GMT+9"), ("UTC+08:00", "UTC+09:00"), ("CST", "KST"), ("Asia/Shanghai", "Asia/Seoul"),
                  ("(GMT+08:00)", "(GMT+09:00)"))
ROW_ZONE_HEAD = {"ko": "시간대", "en": "Time zone", "zh": "时区"}
LOCAL_WORDS = {"ko": (" (현지 시간)", "(현지시간)", " 현지시간"), "en": (" (Local time)", " - Local Time", " (local time)")}
LOCAL_NOTICES = {"ko": ("※ 처리일시는 각 처리장소의 현지 시간입니다", "※ 해외 구간은 현지시간 기준입니다"),
                 "en": ("All times are local time at the scan location.", "Times shown are in local time.")}
# A route's places abroad, as a page of each language names them, with their zones; Korea's last legs keep the
# carrier's own hubs.
ROUTE_PLACES = {
    "ko": (("중국 선전", "Asia/Shanghai"), ("中国 深圳", "Asia/Shanghai"), ("상하이 국제우편센터(중국)", "Asia/Shanghai"),
           ("홍콩", "Asia/Hong_Kong"), ("중국 광저우", "Asia/Shanghai"), ("베트남 호치민", "Asia/Ho_Chi_Minh")),
    "en": (("SHENZHEN - CHINA", "Asia/Shanghai"), ("Shanghai, China", "Asia/Shanghai"),
           ("HONG KONG - HK", "Asia/Hong_Kong"), ("GUANGZHOU, CHINA MAINLAND", "Asia/Shanghai"),
           ("ANCHORAGE, AK - US", "America/Anchorage"), ("HO CHI MINH CITY - VIETNAM", "Asia/Ho_Chi_Minh")),
}
KOREA_PLACES_EN = ("INCHEON - KOREA, REPUBLIC OF", "SEOUL - KOREA", "GIMPO-SI, KR")
ROAD_NAMES = ROOT / "pipeline" / "fields" / "road_names.tsv.gz"

# ---- carriers ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Carrier:
    key: str           # evpack's carrier id
    brand: str
    colour: str
    url: str           # the tracking page's URL, {n} the number
    title: str         # the tab title
    lang: str          # ko | en
    label: str         # what heads the number
    layouts: tuple[str, ...]  # event tables this carrier's site uses: datetime | split | days
    shape: str         # digits:N | prefix:P:N | ups | s10


CARRIERS = (
    Carrier("cj", "CJ대한통운", "#0b3d91", "https://trace.cjlogistics.com/next/tracking.html?wblNo={n}",
            "CJ대한통운 - 배송조회", "ko", "운송장번호", ("datetime", "split"), "prefix:56:12"),
    Carrier("korea-post", "우체국택배", "#e2231a",
            "https://service.epost.go.kr/trace.RetrieveDomRigiTraceList.comm?sid1={n}", "우체국 - 배송조회", "ko",
            "등기번호", ("split", "datetime"), "prefix:6:13"),
    Carrier("ems", "EMS 국제우편", "#005bac",
            "https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={n}", "EMS 조회 | 우체국",
            "ko", "우편물번호", ("split", "datetime"), "s10"),
    Carrier("hanjin", "한진택배", "#00408f",
            "https://www.hanjin.com/kor/CMS/DeliveryMgr/WaybillResult.do?mCode=MN038&wblnum={n}&schLang=KR",
            "한진택배 | 배송조회", "ko", "운송장번호", ("datetime", "days"), "mod7:45"),
    Carrier("lotte", "롯데글로벌로지스", "#da291c", "https://www.lotteglogis.com/home/reservation/tracking/linkView?InvNo={n}",
            "롯데택배 배송조회", "ko", "송장번호", ("split", "datetime"), "mod7:23"),
    Carrier("logen", "로젠택배", "#00963f", "https://www.ilogen.com/web/personal/trace/{n}", "로젠택배 화물추적", "ko",
            "송장번호", ("datetime", "split"), "prefix:34:11"),
    Carrier("ups", "UPS", "#351c15", "https://www.ups.com/track?loc=ko_KR&tracknum={n}&requester=WT/trackdetails",
            "UPS 추적 정보", "en", "Tracking Number", ("days", "split"), "ups"),
    Carrier("fedex", "FedEx", "#4d148c", "https://www.fedex.com/fedextrack/?trknbr={n}", "FedEx Tracking", "en",
            "TRACKING ID", ("days", "datetime"), "fedex"),
    Carrier("dhl", "DHL Express", "#d40511",
            "https://www.dhl.com/kr-ko/home/tracking/tracking-express.html?submit=1&tracking-id={n}",
            "Tracking | DHL", "en", "Waybill", ("days", "split"), "mod7:1234567"),
)

OTHER_HOSTS = ("1688.com", "sell.smartstore.naver.com", "papago.naver.com", "wing.coupang.com", "www.taobao.com",
               "translate.google.com", "mail.naver.com", "partner.coupang.com")
BOOKMARK_WORDS = ("쿠팡 Wing", "Gmail", "번역", "YouTube", "네이버", "百度", "알리바바")
HUBS_KO = ("곤지암Hub", "대전Hub", "옥천HUB", "청원Sub", "인천GW", "부천1Hub", "동서울터미널", "군포Hub")
HUBS_EN = ("INCHEON - KOREA, REPUBLIC OF", "SEOUL - KOREA", "SHENZHEN - CHINA", "HONG KONG - HK",
           "ANCHORAGE, AK - US", "GIMPO-SI, KR")
STATUS_KO = ("집화처리", "간선상차", "간선하차", "배송출발", "배송완료")
STATUS_EN = ("Shipment picked up", "Departed from facility", "Arrived at facility", "Out for delivery", "Delivered")
WEEK_KO = "월화수목금토일"
WEEK_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEK_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEK_EN_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
FONTS = ("'Noto Sans CJK KR'", "'NanumGothic'", "'NanumBarunGothic'", "'NanumSquare'", "'WenQuanYi Zen Hei'",
         "'DejaVu Sans', 'NanumGothic'")
UI_FONTS = ("'Noto Sans CJK KR'", "'DejaVu Sans', 'Noto Sans CJK KR'", "'NanumGothic'")
DESKTOP_SIZES = ((1366, 768), (1536, 864), (1600, 900), (1920, 1080))
SCALES = (1.0, 1.25, 1.5)


# ---- truth --------------------------------------------------------------------------------------------------------

@dataclass
class Truth:
    """What a perfect reader finds in one capture. Each value is recorded with the HTML element that shows it
    (`data-truth`); after rendering, only values whose element lies wholly inside the screen and its clipping boxes
    are kept, as Chromium laid them out (a table row below the fold is not truth)."""

    tracking_numbers: list[dict] = field(default_factory=list)
    timestamps: list[dict] = field(default_factory=list)
    urls: list[dict] = field(default_factory=list)
    korean_addresses: list[dict] = field(default_factory=list)
    other_hosts: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    variety: dict = field(default_factory=dict)
    pending: dict = field(default_factory=dict)  # key -> [(list name, entry)]

    def mark(self, kind: str, entry) -> str:
        """Record `entry` under `kind` for the element this attribute goes on: `data-truth="tN"`."""
        key = f"t{len(self.pending)}"
        self.pending[key] = (kind, entry)
        return f' data-truth="{key}"'

    def timestamp(self, text: str, at: datetime, role: str) -> str:
        return self.mark("timestamps", {"text": text, "value": at.isoformat(), "role": role})

    def keep(self, visible: set[str]) -> None:
        """Keep the values whose elements were visible in the rendered page."""
        for key, (kind, entry) in self.pending.items():
            if key not in visible:
                continue
            found = getattr(self, kind)
            if kind == "timestamps" and entry["value"] in {t["value"] for t in found}:
                continue
            if kind == "other_hosts" or entry not in found:
                found.append(entry)

    def fields(self) -> dict:
        return {"tracking_numbers": self.tracking_numbers, "timestamps": self.timestamps, "urls": self.urls,
                "korean_addresses": self.korean_addresses}


# ---- made-up but valid values -------------------------------------------------------------------------------------

def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def with_check_digit(body: str, carrier: str, rng: random.Random, tail: str = "") -> str:
    """`body` + the one check digit (+ `tail`) that evpack's check accepts for `carrier`: made by trying each."""
    for d in rng.sample("0123456789", 10):
        value = body + d + tail
        if validate_tracking(value, carrier)[1] == "ok":  # EMS from Korea: evpack names it korea-post
            return value
    raise ValueError(f"no check digit verifies {body}…{tail} for {carrier}")


def tracking_number(carrier: Carrier, rng: random.Random) -> tuple[str, str]:
    """A number of the carrier's format and its checksum status ("ok" or "none")."""
    kind, *rest = carrier.shape.split(":")
    if kind == "prefix":
        first, length = rest[0], int(rest[1])
        return rng.choice(first) + digits(rng, length - 1), "none"
    if kind == "mod7":
        return with_check_digit(rng.choice(rest[0]) + digits(rng, 10 if carrier.key != "dhl" else 8), carrier.key,
                                rng), "ok"
    if kind == "fedex":
        return with_check_digit(rng.choice("78") + digits(rng, 10), "fedex", rng), "ok"
    if kind == "ups":
        shipper = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(6))
        return with_check_digit("1Z" + shipper + rng.choice(("03", "66", "90")) + digits(rng, 7), "ups", rng), "ok"
    if kind == "s10":
        return with_check_digit(rng.choice(("EE", "EM", "EB", "LP")) + digits(rng, 8), "ems", rng,
                                rng.choice(("CN", "KR"))), "ok"
    raise ValueError(carrier.shape)


def shown_number(value: str, carrier: Carrier, rng: random.Random) -> str:
    """How the site prints it: Hanjin and CJ sometimes in groups of four."""
    if carrier.key in ("hanjin", "cj") and len(value) == 12 and rng.random() < 0.4:
        return "-".join(value[i:i + 4] for i in range(0, 12, 4))
    return value


def korean_address(rng: random.Random) -> tuple[str, str]:
    """A road-name address of the national list (시·도 시·군·구 road number) and a postal code listing that road."""
    table = _road_table()
    sido, sigungu, roads = rng.choice(table["districts"])
    road = rng.choice([r for r in roads if 2 <= len(r) <= 8] or roads)
    zips = table["zips"].get(road, ["0" + digits(rng, 4)])
    return f"{sido} {sigungu} {road} {rng.randint(1, 320)}", rng.choice(zips)


_ROADS: dict = {}


def _road_table() -> dict:
    if not _ROADS:
        districts, zips = [], {}
        with gzip.open(ROAD_NAMES, "rt", encoding="utf-8") as fh:
            for line in fh:
                cells = line.rstrip("\n").split("\t")
                if cells[0] == "D" and cells[1] in ("서울특별시", "경기도", "부산광역시", "인천광역시", "대구광역시",
                                                    "광주광역시", "대전광역시", "울산광역시"):
                    districts.append((cells[1], cells[2], cells[3].split("|")))
                elif cells[0] == "Z":
                    for road in cells[2].split("|"):
                        zips.setdefault(road, []).append(cells[1])
        _ROADS.update(districts=sorted(districts), zips=zips)
    return _ROADS


# ---- date and time as each locale prints them ---------------------------------------------------------------------

def hour12(at: datetime) -> int:
    return at.hour % 12 or 12


def ko_ampm(at: datetime) -> str:
    return "오후" if at.hour >= 12 else "오전"


def clock_lines(at: datetime, locale: str, form: str = "") -> tuple[str, str]:
    """A Windows taskbar clock: the time line over the date line (`form` "zh12": a zh clock's 12-hour time)."""
    if form == "zh12":
        return f"{'下午' if at.hour >= 12 else '上午'}{hour12(at)}:{at.minute:02d}", f"{at.year}/{at.month}/{at.day}"
    if locale == "ko":
        return f"{ko_ampm(at)} {hour12(at)}:{at.minute:02d}", at.strftime("%Y-%m-%d")
    if locale == "en":
        return f"{hour12(at)}:{at.minute:02d} {'PM' if at.hour >= 12 else 'AM'}", f"{at.month}/{at.day}/{at.year}"
    return f"{at.hour}:{at.minute:02d}", f"{at.year}/{at.month}/{at.day}"


def mac_clock(at: datetime, locale: str) -> str:
    """The macOS menu bar's date and time (the year is not shown)."""
    if locale == "ko":
        return f"{at.month}월 {at.day}일 ({WEEK_KO[at.weekday()]}) {ko_ampm(at)} {hour12(at)}:{at.minute:02d}"
    if locale == "en":
        return f"{WEEK_EN[at.weekday()]} {MONTHS_EN[at.month - 1][:3]} {at.day}  {hour12(at)}:{at.minute:02d} " \
               f"{'PM' if at.hour >= 12 else 'AM'}"
    return f"{at.month}月{at.day}日 {WEEK_ZH[at.weekday()]} {at.hour:02d}:{at.minute:02d}"


def event_texts(at: datetime, carrier: Carrier, style: int) -> tuple[str, str, str, datetime]:
    """(date-time in one cell, date cell, time cell, the instant as shown) in one of a carrier site's styles
    (style 3, the clock mix's: `2026년 03월 11일 15시 07분`)."""
    if style == 3 and carrier.lang == "ko":
        date, time = f"{at.year}년 {at.month:02d}월 {at.day:02d}일", f"{at.hour:02d}시 {at.minute:02d}분"
        return f"{date} {time}", date, time, at.replace(second=0)
    if carrier.lang == "en":
        date = (f"{at.month:02d}/{at.day:02d}/{at.year}", f"{at.year}-{at.month:02d}-{at.day:02d}",
                f"{MONTHS_EN[at.month - 1][:3]} {at.day}, {at.year}")[style % 3]
        time = f"{hour12(at)}:{at.minute:02d} {'PM' if at.hour >= 12 else 'AM'}" if style == 2 \
            else f"{at.hour:02d}:{at.minute:02d}"
        return f"{date} {time}", date, time, at.replace(second=0)
    date = (at.strftime("%Y-%m-%d"), at.strftime("%Y.%m.%d"), at.strftime("%Y/%m/%d"))[style % 3]
    seconds = style == 1
    time = f"{at.hour:02d}:{at.minute:02d}" + (f":{at.second:02d}" if seconds else "")
    return f"{date} {time}", date, time, at if seconds else at.replace(second=0)


def day_header(at: datetime, carrier: Carrier, style: int) -> str:
    if carrier.lang == "en":
        return (f"{WEEK_EN_LONG[at.weekday()]}, {MONTHS_EN[at.month - 1]} {at.day}, {at.year}",
                f"{WEEK_EN_LONG[at.weekday()]}, {at.month}/{at.day}/{at.year}")[style % 2]
    return (f"{at.year}.{at.month:02d}.{at.day:02d} ({WEEK_KO[at.weekday()]})",
            f"{at.year}년 {at.month}월 {at.day}일 {WEEK_KO[at.weekday()]}요일")[style % 2]


def day_row_time(at: datetime, carrier: Carrier, style: int) -> str:
    if carrier.lang == "en":
        return f"{hour12(at)}:{at.minute:02d} {'PM' if at.hour >= 12 else 'AM'}" if style % 2 == 0 \
            else f"{at.hour:02d}:{at.minute:02d}"
    return f"{at.hour:02d}:{at.minute:02d}"


# ---- a capture: what is drawn ---------------------------------------------------------------------------------------

@dataclass
class Capture:
    carrier: Carrier
    number: str
    checksum: str
    shown_number: str
    url: str
    events: list[tuple[datetime, str, str]]
    address: tuple[str, str] | None
    seen: datetime
    browser: str       # chrome | edge | firefox | safari | whale | ios-safari | android-chrome | in-app | naver-app
    os: str            # win11 | win10 | mac | none | ios | android
    clock_locale: str  # ko | en | zh
    taskbar_top: bool
    dark: bool
    page_dark: bool
    scale: float
    size: tuple[int, int]  # CSS px of the screen
    font: str
    ui_font: str
    font_px: int
    layout: str        # datetime | split | days
    style: int
    show_scheme: bool
    bookmarks: list[str]
    tabs: list[str]
    device: str        # desktop | window | phone
    clock_form: str = ""  # "" the locale's usual clock; zh12: a zh clock's 下午2:31
    zone_cue: str = ""    # "" times in KST; where the page states its zone (ZONE_WORDS): notice | footnote |
    #                       header; row (a zone column); local (each row's place's)
    zone: str = ""        # the IANA zone the page states (notice, footnote, header)
    zone_words: str = ""  # the words that state it (row: the origin's and Korea's, "|"-joined)
    places: dict = field(default_factory=dict)  # an event row's place -> its zone (row, local)


def draw_capture(rng: random.Random, phone: bool, dark_share: float = 0.3,
                 carriers: tuple[Carrier, ...] = CARRIERS) -> Capture:
    carrier = rng.choice(carriers)
    number, checksum = tracking_number(carrier, rng)
    delivered = datetime(2026, 3, rng.randint(2, 14), rng.randint(9, 20), rng.randint(0, 59), tzinfo=KST)
    steps = rng.randint(4, 7)
    at, events = delivered, []
    for i in range(steps):
        status = (STATUS_KO if carrier.lang == "ko" else STATUS_EN)[max(0, 4 - i)]
        place = rng.choice(HUBS_KO if carrier.lang == "ko" else HUBS_EN)
        events.append((at.replace(second=rng.randint(0, 59)), status, place))
        at -= timedelta(hours=rng.randint(2, 20), minutes=rng.randint(0, 59))
    events.reverse()
    seen = delivered + timedelta(days=rng.randint(0, 3), hours=rng.randint(1, 6), minutes=rng.randint(0, 59))
    address = korean_address(rng) if carrier.lang == "ko" or rng.random() < 0.2 else None
    layout = rng.choice(carrier.layouts)
    font = rng.choice(FONTS)
    locale = rng.choice(("ko", "ko", "ko", "en", "zh"))
    if phone:
        browser = rng.choice(("ios-safari", "android-chrome", "in-app"))
        os_name = "ios" if browser == "ios-safari" or (browser == "in-app" and rng.random() < 0.5) else "android"
        size, scale, device = rng.choice(((390, 844), (412, 915), (360, 800))), rng.choice((2.0, 2.5)), "phone"
        taskbar_top = False
    else:
        browser = rng.choice(("chrome", "chrome", "edge", "firefox", "safari", "whale"))
        os_name = "mac" if browser == "safari" else rng.choice(("win11", "win11", "win10", "mac"))
        physical = rng.choice(DESKTOP_SIZES)
        scale = rng.choice([s for s in SCALES if physical[0] / s >= 1200] or [1.0])
        size = (round(physical[0] / scale), round(physical[1] / scale))
        device = "window" if rng.random() < 0.12 else "desktop"
        taskbar_top = os_name.startswith("win") and rng.random() < 0.15
    dark = rng.random() < dark_share
    return Capture(
        carrier=carrier, number=number, checksum=checksum, shown_number=shown_number(number, carrier, rng),
        url=carrier.url.format(n=number), events=events, address=address, seen=seen, browser=browser, os=os_name,
        clock_locale=locale, taskbar_top=taskbar_top, dark=dark, page_dark=dark and rng.random() < 0.5,
        scale=scale, size=size, font=font, ui_font=rng.choice(UI_FONTS), font_px=rng.randint(13, 16),
        layout=layout, style=rng.randrange(3), show_scheme=rng.random() < 0.35,
        bookmarks=rng.sample(OTHER_HOSTS, 3) + rng.sample(BOOKMARK_WORDS, 2) if rng.random() < 0.7 else [],
        tabs=rng.sample(OTHER_HOSTS, rng.randint(1, 3)), device=device)


def draw_clock_capture(rng: random.Random, phone: bool) -> Capture:
    """A capture of the clock mix: draw_capture's, then the clock, its locale and the page's zone drawn again."""
    cap = draw_capture(rng, phone)
    if not phone:
        cap.device = "window" if rng.random() < 0.25 else "desktop"
        cap.os = "mac" if cap.browser == "safari" else rng.choice(("win11", "win10", "win10", "mac"))
        cap.taskbar_top = cap.os.startswith("win") and rng.random() < 0.4
    cap.clock_locale = rng.choice(("ko", "en", "zh"))
    cap.clock_form = "zh12" if cap.clock_locale == "zh" and cap.os.startswith("win") and rng.random() < 0.5 else ""
    if cap.carrier.lang == "ko" and rng.random() < 0.35:
        cap.style = 3
    # A page that states its zone shows no screen clock: a page's notice speaks for the page, not for the OS clock.
    if cap.device != "desktop" and rng.random() < 0.75:
        state_zone(cap, rng)
    return cap


def state_zone(cap: Capture, rng: random.Random) -> None:
    """Make `cap`'s page state the zone of its times (ZONE_WORDS): where, in which words, and for `row` and `local`
    a route whose first legs are abroad (ROUTE_PLACES) and whose last are in Korea."""
    lang = cap.carrier.lang
    cap.zone_cue = rng.choice(("notice", "notice", "footnote", "header", "header", "row", "local"))
    if cap.zone_cue in ("row", "local"):
        abroad = rng.randint(1, max(1, len(cap.events) - 2))
        korea = HUBS_KO if lang == "ko" else KOREA_PLACES_EN
        origin = [p for p in ROUTE_PLACES[lang] if p[1] != "America/Anchorage" or cap.zone_cue == "local"]
        if cap.zone_cue == "row":
            origin = [p for p in origin if p[1] == "Asia/Shanghai"]
        legs = [rng.choice(origin) for _ in range(abroad)] + [(rng.choice(korea), "Asia/Seoul")
                                                               for _ in range(len(cap.events) - abroad)]
        cap.events = [(at, status, place) for (at, status, _), (place, _) in zip(cap.events, legs)]
        cap.places = dict(legs)
        cap.zone_words = ("|".join(rng.choice(ROW_ZONE_WORDS)) if cap.zone_cue == "row"
                          else rng.choice(LOCAL_WORDS[lang] + LOCAL_NOTICES[lang]))
        return
    zones = [(zone, odds) for zone, odds in ZONE_ODDS if zone in ZONE_WORDS[cap.zone_cue]]
    cap.zone = rng.choices([z for z, _ in zones], [o for _, o in zones])[0]
    cap.zone_words = rng.choice(ZONE_WORDS[cap.zone_cue][cap.zone])


# ---- HTML ---------------------------------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=True)


def esc_han(text: str) -> str:
    """`text` escaped, in a Chinese font where it holds Han characters: some Korean fonts (NanumSquare) carry empty
    glyphs for most of them, which no fallback replaces (`以上时间均为北京时间` drawn as `时间 为 时间`)."""
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return esc(text)
    return f"<span style=\"font-family:'Noto Sans CJK SC'\">{esc(text)}</span>"


def host_of(url: str) -> str:
    return url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0]


def bar_display(cap: Capture) -> str:
    """The URL as the browser's address bar shows it (None of the https:// where the browser hides it)."""
    if cap.browser in ("safari", "ios-safari", "android-chrome", "in-app"):
        return host_of(cap.url).removeprefix("www.")
    return cap.url if cap.show_scheme else cap.url.split("://", 1)[1]


def record_bar(cap: Capture, truth: Truth) -> str:
    """The address bar's URL with the scheme (as evpack reports URLs), `shown` as the bar shows it."""
    shown = bar_display(cap)
    value = shown if "://" in shown else "https://" + shown
    return truth.mark("urls", {"value": value, "host": host_of(value), "address_bar": True,
                               "full": "/" in shown.split("://")[-1], "shown": shown})


def lock_svg(colour: str, size: int = 12) -> str:
    return (f'<svg width="{size}" height="{size}" viewBox="0 0 12 12" style="flex:none">'
            f'<path d="M3.5 5V3.6a2.5 2.5 0 0 1 5 0V5" stroke="{colour}" stroke-width="1.3" fill="none"/>'
            f'<rect x="2" y="5" width="8" height="6" rx="1.2" fill="{colour}"/></svg>')


def icon(colour: str, size: int = 14, letter: str = "") -> str:
    return (f'<span style="display:inline-flex;align-items:center;justify-content:center;width:{size}px;'
            f'height:{size}px;border-radius:3px;background:{colour};color:#fff;font-size:{size - 4}px;'
            f'flex:none">{esc(letter)}</span>')


FAVICON_COLOURS = ("#ff6a00", "#03c75a", "#1a73e8", "#e52d27", "#00b2ff", "#7b3fe4")


def browser_chrome(cap: Capture, truth: Truth, rng: random.Random) -> str:
    """The window's tab strip, toolbar with the address bar, and the bookmarks bar."""
    dark = cap.dark
    ink, muted = ("#e8eaed", "#9aa0a6") if dark else ("#202124", "#5f6368")
    strip, tab_bg, field_bg = {
        "chrome": (("#202124", "#35363a", "#202124"), ("#dee1e6", "#ffffff", "#f1f3f4")),
        "edge": (("#1f1f1f", "#2b2b2b", "#1f1f1f"), ("#f7f7f7", "#ffffff", "#f3f3f3")),
        "firefox": (("#1c1b22", "#42414d", "#1c1b22"), ("#f0f0f4", "#ffffff", "#ffffff")),
        "safari": (("#2c2c2e", "#3a3a3c", "#1c1c1e"), ("#e8e8e8", "#f6f6f6", "#ffffff")),
        "whale": (("#202124", "#303134", "#202124"), ("#eef1f5", "#ffffff", "#f2f4f7")),
    }[cap.browser][0 if dark else 1]
    bar_mark = record_bar(cap, truth)
    tab_titles = [cap.carrier.title] + cap.tabs
    tabs_html = []
    for i, title in enumerate(tab_titles):
        active = i == 0
        bg = tab_bg if active else "transparent"
        fav = icon(cap.carrier.colour if active else FAVICON_COLOURS[i % len(FAVICON_COLOURS)], 14,
                   (cap.carrier.brand if active else title)[:1].upper())
        tabs_html.append(
            f'<div style="display:flex;align-items:center;gap:8px;width:200px;height:100%;padding:0 10px;'
            f'background:{bg};border-radius:8px 8px 0 0;color:{ink if active else muted};font-size:12px;'
            f'white-space:nowrap;overflow:hidden">{fav}<span style="overflow:hidden;text-overflow:ellipsis"'
            f'{truth.mark("other_hosts", title) if i else ""}>{esc(title)}</span>'
            f'<span style="margin-left:auto;color:{muted}">✕</span></div>')
    lights = ('<div style="display:flex;gap:8px;padding:0 14px 0 12px;align-items:center">'
              + "".join(f'<span style="width:12px;height:12px;border-radius:6px;background:{c}"></span>'
                        for c in ("#ff5f57", "#febc2e", "#28c840")) + "</div>") if cap.os == "mac" else ""
    window_buttons = "" if cap.os == "mac" else (
        f'<div style="margin-left:auto;display:flex;gap:30px;padding:0 16px;color:{ink};font-size:13px">'
        '<span>—</span><span>☐</span><span>✕</span></div>')
    shown = bar_display(cap)
    scheme, _, rest = shown.rpartition("://")
    host, slash, path = rest.partition("/")
    if cap.browser == "firefox" or cap.browser == "edge":
        url_html = (f'<span style="color:{muted}">{esc(scheme + "://") if scheme else ""}</span>'
                    f'<span style="color:{ink}">{esc(host)}</span>'
                    f'<span style="color:{muted if cap.browser == "firefox" else ink}">{esc(slash + path)}</span>')
    elif cap.browser == "safari":
        url_html = f'<span style="color:{ink};margin:0 auto">{esc(shown)}</span>'
    else:
        url_html = (f'<span style="color:{ink}">{esc(scheme + "://" if scheme else "")}{esc(host)}</span>'
                    f'<span style="color:{muted}">{esc(slash + path)}</span>')
    radius = {"chrome": 16, "edge": 6, "firefox": 4, "safari": 8, "whale": 16}[cap.browser]
    nav = (f'<div style="display:flex;gap:18px;padding:0 14px;color:{ink};font-size:16px">'
           f'<span>←</span><span style="color:{muted}">→</span><span>↻</span></div>')
    addr = (f'<div style="flex:1;display:flex;align-items:center;gap:10px;height:30px;padding:0 14px;'
            f'background:{field_bg};border-radius:{radius}px;font-size:14px;white-space:nowrap;overflow:hidden;'
            f'{"border:1px solid #8f8f9d55;" if cap.browser == "firefox" else ""}">'
            f'{lock_svg(muted)}<span style="display:flex;overflow:hidden"{bar_mark}>{url_html}</span></div>')
    tools = (f'<div style="display:flex;gap:16px;padding:0 14px;color:{muted};font-size:15px">'
             '<span>☆</span><span>⋮</span></div>')
    if cap.browser == "safari":
        bar = (f'<div style="display:flex;align-items:center;height:52px;background:{strip}">{lights}{nav}'
               f'<div style="flex:1;display:flex;justify-content:center"><div style="width:55%;display:flex">{addr}'
               f'</div></div>{tools}</div>'
               f'<div style="display:flex;height:28px;background:{strip};border-top:1px solid #0002">'
               + "".join(tabs_html) + "</div>")
    else:
        bar = (f'<div style="display:flex;align-items:flex-end;height:38px;background:{strip};padding-left:8px">'
               f'{lights}{"".join(tabs_html)}<span style="color:{muted};padding:0 12px 8px">+</span>'
               f'{window_buttons}</div>'
               f'<div style="display:flex;align-items:center;height:44px;background:{tab_bg}">{nav}{addr}{tools}</div>')
    if cap.bookmarks:
        items = "".join(
            f'<span style="display:inline-flex;align-items:center;gap:6px;margin-right:18px">'
            f'{icon(FAVICON_COLOURS[i % len(FAVICON_COLOURS)], 14, b[:1].upper())}'
            f'<span{truth.mark("other_hosts", b) if "." in b else ""}>{esc(b)}</span></span>'
            for i, b in enumerate(cap.bookmarks))
        bar += (f'<div style="display:flex;align-items:center;height:30px;padding:0 12px;background:{tab_bg};'
                f'color:{ink};font-size:12px;border-bottom:1px solid {"#3c4043" if dark else "#dadce0"}">'
                f'{items}</div>')
    return f'<div style="font-family:{cap.ui_font}">{bar}</div>'


def taskbar(cap: Capture, truth: Truth) -> str:
    """A Windows 10/11 taskbar with its clock (the capture's timestamp)."""
    time_line, date_line = clock_lines(cap.seen, cap.clock_locale, cap.clock_form)
    mark = truth.timestamp(f"{time_line} {date_line}", cap.seen, "capture")
    win11 = cap.os == "win11"
    dark = cap.dark or (not win11 and cap.style != 1)
    bg, ink = ("#202020", "#ffffff") if dark else ("#eef0f4", "#1a1a1a")
    height = 48 if win11 else 40
    ime = {"ko": "한", "en": "ENG", "zh": "中"}[cap.clock_locale]
    apps = "".join(icon(c, 24) for c in ("#0078d4", "#f3b200", "#1a73e8", "#00a4ef", "#2e7d32"))
    search = {"ko": "검색하려면 여기에 입력하십시오.", "en": "Type here to search", "zh": "在这里输入你要搜索的内容"}
    left = (f'<div style="flex:1;display:flex;justify-content:center;gap:14px">{icon("#0067c0", 24)}{apps}</div>'
            if win11 else
            f'<div style="flex:1;display:flex;align-items:center;gap:14px;padding-left:10px">{icon("#ffffff33", 22)}'
            f'<div style="width:300px;height:32px;background:{"#3a3a3a" if dark else "#ffffff"};color:#888;'
            f'display:flex;align-items:center;padding-left:12px;font-size:12px">{esc(search[cap.clock_locale])}'
            f'</div>{apps}</div>')
    align = "right" if not win11 else "right"
    return (f'<div style="display:flex;align-items:center;height:{height}px;background:{bg};color:{ink};'
            f'font-family:{cap.ui_font};font-size:12px;flex:none">{left}'
            f'<div style="display:flex;align-items:center;gap:14px;padding:0 12px">'
            f'<span>^</span><span>{ime}</span>'
            f'<div style="text-align:{align};line-height:17px"{mark}>{esc(time_line)}<br>{esc(date_line)}</div>'
            f'<span style="width:4px;height:{height - 8}px;border-left:1px solid {ink}44"></span></div></div>')


def mac_menu_bar(cap: Capture, truth: Truth) -> str:
    text = mac_clock(cap.seen, cap.clock_locale)
    mark = truth.timestamp(text, cap.seen, "capture")
    app = {"chrome": "Chrome", "edge": "Microsoft Edge", "firefox": "Firefox", "safari": "Safari",
           "whale": "Whale"}[cap.browser]
    menus = {"ko": "파일 편집 보기 방문 기록 책갈피 윈도우 도움말", "en": "File Edit View History Bookmarks Window Help",
             "zh": "文件 编辑 显示 历史记录 书签 窗口 帮助"}[cap.clock_locale]
    bg, ink = ("#1e1e1e", "#ffffff") if cap.dark else ("#e9e9ee", "#111111")
    return (f'<div style="display:flex;align-items:center;gap:18px;height:25px;padding:0 12px;background:{bg};'
            f'color:{ink};font-family:{cap.ui_font};font-size:13px;flex:none"><span>●</span><b>{esc(app)}</b>'
            f'<span>{esc(menus)}</span><span style="margin-left:auto">◔ ◐ ◇</span><span{mark}>{esc(text)}</span></div>')


def shown_at(cap: Capture, at: datetime, place: str) -> datetime:
    """An event's instant on the page's wall clock: in the zone the page states, in the row's place's where its
    times are local or each row names its zone, else as drawn (KST)."""
    if cap.zone:
        return at.astimezone(ZoneInfo(cap.zone))
    if cap.zone_cue in ("row", "local"):
        return at.astimezone(ZoneInfo(cap.places.get(place) or HUB_ZONES.get(place, "Asia/Seoul")))
    return at


def row_zone(cap: Capture, place: str) -> str:
    """The zone column's cell of a row at `place` (a page whose rows name their zone): the origin's words abroad,
    Korea's at home."""
    origin, home = cap.zone_words.split("|")
    return home if cap.places.get(place, "Asia/Seoul") == "Asia/Seoul" else origin


def page_html(cap: Capture, truth: Truth, rng: random.Random, narrow: bool = False) -> str:
    """The carrier's tracking page: brand header, number, status summary, recipient, event table."""
    c = cap.carrier
    dark = cap.page_dark
    bg, fg, line, panel = (("#121212", "#e6e6e6", "#3a3a3a", "#1e1e1e") if dark
                           else ("#ffffff", "#222222", "#dddddd", "#f5f6f8"))
    carrier = validate_tracking(cap.number, c.key)[0]
    number_mark = truth.mark("tracking_numbers", {"value": cap.number, "carrier": carrier, "checksum": cap.checksum})
    ko = c.lang == "ko"
    events = [(shown_at(cap, at, place), st, place) for at, st, place in cap.events]
    status = events[-1][1]
    delivered_at = events[-1][0]
    summary_time, _, _, summary_at = event_texts(delivered_at, c, cap.style)
    summary_mark = truth.timestamp(summary_time, summary_at, "event")
    rows, marks = [], []  # marks[i]: the data-truth attribute of rows[i] ("" for a header row)
    head = ("처리일시", "처리현황", "처리장소") if ko else ("Date/Time", "Activity", "Location")
    # What the time column's header adds: the zone it states, or that its times are local (a notice says that too).
    suffix = (cap.zone_words if cap.zone_cue == "header" or (
        cap.zone_cue == "local" and cap.zone_words in LOCAL_WORDS[c.lang]) else "")
    head = (head[0] + suffix, *head[1:])
    pad = "8px 12px"

    def cell(text: str, extra: str = "") -> str:
        return f'<td style="padding:{pad}{extra}">{esc_han(text)}</td>'

    # A zone column (`row`): right after the time's column or last, every row naming its zone.
    zone_first = rng.random() < 0.5
    zone_head = [ROW_ZONE_HEAD[c.lang]] if cap.zone_cue == "row" else []

    def with_zone(time_cells: str, other_cells: str, place: str) -> str:
        if cap.zone_cue != "row":
            return time_cells + other_cells
        zone = cell(row_zone(cap, place))
        return time_cells + zone + other_cells if zone_first else time_cells + other_cells + zone

    def header(cells: tuple[str, ...], times: int) -> str:
        cells = (*cells[:times], *zone_head, *cells[times:]) if zone_first else (*cells, *zone_head)
        return "".join(f'<th style="padding:{pad};text-align:left">{esc_han(h)}</th>' for h in cells)

    if cap.layout == "datetime":
        rows.append(header(head, 1))
        marks.append("")
        for at, st, place in reversed(events):
            both, _, _, shown = event_texts(at, c, cap.style)
            marks.append(truth.timestamp(both, shown, "event"))
            rows.append(with_zone(cell(both), cell(st) + cell(place), place))
    elif cap.layout == "split":
        cols = ("날짜", "시간" + suffix, "현재위치", "배송상태") if ko else ("Date", "Time" + suffix, "Location", "Status")
        rows.append(header(cols, 2))
        marks.append("")
        for at, st, place in reversed(events):
            both, date, time, shown = event_texts(at, c, cap.style)
            marks.append(truth.timestamp(both, shown, "event"))
            rows.append(with_zone(cell(date) + cell(time), cell(place) + cell(st), place))
    else:
        if suffix or zone_head:  # day headers have no column header: a page stating its zone heads the table with one
            rows.append(header((("시간" if ko else "Time") + suffix, *head[1:]), 1))
            marks.append("")
        day = None
        for at, st, place in reversed(events):
            if at.date() != day:
                day = at.date()
                marks.append("")
                rows.append(f'<td colspan="{3 + len(zone_head)}" style="padding:{pad};background:{panel};'
                            f'font-weight:bold">{esc(day_header(at, c, cap.style))}</td>')
            time = day_row_time(at, c, cap.style)
            marks.append(truth.timestamp(f"{day_header(at, c, cap.style)} {time}", at.replace(second=0), "event"))
            rows.append(with_zone(cell(time, ";width:110px"), cell(st) + cell(place), place))
    notice = footnote = ""
    if cap.zone_cue == "notice" or (cap.zone_cue == "local" and cap.zone_words in LOCAL_NOTICES[c.lang]):
        notice = f'<div style="margin-top:12px;color:#888">{esc_han(cap.zone_words)}</div>'
    if cap.zone_cue == "footnote":
        footnote = (f'<div style="margin-top:10px;color:#888;font-size:{cap.font_px - 1}px">'
                    f'{esc_han(cap.zone_words)}</div>')
    table = notice + (f'<table style="border-collapse:collapse;width:100%;margin-top:14px">'
             + "".join(f'<tr style="border-bottom:1px solid {line}"{m}>{r}</tr>' for r, m in zip(rows, marks))
             + "</table>") + footnote
    recipient = ""
    if cap.address:
        road, postal = cap.address
        address_mark = truth.mark("korean_addresses", {"value": road, "postal_code": postal})
        detail = (f"{rng.randint(1, 30)}층" if rng.random() < 0.4
                  else f"{rng.randint(101, 120)}동 {rng.randint(101, 1804)}호")
        label = "받는 분 주소" if ko else "Delivery address"
        recipient = (f'<div style="margin-top:10px"><span style="color:#888">{label}</span>&nbsp;&nbsp;'
                     f'<span{address_mark}>({esc(postal)}) {esc(road)}, {esc(detail)}</span></div>')
    number_label = f'{c.label}' + ("" if ko else ":")
    width = "100%" if narrow else "min(1100px, 92%)"
    nav = ("배송조회 &nbsp; 택배예약 &nbsp; 고객센터" if ko else "Track &nbsp; Ship &nbsp; Support")
    return (f'<div style="background:{bg};color:{fg};font-family:{cap.font};font-size:{cap.font_px}px;'
            f'min-height:100%;padding-bottom:40px">'
            f'<div style="background:{c.colour};color:#fff;padding:14px 28px;display:flex;gap:40px;align-items:center">'
            f'<b style="font-size:{cap.font_px + 6}px">{esc(c.brand)}</b><span>{nav}</span></div>'
            f'<div style="width:{width};margin:20px auto;padding:0 {"12px" if narrow else "0"}">'
            f'<div style="font-size:{cap.font_px + 4}px;font-weight:bold">{"배송조회" if ko else "Tracking"}</div>'
            f'<div style="margin-top:12px;padding:14px;background:{panel};border:1px solid {line}">'
            f'<span style="color:#888">{esc(number_label)}</span>&nbsp;&nbsp;'
            f'<b{number_mark}>{esc(cap.shown_number)}</b>'
            f'<div style="margin-top:10px;font-size:{cap.font_px + 2}px"><b>{esc(status)}</b>&nbsp;&nbsp;'
            f'<span{summary_mark}>{esc(summary_time)}</span></div>{recipient}</div>{table}</div></div>')


def desktop_html(cap: Capture, truth: Truth, rng: random.Random) -> str:
    width, height = cap.size
    parts = []
    if cap.device == "desktop" and cap.os == "mac":
        parts.append(mac_menu_bar(cap, truth))
    if cap.device == "desktop" and cap.os.startswith("win") and cap.taskbar_top:
        parts.append(taskbar(cap, truth))
    sidebar = ""
    if cap.browser == "whale":
        sidebar = ('<div style="width:44px;flex:none;background:#f2f4f7;display:flex;flex-direction:column;gap:18px;'
                   'align-items:center;padding-top:16px">' + "".join(icon(c, 22) for c in FAVICON_COLOURS[:4])
                   + "</div>")
    window = (f'<div style="flex:1;display:flex;flex-direction:column;min-height:0">'
              f'{browser_chrome(cap, truth, rng)}<div style="flex:1;display:flex;min-height:0;overflow:hidden">'
              f'<div style="flex:1;overflow:hidden" data-clip>{page_html(cap, truth, rng)}</div>{sidebar}</div></div>')
    parts.append(window)
    if cap.device == "desktop" and cap.os.startswith("win") and not cap.taskbar_top:
        parts.append(taskbar(cap, truth))
    return document(width, height, "".join(parts))


def phone_html(cap: Capture, truth: Truth, rng: random.Random) -> str:
    """A phone capture: status bar (a time, no date: no timestamp), the browser's bar, the page."""
    width, height = cap.size
    ink, bg = ("#fff", "#000") if cap.dark else ("#000", "#fff")
    status = phone_status_bar(cap)
    shown = bar_display(cap)
    bar_mark = record_bar(cap, truth)
    field_bg = "#2c2c2e" if cap.dark else "#eeeef0"
    if cap.browser == "in-app":
        bar = (f'<div style="display:flex;align-items:center;gap:12px;height:52px;padding:0 14px;background:{bg};'
               f'color:{ink};font-family:{cap.ui_font};flex:none"><span style="font-size:20px">✕</span>'
               f'<div style="flex:1;text-align:center;line-height:18px"><div style="font-size:14px;font-weight:bold">'
               f'{esc(cap.carrier.title)}</div>'
               f'<div style="font-size:12px;color:#888"{bar_mark}>{esc(shown)}</div></div>'
               f'<span style="font-size:20px">⋮</span></div>')
    else:
        bar = (f'<div style="display:flex;align-items:center;height:54px;padding:0 12px;background:{bg};flex:none">'
               f'<div style="flex:1;display:flex;align-items:center;justify-content:center;gap:8px;height:38px;'
               f'border-radius:12px;background:{field_bg};color:{ink};font-family:{cap.ui_font};font-size:16px">'
               f'{lock_svg(ink, 13)}<span{bar_mark}>{esc(shown)}</span></div></div>')
    page = f'<div style="flex:1;overflow:hidden" data-clip>{page_html(cap, truth, rng, narrow=True)}</div>'
    body = status + (page + bar if cap.browser == "ios-safari" else bar + page)
    return document(width, height, body)


def phone_status_bar(cap: Capture) -> str:
    """A phone's status bar: a time without a date (no timestamp), the signal and battery icons."""
    at = cap.seen
    status_time = f"{hour12(at)}:{at.minute:02d}" if cap.os == "ios" else (
        f"{ko_ampm(at)} {hour12(at)}:{at.minute:02d}" if cap.clock_locale == "ko" else f"{at.hour}:{at.minute:02d}")
    ink, bg = ("#fff", "#000") if cap.dark else ("#000", "#fff")
    return (f'<div style="display:flex;align-items:center;height:44px;padding:0 26px;background:{bg};color:{ink};'
            f'font-family:{cap.ui_font};font-size:15px;font-weight:bold;flex:none"><span>{esc(status_time)}</span>'
            f'<span style="margin-left:auto;font-size:12px">▂▄▆ ◉ ▭</span></div>')


def naver_card_html(cap: Capture, truth: Truth, rng: random.Random) -> str:
    """The Naver app's parcel card: no address bar; the carrier's name and the number on one line
    (`롯데글로벌로지스 · 312059674813`), the status and arrival day, the events as a timeline (the status over the
    place and the time), and the recipient's address under its label."""
    width, height = cap.size
    c = cap.carrier
    bg, fg, muted, card, line = (("#000000", "#f2f2f2", "#9a9a9a", "#1c1c1e", "#333333") if cap.dark
                                 else ("#f2f4f7", "#111111", "#777777", "#ffffff", "#e5e5e5"))
    carrier = validate_tracking(cap.number, c.key)[0]
    number_mark = truth.mark("tracking_numbers", {"value": cap.number, "carrier": carrier, "checksum": cap.checksum})
    header = (f'<div style="display:flex;align-items:center;gap:10px;height:56px;padding:0 14px;flex:none;'
              f'background:{"#1c1c1e" if cap.dark else "#03c75a"}"><b style="color:{"#03c75a" if cap.dark else "#fff"};'
              f'font-size:22px;font-family:sans-serif">N</b><div style="flex:1;height:38px;border-radius:8px;'
              f'background:{"#2c2c2e" if cap.dark else "#fff"};color:{fg};display:flex;align-items:center;'
              f'padding:0 12px;font-size:15px">택배 배송조회</div></div>')
    delivered = cap.events[-1][0]
    arrival = f"{delivered.month}.{delivered.day}({WEEK_KO[delivered.weekday()]}) 도착"
    steps = "".join(f'<span style="color:{fg if i == 3 else muted}">{name}</span>'
                    for i, name in enumerate(("집화", "이동중", "배송출발", "배송완료")))
    timeline = []
    for at, st, place in reversed(cap.events):
        both, _, _, shown = event_texts(at, c, cap.style)
        mark = truth.timestamp(both, shown, "event")
        timeline.append(f'<div style="padding:10px 0;border-bottom:1px solid {line}"><b>{esc(st)}</b>'
                        f'<div style="color:{muted};font-size:{cap.font_px - 1}px;margin-top:4px">{esc(place)}'
                        f'&nbsp;&nbsp;<span{mark}>{esc(both)}</span></div></div>')
    recipient = ""
    if cap.address:
        road, postal = cap.address
        address_mark = truth.mark("korean_addresses", {"value": road, "postal_code": postal})
        detail = f"{rng.randint(101, 120)}동 {rng.randint(101, 1804)}호"
        recipient = (f'<div style="margin-top:14px;color:{muted};font-size:{cap.font_px - 1}px">받는 분 주소</div>'
                     f'<div style="margin-top:4px"{address_mark}>{esc(road)}, {esc(detail)} ({esc(postal)})</div>')
    body = (f'<div style="flex:1;overflow:hidden;background:{bg};padding:12px" data-clip>'
            f'<div style="background:{card};color:{fg};border-radius:14px;padding:16px;font-family:{cap.font};'
            f'font-size:{cap.font_px}px"><div style="font-size:{cap.font_px + 4}px;font-weight:bold">배송조회</div>'
            f'<div style="margin-top:8px;color:{muted}">{esc(c.brand)} · <span{number_mark}>{esc(cap.number)}</span>'
            f'</div><div style="margin-top:12px;font-size:{cap.font_px + 8}px;font-weight:bold">'
            f'{esc(cap.events[-1][1])}</div><div style="color:{muted}">{esc(arrival)}</div>'
            f'<div style="display:flex;justify-content:space-between;margin:12px 0;font-size:{cap.font_px - 2}px">'
            f'{steps}</div>{recipient}<div style="margin-top:10px">{"".join(timeline)}</div></div></div>')
    return document(width, height, phone_status_bar(cap) + header + body)


def document(width: int, height: int, body: str) -> str:
    return ('<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0}'
            '*{box-sizing:border-box}</style></head>'
            f'<body><div style="width:{width}px;height:{height}px;display:flex;flex-direction:column;'
            f'overflow:hidden;background:#fff" data-clip>{body}</div><script>{VISIBILITY}</script></body></html>')


# Marks each value-bearing element visible ("1") when its box lies wholly inside every clipping box around it (the
# screen, the page's viewport) and its text is not cut by an ellipsis; Chromium's --dump-dom prints the result.
VISIBILITY = """
for (const el of document.querySelectorAll('[data-truth]')) {
  const r = el.getBoundingClientRect();
  let ok = r.width > 0 && r.height > 0 && el.scrollWidth <= el.clientWidth + 1;
  for (let p = el.parentElement; p && ok; p = p.parentElement) {
    if (!p.hasAttribute('data-clip') && getComputedStyle(p).overflow !== 'hidden') continue;
    const c = p.getBoundingClientRect();
    ok = r.top >= c.top - 0.5 && r.bottom <= c.bottom + 0.5 && r.left >= c.left - 0.5 && r.right <= c.right + 0.5;
  }
  el.setAttribute('data-visible', ok ? '1' : '0');
}
"""


# ---- rendering and degradation ----------------------------------------------------------------------------------

def render(page: str, size: tuple[int, int], scale: float, work: Path) -> tuple[Image.Image, set[str]]:
    """The HTML page as headless Chromium draws it at `size` CSS px and `scale` device pixels per px, and the keys
    of its value-bearing elements that were wholly visible."""
    source = work / "page.html"
    shot = work / "shot.png"
    source.write_text(page, encoding="utf-8")
    shot.unlink(missing_ok=True)
    profile = work / "profile"
    shutil.rmtree(profile, ignore_errors=True)
    command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--screenshot={shot}",
               f"--window-size={size[0]},{size[1]}", f"--force-device-scale-factor={scale}",
               "--default-background-color=ffffffff", "--dump-dom", source.as_uri()]
    done = subprocess.run(command, capture_output=True, timeout=120, check=False,
                          env={**os.environ, "LANG": "ko_KR.UTF-8"})
    if not shot.exists():
        raise RuntimeError(f"chromium wrote no screenshot ({' '.join(command)})")
    dom = done.stdout.decode("utf-8", "replace")
    visible = set(re.findall(r'data-truth="(t\d+)"[^>]*?data-visible="1"', dom))
    if "data-visible" not in dom:
        raise RuntimeError("chromium's --dump-dom showed no visibility marks")
    with Image.open(shot) as image:
        return image.convert("RGB"), visible


def degraded(image: Image.Image, rng: random.Random) -> tuple[bytes, str, str]:
    """(bytes, form, degradation): clean PNG, JPEG re-save, downscaled, or slightly blurred."""
    pick = rng.random()
    buf = io.BytesIO()
    if pick < 0.5:
        image.save(buf, "PNG", optimize=True)
        return buf.getvalue(), "png", "clean"
    if pick < 0.72:
        quality = rng.randint(55, 85)
        image.save(buf, "JPEG", quality=quality)
        return buf.getvalue(), "jpeg", f"jpeg-q{quality // 10 * 10}"
    if pick < 0.86:
        factor = rng.uniform(0.7, 0.85)
        small = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)
        small.save(buf, "PNG", optimize=True)
        return buf.getvalue(), "png", "downscaled"
    image.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 0.8))).save(buf, "JPEG", quality=90)
    return buf.getvalue(), "jpeg", "blurred"


def photographed(screen: Image.Image, rng: random.Random) -> Image.Image:
    """A phone's photo of a monitor showing `screen`: the screen in a dark bezel on a desk, in perspective (each
    corner moved up to 3 % of the frame), lit unevenly, with a faint moiré, a slight defocus and sensor noise."""
    import cv2
    import numpy as np
    sw, sh = screen.size
    bezel = max(8, sw // 60)
    monitor = Image.new("RGB", (sw + 2 * bezel, sh + 2 * bezel), (18, 18, 20))
    monitor.paste(screen, (bezel, bezel))
    width = round(monitor.width * rng.uniform(1.12, 1.25))
    height = max(round(width * 3 / 4), round(monitor.height * 1.15))
    left, top = (width - monitor.width) / 2, (height - monitor.height) / 2
    corners = [(left, top), (left + monitor.width, top), (left + monitor.width, top + monitor.height),
               (left, top + monitor.height)]
    moved = [(x + rng.uniform(-0.03, 0.03) * width, y + rng.uniform(-0.03, 0.03) * height) for x, y in corners]
    matrix = cv2.getPerspectiveTransform(
        np.float32([(0, 0), (monitor.width, 0), (monitor.width, monitor.height), (0, monitor.height)]),
        np.float32(moved))
    desk = tuple(rng.randint(50, 90) for _ in range(3))
    photo = cv2.warpPerspective(np.asarray(monitor), matrix, (width, height), flags=cv2.INTER_LINEAR,
                                borderValue=desk).astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = (rng.uniform(0.85, 1.0) + rng.uniform(-0.12, 0.12) * xs / width + rng.uniform(-0.12, 0.12) * ys / height)
    period = rng.uniform(3.0, 6.0)
    moire = 1.0 + 0.025 * np.sin(2 * np.pi * (xs * rng.uniform(0.6, 1.0) + ys * rng.uniform(0.2, 0.5)) / period)
    photo = photo * (light * moire)[:, :, None]
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.6, 1.1))
    photo += np.random.default_rng(rng.randrange(2 ** 32)).normal(0.0, rng.uniform(2.0, 5.0), photo.shape)
    return Image.fromarray(np.clip(np.rint(photo), 0, 255).astype(np.uint8))


def need_chromium() -> None:
    """Exit with the fix unless the Chromium that renders the corpora is installed."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} not found: install chromium (scripts/setup-system.sh) or set EVPACK_CHROMIUM")


def build(out: Path, seed: int, count: int = 40, mix: str | None = None) -> dict:
    """Render `count` captures of `seed` into `out` with truth.json; returns the truth. `mix`: the mix to render
    (a seed outside every split renders the browser mix unless told; a split's seed always renders its own)."""
    if seed in {s for splits in MIXES.values() for seeds in splits.values() for s in seeds}:
        mix = mix_of(seed)
    mix = mix or mix_of(seed)
    need_chromium()
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    with tempfile.TemporaryDirectory(prefix="browser-corpus-") as tmp:
        work = Path(tmp)
        phone_mix, clock_mix = mix in ("phone", "photo"), mix == "clock"
        for i in range(count):
            kind = PHONE_MIX_KINDS[i % 5] if phone_mix else ("phone" if i % 5 == 4 else "desktop")
            if clock_mix:
                kind = "phone" if i % 8 == 7 else "desktop"
            if mix == "photo":
                kind = "photo"
            phone = kind in ("phone", "naver-app")
            if phone_mix:
                carriers = tuple(c for c in CARRIERS if c.key in NAVER_CARRIER_KEYS) if kind == "naver-app" \
                    else CARRIERS
                cap = draw_capture(rng, phone, PHONE_MIX_DARK_SHARE, carriers)
            else:
                cap = draw_clock_capture(rng, phone) if clock_mix else draw_capture(rng, phone)
            if kind == "naver-app":
                cap = dataclasses.replace(cap, browser="naver-app")
            truth = Truth(languages=["ko"] if cap.carrier.lang == "ko" else ["en"])
            page = (naver_card_html(cap, truth, rng) if kind == "naver-app" else phone_html(cap, truth, rng)
                    if phone else desktop_html(cap, truth, rng))
            image, visible = render(page, cap.size, cap.scale, work)
            truth.keep(visible)
            if kind == "photo":
                buf = io.BytesIO()
                photographed(image, rng).save(buf, "JPEG", quality=rng.randint(80, 92))
                data, form, degradation = buf.getvalue(), "jpeg", "photo"
            else:
                data, form, degradation = degraded(image, rng)
            name = (f"{i:02d}-{cap.carrier.key}-{cap.browser}{'-photo' if kind == 'photo' else ''}."
                    f"{'png' if form == 'png' else 'jpg'}")
            (out / name).write_bytes(data)
            truth.variety = {"browser": cap.browser, "os": cap.os if cap.device != "window" else "no-clock",
                             "clock": (cap.clock_locale + ("12" if cap.clock_form else "")
                                       if cap.device == "desktop" else "none"),
                             "theme": "dark" if cap.dark else "light", "scale": cap.scale,
                             "font": cap.font.split(",")[0].strip("'"),
                             "device": "photo" if kind == "photo" else cap.device, "layout": cap.layout,
                             "carrier": cap.carrier.key, "degradation": degradation,
                             "taskbar": "top" if cap.taskbar_top else "bottom", "zone": cap.zone_cue or "kst",
                             "stated": cap.zone or ("places" if cap.places else "-")}
            files[name] = {"form": form, "bytes": len(data), "degradation": degradation, "text_source": "ocr",
                           "pages": 1, "kind": "carrier-tracking", "web_capture": True, "fields": truth.fields(),
                           "other_hosts": sorted(set(truth.other_hosts)), "languages": truth.languages,
                           "qr_codes": [], "rules": [], "variety": truth.variety}
    return write_truth(out, SCHEMA, seed, split_of(seed), files)


def write_truth(out: Path, schema: str, seed: int, split: str, files: dict) -> dict:
    """OUT/truth.json of a rendered corpus (every corpus module's one shape); returns what it wrote."""
    truth = {"schema": schema, "seed": seed, "split": split, "files": files}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return truth


def split_of(seed: int) -> str:
    return next((name for splits in MIXES.values() for name, seeds in splits.items() if seed in seeds), "other")


def mix_of(seed: int) -> str:
    """The mix a seed renders: `phone` or `clock` for those mixes' seeds, else `browser`."""
    return next((mix for mix, splits in MIXES.items() if any(seed in seeds for seeds in splits.values())),
                "browser")


def ensure(root: Path, seed: int, count: int = 40, make=None, mix: str | None = None) -> Path:
    """ROOT/seed-N, made by `make` (this module's `build` unless given; of `mix` where given, a seed outside every
    split) when its truth.json is missing."""
    folder = root / f"seed-{seed}"
    if not (folder / "truth.json").exists():
        (make or build)(folder, seed, count, **({"mix": mix} if mix else {}))
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output folder (with --split: the root of one folder per seed)")
    parser.add_argument("--seed", type=int, help="one corpus of this seed")
    parser.add_argument("--split", choices=sorted(SPLITS), help="every seed of a split, under OUT/seed-N/")
    parser.add_argument("--mix", choices=sorted(MIXES),
                        help="with --split: the seeds of this mix (default browser); with --seed: the mix a seed "
                             "outside every split renders (default browser), e.g. more phone captures to study")
    parser.add_argument("--count", type=int, default=40, help="captures per seed (default 40)")
    args = parser.parse_args(argv)
    if (args.seed is None) == (args.split is None):
        parser.error("give --seed N or --split tuning|test")
    if args.seed is not None:
        truth = build(args.out, args.seed, args.count, args.mix)
        print(f"wrote {len(truth['files'])} files and truth.json under {args.out}", file=sys.stderr)
    else:
        for seed in MIXES[args.mix or "browser"][args.split]:
            print(f"seed {seed}: {ensure(args.out, seed, args.count)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
