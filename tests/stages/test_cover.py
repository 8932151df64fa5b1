"""The cover page: first upload file, bilingual, facts with their pages, deadline, index; byte-stable."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from pipeline.context import Context
from pipeline.errors import MissingDependencyError
from pipeline.output.fonts import cover_fonts
from pipeline.model import (KST, Claim, Classification, Fields, KoreanAddress, PacketState, PagePlacement,
                            PageReading, Reading, Timestamp, TrackingNumber, UploadFile)
from pipeline.profile import Profile
from stages import cover
from stages.cover import COVER_NAME, numbered, page_ranges

PROFILE = Profile.load()
TRACK, POD = "evidence/track.png", "evidence/pod.jpg"


def evidence_pdf(path: Path, pages: int, label: str) -> UploadFile:
    canvas = Canvas(str(path), invariant=1)
    for page in range(1, pages + 1):
        canvas.drawString(72, 720, f"{label} page {page}")
        canvas.showPage()
    canvas.save()
    return UploadFile(path.name, path, "pdf", path.stat().st_size, pages, title=f"{label} evidence")


def evidence_png(path: Path) -> UploadFile:
    Image.new("RGB", (40, 40), "white").save(path)
    return UploadFile(path.name, path, "png", path.stat().st_size, 1)


def reading(source: str, lines: list[str], fields: Fields) -> Reading:
    return Reading(source=source, sha256="0" * 64, pages=(PageReading(1, "\n".join(lines), "ocr"),), fields=fields,
                   languages=("ko",), engine="canned")


def packet(tmp_path: Path, seller: str | None = "深圳市示例贸易有限公司 Shenzhen Example Trading Co.") -> PacketState:
    """A delivery-proof packet as plan/compress leave it: one PDF upload, tracking on p.1, POD on p.2."""
    upload = evidence_pdf(tmp_path / "01-delivery-proof.pdf", 2, "delivery")
    claim = Claim(claim_id="CLM-2026-0001234", order_id="31000012345678", reason="delivery-proof",
                  paid_out_at=datetime(2026, 3, 12, 10, 30, tzinfo=KST),
                  buyer_claim="구매자는 상품을 받지 못했다고 주장합니다. Buyer says the parcel never arrived.",
                  tracking_number="689212345674", carrier="cj", seller=seller)
    readings = {
        TRACK: reading(TRACK, ["CJ대한통운 689212345674", "2026.03.10 14:22 배송완료"],
                       Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok"),),
                              timestamps=(Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00"),))),
        POD: reading(POD, ["배송완료 운송장 689212345674", "서울특별시 송파구 올림픽로 300"],
                     Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok"),),
                            korean_addresses=(KoreanAddress("서울특별시 송파구 올림픽로 300", "05551"),))),
    }
    return PacketState(root=None, inputs=(POD, TRACK), claim=claim, readings=readings,
                       kinds={TRACK: Classification("carrier-tracking", "canned"),
                              POD: Classification("proof-of-delivery", "canned")},
                       deadline=datetime(2026, 3, 19, 23, 59, 59, tzinfo=KST), uploads=(upload,),
                       placements=(PagePlacement(TRACK, 1, upload.name, 1), PagePlacement(POD, 1, upload.name, 2)))


def ctx(workdir: Path) -> Context:
    return Context(profile=PROFILE, workdir=workdir, cache_dir=None, now=datetime(2026, 3, 15, 12, tzinfo=KST))


def pdf_text(path: Path, page: int = 0) -> str:
    return pypdfium2.PdfDocument(str(path))[page].get_textpage().get_text_range()


def test_cover_is_the_first_upload_and_evidence_is_renumbered(tmp_path):
    """GIVEN one evidence upload named 01-... and a free slot WHEN the cover stage runs
    THEN 01-cover.pdf comes first, the evidence becomes 02-..., and its placements follow the new name."""
    state = cover.run(packet(tmp_path), ctx(tmp_path / "work"))
    assert [u.name for u in state.uploads] == [COVER_NAME, "02-delivery-proof.pdf"]
    first = state.uploads[0]
    assert first.type == "pdf" and first.pages == 1 and first.path.is_file()
    assert first.size == first.path.stat().st_size <= PROFILE.limit("max_file_bytes")
    assert {p.upload for p in state.placements} == {"02-delivery-proof.pdf"}
    assert any("01-delivery-proof.pdf -> 02-delivery-proof.pdf" in line for line in state.log)


def test_cover_text_states_claim_facts_pages_deadline_and_index(tmp_path):
    """GIVEN the packet WHEN the cover is built THEN its text layer (read back with pypdfium2) holds the ids, the
    reason in both languages, each fact with the upload page that shows it, the deadline in KST and in the
    seller's zone, and the index of files."""
    state = cover.run(packet(tmp_path), ctx(tmp_path / "work"))
    text = pdf_text(state.uploads[0].path)
    for expected in ["CLM-2026-0001234", "31000012345678", "배송 증빙 / Delivery Proof", "구매자는 상품을 받지 못했다고",
                     "689212345674", "CJ대한통운 / CJ Logistics", "2026-03-10 14:22 UTC+09:00",
                     "서울특별시 송파구 올림픽로 300", "02-delivery-proof.pdf p.1", "02-delivery-proof.pdf p.2",
                     "2026년 3월 19일 (목) 23:59:59", "Thu, Mar 19, 2026 22:59:59", "Asia/Shanghai",
                     "배송조회 내역 / tracking history (p.1)", "배송완료 증빙 / proof of delivery (p.2)", "深圳市示例贸易"]:
        assert expected in text, expected


