"""Chat-app screenshots and faxed or scanned delivery documents, rendered by a real browser engine.

    python bench/chat_corpus.py OUTDIR --seed N [--count 30]
    python bench/chat_corpus.py ROOT --split tuning|test      (one corpus per seed of the split, ROOT/seed-N/)

Evidence of kinds bench/browser_corpus.py does not make, drawn in HTML and rendered by Debian's headless Chromium
with that module's rendering and truth machinery (`render`, `Truth`, the check-digit number maker, the national
road list):

- chats (two thirds of the files): WeChat and DingTalk in Chinese (and WeChat in Korean), KakaoTalk in Korean, as
  phone screenshots (status bar with a time and no date, the app's title bar, bubbles, its input bar) and as the
  desktop clients' windows over a Windows taskbar whose clock shows the capture's date. Time separators as each
  app prints them: `下午1:25` (today), `昨天 下午1:25`, `星期二 上午9:02`, `3月11日 下午1:25`, `2026年3月10日 晚上8:16`,
  24-hour `昨天 14:02`, `오후 1:25`, `어제 오후 1:25`; KakaoTalk's day separators (`2026년 3월 10일 화요일`) over bubbles
  timed `오후 1:25`. Tracking numbers in messages after `单号`, `快递单号`, `运单号`, `송장번호`, a carrier's name...,
  beside order numbers, phone numbers and amounts that are not;
- proof-of-delivery and receipt documents (인수증, 배송완료 확인서, Proof of Delivery, and twice as often a 签收单 with
  its labels, title, time form and a Simplified or Korean CJK font drawn from several) as a bordered table or as
  label: value lines, some with a round delivery seal, rendered at 150 or 200 dpi and degraded as a fax (binarised,
  speckle, streaks, a transmission header line) or at 150-300 dpi as a scan (slight skew, sensor noise, JPEG),
  saved as a PDF or an image.

Truth (truth.json, schema evpack.chat-corpus/1, the shape of bench/browser_corpus.py's) adds the file's `kind`.
Timestamps are in the zone of the device that shows them, as `scan --json` reports them: a phone whose chat app
speaks Chinese is a supplier's phone in China, so its times are Beijing time (+08:00), and its status bar names a
Chinese carrier where it names one (issue #15: a chat whose phone shows a Chinese carrier or UI is read in that
zone); a Korean phone's, a desktop's over its taskbar clock (the seller's PC) and every document's are KST. A chat
time without a year or a day (`下午1:25`, `昨天 14:02`,
`星期二 上午9:02`, `3月11日 下午1:25`) is the moment it names counted from the capture's date: the truth whether or
not the screen shows that date; `variety.date_shown` says whether it does (a taskbar clock or a full date on
screen), as only then can a reader know 昨天's day. The phone's status bar (a time, no date) is no timestamp.

Seeds: TUNING_SEEDS may be looked at and used to change the reader; TEST_SEEDS are measured once and never used to
mend a rule.
"""
from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from PIL import Image, ImageChops, ImageDraw, ImageFilter  # noqa: E402

import browser_corpus  # noqa: E402
from browser_corpus import (CARRIERS, KST, VISIBILITY, Truth, digits, document, esc, hour12,  # noqa: E402
                            korean_address, need_chromium, render, tracking_number, write_truth)
from pipeline.fields.tracking import validate_tracking  # noqa: E402

SCHEMA = "evpack.chat-corpus/1"
CST = ZoneInfo("Asia/Shanghai")  # a phone in China
TUNING_SEEDS = (9201, 9202)
TEST_SEEDS = (9301, 9302)
SPLITS = {"tuning": TUNING_SEEDS, "test": TEST_SEEDS}
WEEK_ZH = "一二三四五六日"
WEEK_KO = "월화수목금토일"
ZH_FONTS = ("'Noto Sans CJK SC'", "'WenQuanYi Zen Hei'", "'DejaVu Sans', 'Noto Sans CJK SC'")
KO_FONTS = ("'Noto Sans CJK KR'", "'NanumGothic'", "'NanumBarunGothic'", "'NanumSquare'")
PHONES = ((390, 844, 3.0), (393, 852, 3.0), (412, 915, 2.625), (360, 800, 3.0), (375, 667, 2.0))
# Chinese carriers' numbers: taken after a label as the generic format (carrier unknown to evpack).
CN_NUMBERS = (("顺丰", lambda r: "SF" + digits(r, 13)), ("圆通", lambda r: "YT" + digits(r, 13)),
              ("中通", lambda r: "7" + r.choice("35") + digits(r, 12)), ("京东", lambda r: "JDV" + digits(r, 12)),
              ("韵达", lambda r: "4" + r.choice("36") + digits(r, 11)))
KO_CARRIER_ZH = {"cj": "CJ", "lotte": "乐天", "hanjin": "韩进", "logen": "Logen", "korea-post": "韩国邮政"}
# The operators a phone's status bar names, by where the phone is (Android shows one; "" none). Six each: one draw.
OPERATORS = {"China": ("中国移动", "中国联通", "中国电信", "中国移动", "中国联通", ""),
             "Korea": ("SKT", "KT", "LG U+", "SKT", "KT", "")}
NAMES_ZH = ("张经理", "李总", "王姐", "刘小姐 (义乌仓库)", "陈工", "物流-小周", "Coupang售后 赵")
NAMES_KO = ("김민수", "이지은 대리", "박 실장님", "최서연", "물류팀 정과장", "한국 배송대행 송대리")


