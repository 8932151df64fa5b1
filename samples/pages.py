"""The pages evidence shows: carrier tracking pages, the Coupang order detail, a Seller Center (Wing) message
thread, a WeChat chat, a signed delivery receipt, a Chinese QC report and a product photo.

Each renderer draws one page and records into a `Truth` exactly what it printed (tracking numbers, date-times,
Korean addresses), so the ground truth cannot drift from the pixels. Layout knobs (language, column order, date
format, dark mode, font size) let the held-out benchmark corpus draw pages the samples never show.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from samples.draw import Theme, Truth, font, signature, table, text_width
from samples.fake import Address, Event, Tracking, masked

# ---- date formats -----------------------------------------------------------------------------------

DATE_FORMATS = {
    "dot": lambda t: t.strftime("%Y.%m.%d"),
    "dash": lambda t: t.strftime("%Y-%m-%d"),
    "slash": lambda t: t.strftime("%Y/%m/%d"),
    "us": lambda t: t.strftime("%m/%d/%Y"),
    "long": lambda t: f"{t.strftime('%b')} {t.day}, {t.year}",
}
TIME_FORMATS = {
    "24": lambda t: t.strftime("%H:%M"),
    "24s": lambda t: t.strftime("%H:%M:%S"),
    "12": lambda t: f"{t.hour % 12 or 12}:{t.minute:02d} {'PM' if t.hour >= 12 else 'AM'}",
}


def stamp(at: datetime, date_fmt: str, time_fmt: str) -> tuple[str, str]:
    return DATE_FORMATS[date_fmt](at), TIME_FORMATS[time_fmt](at)


# ---- carrier tracking pages -------------------------------------------------------------------------

LABELS = {
    "ko": {"title": "배송조회", "tracking": "운송장번호", "sender": "보내는 분", "recipient": "받는 분",
           "product": "상품명", "qty": "수량", "address": "받는 분 주소", "date": "날짜", "time": "시간",
           "datetime": "처리일시", "location": "현재위치", "status": "배송상태", "search": "조회",
           "steps": ("상품인수", "상품이동중", "배송지도착", "배송출발", "배송완료"), "signer": "인수자",
           "delivered": "배송완료", "self": "본인", "postal": "우"},
    "en": {"title": "Track your shipment", "tracking": "Tracking number", "sender": "Shipper",
           "recipient": "Recipient", "product": "Item", "qty": "Pieces", "address": "Delivery address",
           "date": "Date", "time": "Time", "datetime": "Date/Time", "location": "Location", "status": "Status",
           "search": "Track", "steps": ("Picked up", "In transit", "At local facility", "Out for delivery",
                                         "Delivered"), "signer": "Signed for by", "delivered": "Delivered",
           "self": "Recipient", "postal": "Postal code"},
}


@dataclass(frozen=True)
class CarrierSite:
    carrier: str
    brand: str
    colour: tuple[int, int, int]
    url: str                       # the real URL, {n} = tracking number
    title: str                     # the tab / print title
    lang: str = "ko"
    columns: tuple[str, ...] = ("date", "time", "location", "status")
    date_fmt: str = "dot"
    time_fmt: str = "24"
    summary: str = "row"           # row: a header row and a value row; list: label: value lines
    stepper: bool = True
    grouped_number: bool = False   # prints 4-4-4 groups (6892-1234-5674)
    wording: tuple[tuple[str, str], ...] = ()  # the site's own words for some labels: (("tracking", "등기번호"),)
    nav: tuple[str, ...] = ("고객센터", "기업고객", "택배예약", "배송조회")


@dataclass(frozen=True)
class Shipment:
    tracking: Tracking
    recipient: str
    address: Address
    sender: str
    product: str
    events: tuple[Event, ...]
    phone: str = "010-****-1234"

    @property
    def delivered_at(self) -> datetime:
        return self.events[-1].at


def labels(site: CarrierSite) -> dict:
    return LABELS[site.lang] | dict(site.wording)


def url_for(site: CarrierSite, number: str) -> str:
    return site.url.format(n=number)


def shown_number(site: CarrierSite, number: str) -> str:
    if site.grouped_number and number.isdigit() and len(number) == 12:
        return "-".join(number[i:i + 4] for i in range(0, 12, 4))
    return number


def tracking_page(size: tuple[int, int], site: CarrierSite, ship: Shipment, theme: Theme, truth: Truth) -> Image.Image:
    """A carrier's tracking result page. Only rows that fit the viewport are drawn (and recorded)."""
    w, h = size
    lab = labels(site)
    img = Image.new("RGB", size, theme.bg)
    d = ImageDraw.Draw(img)
    s = theme.size
    # dark themes lighten the brand colour, as sites do, so brand-coloured text stays readable
    accent = tuple((c + 255) // 2 for c in site.colour) if theme.dark else site.colour
    site = replace(site, colour=accent)
    # site header
    head_h = round(s * 4)
    d.rectangle((0, 0, w, head_h), fill=theme.panel if theme.dark else (255, 255, 255))
    d.line((0, head_h, w, head_h), fill=site.colour, width=3)
    d.text((40, head_h // 2), site.brand, font=theme.f(1.7, bold=True), fill=site.colour, anchor="lm")
    x = w - 40
    for item in reversed(site.nav):
        x -= text_width(d, item, theme.f()) + 28
        d.text((x, head_h // 2), item, font=theme.f(), fill=theme.fg, anchor="lm")
    left = max(40, (w - 1100) // 2)
    cw = min(w - 80, 1100)
    y = head_h + round(s * 1.4)
    d.text((left, y), lab["title"], font=theme.f(1.6, bold=True), fill=theme.fg)
    y += round(s * 3)
    # search box with the number
    box_h = round(s * 2.6)
    d.rectangle((left, y, left + cw - 120, y + box_h), outline=theme.line, fill=theme.bg, width=2)
    d.text((left + 14, y + box_h // 2), ship.tracking.value, font=theme.f(1.1), fill=theme.fg, anchor="lm")
    d.rectangle((left + cw - 110, y, left + cw, y + box_h), fill=site.colour)
    d.text((left + cw - 55, y + box_h // 2), lab["search"], font=theme.f(bold=True), fill=(255, 255, 255),
           anchor="mm")
    y += box_h + round(s * 1.5)
    truth.tracking(ship.tracking)
    number = shown_number(site, ship.tracking.value)
    who = masked(ship.recipient)
    address_line = f"({lab['postal']} {ship.address.postal_code}) {ship.address.full}"
    if site.summary == "row":
        widths = [int(cw * r) for r in (0.24, 0.2, 0.14, 0.32, 0.1)]
        y = table(d, left, y, widths, [lab["tracking"], lab["sender"], lab["recipient"], lab["product"], lab["qty"]],
                  [[number, ship.sender, who, ship.product, "1"]], theme)
        row_h = round(s * 2.5)
        d.rectangle((left, y, left + sum(widths), y + row_h), outline=theme.line, fill=theme.bg)
        d.text((left + 10, y + row_h // 2), f"{lab['address']}: {address_line}", font=theme.f(), fill=theme.fg,
               anchor="lm")
        y += row_h
    else:
        pairs = [(lab["tracking"], number), (lab["sender"], ship.sender), (lab["recipient"], who),
                 (lab["product"], ship.product), (lab["address"], address_line)]
        stacked = cw < text_width(d, address_line, theme.f()) + s * 12  # narrow (mobile): value under its label
        for key, value in pairs:
            d.text((left, y), key, font=theme.f(bold=True), fill=theme.muted)
            if stacked:
                y += round(s * 1.5)
            d.text((left + (0 if stacked else round(s * 11)), y), value, font=theme.f(), fill=theme.fg)
            y += round(s * 1.9)
    truth.address(ship.address)
    y += round(s * 1.2)
    if site.stepper:
        step_w = cw // 5
        for i, label in enumerate(lab["steps"]):
            cx = left + step_w * i + step_w // 2
            done = i == 4
            r = round(s * 1.1)
            d.ellipse((cx - r, y, cx + r, y + 2 * r), fill=site.colour if done else theme.panel, outline=theme.line)
            if i < 4:
                d.line((cx + r, y + r, cx + step_w - r, y + r), fill=theme.line, width=2)
            d.text((cx, y + 2 * r + 6), label, font=theme.f(0.9, bold=done), fill=theme.fg, anchor="ma")
        y += round(s * 4.2)
    # the scan history
    heads = [lab[c] for c in site.columns]
    widths_by = {"date": 0.16, "time": 0.12, "datetime": 0.26, "location": 0.3, "status": 0.3}
    scale = cw / sum(widths_by[c] for c in site.columns)
    widths = [int(widths_by[c] * scale) for c in site.columns]
    row_h = round(s * 2.4)
    rows = []
    for ev in ship.events:
        if y + row_h * (len(rows) + 2) > h - 10:
            break  # the rest is below the fold: not visible, not in the truth
        day, clock = stamp(ev.at, site.date_fmt, site.time_fmt)
        cells = {"date": day, "time": clock, "datetime": f"{day} {clock}", "location": ev.location, "status": ev.status}
        rows.append([cells[c] for c in site.columns])
        truth.timestamp(f"{day} {clock}", ev.at)
    y = table(d, left, y, widths, heads, rows, theme, row_h=row_h)
    if len(rows) == len(ship.events) and y + round(s * 3) < h:
        day, clock = stamp(ship.delivered_at, site.date_fmt, site.time_fmt)
        d.text((left, y + round(s * 1.2)), f"{lab['delivered']} ({day} {clock})  {lab['signer']}: {lab['self']}",
               font=theme.f(bold=True), fill=site.colour)
    return img


# ---- Coupang order detail ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Order:
    order_id: str
    ordered_at: datetime
    product: str
    price: int
    buyer: str
    address: Address
    carrier_name: str
    shipment: Shipment


def coupang_logo(d: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    colours = ((124, 45, 18), (217, 35, 41), (240, 153, 0), (138, 188, 34), (32, 161, 222), (32, 161, 222),
               (138, 188, 34))
    f = font("dejavu-bold", size)
    for ch, c in zip("coupang", colours):
        d.text((x, y), ch, font=f, fill=c, anchor="lm")
        x += text_width(d, ch, f)


def order_page(size: tuple[int, int], order: Order, theme: Theme, truth: Truth, delivered_time: bool = True
               ) -> Image.Image:
    """Coupang 'MY쿠팡 > 주문상세'. Without `delivered_time` the page shows dates only (no timestamp)."""
    w, h = size
    img = Image.new("RGB", size, theme.bg)
    d = ImageDraw.Draw(img)
    s = theme.size
    head_h = round(s * 5)
    coupang_logo(d, 40, head_h // 2, round(s * 2))
    d.rectangle((260, head_h // 2 - 18, min(w - 300, 900), head_h // 2 + 18), outline=(52, 106, 255), width=2)
    d.text((w - 220, head_h // 2), "마이쿠팡   장바구니", font=theme.f(), fill=theme.fg, anchor="lm")
    d.line((0, head_h, w, head_h), fill=theme.line)
    side = 220
    d.text((40, head_h + 24), "MY쿠팡", font=theme.f(1.4, bold=True), fill=theme.fg)
    for i, item in enumerate(("주문목록/배송조회", "취소/반품/교환", "영수증 조회", "찜 리스트", "나의 리뷰")):
        d.text((40, head_h + 70 + i * round(s * 2.2)), item, font=theme.f(),
               fill=(52, 106, 255) if i == 0 else theme.fg)
    x0, y = side + 40, head_h + 24
    d.text((x0, y), "주문상세", font=theme.f(1.6, bold=True), fill=theme.fg)
    y += round(s * 3)
    o = order.ordered_at
    d.text((x0, y), f"{o.year}. {o.month}. {o.day} 주문", font=theme.f(1.1, bold=True), fill=theme.fg)
    d.text((x0 + 200, y), f"주문번호 {order.order_id}", font=theme.f(), fill=theme.muted)
    y += round(s * 2.4)
    box_w = min(w - x0 - 40, 900)
    box_h = round(s * 9)
    d.rounded_rectangle((x0, y, x0 + box_w, y + box_h), radius=8, outline=theme.line)
    dt = order.shipment.delivered_at
    weekday = "월화수목금토일"[dt.weekday()]
    d.text((x0 + 20, y + 16), f"배송완료 · {dt.month}/{dt.day}({weekday}) 도착", font=theme.f(1.2, bold=True),
           fill=(0, 137, 26))
    d.rectangle((x0 + 20, y + 16 + round(s * 2.2), x0 + 20 + round(s * 5), y + 16 + round(s * 7.2)),
                fill=(230, 232, 236))
    px = x0 + 40 + round(s * 5)
    d.text((px, y + 16 + round(s * 2.4)), order.product, font=theme.f(), fill=theme.fg)
    d.text((px, y + 16 + round(s * 4.2)), f"{order.price:,}원 · 1개", font=theme.f(bold=True), fill=theme.fg)
    tr = order.shipment.tracking
    d.text((px, y + 16 + round(s * 6)), f"{order.carrier_name} {tr.value}", font=theme.f(), fill=theme.muted)
    truth.tracking(tr)
    d.rounded_rectangle((x0 + box_w - 150, y + 30, x0 + box_w - 20, y + 30 + round(s * 2.5)), radius=4,
                        outline=(52, 106, 255))
    d.text((x0 + box_w - 85, y + 30 + round(s * 1.25)), "배송조회", font=theme.f(), fill=(52, 106, 255), anchor="mm")
    y += box_h + round(s * 2)
    d.text((x0, y), "받는사람 정보", font=theme.f(1.2, bold=True), fill=theme.fg)
    y += round(s * 2.4)
    d.line((x0, y, x0 + box_w, y), fill=theme.fg, width=2)
    a = order.address
    rows = [("받는사람", masked(order.buyer)), ("연락처", order.shipment.phone),
            ("받는주소", f"({a.postal_code}) {a.full}"), ("배송요청사항", "문 앞")]
    if delivered_time:
        day, clock = stamp(dt, "dot", "24")
        rows.append(("배송완료일시", f"{day} {clock}"))
        truth.timestamp(f"{day} {clock}", dt)
    for key, value in rows:
        y += round(s * 0.8)
        d.text((x0 + 10, y), key, font=theme.f(), fill=theme.muted)
        d.text((x0 + 170, y), value, font=theme.f(), fill=theme.fg)
        y += round(s * 1.6)
        d.line((x0, y, x0 + box_w, y), fill=theme.line)
    truth.address(a)
    return img


# ---- Seller Center (Wing) message thread ------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    at: datetime
    sender: str        # buyer | seller
    text: str


def wing_thread(size: tuple[int, int], order: Order, messages: list[Message], theme: Theme, truth: Truth
                ) -> Image.Image:
    """Wing (Coupang Seller Center) > 고객문의 > 문의 상세, messages with their date-times."""
    w, h = size
    img = Image.new("RGB", size, (245, 246, 248))
    d = ImageDraw.Draw(img)
    s = theme.size
    d.rectangle((0, 0, w, 52), fill=(255, 255, 255))
    coupang_logo(d, 24, 26, 22)
    d.text((130, 26), "wing", font=font("dejavu-bold", 20), fill=(52, 106, 255), anchor="lm")
    for i, item in enumerate(("상품관리", "주문/배송", "고객문의", "정산", "광고")):
        d.text((260 + i * 100, 26), item, font=theme.f(bold=i == 2), fill=theme.fg, anchor="lm")
    d.rectangle((0, 52, 200, h), fill=(255, 255, 255))
    for i, item in enumerate(("고객문의", "콜센터 문의", "상품평", "판매자 톡")):
        d.text((24, 80 + i * 34), item, font=theme.f(), fill=(52, 106, 255) if i == 0 else theme.fg)
    x0, y = 230, 72
    d.text((x0, y), "고객문의 상세", font=theme.f(1.5, bold=True), fill=theme.fg)
    y += round(s * 2.8)
    d.text((x0, y), f"주문번호 {order.order_id}   |   {order.product}   |   구매자 {masked(order.buyer)}",
           font=theme.f(), fill=theme.muted)
    y += round(s * 2.4)
    bubble_w = min(w - x0 - 60, 760)
    for m in messages:
        lines = wrap(d, m.text, theme.f(), bubble_w - 40)
        bh = round(s * 2.6) + len(lines) * round(s * 1.5)
        if y + bh > h - 10:
            break
        buyer = m.sender == "buyer"
        bx = x0 if buyer else x0 + 80
        d.rounded_rectangle((bx, y, bx + bubble_w, y + bh), radius=8,
                            fill=(255, 255, 255) if buyer else (232, 240, 254), outline=(220, 223, 228))
        who = f"구매자 {masked(order.buyer)}" if buyer else "판매자"
        day, clock = stamp(m.at, "dash", "24")
        d.text((bx + 16, y + 10), who, font=theme.f(0.95, bold=True), fill=theme.fg)
        d.text((bx + bubble_w - 16, y + 10), f"{day} {clock}", font=theme.f(0.95), fill=theme.muted, anchor="ra")
        truth.timestamp(f"{day} {clock}", m.at)
        for i, line in enumerate(lines):
            d.text((bx + 16, y + round(s * 2.2) + i * round(s * 1.5)), line, font=theme.f(), fill=theme.fg)
        y += bh + 14
    return img


def wrap(d: ImageDraw.ImageDraw, text: str, f, width: int) -> list[str]:
    """Greedy wrap by characters (Korean and Chinese break anywhere; good enough for short messages)."""
    lines, line = [], ""
    for ch in text:
        if text_width(d, line + ch, f) > width and line:
            lines.append(line)
            line = ch.lstrip()
        else:
            line += ch
    return lines + [line] if line else lines


# ---- WeChat chat ------------------------------------------------------------------------------------

def wechat_chat(contact: str, messages: list[Message], status_time: datetime, truth: Truth) -> Image.Image:
    """A WeChat conversation on an iPhone (750x1334): grey background, green bubbles for 'me'."""
    w, h = 750, 1334
    img = Image.new("RGB", (w, h), (237, 237, 237))
    d = ImageDraw.Draw(img)
    zh = lambda size, bold=False: font("noto-cjk-bold" if bold else "noto-cjk", size)  # noqa: E731
    d.text((40, 22), f"{status_time.hour}:{status_time.minute:02d}", font=font("dejavu-bold", 22), fill=(0, 0, 0),
           anchor="lm")
    d.rounded_rectangle((w - 80, 14, w - 30, 32), radius=5, outline=(0, 0, 0), width=2)
    d.text((30, 88), "‹ 微信(3)", font=zh(28), fill=(0, 0, 0), anchor="lm")
    d.text((w // 2, 88), contact, font=zh(30, True), fill=(0, 0, 0), anchor="mm")
    d.text((w - 40, 88), "···", font=zh(30), fill=(0, 0, 0), anchor="mm")
    d.line((0, 128, w, 128), fill=(214, 214, 214))
    y, last_day = 150, None
    for m in messages:
        if m.at.date() != last_day:
            label = f"{m.at.year}年{m.at.month}月{m.at.day}日 {'下午' if m.at.hour >= 12 else '上午'}" \
                    f"{m.at.hour % 12 or 12}:{m.at.minute:02d}"
            d.text((w // 2, y + 16), label, font=zh(22), fill=(150, 150, 150), anchor="mm")
            truth.timestamp(label, m.at)
            last_day = m.at.date()
            y += 50
        lines = wrap(d, m.text, zh(30), 420)
        bh = 28 + 42 * len(lines)
        if y + bh > h - 130:
            break
        mine = m.sender == "seller"
        bw = max(text_width(d, line, zh(30)) for line in lines) + 40
        if mine:
            d.rectangle((w - 100, y, w - 24, y + 76), fill=(87, 107, 149))
            bx = w - 116 - bw
            d.rounded_rectangle((bx, y, bx + bw, y + bh), radius=10, fill=(149, 236, 105))
        else:
            d.rectangle((24, y, 100, y + 76), fill=(224, 140, 60))
            bx = 116
            d.rounded_rectangle((bx, y, bx + bw, y + bh), radius=10, fill=(255, 255, 255))
        for i, line in enumerate(lines):
            d.text((bx + 20, y + 14 + i * 42), line, font=zh(30), fill=(25, 25, 25))
        y += bh + 30
    d.rectangle((0, h - 110, w, h), fill=(247, 247, 247))
    d.rounded_rectangle((90, h - 92, w - 150, h - 38), radius=8, fill=(255, 255, 255))
    truth.languages = ["zh"]
    return img


# ---- proof of delivery --------------------------------------------------------------------------------

def pod_receipt(ship: Shipment, carrier_name: str, driver: str, rng: np.random.Generator, truth: Truth,
                dpi: int = 200) -> Image.Image:
    """A signed delivery receipt (인수증) on A4 paper at `dpi`, before any scanning."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    pt = lambda p: round(p * dpi / 72)  # noqa: E731
    m = pt(54)
    d.text((w // 2, m + pt(10)), "인 수 증", font=font("myeongjo-bold", pt(26)), fill=0, anchor="mm")
    d.text((w // 2, m + pt(40)), f"(배송완료 확인서)  {carrier_name}", font=font("myeongjo", pt(12)), fill=0,
           anchor="mm")
    y = m + pt(80)
    row = pt(30)
    label_w = pt(120)
    day, clock = stamp(ship.delivered_at, "dot", "24")
    a = ship.address
    rows = [("운송장번호", ship.tracking.value), ("배송일시", f"{day} {clock}"),
            ("받는 분", ship.recipient), ("우편번호", a.postal_code), ("주소", a.road), ("상세주소", a.detail),
            ("상품명", ship.product), ("수량", "1 박스"), ("배송기사", driver)]
    f, fb = font("gothic", pt(11)), font("gothic-bold", pt(11))
    for key, value in rows:
        d.rectangle((m, y, w - m, y + row), outline=0, width=2)
        d.rectangle((m, y, m + label_w, y + row), fill=232, outline=0, width=2)
        d.text((m + pt(8), y + row // 2), key, font=fb, fill=0, anchor="lm")
        d.text((m + label_w + pt(10), y + row // 2), value, font=f, fill=0, anchor="lm")
        y += row
    truth.tracking(ship.tracking)
    truth.timestamp(f"{day} {clock}", ship.delivered_at)
    truth.address(a)
    y += pt(24)
    d.text((m, y), "위 물품을 이상 없이 인수하였음을 확인합니다.", font=f, fill=0)
    y += pt(40)
    d.text((m, y + pt(20)), "인수자 서명", font=fb, fill=0, anchor="lm")
    box = (m + label_w + pt(10), y, m + label_w + pt(230), y + pt(60))
    d.rectangle(box, outline=0, width=2)
    signature(d, (box[0] + pt(20), box[1] + pt(8), box[2] - pt(20), box[3] - pt(6)), rng, ink=20, width=pt(1.6))
    d.text((box[0], box[3] + pt(6)), f"인수자: {ship.recipient} (본인)", font=f, fill=0)
    # the branch's round stamp, printed in red on paper and grey on a scan
    cx, cy, r = w - m - pt(45), y + pt(30), pt(38)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=90, width=pt(2))
    d.text((cx, cy), "배송완료", font=font("gothic-bold", pt(12)), fill=90, anchor="mm")
    d.text((w // 2, h - m), f"{carrier_name} · 본 인수증은 배송 사실 확인용으로 발행됩니다.", font=font("gothic", pt(9)),
           fill=60, anchor="mm")
    truth.kind = "proof-of-delivery"
    truth.languages = ["ko"]
    return img


# ---- product photo ------------------------------------------------------------------------------------

def product_photo(sku: str, taken: datetime, rng: np.random.Generator, truth: Truth, size=(1600, 1200)
                  ) -> Image.Image:
    """A tumbler on a table with the seller's SKU watermark, as a phone photographs it."""
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    wall = np.stack([225 - yy / h * 30, 220 - yy / h * 30, 212 - yy / h * 28], axis=-1)
    table_top = (yy > h * 0.62)[..., None]
    wood = np.stack([150 + 12 * np.sin(xx / 23 + yy / 90), 112 + 10 * np.sin(xx / 23 + yy / 90),
                     80 + 6 * np.sin(xx / 23)], axis=-1)
    arr = np.where(table_top, wood, wall)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    cx = w // 2
    d.ellipse((cx - 230, h * 0.78 - 30, cx + 230, h * 0.78 + 40), fill=(110, 85, 60))
    for i in range(180):  # a brushed-steel body: vertical shading
        shade = int(150 + 90 * np.cos((i - 60) / 180 * np.pi))
        d.line((cx - 180 + i * 2, h * 0.2, cx - 180 + i * 2, h * 0.78), fill=(shade, shade, shade + 4), width=2)
    d.rounded_rectangle((cx - 190, h * 0.12, cx + 190, h * 0.22), radius=24, fill=(40, 40, 44))
    d.text((cx, h * 0.5), "HANBIT", font=font("dejavu-bold", 44), fill=(90, 90, 96), anchor="mm")
    img = img.filter(ImageFilter.GaussianBlur(0.3))  # a phone's slight softness, still in focus
    overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
    od = ImageDraw.Draw(overlay)
    when = taken.strftime("%Y-%m-%d %H:%M")
    mark = f"SKU {sku}  ·  {when}"
    truth.timestamp(when, taken)
    truth.kind = "product-photo"
    od.text((w - 40, h - 40), mark, font=font("dejavu-bold", 40), fill=(255, 255, 255, 170), anchor="rd")
    img = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")
    arr = np.asarray(img, dtype=np.float32) + rng.normal(0, 3.0, (h, w, 3)).astype(np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))

