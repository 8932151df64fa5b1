"""PDFs with a real text layer, drawn with reportlab: a browser's print-to-PDF of a tracking page and a Chinese
QC report. `rl_config.invariant` makes the bytes reproducible (no creation date, fixed document id).
"""
from __future__ import annotations

import io
from datetime import datetime

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from samples.draw import FONT_FILES, Truth
from samples.pages import CarrierSite, Shipment, labels, shown_number, stamp, url_for
from samples.fake import masked

rl_config.invariant = 1

# reportlab embeds TrueType outlines only (Noto CJK is CFF), so Chinese uses WenQuanYi Zen Hei.
PDF_FONTS = {"ko": "NanumGothic", "ko-bold": "NanumGothicBold", "zh": "WenQuanYiZenHei"}


def register_fonts() -> None:
    """Each name on its own: another module in the same process may have registered some of them already."""
    registered = set(pdfmetrics.getRegisteredFontNames())
    fonts = (("ko", "gothic", {}), ("ko-bold", "gothic-bold", {}), ("zh", "zenhei", {"subfontIndex": 0}))
    for key, file, extra in fonts:
        if PDF_FONTS[key] not in registered:
            pdfmetrics.registerFont(TTFont(PDF_FONTS[key], FONT_FILES[file], **extra))


def chrome_print_header(at: datetime, style: str) -> str:
    """The date Chrome prints in the page header: en-US `3/11/26, 2:31 PM`, ko-KR `26. 3. 11. 오후 2:31`."""
    hour12 = at.hour % 12 or 12
    if style == "ko":
        return f"{at.year % 100}. {at.month}. {at.day}. {'오후' if at.hour >= 12 else '오전'} {hour12}:{at.minute:02d}"
    return f"{at.month}/{at.day}/{at.year % 100}, {hour12}:{at.minute:02d} {'PM' if at.hour >= 12 else 'AM'}"


def print_tracking_pdf(site: CarrierSite, ship: Shipment, printed_at: datetime, truth: Truth,
                       header_style: str = "en", body_size: float = 9.5) -> bytes:
    """A tracking page as Chrome's 'Save as PDF' writes it: header date + title, footer URL + page count."""
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle(site.title)
    w, h = A4
    lab = labels(site)
    regular, bold = PDF_FONTS["ko"], PDF_FONTS["ko-bold"]  # Nanum covers Latin too
    header = chrome_print_header(printed_at, header_style)
    url = url_for(site, ship.tracking.value)
    c.setFont(regular, 8)
    c.drawString(28, h - 22, header)
    c.drawCentredString(w / 2, h - 22, site.title)
    c.drawString(28, 18, url)
    c.drawRightString(w - 28, 18, "1/1")
    truth.timestamp(header, printed_at)
    truth.url(url, url.split("/")[2], address_bar=False)
    # page body, laid out like the screen version at print scale
    r, g, b = (v / 255 for v in site.colour)
    c.setFillColorRGB(r, g, b)
    c.setFont(bold, 18)
    c.drawString(48, h - 70, site.brand)
    c.setStrokeColorRGB(r, g, b)
    c.setLineWidth(2)
    c.line(40, h - 82, w - 40, h - 82)
    c.setFillColorRGB(0.13, 0.13, 0.13)
    c.setFont(bold, 15)
    c.drawString(48, h - 112, lab["title"])
    y = h - 145
    number = shown_number(site, ship.tracking.value)
    a = ship.address
    pairs = [(lab["tracking"], number), (lab["sender"], ship.sender), (lab["recipient"], masked(ship.recipient)),
             (lab["product"], ship.product), (lab["address"], f"({lab['postal']} {a.postal_code}) {a.full}")]
    for key, value in pairs:
        c.setFont(bold, body_size)
        c.drawString(48, y, key)
        c.setFont(regular, body_size)
        c.drawString(160, y, value)
        c.setStrokeColorRGB(0.85, 0.85, 0.85)
        c.setLineWidth(0.5)
        c.line(40, y - 7, w - 40, y - 7)
        y -= 22
    truth.tracking(ship.tracking)
    truth.address(a)
    y -= 18
    widths = {"date": 80, "time": 60, "datetime": 130, "location": 150, "status": 150}
    x = 48
    c.setFillColorRGB(0.95, 0.95, 0.96)
    c.rect(40, y - 7, w - 80, 20, stroke=0, fill=1)
    c.setFillColorRGB(0.13, 0.13, 0.13)
    c.setFont(bold, body_size)
    for col in site.columns:
        c.drawString(x, y, lab[col])
        x += widths[col]
    y -= 22
    c.setFont(regular, body_size)
    for ev in ship.events:
        day, clock = stamp(ev.at, site.date_fmt, site.time_fmt)
        cells = {"date": day, "time": clock, "datetime": f"{day} {clock}", "location": ev.location, "status": ev.status}
        x = 48
        for col in site.columns:
            c.drawString(x, y, cells[col])
            x += widths[col]
        truth.timestamp(f"{day} {clock}", ev.at)
        y -= 20
    c.showPage()
    c.save()
    truth.languages = [site.lang]
    return buf.getvalue()