@dataclass
class ChatTruth(Truth):
    """Truth, and the full dates (with their year) that show on the screen."""

    dates: list[str] = field(default_factory=list)


# ---- time as each app prints it -------------------------------------------------------------------------------------

def zh_day_part(at: datetime) -> str:
    """WeChat's day part of a 12-hour time."""
    h = at.hour
    return "凌晨" if h < 6 else "早上" if h < 9 else "上午" if h < 12 else "中午" if h < 13 else "下午" if h < 18 \
        else "晚上"


def ko_day_part(at: datetime) -> str:
    return "오후" if at.hour >= 12 else "오전"


def clock(at: datetime, locale: str, twelve: bool) -> str:
    if not twelve:
        return f"{at.hour:02d}:{at.minute:02d}" if locale != "ko" else f"{at.hour}:{at.minute:02d}"
    if locale == "ko":
        return f"{ko_day_part(at)} {hour12(at)}:{at.minute:02d}"
    return f"{zh_day_part(at)}{hour12(at)}:{at.minute:02d}"


def separator(at: datetime, seen: datetime, locale: str, twelve: bool, app: str) -> str:
    """A chat's time separator for a message sent `at`, as the app shows it on the day `seen`."""
    days = (seen.date() - at.date()).days
    time = clock(at, locale, twelve)
    if days == 0:
        return time
    if days == 1:
        return ("어제 " if locale == "ko" else "昨天 ") + time
    if days < 7 and app == "wechat":
        return (f"{WEEK_KO[at.weekday()]}요일 " if locale == "ko" else f"星期{WEEK_ZH[at.weekday()]} ") + time
    if at.year != seen.year or app == "dingtalk" and days > 20:
        return (f"{at.year}년 {at.month}월 {at.day}일 " if locale == "ko" else f"{at.year}年{at.month}月{at.day}日 ") \
            + time
    return (f"{at.month}월 {at.day}일 " if locale == "ko" else f"{at.month}月{at.day}日 ") + time


def kakao_day(at: datetime) -> str:
    return f"{at.year}년 {at.month}월 {at.day}일 {WEEK_KO[at.weekday()]}요일"


# ---- messages ---------------------------------------------------------------------------------------------------

@dataclass
class Parcel:
    number: str
    shown: str
    carrier: str  # evpack's carrier id, "" when evpack knows none
    checksum: str
    name_zh: str
    name_ko: str


def parcel(rng: random.Random) -> Parcel:
    if rng.random() < 0.3:
        name, make = rng.choice(CN_NUMBERS)
        value = make(rng)
        return Parcel(value, value, "", "none", name, name)
    carrier = rng.choice([c for c in CARRIERS if c.key in KO_CARRIER_ZH])
    value, checksum = tracking_number(carrier, rng)
    shown = "-".join(value[i:i + 4] for i in range(0, 12, 4)) if len(value) == 12 and rng.random() < 0.25 else value
    return Parcel(value, shown, validate_tracking(value, carrier.key)[0] or carrier.key, checksum,
                  KO_CARRIER_ZH[carrier.key], carrier.brand)


def number_message(p: Parcel, locale: str, rng: random.Random) -> tuple[str, str]:
    """(text before the number, text after it) of a message that gives a tracking number."""
    if locale == "ko":
        return rng.choice(((f"송장번호 ", " 입니다"), ("송장번호: ", ""), (f"{p.name_ko} 송장번호 ", " 확인 부탁드려요"),
                           ("운송장번호 ", " 로 조회해 보세요"), ("택배 송장번호는 ", "입니다.")))
    return rng.choice((("单号：", ""), ("单号 ", ""), ("快递单号：", ""), ("快递单号 ", " 已签收"), ("运单号：", ""),
                       (f"{p.name_zh}单号：", ""), ("运单号 ", "，您查一下"), ("这是快递单号 ", ""),
                       ("韩国单号 송장번호 ", "")))


def filler(locale: str, rng: random.Random, k: int) -> list[str]:
    if locale == "ko":
        pool = ("안녕하세요, 주문하신 상품 발송되었습니다", "배송완료로 나오는데 고객이 못 받았다고 하네요",
                "확인해 보고 연락드릴게요", "네 감사합니다", "사진 보내드릴게요", "주문번호 31000012345678 건입니다",
                "연락처 010-2345-6789 로 전화 주세요", "수령인 서명 받은 거 있나요?", "오늘 오후에 배송 완료됐어요",
                "경비실에 맡겼다고 합니다", "네 알겠습니다 ^^", "쿠팡 A-to-z 클레임 들어왔어요")
    else:
        pool = ("您好，货已经发出了", "客户说没有收到货", "物流显示已签收", "我查一下", "好的，谢谢",
                "订单号 31000012345678", "签收人是本人吗？", "这是签收记录截图", "麻烦提供一下签收证明",
                "电话 13812345678", "运费 ¥128.00 已付", "明天安排补发", "收到了吗？", "[图片]", "嗯嗯",
                "Coupang 那边要申诉，要物流证明")
    return rng.sample(pool, k)


# ---- a chat screen ------------------------------------------------------------------------------------------------

@dataclass
class Chat:
    app: str           # wechat | dingtalk | kakaotalk
    locale: str        # zh | ko
    device: str        # phone | desktop
    os: str            # ios | android | win11 | win10
    twelve: bool       # 12-hour times with a day part
    seen: datetime     # the capture, in the zone of the device that shows the chat (where)
    size: tuple[int, int]
    scale: float
    font: str
    font_px: int
    dark: bool
    peer: str
    parcels: list[Parcel]
    where: str = "Korea"  # China | Korea: where the device is, which sets its clock's zone and its operator