def test_cover_is_byte_stable(tmp_path):
    """GIVEN the same packet WHEN the cover is built twice in different work folders THEN the bytes are identical."""
    first = cover.run(packet(tmp_path), ctx(tmp_path / "a")).uploads[0].path.read_bytes()
    second = cover.run(packet(tmp_path), ctx(tmp_path / "b")).uploads[0].path.read_bytes()
    assert first == second


def test_cover_embeds_font_subsets_and_no_glyph_is_missing(tmp_path):
    """GIVEN a seller name with Chinese characters the Korean font lacks WHEN the cover is built
    THEN every font is an embedded subset (AAAAAA+ name, FontFile2) and no missing-glyph note is logged."""
    state = cover.run(packet(tmp_path), ctx(tmp_path / "work"))
    page = PdfReader(state.uploads[0].path).pages[0]
    fonts = [font.get_object() for font in page["/Resources"]["/Font"].values()]
    embedded = [f for f in fonts if f["/Subtype"] == "/TrueType"]
    assert embedded and all(f["/BaseFont"].startswith("/AAAAAA+") for f in embedded)
    assert all("/FontFile2" in f["/FontDescriptor"] for f in embedded)
    assert not any("no installed font" in line for line in state.log)


def test_cover_computes_the_deadline_when_validate_did_not(tmp_path):
    """GIVEN no deadline in the state and no seller WHEN the cover is built
    THEN the deadline is computed from the payout (7 days, 23:59:59 KST) and no seller row is printed."""
    base = packet(tmp_path, seller=None)
    state = cover.run(replace(base, deadline=None), ctx(tmp_path / "work"))
    text = pdf_text(state.uploads[0].path)
    assert "2026년 3월 19일 (목) 23:59:59" in text and "Seller" not in text and "CLM-2026-0001234" in text


def test_deadline_in_the_window_zone_prints_once(tmp_path):
    """GIVEN a seller whose zone is the window's own (Asia/Seoul) WHEN the cover is built
    THEN no second, local-time deadline line is printed."""
    state = cover.run(packet(tmp_path), replace(ctx(tmp_path / "work"), seller_zone="Asia/Seoul"))
    text = pdf_text(state.uploads[0].path)
    assert "23:59:59" in text and "seller's local time" not in text


def test_full_slots_put_the_cover_in_front_of_the_first_pdf(tmp_path):
    """GIVEN five evidence uploads (the profile's maximum), the first a 2-page PDF WHEN the cover stage runs
    THEN the cover is page 1 of that PDF, its evidence pages move back by one (placements too), the file count
    stays five, and the log says so."""
    base = packet(tmp_path)
    images = tuple(evidence_png(tmp_path / f"0{i}-photo.png") for i in range(2, 6))
    state = cover.run(replace(base, uploads=base.uploads + images), ctx(tmp_path / "work"))
    assert len(state.uploads) == 5 and state.uploads[1:] == images
    merged = state.uploads[0]
    assert merged.name == "01-delivery-proof.pdf" and merged.pages == 3
    assert merged.size == merged.path.stat().st_size and merged.path != base.uploads[0].path
    assert "CLM-2026-0001234" in pdf_text(merged.path, 0) and "delivery page 1" in pdf_text(merged.path, 1)
    assert [(p.source, p.upload_page) for p in state.placements] == [(TRACK, 2), (POD, 3)]
    assert "01-delivery-proof.pdf p.2" in pdf_text(merged.path, 0)
    assert any("page(s) 1 of 01-delivery-proof.pdf" in line for line in state.log)
    assert base.uploads[0].path.read_bytes().count(b"/Type /Page") >= 2  # the original is untouched