def qc_report_pdf(report_no: str, product: str, sku: str, batch: str, issued: datetime, truth: Truth) -> bytes:
    """A factory QC report in Chinese only (质检报告), with report number, issuing body, batch and results table."""
    register_fonts()
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=1)
    c.setTitle("质检报告")
    w, h = A4
    zh = PDF_FONTS["zh"]
    c.setFont(zh, 24)
    c.drawCentredString(w / 2, h - 80, "质 检 报 告")
    c.setFont(zh, 10)
    c.drawRightString(w - 60, h - 110, f"报告编号：{report_no}")
    issuer = "深圳市华检质量检测技术有限公司"
    info = [("产品名称", product), ("型号规格", sku), ("批次号", batch), ("委托单位", "东莞市恒达日用品有限公司"),
            ("检验机构", issuer), ("抽样数量", "200 件（AQL 2.5）"), ("检验依据", "GB/T 2828.1-2012；GB 4806.9-2023"),
            ("检验日期", f"{issued.year}年{issued.month}月{issued.day}日")]
    y = h - 140
    for key, value in info:
        c.rect(60, y - 8, 100, 24, stroke=1, fill=0)
        c.rect(160, y - 8, w - 220, 24, stroke=1, fill=0)
        c.drawString(70, y, key)
        c.drawString(170, y, value)
        y -= 24
    y -= 30
    c.setFont(zh, 13)
    c.drawString(60, y, "检验结果")
    y -= 26
    c.setFont(zh, 10)
    heads = ("序号", "检验项目", "标准要求", "检验结果", "单项判定")
    xs = (60, 100, 210, 360, 470)
    for x, head in zip(xs, heads):
        c.drawString(x + 6, y, head)
    c.line(60, y - 8, w - 60, y - 8)
    results = (("外观", "无划痕、无变形、无毛刺", "符合", "合格"), ("容量", "500 mL ± 2%", "498 mL", "合格"),
               ("保温性能", "6 h 后水温 ≥ 60 ℃", "68 ℃", "合格"), ("密封性", "倒置 30 min 无渗漏", "无渗漏", "合格"),
               ("重金属迁移量", "铅 ≤ 0.05 mg/L", "未检出", "合格"), ("跌落测试", "1.2 m 跌落 3 次无破损", "无破损", "合格"))
    for i, row in enumerate(results, 1):
        y -= 24
        for x, cell in zip(xs, (str(i),) + row):
            c.drawString(x + 6, y, cell)
        c.line(60, y - 8, w - 60, y - 8)
    y -= 50
    c.setFont(zh, 11)
    c.drawString(60, y, "检验结论：该批产品所检项目均符合标准要求，判定为合格。")
    y -= 60
    c.setFont(zh, 10)
    c.drawString(60, y, "主检：王 磊        审核：陈 静        批准：刘建国")
    c.drawString(60, y - 24, f"签发日期：{issued.year}年{issued.month}月{issued.day}日")
    # the red inspection seal
    c.setStrokeColorRGB(0.85, 0.1, 0.1)
    c.setFillColorRGB(0.85, 0.1, 0.1)
    c.setLineWidth(2.5)
    c.circle(w - 140, y - 10, 52, stroke=1, fill=0)
    c.setFont(zh, 9)
    c.drawCentredString(w - 140, y + 8, issuer[:8])
    c.drawCentredString(w - 140, y - 6, issuer[8:])
    c.setFont(zh, 11)
    c.drawCentredString(w - 140, y - 30, "检验专用章")
    c.showPage()
    c.save()
    truth.kind = "qc-report"
    truth.languages = ["zh"]
    return buf.getvalue()