def where_of(locale: str, device: str) -> str:
    """Where a chat's device is: a phone whose app speaks Chinese is the supplier's in China; a Korean phone and a
    desktop client (the seller's PC, its taskbar clock in KST) are in Korea."""
    return "China" if device == "phone" and locale == "zh" else "Korea"


def draw_chat(rng: random.Random) -> Chat:
    app = rng.choice(("wechat", "wechat", "dingtalk", "kakaotalk"))
    locale = "ko" if app == "kakaotalk" or (app == "wechat" and rng.random() < 0.2) else "zh"
    device = "desktop" if app != "kakaotalk" and rng.random() < 0.25 else "phone"
    if device == "phone":
        width, height, scale = rng.choice(PHONES)
        os_name = rng.choice(("ios", "android"))
    else:
        width, height, scale = rng.choice(((1366, 768, 1.0), (1280, 720, 1.5), (1536, 864, 1.25), (1920, 1080, 1.0)))
        os_name = rng.choice(("win11", "win10"))
    twelve = {"wechat": rng.random() < 0.75, "dingtalk": rng.random() < 0.2, "kakaotalk": True}[app]
    where = where_of(locale, device)
    seen = datetime(2026, 3, rng.randint(9, 16), rng.randint(8, 22), rng.randint(0, 59),
                    tzinfo=CST if where == "China" else KST)
    return Chat(where=where, app=app, locale=locale, device=device, os=os_name, twelve=twelve, seen=seen, size=(width, height),
                scale=scale, font=rng.choice(KO_FONTS if locale == "ko" else ZH_FONTS), font_px=rng.randint(14, 17),
                dark=rng.random() < 0.2,
                peer=rng.choice(NAMES_KO if locale == "ko" else NAMES_ZH),
                parcels=[parcel(rng) for _ in range(rng.choice((1, 1, 2)))])


def message_times(chat: Chat, rng: random.Random) -> list[datetime]:
    """When the screen's groups of messages were sent, oldest first, the last one up to the capture."""
    back = rng.choice((0, 0, 1, 1, 2, 4, 9, 30, 90))
    times, at = [], chat.seen - timedelta(days=back, hours=rng.randint(0, 5), minutes=rng.randint(1, 50))
    if at > chat.seen:
        at = chat.seen - timedelta(minutes=5)
    for _ in range(rng.randint(3, 5)):
        times.append(at)
        at -= timedelta(hours=rng.randint(1, 20), minutes=rng.randint(0, 59))
    return sorted(times)


def bubble(text_html: str, mine: bool, chat: Chat, extra: str = "") -> str:
    if chat.app == "kakaotalk":
        bg = "#fee500" if mine else ("#3a3a3c" if chat.dark else "#ffffff")
        ink = "#000" if mine else ("#eee" if chat.dark else "#000")
    elif chat.app == "wechat":
        bg = "#95ec69" if mine else ("#2c2c2c" if chat.dark else "#ffffff")
        ink = "#000" if mine else ("#ddd" if chat.dark else "#111")
    else:
        bg = "#3296fa" if mine else ("#2c2c2c" if chat.dark else "#ffffff")
        ink = "#fff" if mine else ("#ddd" if chat.dark else "#111")
    avatar = (f'<div style="width:38px;height:38px;border-radius:{14 if chat.app == "kakaotalk" else 5}px;'
              f'background:{"#7aa7d9" if mine else "#e0a46a"};flex:none"></div>')
    body = (f'<div style="max-width:68%;padding:9px 12px;border-radius:{16 if chat.app == "kakaotalk" else 6}px;'
            f'background:{bg};color:{ink};line-height:1.45;word-break:break-all">{text_html}</div>')
    side = f'<div style="display:flex;flex-direction:column;justify-content:flex-end;font-size:11px;color:#888;' \
           f'padding:0 5px">{extra}</div>' if extra else ""
    inner = (side + body + avatar) if mine else (avatar + body + side)
    if chat.app == "kakaotalk" and mine:
        inner = side + body  # KakaoTalk shows no avatar beside one's own messages
    return (f'<div style="display:flex;gap:8px;margin:10px 12px;justify-content:{"flex-end" if mine else "flex-start"}'
            f';align-items:flex-end">{inner}</div>')