def test_a_two_page_cover_in_front_shifts_pages_by_two(tmp_path):
    """GIVEN full slots and a buyer's claim long enough to push the cover onto a second page WHEN the cover stage
    runs THEN the evidence pages move back by two, and the cover's facts and index print the final numbers."""
    base = packet(tmp_path)
    base = replace(base, claim=replace(base.claim, buyer_claim="The buyer says the parcel never arrived. " * 60),
                   uploads=base.uploads + tuple(evidence_png(tmp_path / f"0{i}-photo.png") for i in range(2, 6)))
    merged = cover.run(base, ctx(tmp_path / "work")).uploads[0]
    assert merged.pages == 4 and "delivery page 1" in pdf_text(merged.path, 2)
    cover_text = pdf_text(merged.path, 0) + pdf_text(merged.path, 1)
    assert "01-delivery-proof.pdf p.3" in cover_text and "p.1–2: cover" in cover_text


def test_full_slots_without_a_pdf_leave_the_cover_out_and_say_so(tmp_path):
    """GIVEN five image uploads and no PDF WHEN the cover stage runs
    THEN the uploads are unchanged and the log says why the cover was left out."""
    base = packet(tmp_path)
    images = tuple(evidence_png(tmp_path / f"0{i}-photo.png") for i in range(1, 6))
    state = cover.run(replace(base, uploads=images, placements=()), ctx(tmp_path / "work"))
    assert state.uploads == images
    assert "left out" in state.log[-1] and "none is a PDF" in state.log[-1]


def test_cover_over_a_tiny_size_limit_is_left_out(tmp_path):
    """GIVEN a profile whose file size limit is smaller than any cover WHEN the cover stage runs
    THEN no cover is added, the evidence keeps its name, and the log says why."""
    data = {**PROFILE.data, "limits": {**PROFILE.data["limits"], "max_file_bytes": {"value": 1000}}}
    tiny = replace(ctx(tmp_path / "work"), profile=replace(PROFILE, data=data))
    base = packet(tmp_path)
    state = cover.run(base, tiny)
    assert state.uploads == base.uploads and "over the size limit" in state.log[-1]


def test_no_claim_no_cover(tmp_path):
    """GIVEN no valid claim WHEN the cover stage runs THEN nothing is added and the log says so."""
    state = cover.run(PacketState(root=None), ctx(tmp_path))
    assert state.uploads == () and "skipped" in state.log[-1]


def test_cover_renders_without_tofu(tmp_path):
    """GIVEN the cover WHEN its first page is rendered and its text read back THEN it is one A4 page, every
    character of its text is in an embedded font (none falls to an empty box), and the title band has ink."""
    state = cover.run(packet(tmp_path), ctx(tmp_path / "work"))
    page = pypdfium2.PdfDocument(str(state.uploads[0].path))[0]
    width, height = page.get_size()
    assert (round(width), round(height)) == (595, 842)
    assert cover_fonts().missing(pdf_text(state.uploads[0].path)) == ""
    title_band = page.render(scale=1).to_pil().convert("L").crop((40, 40, 320, 75))
    assert sum(title_band.histogram()[:128]) > 400  # dark pixels of the title's glyphs


def test_missing_korean_font_names_the_install_command(tmp_path):
    """GIVEN a font list whose search folder has no Nanum font WHEN the cover fonts are loaded
    THEN MissingDependencyError (exit 3) says to run sudo apt-get install fonts-nanum."""
    data = tmp_path / "fonts.toml"
    data.write_text(f'search_dirs = ["{tmp_path / "empty"}"]\n'
                    '[korean]\nregular = ["NanumGothic.ttf"]\nbold = ["NanumGothicBold.ttf"]\n'
                    'install = "sudo apt-get install fonts-nanum"\n', encoding="utf-8")
    with pytest.raises(MissingDependencyError) as raised:
        cover_fonts(data)
    assert raised.value.exit_code == 3 and "sudo apt-get install fonts-nanum" in str(raised.value)


def test_font_markup_switches_to_the_fallback_for_chinese_only():
    """GIVEN text mixing Hangul, Latin and Chinese the Korean font lacks WHEN marked up
    THEN only the missing characters are set in the fallback font, and markup characters are escaped."""
    fonts = cover_fonts()
    markup = fonts.markup("판매자 深圳 <Co>")
    assert markup.startswith("판매자 ") and "&lt;Co&gt;" in markup
    assert f'<font face="{fonts.fallback}">圳</font>' in markup
    assert fonts.missing("판매자 深圳") == ""


@pytest.mark.parametrize("name, number, expected", [("01-delivery-proof.pdf", 2, "02-delivery-proof.pdf"),
                                                     ("02-qc.pdf", 2, "02-qc.pdf"), ("photo.png", 3, "03-photo.png")])
def test_numbered(name, number, expected):
    """GIVEN an upload name WHEN renumbered THEN the leading number is replaced or added."""
    assert numbered(name, number) == expected


def test_page_ranges():
    """GIVEN page numbers WHEN written as ranges THEN runs collapse and singles stay."""
    assert page_ranges([3, 1, 2, 5]) == "1–3, 5"
