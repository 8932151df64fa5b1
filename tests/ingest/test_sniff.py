"""Type from content: the data file's examples, real generated files under misleading names, text decoding,
links, litter names and QR codes."""
from __future__ import annotations

import gzip
import io
import tarfile
import zipfile

import numpy as np
import pillow_heif
import pytest
import zxingcpp
from PIL import Image
from reportlab.pdfgen import canvas

from pipeline.ingest.sniff import (cloud_link, csv_delimiter, decode_text, dominant_qr_code, ingest_rules, is_hidden,
                            links, sniff, sniff_head)

RULES = ingest_rules()
SIGNATURE_EXAMPLES = [(sig["kind"], example) for sig in RULES["signatures"] for example in sig["examples"]]


def example_bytes(example: dict) -> bytes:
    return b"\x00" * example.get("at", 0) + bytes.fromhex(example["hex"])


@pytest.mark.parametrize("kind,example", SIGNATURE_EXAMPLES,
                         ids=[f"{k}-{e['hex'][:12]}" for k, e in SIGNATURE_EXAMPLES])
def test_every_signature_example_is_sniffed_as_its_kind(kind, example):
    """GIVEN a file start listed as an example of a signature in ingest.toml
    WHEN its kind is sniffed from the bytes alone
    THEN it is the signature's kind (or, for ISO media, the brand's kind the example names)"""
    assert sniff_head(example_bytes(example)) == example.get("expect", kind)


def image_bytes(fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, fmt, **options)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, invariant=1)
    page.drawString(72, 720, "tracking 689212345674")
    page.save()
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tar_bytes() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("pod.jpg")
        data = image_bytes("JPEG")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def heic_bytes() -> bytes:
    pillow_heif.register_heif_opener()
    return image_bytes("HEIF", quality=-1)


REAL_FILES = {
    "png": lambda: image_bytes("PNG"),
    "jpeg": lambda: image_bytes("JPEG"),
    "gif": lambda: image_bytes("GIF"),
    "bmp": lambda: image_bytes("BMP"),
    "tiff": lambda: image_bytes("TIFF"),
    "webp": lambda: image_bytes("WEBP", lossless=True),
    "heic": heic_bytes,
    "pdf": pdf_bytes,
    "zip": lambda: zip_bytes({"pod.jpg": image_bytes("JPEG")}),
    "docx": lambda: zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
    "xlsx": lambda: zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
    "odf": lambda: zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
    "gzip": lambda: gzip.compress(b"evidence", mtime=0),
    "tar": tar_bytes,
    "ole2": lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
    "mp4": lambda: bytes.fromhex("00000020667479706973366d0000020069736f6d69736f32617663316d703431") + b"\x00" * 64,
    "csv": lambda: "time,sender,message\n2026-03-10 14:22,buyer,got it\n2026-03-10 14:30,seller,thanks\n".encode(),
    "html": lambda: b"<!DOCTYPE html><html><body>https://pan.baidu.com/s/1x</body></html>",
    "url": lambda: b"[InternetShortcut]\r\nURL=https://pan.baidu.com/s/1abc\r\n",
    "text": lambda: "배송 완료되었습니다. 감사합니다.\n".encode("utf-8"),
    "empty": lambda: b"",
    "unknown": lambda: bytes(range(256)) * 4,
}


@pytest.mark.parametrize("kind", sorted(REAL_FILES))
def test_type_comes_from_content_not_from_the_name(tmp_path, kind):
    """GIVEN a real file of each kind, saved under a name that claims something else (.pdf, or .jpg for a PDF)
    WHEN it is sniffed
    THEN the kind is what the content is"""
    wrong_name = tmp_path / ("evidence.jpg" if kind == "pdf" else "evidence.pdf")
    wrong_name.write_bytes(REAL_FILES[kind]())
    assert sniff(wrong_name).kind == kind


KOREAN = "일시,보낸 사람,내용\n2026-03-10 14:22,구매자,상품 잘 받았습니다 감사합니다\n"
CHINESE = "时间,发送人,内容\n2026-03-10 14:22,买家,已经收到货了，谢谢\n"