def messages_html(chat: Chat, truth: Truth, rng: random.Random) -> tuple[str, bool]:
    """The chat's scroll of messages (newest at the bottom) and whether a full date (with its year) shows."""
    groups = message_times(chat, rng)
    numbers = list(chat.parcels)
    full_date = False
    rows = []
    last_day = None
    muted = "#9a9a9a"
    for n, at in enumerate(groups):
        if chat.app == "kakaotalk":
            if at.date() != last_day:
                last_day = at.date()
                full_date = True
                pill, pill_ink = ("#fff2", "#ddd") if chat.dark else ("#0002", "#fff")
                rows.append(f'<div style="text-align:center;margin:14px 0"><span style="display:inline-block;'
                            f'padding:3px 14px;border-radius:12px;background:{pill};color:{pill_ink};'
                            f'font-size:{chat.font_px - 3}px"{truth.mark("dates", kakao_day(at))}>'
                            f'{esc(kakao_day(at))}</span></div>')
        else:
            text = separator(at, chat.seen, chat.locale, chat.twelve, chat.app)
            full_date = full_date or ("年" in text or "년" in text)
            mark = truth.timestamp(text, at, "event")
            rows.append(f'<div style="text-align:center;margin:12px 0;font-size:{chat.font_px - 3}px;color:{muted}">'
                        f'<span{mark}>{esc(text)}</span></div>')
        texts = filler(chat.locale, rng, rng.randint(1, 3))
        if numbers and n >= len(groups) - len(numbers):
            p = numbers.pop(0)
            before, after = number_message(p, chat.locale, rng)
            mark = truth.mark("tracking_numbers", {"value": p.number, "carrier": p.carrier or None,
                                                   "checksum": p.checksum})
            texts.insert(rng.randrange(len(texts) + 1),
                         f'{esc(before)}<span style="white-space:nowrap"{mark}>{esc(p.shown)}</span>{esc(after)}')
            texts = [t if "<span" in t else esc(t) for t in texts]
        else:
            texts = [esc(t) for t in texts]
        for i, text_html in enumerate(texts):
            mine = rng.random() < 0.5
            extra = ""
            if chat.app == "kakaotalk" and i == len(texts) - 1:
                stamp = clock(at, "ko", True)
                extra = f'<span style="color:#e6b800">{"1" if rng.random() < 0.3 else ""}</span>' \
                        f'<span{truth.timestamp(f"{kakao_day(at)} {stamp}", at, "event")}>{esc(stamp)}</span>'
            elif chat.app == "dingtalk" and mine:
                extra = f'<span style="color:{"#3296fa" if rng.random() < 0.6 else muted}">' \
                        f'{"已读" if rng.random() < 0.6 else "未读"}</span>'
            rows.append(bubble(text_html, mine, chat, extra))
    return "".join(rows), full_date


def phone_chat_html(chat: Chat, truth: Truth, rng: random.Random) -> tuple[str, bool]:
    width, height = chat.size
    at = chat.seen
    ink, bg = ("#fff", "#111") if chat.dark else ("#000", "#ededed" if chat.app == "wechat" else "#f4f6f8")
    if chat.app == "kakaotalk":
        bg = "#1c1c1e" if chat.dark else "#b2c7da"
    status_time = f"{hour12(at)}:{at.minute:02d}" if chat.os == "ios" else (
        f"{ko_day_part(at)} {hour12(at)}:{at.minute:02d}" if chat.locale == "ko" and rng.random() < 0.5
        else f"{at.hour}:{at.minute:02d}")
    operator = "" if chat.os == "ios" else rng.choice(OPERATORS[chat.where]) + " "
    status = (f'<div style="display:flex;align-items:center;height:44px;padding:0 24px;color:{ink};'
              f'font-size:15px;font-weight:bold;flex:none"><span>{esc(status_time)}</span>'
              f'<span style="margin-left:auto;font-size:12px">{esc(operator)}▂▄▆ ◉ ▭ {rng.randint(12, 99)}%'
              f'</span></div>')
    title = esc(chat.peer) + (f"({rng.randint(3, 40)})" if chat.app == "wechat" and rng.random() < 0.3 else "")
    top = (f'<div style="display:flex;align-items:center;height:48px;padding:0 14px;color:{ink};flex:none;'
           f'border-bottom:1px solid #0001"><span style="font-size:22px">‹</span>'
           f'<b style="flex:1;text-align:center;font-size:{chat.font_px + 1}px">{title}</b>'
           f'<span style="font-size:20px">{"☰" if chat.app == "kakaotalk" else "···"}</span></div>')
    body, full_date = messages_html(chat, truth, rng)
    scroll = (f'<div style="flex:1;overflow:hidden;display:flex;flex-direction:column;justify-content:flex-end" '
              f'data-clip>{body}</div>')
    field_bg = "#2c2c2c" if chat.dark else "#fff"
    if chat.app == "wechat":
        voice = rng.random() < 0.4
        middle = (f'<div style="flex:1;height:38px;border-radius:5px;background:{field_bg};display:flex;'
                  f'align-items:center;justify-content:center;color:{ink}">{"按住 说话" if voice else ""}</div>'
                  if chat.locale == "zh" else
                  f'<div style="flex:1;height:38px;border-radius:5px;background:{field_bg};display:flex;'
                  f'align-items:center;justify-content:center;color:{ink}">{"길게 눌러 말하기" if voice else ""}</div>')
        bottom = (f'<div style="display:flex;align-items:center;gap:10px;height:60px;padding:0 10px;flex:none;'
                  f'background:{"#1e1e1e" if chat.dark else "#f7f7f7"}"><span style="font-size:22px">◎</span>{middle}'
                  f'<span style="font-size:22px">☺</span><span style="font-size:24px">⊕</span></div>')
    elif chat.app == "dingtalk":
        bottom = (f'<div style="display:flex;align-items:center;gap:10px;height:60px;padding:0 10px;flex:none;'
                  f'background:{"#1e1e1e" if chat.dark else "#fff"}"><span style="font-size:22px">◎</span>'
                  f'<div style="flex:1;height:38px;border-radius:19px;background:#f0f1f2"></div>'
                  f'<span style="font-size:22px">☺</span><span style="font-size:24px">⊕</span></div>')
    else:
        bottom = (f'<div style="display:flex;align-items:center;gap:10px;height:56px;padding:0 10px;flex:none;'
                  f'background:{"#1e1e1e" if chat.dark else "#fff"};color:#999"><span style="font-size:22px">＋</span>'
                  f'<div style="flex:1">메시지 입력</div><span>☺</span><span>#</span></div>')
    page = (f'<div style="flex:1;display:flex;flex-direction:column;min-height:0;background:{bg};'
            f'font-family:{chat.font};font-size:{chat.font_px}px">{status}{top}{scroll}{bottom}</div>')
    return document(width, height, page), full_date


def desktop_chat_html(chat: Chat, truth: Truth, rng: random.Random) -> tuple[str, bool]:
    """The desktop client (WeChat for Windows, DingTalk) over a Windows taskbar whose clock dates the capture."""
    width, height = chat.size
    dark = chat.dark
    side_bg = "#2e2e2e" if chat.app == "wechat" else "#f2f3f5"
    list_bg = "#e6e5e5" if chat.app == "wechat" else "#ffffff"
    pane_bg = "#1f1f1f" if dark else ("#f5f5f5" if chat.app == "wechat" else "#f4f6f8")
    ink = "#ddd" if dark else "#111"
    names = [chat.peer] + rng.sample([n for n in NAMES_ZH if n != chat.peer], 4)
    items = "".join(
        f'<div style="display:flex;gap:10px;padding:12px;{"background:#c9c8c8" if i == 0 else ""}">'
        f'<div style="width:38px;height:38px;border-radius:4px;background:#{rng.randint(0x555555, 0xcccccc):06x}">'
        f'</div><div style="overflow:hidden;white-space:nowrap"><div>{esc(n)}</div>'
        f'<div style="font-size:12px;color:#999">{esc(rng.choice(("[图片]", "好的", "收到", "[文件]")))}</div></div>'
        f'</div>' for i, n in enumerate(names))
    body, full_date = messages_html(chat, truth, rng)
    window = (f'<div style="flex:1;display:flex;min-height:0;font-family:{chat.font};font-size:{chat.font_px}px;'
              f'color:{ink}"><div style="width:60px;background:{side_bg}"></div>'
              f'<div style="width:250px;background:{list_bg};overflow:hidden">'
              f'<div style="margin:14px 12px;height:28px;border-radius:4px;background:#dcdcdc;color:#888;'
              f'font-size:12px;padding:5px 8px">搜索</div>{items}</div>'
              f'<div style="flex:1;display:flex;flex-direction:column;min-height:0;background:{pane_bg}">'
              f'<div style="height:56px;display:flex;align-items:center;padding:0 20px;font-size:{chat.font_px + 2}px;'
              f'border-bottom:1px solid #0001;flex:none">{esc(chat.peer)}</div>'
              f'<div style="flex:1;overflow:hidden;display:flex;flex-direction:column;justify-content:flex-end" '
              f'data-clip>{body}</div><div style="height:150px;border-top:1px solid #0001;flex:none;'
              f'position:relative"><span style="position:absolute;right:24px;bottom:16px;padding:5px 22px;'
              f'background:#e9e9e9;color:#07c160;border-radius:4px">{"发送(S)" if chat.app == "wechat" else "发送"}'
              f'</span></div></div></div>')
    seen = chat.seen
    time_line, date_line = f"{seen.hour}:{seen.minute:02d}", f"{seen.year}/{seen.month}/{seen.day}"
    mark = truth.timestamp(f"{time_line} {date_line}", seen, "capture")
    win11 = chat.os == "win11"
    bar_bg, bar_ink = ("#eef0f4", "#1a1a1a") if win11 else ("#202020", "#ffffff")
    taskbar = (f'<div style="display:flex;align-items:center;height:{48 if win11 else 40}px;background:{bar_bg};'
               f'color:{bar_ink};font-family:\'Noto Sans CJK SC\';font-size:12px;flex:none">'
               f'<div style="flex:1"></div><span style="padding:0 10px">^ 中</span>'
               f'<div style="text-align:right;line-height:17px;padding:0 12px"{mark}>{esc(time_line)}<br>'
               f'{esc(date_line)}</div></div>')
    return document(width, height, window + taskbar), True


# ---- delivery documents -------------------------------------------------------------------------------------------

@dataclass
class Doc:
    kind: str          # pod-ko | receipt-ko | pod-en | receipt-zh
    form: str          # fax | scan
    dpi: int
    parcel: Parcel
    delivered: datetime
    printed: datetime
    address: tuple[str, str]
    font: str
    layout: str = "table"  # table (label | value rows) | lines (label: value lines, no borders)
    seal: bool = False     # a round delivery seal stamped over the signature's corner


# A Chinese 签收单 (a forwarder's, for a parcel delivered in Korea) twice as often as each other kind: its labels,
# title, fonts and time forms vary more than one layout's.
DOC_KINDS = ("pod-ko", "receipt-ko", "pod-en", "receipt-zh", "receipt-zh")
DOC_FONTS = ("'Noto Sans CJK KR'", "'NanumGothic'", "'Noto Serif CJK KR'", "'NanumMyeongjo'")
ZH_DOC_FONTS = ("'Noto Sans CJK SC'", "'Noto Serif CJK SC'", "'Noto Sans CJK KR'", "'Noto Serif CJK KR'")
SCAN_DPIS = (150, 200, 240, 300)
FAX_DPIS = (150, 150, 200)  # standard-resolution faxes, and fine mode's 200
# A 签收单's words, one of each drawn per document: the number's label, the carrier's, the address's, the time's,
# the signer's, the title and the print line's.
ZH_WORDS = {"number": ("运单号", "快递单号", "物流单号", "单号", "运单编号"), "carrier": ("承运商", "快递公司", "物流公司"),
            "address": ("收货地址", "收件地址", "派送地址"), "time": ("签收时间", "签收日期", "派送时间"),
            "signer": ("签收人", "收件人"), "title": ("签 收 单", "签收回执", "快递签收单", "收货确认单", "签收证明"),
            "printed": ("打印时间", "打印日期", "出单时间")}