@pytest.mark.parametrize("text,encoding", [
    (KOREAN, "utf-8-sig"), (KOREAN, "utf-8"), (KOREAN, "cp949"), (KOREAN, "euc-kr"),
    (CHINESE, "utf-8-sig"), (CHINESE, "gb18030"), (CHINESE, "gbk"),
    ("네", "cp949"), ("好的", "gb18030"), ("배송완료 감사", "euc-kr"), ("谢谢你的耐心", "gb18030"),
])
def test_text_is_decoded_without_garbling(text, encoding):
    """GIVEN Korean or Chinese text in the encodings Excel writes (CP949 and GB18030 accept each other's bytes)
    WHEN it is decoded
    THEN the text comes back exactly"""
    decoded = decode_text(text.encode(encoding))
    assert decoded is not None
    assert decoded[0] == text


@pytest.mark.parametrize("example", RULES["text"]["decode_examples"], ids=lambda e: f"{e['encoding']}-{e['text']}")
def test_decode_examples(example):
    """GIVEN a short text from the data file's decoding examples (too short for any statistics)
    WHEN encoded as the example says and decoded
    THEN the text comes back exactly"""
    assert decode_text(example["text"].encode(example["encoding"]))[0] == example["text"]


def test_binary_and_unknown_encodings_are_refused_not_guessed():
    """GIVEN bytes with NULs, and bytes no candidate encoding accepts
    WHEN decoded
    THEN the decoder says None rather than return garbage"""
    assert decode_text(b"abc\x00def") is None
    assert decode_text(b"\x80\x81\xff\xfe caf\xe9 ") is None


def test_a_sample_cut_inside_a_character_still_decodes():
    """GIVEN the first bytes of a UTF-8 Korean file, cut in the middle of a character
    WHEN decoded as a sample (final=False)
    THEN it decodes as UTF-8"""
    data = "배송완료".encode("utf-8")[:-1]
    assert decode_text(data, final=False) == ("배송완", "utf-8")


def test_csv_needs_a_consistent_table():
    """GIVEN a tab-separated export, and prose with stray commas
    WHEN the delimiter is looked for
    THEN the table is a CSV with tabs and the prose is not a CSV"""
    assert csv_delimiter("a\tb\tc\n1\t2\t3\n4\t5\t6\n") == "\t"
    assert csv_delimiter("Hello, I got it.\nThe box, however, was open, and wet.\nThanks\n") is None


@pytest.mark.parametrize("example", RULES["text"]["link_examples"], ids=lambda e: e["host"])
def test_link_examples(example):
    """GIVEN a text from the data file's link examples
    WHEN links are found
    THEN the expected host is among them"""
    assert example["host"] in [host for host, _ in links(example["text"])]


def test_cloud_links_are_told_from_other_links(profile):
    """GIVEN a text with a carrier link and one with a cloud-drive link on a subdomain
    WHEN checked against the profile's cloud hosts
    THEN only the cloud-drive link counts"""
    assert cloud_link("https://www.cjlogistics.com/ko/tool/parcel/tracking", profile.cloud_hosts) is None
    assert cloud_link("共享: https://www.dropbox.com/s/abc/pod.pdf", profile.cloud_hosts) == (
        "dropbox.com", "https://www.dropbox.com/s/abc/pod.pdf")


@pytest.mark.parametrize("example", RULES["hidden"]["examples"], ids=lambda e: e["path"])
def test_hidden_examples(example):
    """GIVEN a path from the data file's litter examples
    WHEN checked
    THEN it is litter exactly when the example says so"""
    assert is_hidden(example["path"]) is example["hidden"]


def qr_picture(side: int, qr_side: int) -> Image.Image:
    code = zxingcpp.create_barcode("https://pan.baidu.com/s/1AbCdEf", zxingcpp.BarcodeFormat.QRCode)
    qr = Image.fromarray(np.asarray(code.to_image(scale=4))).resize((qr_side, qr_side), Image.Resampling.NEAREST)
    picture = Image.new("L", (side, side), 255)
    picture.paste(qr, (side - qr_side - 20, side - qr_side - 20))
    return picture


@pytest.mark.parametrize("example", RULES["qr"]["examples"], ids=lambda e: e["case"])
def test_qr_examples(example):
    """GIVEN an image with a QR code of the example's size
    WHEN the dominant QR code is looked for
    THEN it is found exactly when the example says the image is a QR code"""
    found = dominant_qr_code(qr_picture(example["side"], example["qr_side"]))
    assert (found is not None) is example["flagged"]
    if found:
        assert found.text == "https://pan.baidu.com/s/1AbCdEf"