SEALS = {"pod-ko": "배송완료", "receipt-ko": "인수완료", "pod-en": "DELIVERED", "receipt-zh": "已签收"}


def draw_doc(rng: random.Random) -> Doc:
    form = rng.choice(("fax", "scan", "scan"))
    dpi = rng.choice(FAX_DPIS if form == "fax" else SCAN_DPIS)
    carrier = rng.choice([c for c in CARRIERS if c.key in ("cj", "lotte", "hanjin", "logen", "korea-post")])
    value, checksum = tracking_number(carrier, rng)
    p = Parcel(value, value, validate_tracking(value, carrier.key)[0] or carrier.key, checksum,
               KO_CARRIER_ZH[carrier.key], carrier.brand)
    delivered = datetime(2026, 3, rng.randint(2, 13), rng.randint(9, 20), rng.randint(0, 59), tzinfo=KST)
    printed = delivered + timedelta(days=rng.randint(1, 4), hours=rng.randint(0, 5), minutes=rng.randint(0, 59))
    kind = rng.choice(DOC_KINDS)
    return Doc(kind=kind, form=form, dpi=dpi, parcel=p, delivered=delivered, printed=printed,
               address=korean_address(rng), font=rng.choice(ZH_DOC_FONTS if kind == "receipt-zh" else DOC_FONTS),
               layout=rng.choice(("table", "table", "lines")), seal=rng.random() < 0.4)


def doc_html(doc: Doc, truth: Truth, rng: random.Random) -> str:
    """An A4 page (794 x 1123 CSS px) of a proof of delivery or receipt."""
    p = doc.parcel
    number_mark = truth.mark("tracking_numbers", {"value": p.number, "carrier": p.carrier or None,
                                                  "checksum": p.checksum})
    at = doc.delivered
    road, postal = doc.address
    address_mark = truth.mark("korean_addresses", {"value": road, "postal_code": postal})
    detail = f"{rng.randint(101, 120)}동 {rng.randint(101, 1804)}호" if rng.random() < 0.6 else f"{rng.randint(1, 9)}층"
    style = rng.randrange(3)
    if doc.kind in ("pod-ko", "receipt-ko"):
        stamp = (at.strftime("%Y-%m-%d %H:%M"), at.strftime("%Y.%m.%d %H:%M"),
                 f"{at.year}년 {at.month:02d}월 {at.day:02d}일 {at.hour:02d}시 {at.minute:02d}분")[style]
        title = "배송완료 확인서" if doc.kind == "pod-ko" else "인 수 증"
        rows = [("운송장번호", f"<b{number_mark}>{esc(p.shown)}</b>"), ("택배사", esc(p.name_ko)),
                ("수령인", f"{rng.choice('김이박최정강조윤')}*{rng.choice('민서지현우영')} (본인)"),
                ("배송지 주소", f"<span{address_mark}>({esc(postal)}) {esc(road)}</span>, {esc(detail)}"),
                ("배송완료 일시" if doc.kind == "pod-ko" else "인수 일시",
                 f"<span{truth.timestamp(stamp, at, 'event')}>{esc(stamp)}</span>"),
                ("인수자 서명", SIGNATURE)]
        footer = ("위와 같이 물품을 정히 인수하였음을 확인합니다. 출력일시", "")
    elif doc.kind == "pod-en":
        marker = "PM" if at.hour >= 12 else "AM"
        stamp = (f"{at.month:02d}/{at.day:02d}/{at.year} {hour12(at)}:{at.minute:02d} {marker}",
                 at.strftime("%Y-%m-%d %H:%M"), f"{at:%b} {at.day}, {at.year} {at:%H:%M}")[style]
        title = "PROOF OF DELIVERY"
        rows = [("Tracking Number", f"<b{number_mark}>{esc(p.shown)}</b>"), ("Carrier", esc(p.name_ko)),
                ("Delivered", f"<span{truth.timestamp(stamp, at, 'event')}>{esc(stamp)}</span>"),
                ("Delivery address", f"<span{address_mark}>({esc(postal)}) {esc(road)}</span>, {esc(detail)}"),
                ("Signed by", f"{rng.choice(('KIM', 'LEE', 'PARK', 'CHOI'))} (RECIPIENT)"), ("Signature", SIGNATURE)]
        footer = ("Printed", ". This notice serves as proof of delivery.")
    else:
        stamp = (at.strftime("%Y-%m-%d %H:%M"), f"{at.year}年{at.month}月{at.day}日 {at:%H:%M}",
                 at.strftime("%Y/%m/%d %H:%M"), f"{at.year}年{at.month:02d}月{at.day:02d}日 {at.hour}时{at.minute:02d}分",
                 at.strftime("%Y.%m.%d %H:%M"))[rng.randrange(5)]
        words = {key: rng.choice(choices) for key, choices in ZH_WORDS.items()}
        title = words["title"]
        rows = [(words["number"], f"<b{number_mark}>{esc(p.shown)}</b>"), (words["carrier"], esc(p.name_ko)),
                (words["address"], f"<span{address_mark}>({esc(postal)}) {esc(road)}</span>, {esc(detail)}"),
                (words["time"], f"<span{truth.timestamp(stamp, at, 'event')}>{esc(stamp)}</span>"),
                (words["signer"], rng.choice(("本人签收", "本人", "家人代收", "门卫代收"))), ("签名", SIGNATURE)]
        footer = (words["printed"], "")
    printed = f"{doc.printed:%Y-%m-%d %H:%M}"
    footer_mark = truth.timestamp(printed, doc.printed, "event")
    if doc.layout == "table":
        table = "".join(f'<tr><th style="width:28%;text-align:left;padding:12px;border:1px solid #000;'
                        f'background:#eee">{esc(k)}</th><td style="padding:12px;border:1px solid #000">{v}</td></tr>'
                        for k, v in rows)
        table = f'<table style="border-collapse:collapse;width:100%">{table}</table>'
    else:  # label: value lines, no borders (a forwarder's printout)
        colon = "：" if doc.kind == "receipt-zh" else ":"
        table = "".join(f'<div style="display:flex;align-items:center;margin:14px 0"><span style="width:170px;'
                        f'flex:none">{esc(k)}{colon}</span><span>{v}</span></div>' for k, v in rows)
    seal = (f'<div style="position:absolute;right:96px;top:520px;width:124px;height:124px;border:5px solid #d22;'
            f'border-radius:50%;color:#d22;display:flex;align-items:center;justify-content:center;font-size:22px;'
            f'font-weight:bold;opacity:0.85;transform:rotate({rng.randint(-25, 25)}deg)">{esc(SEALS[doc.kind])}</div>'
            if doc.seal else "")
    items = "".join(f'<tr><td style="padding:8px;border:1px solid #000">{i + 1}</td><td style="padding:8px;'
                    f'border:1px solid #000">{esc(rng.choice(("생활용품", "의류", "주방용품", "전자부품", "문구류")))}'
                    f'</td><td style="padding:8px;border:1px solid #000">{rng.randint(1, 3)}</td></tr>'
                    for i in range(rng.randint(1, 3)))
    page = (f'<div style="width:794px;height:1123px;padding:70px 72px;font-family:{doc.font};font-size:16px;'
            f'color:#000;background:#fff;position:relative" data-clip>{seal}'
            f'<div style="display:flex;justify-content:space-between;'
            f'align-items:center;border-bottom:3px solid #000;padding-bottom:10px"><b style="font-size:22px">'
            f'{esc(p.name_ko)}</b><span style="font-size:13px">No. {digits(rng, 8)}</span></div>'
            f'<h1 style="text-align:center;font-size:32px;letter-spacing:6px;margin:36px 0">{esc(title)}</h1>'
            f'{table}<table style="border-collapse:collapse;width:100%;margin-top:28px">{items}</table>'
            f'<p style="margin-top:40px;font-size:14px">{esc(footer[0])} <span{footer_mark}>{esc(printed)}</span>'
            f'{esc(footer[1])}</p></div>')
    return ('<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;padding:0}'
            '*{box-sizing:border-box}</style></head>'
            f'<body>{page}<script>{VISIBILITY}</script></body></html>')


SIGNATURE = ('<svg width="150" height="40" viewBox="0 0 150 40"><path d="M5 30 C 20 5, 30 5, 38 28 S 60 38, 70 12 '
             'S 95 8, 100 30 S 130 20, 145 10" stroke="#000" stroke-width="2.2" fill="none"/></svg>')


def fax_header(doc: Doc) -> str:
    return f"{doc.printed:%Y/%m/%d %H:%M}  FROM: 02-1588-{digits(random.Random(doc.parcel.number), 4)}  P.01/01"


def degrade_doc(image: Image.Image, doc: Doc, rng: random.Random, truth: Truth) -> tuple[bytes, str, str]:
    """(bytes, form, degradation): a 150- or 200-dpi fax (binarised, speckle, streaks, transmission header) or a
    150-300-dpi scan (slight skew, noise, JPEG), saved as a PDF at its resolution or as an image."""
    grey = image.convert("L")
    buf = io.BytesIO()
    as_pdf = rng.random() < 0.6
    if doc.form == "fax":
        header = fax_header(doc)
        truth.timestamps = [t for t in truth.timestamps if t["value"] != doc.printed.isoformat()]
        truth.timestamps.append({"text": header.split("  ")[0], "value": doc.printed.isoformat(), "role": "capture"})
        canvas = ImageDraw.Draw(grey)
        from PIL import ImageFont
        try:
            font = ImageFont.truetype("DejaVuSansMono.ttf", max(14, grey.height // 110))
        except OSError:
            font = ImageFont.load_default()
        canvas.text((40, 12), header, fill=0, font=font)
        if rng.random() < 0.5:  # fax "standard" mode: half the lines, each sent twice
            grey = grey.resize((grey.width, grey.height // 2), Image.Resampling.BOX).resize(grey.size)
        grey = grey.filter(ImageFilter.GaussianBlur(0.6))
        threshold = rng.randint(150, 185)
        noise = Image.effect_noise(grey.size, 30)
        binary = ImageChops.add(grey, noise, 1.0, -128).point(lambda v: 255 if v > threshold else 0, "1")
        canvas = ImageDraw.Draw(binary)
        for _ in range(rng.randint(2, 6)):  # streaks of a dirty scanner bar, across the page
            y = rng.randrange(binary.height)
            canvas.line((0, y, binary.width, y + rng.randint(-2, 2)), fill=0, width=rng.choice((1, 1, 2)))
        for _ in range(binary.width * binary.height // 4000):  # speckle
            canvas.point((rng.randrange(binary.width), rng.randrange(binary.height)), fill=0)
        if as_pdf:
            binary.save(buf, "PDF", resolution=doc.dpi)
            return buf.getvalue(), "pdf", f"fax-{doc.dpi}dpi"
        binary.save(buf, "PNG", optimize=True)
        return buf.getvalue(), "png", f"fax-{doc.dpi}dpi"
    skew = rng.uniform(0.4, 1.6) * rng.choice((-1, 1))
    page = grey.rotate(skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    page = ImageChops.add(page, Image.effect_noise(page.size, rng.uniform(6, 12)), 1.0, -128)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    page = page.point(lambda v: min(255, int(v * 0.96 + 14)))  # paper grey, not white
    quality = rng.randint(65, 85)
    if as_pdf:
        page.save(buf, "PDF", resolution=doc.dpi, quality=quality)
        return buf.getvalue(), "pdf", f"scan-{doc.dpi}dpi"
    page.save(buf, "JPEG", quality=quality, dpi=(doc.dpi, doc.dpi))
    return buf.getvalue(), "jpeg", f"scan-{doc.dpi}dpi"


# ---- the corpus ---------------------------------------------------------------------------------------------------

def degrade_chat(image: Image.Image, rng: random.Random) -> tuple[bytes, str, str]:
    """A chat screenshot as shared: the PNG, or a messenger's JPEG re-save."""
    buf = io.BytesIO()
    if rng.random() < 0.6:
        image.save(buf, "PNG", optimize=True)
        return buf.getvalue(), "png", "clean"
    quality = rng.randint(60, 88)
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue(), "jpeg", f"jpeg-q{quality // 10 * 10}"


def build(out: Path, seed: int, count: int = 30) -> dict:
    """Render `count` files of `seed` (two thirds chats, one third delivery documents) into `out` with truth.json."""
    need_chromium()
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    with tempfile.TemporaryDirectory(prefix="chat-corpus-") as tmp:
        work = Path(tmp)
        for i in range(count):
            if i % 3 != 2:
                chat = draw_chat(rng)
                truth = ChatTruth(languages=[chat.locale])
                page, _ = (phone_chat_html if chat.device == "phone" else desktop_chat_html)(chat, truth, rng)
                image, visible = render(page, chat.size, chat.scale, work)
                truth.keep(visible)
                data, form, degradation = degrade_chat(image, rng)
                date_shown = bool(truth.dates) or any(t["role"] == "capture" or "年" in t["text"]
                                                      or "년" in t["text"] for t in truth.timestamps)
                name = f"{i:02d}-{chat.app}-{chat.device}.{'png' if form == 'png' else 'jpg'}"
                variety = {"family": "chat", "app": chat.app, "locale": chat.locale, "device": chat.device,
                           "os": chat.os, "hours": "12h" if chat.twelve else "24h", "theme":
                           "dark" if chat.dark else "light", "date_shown": date_shown, "degradation": degradation,
                           "captured": chat.seen.isoformat(), "where": chat.where}
                kind, web = "chat-app", False
            else:
                doc = draw_doc(rng)
                truth = Truth(languages={"pod-en": ["en"], "receipt-zh": ["zh", "ko"]}.get(doc.kind, ["ko"]))
                scale = doc.dpi / 96
                image, visible = render(doc_html(doc, truth, rng), (794, 1123), scale, work)
                truth.keep(visible)
                data, form, degradation = degrade_doc(image, doc, rng, truth)
                name = f"{i:02d}-{doc.kind}-{doc.form}{doc.dpi}.{ {'pdf': 'pdf', 'png': 'png'}.get(form, 'jpg')}"
                variety = {"family": "document", "app": doc.kind, "locale": truth.languages[0], "device": doc.form,
                           "os": "none", "hours": "24h", "theme": "light", "date_shown": True,
                           "degradation": degradation, "captured": doc.printed.isoformat(),
                           "where": "Korea", "layout": doc.layout, "seal": doc.seal}
                kind, web = "proof-of-delivery", False
            (out / name).write_bytes(data)
            files[name] = {"form": form, "bytes": len(data), "degradation": variety["degradation"],
                           "text_source": "ocr", "pages": 1, "kind": kind, "web_capture": web,
                           "fields": truth.fields(), "other_hosts": [], "languages": truth.languages,
                           "qr_codes": [], "rules": [], "variety": variety}
    return write_truth(out, SCHEMA, seed, split_of(seed), files)


def split_of(seed: int) -> str:
    return next((name for name, seeds in SPLITS.items() if seed in seeds), "other")


def ensure(root: Path, seed: int, count: int = 30) -> Path:
    """ROOT/seed-N, rendered when its truth.json is missing."""
    return browser_corpus.ensure(root, seed, count, make=build)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="output folder (with --split: the root of one folder per seed)")
    parser.add_argument("--seed", type=int, help="one corpus of this seed")
    parser.add_argument("--split", choices=sorted(SPLITS), help="every seed of a split, under OUT/seed-N/")
    parser.add_argument("--count", type=int, default=30, help="files per seed (default 30)")
    args = parser.parse_args(argv)
    if (args.seed is None) == (args.split is None):
        parser.error("give --seed N or --split tuning|test")
    if args.seed is not None:
        truth = build(args.out, args.seed, args.count)
        print(f"wrote {len(truth['files'])} files and truth.json under {args.out}", file=sys.stderr)
    else:
        for seed in SPLITS[args.split]:
            print(f"seed {seed}: {ensure(args.out, seed, args.count)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
