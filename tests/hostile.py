"""Hostile inputs for the fuzz suite (tests/test_fuzz.py) and the fuzz benchmark (bench/fuzz.py).

Each case writes what it needs under a fresh folder and returns the evpack command line to run and the packet
folders whose trees must come out unchanged. Cases are deterministic for a given seed.
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

NOW = "2026-03-15T12:00:00+09:00"
CLAIM = {
    "claim_id": '"CLM-2026-0009001"',
    "order_id": '"31000012345678"',
    "reason": '"other"',
    "paid_out_at": "2026-03-12T10:30:00+09:00",
    "buyer_claim": '"Buyer says the parcel never arrived."',
}


@dataclass(frozen=True)
class Case:
    row: str                 # which kind of hostile input (a row of the hardening table, or a family)
    name: str
    make: Callable[[Path], tuple[list[str], list[Path]]]  # folder -> (evpack arguments, packets to keep intact)


def claim_text(**changes: str) -> str:
    data = {**CLAIM, **changes}
    return "".join(f"{key} = {value}\n" for key, value in data.items() if value is not None)


def text_pdf(lines: list[str], size: tuple[float, float] = (595, 842), pages: int = 1) -> bytes:
    """A small PDF with a text layer (Helvetica), or blank pages when `lines` is empty."""
    from reportlab.pdfgen import canvas
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=size, invariant=True)
    for _ in range(pages):
        y = size[1] - 72
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def packet(folder: Path, claim: str | None = None, files: dict[str, bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claim.toml").write_text(claim if claim is not None else claim_text(), encoding="utf-8")
    evidence = files if files is not None else {"tracking.pdf": text_pdf(
        ["CJ Logistics delivery tracking 640134072904", "Delivered 2026-03-11 15:40",
         "https://trace.cjlogistics.com/next/tracking.html?wblNo=640134072904"])}
    for name, data in evidence.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def common(folder: Path) -> list[str]:
    return ["--now", NOW, "--cache-dir", str(folder / "cache"), "--ledger", str(folder / "ledger.sqlite3"),
            "--jobs", "1"]


def check_of(packet_dir: Path, folder: Path, *extra: str) -> tuple[list[str], list[Path]]:
    return ["check", str(packet_dir), *common(folder), *extra], [packet_dir]


def build_of(packet_dir: Path, folder: Path, out: Path | None = None, *extra: str) -> tuple[list[str], list[Path]]:
    return ["build", str(packet_dir), "-o", str(out or folder / "out"), *common(folder), *extra], [packet_dir]


# ---- the cases ---------------------------------------------------------------------------------------------


def huge_page(folder: Path):
    p = packet(folder / "p", files={"huge.pdf": text_pdf([], size=(200 * 72, 200 * 72))})
    return check_of(p, folder)


def many_pages(folder: Path, pages: int = 2000):
    p = packet(folder / "p", files={"blank.pdf": text_pdf([], pages=pages)})
    return check_of(p, folder)


def symlink_to(target: str):
    def make(folder: Path):
        p = packet(folder / "p")
        os.symlink(target, p / "evidence.png")
        return check_of(p, folder)
    return make


def scan_path(target: str):
    def make(folder: Path):
        return ["scan", target, "--cache-dir", str(folder / "cache")], []
    return make


def fifo(folder: Path):
    p = packet(folder / "p")
    os.mkfifo(p / "pipe.pdf")
    return check_of(p, folder)


def deep_toml(kind: str, depth: int = 5000):
    def make(folder: Path):
        value = {"array": "[" * depth + "]" * depth,
                 "table": "{ a = " * depth + "1" + " }" * depth}[kind]
        return check_of(packet(folder / "p", claim=claim_text() + f"extra = {value}\n"), folder)
    return make


def huge_toml(folder: Path):
    return check_of(packet(folder / "p", claim=claim_text(buyer_claim='"' + "x" * 3_000_000 + '"')), folder)


def long_buyer_claim(chars: int = 8000, seed: int = 0):
    def make(folder: Path):
        rng = random.Random(seed)
        words = ["parcel", "배송", "never", "arrived", "택배기사", "doorstep", "收到", "x" * 90]
        text = " ".join(rng.choice(words) for _ in range(chars // 5))[:chars]
        return build_of(packet(folder / "p", claim=claim_text(buyer_claim=f'"{text}"')), folder)
    return make


def bad_name(raw: bytes):
    def make(folder: Path):
        p = packet(folder / "p")
        data = (p / "tracking.pdf").read_bytes()
        with open(os.path.join(os.fsencode(p), raw), "wb") as out:
            out.write(data + b"\n%" + raw)  # other content: not folded into the first file as a duplicate
        return build_of(p, folder)
    return make


def out_inside(sub: str):
    def make(folder: Path):
        p = packet(folder / "p")
        return build_of(p, folder, p / sub if sub else p)
    return make


def packet_inside_out(folder: Path):
    out = folder / "out"
    p = packet(out / "p")
    return build_of(p, folder, out)


def read_only_out(folder: Path):
    out = folder / "ro"
    out.mkdir()
    os.chmod(out, 0o555)
    return build_of(packet(folder / "p"), folder, out)


def out_file(folder: Path):
    (folder / "a-file").write_text("not a folder")
    return build_of(packet(folder / "p"), folder, folder / "a-file")


def out_special(target: str):
    def make(folder: Path):
        return build_of(packet(folder / "p"), folder, Path(target))
    return make


def corrupt_ledger(folder: Path):
    (folder / "ledger.sqlite3").write_bytes(random.Random(1).randbytes(4096))
    return check_of(packet(folder / "p"), folder)


def paid_out(value: str):
    def make(folder: Path):
        return check_of(packet(folder / "p", claim=claim_text(paid_out_at=value)), folder)
    return make


def batch_zone(zone: str):
    def make(folder: Path):
        root = folder / "root"
        packet(root / "a")
        return ["batch", str(root), "-o", str(folder / "out"), *common(folder), "--zone", zone], [root]
    return make


def option(command: str, *extra: str):
    def make(folder: Path):
        p = packet(folder / "p")
        args = {"check": check_of, "build": build_of}[command](p, folder)[0] if command != "batch" else \
            batch_zone("Asia/Seoul")(folder)[0]
        return [*args, *extra], [p]
    return make


def claim_id(value: str):
    def make(folder: Path):
        return build_of(packet(folder / "p", claim=claim_text(claim_id=value)), folder)
    return make


def user_file_in_bundle(folder: Path):
    out = folder / "out"
    bundle = out / "CLM-2026-0009001"
    bundle.mkdir(parents=True)
    (bundle / "my-notes.txt").write_text("the seller's own notes")
    return build_of(packet(folder / "p"), folder, out)


def control_name(folder: Path):
    p = packet(folder / "p")
    (p / "evil\x1b[31m\x07name.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return check_of(p, folder)


def js_pdf(folder: Path):
    import pikepdf
    pdf = pikepdf.open(io.BytesIO(text_pdf(["CJ Logistics delivery tracking 640134072904",
                                            "Delivered 2026-03-11 15:40"])))
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.Root.OpenAction = action
    buf = io.BytesIO()
    pdf.save(buf)
    return build_of(packet(folder / "p", files={"tracking.pdf": buf.getvalue()}), folder)


def garbage_file(seed: int, header: bytes, size: int):
    def make(folder: Path):
        rng = random.Random(seed)
        data = header + rng.randbytes(size)
        return check_of(packet(folder / "p", files={f"file{seed}.bin": data, "tracking.pdf": text_pdf(["x"])}),
                        folder)
    return make


def mutated_pdf(seed: int):
    """A real PDF with random bytes flipped: truncated streams, broken xref, bad objects."""
    def make(folder: Path):
        rng = random.Random(seed)
        data = bytearray(text_pdf(["CJ Logistics 640134072904", "Delivered 2026-03-11 15:40"], pages=2))
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.3:
            data = data[:rng.randrange(len(data))]
        return check_of(packet(folder / "p", files={"mutated.pdf": bytes(data)}), folder)
    return make


def mutated_claim(seed: int):
    """claim.toml with random edits: bytes flipped, values swapped for odd types, keys duplicated."""
    def make(folder: Path):
        rng = random.Random(seed)
        text = claim_text()
        odd = ["0", "-1", "1e999", "inf", "nan", "true", "[]", "{}", '""', '"   "', "1979-05-27",
               "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+09:00", "2099-12-31T00:00:00+09:00",
               "2026-03-12T10:30:00-23:59", '"\\u0000"', '"' + "가" * 5000 + '"', "'''\n'''"]
        lines = text.splitlines()
        choice = rng.random()
        if choice < 0.5:
            i = rng.randrange(len(lines))
            key = lines[i].split(" = ")[0]
            lines[i] = f"{key} = {rng.choice(odd)}"
        elif choice < 0.8:
            raw = bytearray("\n".join(lines).encode())
            for _ in range(rng.randint(1, 5)):
                raw[rng.randrange(len(raw))] = rng.randrange(256)
            return check_of(packet(folder / "p", claim=raw.decode("latin-1")), folder)
        else:
            lines.append(lines[rng.randrange(len(lines))])
        return check_of(packet(folder / "p", claim="\n".join(lines) + "\n"), folder)
    return make


def bomb_png(folder: Path):
    """A PNG whose header claims 60000 x 60000 pixels (a decompression bomb)."""
    import struct
    import zlib
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 60001 * 4)) + \
        chunk(b"IEND", b"")
    return check_of(packet(folder / "p", files={"bomb.png": data}), folder)


def many_images_pdf(count: int, side: int = 8, seed: int = 0) -> bytes:
    """A one-page PDF drawing `count` distinct side x side RGB images of noise (each its own object, uncompressed)."""
    import pikepdf
    rng = random.Random(seed)
    pdf = pikepdf.new()
    xobjects, ops = pikepdf.Dictionary(), []
    for i in range(count):
        xobjects[f"/I{i}"] = pdf.make_stream(rng.randbytes(side * side * 3), Type=pikepdf.Name.XObject,
                                             Subtype=pikepdf.Name.Image, Width=side, Height=side,
                                             ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
        ops.append(f"q 5 0 0 5 {i % 100 * 5.9:.1f} {i // 100 % 140 * 6} cm /I{i} Do Q")
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(XObject=xobjects)
    page.obj.Contents = pdf.make_stream("\n".join(ops).encode())
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def nested_forms_pdf(forms: int, per_form: int = 4) -> bytes:
    """A PDF whose one page draws `forms` form XObjects, each drawing `per_form` tiny images and the next form."""
    import pikepdf
    pdf = pikepdf.new()
    image = pdf.make_stream(b"\x80\x80\x80", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1,
                            Height=1, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8)
    inner = None
    for level in range(forms):
        names = pikepdf.Dictionary({f"/I{i}": pdf.make_stream(bytes([level % 256, i % 256, 0]),
                                                                Type=pikepdf.Name.XObject,
                                                                Subtype=pikepdf.Name.Image, Width=1, Height=1,
                                                                ColorSpace=pikepdf.Name.DeviceRGB,
                                                                BitsPerComponent=8) for i in range(per_form)})
        names["/Shared"] = image
        ops = [f"q 2 0 0 2 {i * 2} 0 cm /I{i} Do Q" for i in range(per_form)]
        if inner is not None:
            names["/F"] = inner
            ops.append("/F Do")
        inner = pdf.make_stream("\n".join(ops).encode(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                                BBox=[0, 0, 595, 842], Resources=pikepdf.Dictionary(XObject=names))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(F=inner))
    page.obj.Contents = pdf.make_stream(b"/F Do")
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def many_frames_gif(frames: int) -> bytes:
    """A 1 x 1 GIF of `frames` frames, written block by block (Pillow takes ~40 s to save 50,000 frames)."""
    head = b"GIF89a" + (1).to_bytes(2, "little") * 2 + bytes([0x80, 0, 0]) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    frame = (b"\x21\xf9\x04\x00\x01\x00\x00\x00"                  # graphic control: 10 ms
             b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00"          # image descriptor: 1 x 1
             b"\x02\x02\x44\x01\x00")                                 # LZW: clear, pixel 0, end
    return head + loop + frame * frames + b"\x3b"


def many_frames_tiff(frames: int) -> bytes:
    """A little-endian TIFF of `frames` 1 x 1 grey pages (one IFD each, sharing one pixel byte)."""
    import struct
    entries = 9
    ifd_size = 2 + entries * 12 + 4
    pixel = 8
    out = bytearray(b"II*\x00" + struct.pack("<I", 10) + b"\x80\x00")
    for index in range(frames):
        offset = len(out)
        following = offset + ifd_size if index + 1 < frames else 0
        tags = [(256, 3, 1), (257, 3, 1), (258, 3, 8), (259, 3, 1), (262, 3, 1), (273, 4, pixel), (277, 3, 1),
                (278, 3, 1), (279, 4, 1)]
        out += struct.pack("<H", entries)
        for tag, kind, value in tags:
            out += struct.pack("<HHI", tag, kind, 1) + (struct.pack("<HH", value, 0) if kind == 3
                                                       else struct.pack("<I", value))
        out += struct.pack("<I", following)
    return bytes(out)


def many_frames_apng(frames: int) -> bytes:
    """A 1 x 1 animated PNG of `frames` frames (acTL, then fcTL + IDAT/fdAT per frame)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(b"\x00\x80")
    parts = [b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)),
             chunk(b"acTL", struct.pack(">II", frames, 0))]
    sequence = 0
    for index in range(frames):
        parts.append(chunk(b"fcTL", struct.pack(">IIIIIHHBB", sequence, 1, 1, 0, 0, 1, 100, 0, 0)))
        sequence += 1
        if index == 0:
            parts.append(chunk(b"IDAT", pixels))
        else:
            parts.append(chunk(b"fdAT", struct.pack(">I", sequence) + pixels))
            sequence += 1
    parts.append(chunk(b"IEND", b""))
    return b"".join(parts)


def many_frames_webp(frames: int) -> bytes:
    """A 1 x 1 animated WebP of `frames` frames (VP8X + ANIM + one ANMF per frame, each a lossless 1 x 1)."""
    import struct
    single = io.BytesIO()
    from PIL import Image
    Image.new("L", (1, 1), 128).save(single, "WEBP", lossless=True)
    vp8l = single.getvalue()[12:]  # the VP8L chunk, header included

    def chunk(kind: bytes, data: bytes) -> bytes:
        return kind + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    frame = chunk(b"ANMF", bytes(6) + bytes(6) + (10).to_bytes(3, "little") + b"\x00" + vp8l)
    body = (b"WEBP" + chunk(b"VP8X", bytes([0x02, 0, 0, 0]) + bytes(6)) + chunk(b"ANIM", bytes(6))
            + frame * frames)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def many_frames_heic(frames: int) -> bytes:
    """A HEIC holding `frames` 16 x 16 images (pillow-heif encodes each: keep `frames` in the hundreds)."""
    import pillow_heif
    from PIL import Image
    heif = pillow_heif.HeifFile()
    for index in range(frames):
        heif.add_from_pillow(Image.new("RGB", (16, 16), (index % 256, 0, 0)))
    out = io.BytesIO()
    heif.save(out, quality=10)
    return out.getvalue()


def evidence_file(name: str, make_bytes: Callable[[], bytes], command: str = "check"):
    """A packet with the usual tracking PDF and one more file of `make_bytes()`."""
    def make(folder: Path):
        p = packet(folder / "p")
        (p / name).write_bytes(make_bytes())
        return (check_of if command == "check" else build_of)(p, folder)
    return make


def deep_folders(depth: int):
    """A packet whose one more file lies `depth` folders down (made through descriptors: paths get too long)."""
    def make(folder: Path):
        p = packet(folder / "p")
        fd = os.open(p, os.O_RDONLY)
        try:
            for _ in range(depth):
                os.mkdir("d", dir_fd=fd)
                deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
                os.close(fd)
                fd = deeper
            os.close(os.open("x.pdf", os.O_WRONLY | os.O_CREAT, dir_fd=fd))
        finally:
            os.close(fd)
        return check_of(p, folder)
    return make


def deep_batch_root(depth: int):
    def make(folder: Path):
        args, kept = deep_folders(depth)(folder)
        return ["batch", str(folder / "p"), "-o", str(folder / "out"), *common(folder)], kept
    return make


def many_files(count: int):
    def make(folder: Path):
        files = {f"f{i:04d}.txt": f"note {i}\n".encode() for i in range(count)}
        return check_of(packet(folder / "p", files=files), folder)
    return make


def long_csv(rows: int, columns: int = 3):
    def make(folder: Path):
        line = ",".join(["2026-03-10 14:22", "판매자", "배송 완료"] + ["x"] * (columns - 3)) + "\n"
        export = ("일시,보낸 사람,내용" + ",x" * (columns - 3) + "\n" + line * rows).encode("utf-8")
        return check_of(packet(folder / "p", files={"tracking.pdf": text_pdf(
            ["CJ Logistics delivery tracking 640134072904", "Delivered 2026-03-11 15:40",
             "https://trace.cjlogistics.com/next/tracking.html?wblNo=640134072904"]), "messages.csv": export}), folder)
    return make


def link_loop(folder: Path):
    p = packet(folder / "p")
    os.symlink(".", p / "loop")
    os.symlink(p / "tracking.pdf", p / "inside-link.pdf")
    return check_of(p, folder)


def dev_null_scan(folder: Path):
    return ["scan", "/dev/null", "--cache-dir", str(folder / "cache")], []


def fixed_cases(full: bool = True) -> list[Case]:
    """One case per row of the hardening table, and the risks beside it. `full` False makes the slowest to generate
    smaller (still far past their budgets), for the test suite; bench/fuzz.py runs them full size."""
    images = 100_000 if full else 10_000
    forms = 3_000 if full else 600
    heic = 600 if full else 505
    depth = 1_500 if full else 1_100  # Python's recursion limit is 1,000
    return [
        Case("1 huge page", "200x200-inch blank page", huge_page),
        Case("2 many pages", "2,000 blank pages", many_pages),
        Case("3 special files", "symlink to /dev/zero", symlink_to("/dev/zero")),
        Case("3 special files", "symlink to /dev/urandom", symlink_to("/dev/urandom")),
        Case("3 special files", "scan /dev/zero", scan_path("/dev/zero")),
        Case("3 special files", "scan /dev/null", dev_null_scan),
        Case("3 special files", "a FIFO in the packet", fifo),
        Case("3 special files", "symlink outside the packet", symlink_to("/etc/passwd")),
        Case("3 special files", "symlink loop and inside link", link_loop),
        Case("4 deep toml", "5,000-deep array", deep_toml("array")),
        Case("4 deep toml", "5,000-deep inline table", deep_toml("table")),
        Case("4 deep toml", "3 MB claim.toml", huge_toml),
        Case("5 long field", "buyer_claim of 8,000 chars", long_buyer_claim()),
        Case("6 bad name", "non-UTF-8 file name", bad_name(b"scan-\xff\xfe.pdf")),
        Case("6 bad name", "control characters in a name", control_name),
        Case("7 out inside", "-o PACKET", out_inside("")),
        Case("7 out inside", "-o PACKET/out", out_inside("out")),
        Case("7 out inside", "packet inside -o", packet_inside_out),
        Case("8 unwritable out", "-o read-only folder", read_only_out),
        Case("8 unwritable out", "-o a file", out_file),
        Case("9 special out", "-o /dev/null", out_special("/dev/null")),
        Case("9 special out", "-o /proc/version", out_special("/proc/version")),
        Case("8 unwritable out", "-o where nothing can be made", out_special("/proc/evpack-out")),
        Case("10 corrupt ledger", "check with a corrupt ledger", corrupt_ledger),
        Case("12 dates", "paid_out_at year 1", paid_out("0001-01-01T00:00:00+09:00")),
        Case("12 dates", "paid_out_at year 9999", paid_out("9999-12-31T23:59:59+09:00")),
        Case("12 dates", "paid_out_at 2099-12-31", paid_out("2099-12-31T00:00:00+09:00")),
        Case("12 dates", "paid_out_at offset -23:59", paid_out("2026-03-12T10:30:00-23:59")),
        Case("13 zone", "batch --zone Beijing", batch_zone("Beijing")),
        Case("13 zone", "check --zone Nowhere/Else", option("check", "--zone", "Nowhere/Else")),
        Case("13 zone", "build --lang xx", option("build", "--lang", "xx")),
        Case("13 zone", "check --now without offset", option("check", "--now", "2026-03-15T12:00:00")),
        Case("13 zone", "build --profile missing", option("build", "--profile", "no-such-profile")),
        Case("risks", "blank claim_id", claim_id('"   "')),
        Case("risks", "user file in OUT/<claim_id>", user_file_in_bundle),
        Case("risks", "PDF with /OpenAction JavaScript", js_pdf),
        Case("risks", "decompression-bomb PNG", bomb_png),
        Case("risks", "300 files", many_files(300)),
        Case("budgets", "CSV of 100,000 rows", long_csv(100_000)),
        Case("budgets", "CSV of 5,000 columns", long_csv(3, 5_000)),
        Case("budgets", "PDF page of many images", evidence_file("images.pdf", lambda: many_images_pdf(images))),
        Case("budgets", "PDF of nested form XObjects", evidence_file("forms.pdf", lambda: nested_forms_pdf(forms))),
        Case("budgets", "folders nested past the recursion limit (check)", deep_folders(depth)),
        Case("budgets", "folders nested past the recursion limit (batch)", deep_batch_root(depth)),
        Case("budgets", "GIF of 50,000 frames", evidence_file("anim.gif", lambda: many_frames_gif(50_000))),
        Case("budgets", "TIFF of 50,000 pages", evidence_file("pages.tif", lambda: many_frames_tiff(50_000))),
        Case("budgets", "APNG of 50,000 frames", evidence_file("anim.png", lambda: many_frames_apng(50_000))),
        Case("budgets", "WebP of 50,000 frames", evidence_file("anim.webp", lambda: many_frames_webp(50_000))),
        Case("budgets", "HEIC of more than 500 images", evidence_file("burst.heic", lambda: many_frames_heic(heic))),
    ]


def generated_cases(count: int, seed: int = 0) -> list[Case]:
    """Random hostile inputs of each family: mutated PDFs and manifests, garbage behind real magic bytes."""
    rng = random.Random(seed)
    headers = [b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"BM", b"II*\x00",
               b"PK\x03\x04", b"RIFF\x00\x00\x00\x00WEBP", b"\x00\x00\x00\x18ftypheic", b"", b"\xef\xbb\xbf"]
    cases = []
    for i in range(count):
        family = i % 4
        s = rng.randrange(1 << 30)
        if family == 0:
            cases.append(Case("gen pdf", f"mutated PDF {s}", mutated_pdf(s)))
        elif family == 1:
            cases.append(Case("gen claim", f"mutated claim.toml {s}", mutated_claim(s)))
        elif family == 2:
            header = headers[s % len(headers)]
            cases.append(Case("gen garbage", f"garbage after {header[:8]!r} {s}",
                              garbage_file(s, header, rng.choice([0, 10, 1000, 100_000]))))
        else:
            raw = bytes(rng.randrange(1, 256) for _ in range(rng.randint(1, 12))).replace(b"/", b"_")
            cases.append(Case("gen name", f"file name {raw!r}", bad_name(b"n-" + raw + b".pdf")))
    return cases


# ---- running one case ------------------------------------------------------------------------------------


def tree_digest(root: Path) -> str:
    """sha256 over every entry under root: names, types, modes and file contents (symlinks not followed)."""
    digest = hashlib.sha256()
    if not os.path.lexists(root):
        return "absent"
    from pipeline.packet import walk
    for dirpath, dirnames, filenames in sorted(walk(os.fsencode(root))):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            digest.update(path + b"\0" + str(stat.S_IFMT(info.st_mode)).encode())
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
            elif stat.S_ISLNK(info.st_mode):
                digest.update(os.readlink(path))
    return digest.hexdigest()


def remove_deep(root: Path) -> None:
    """Removes a folder tree deepest first, without recursion (shutil.rmtree recurses per level in Python 3.11, and
    a temporary folder holding deep_folders' chain could not be cleaned up)."""
    from pipeline.packet import walk
    if not os.path.isdir(root) or os.path.islink(root):
        return
    tops = list(walk(root))
    for top, dirnames, filenames in reversed(tops):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(top, d))]:
            os.unlink(os.path.join(top, name))
        os.rmdir(top)


@dataclass(frozen=True)
class Outcome:
    case: Case
    exit_code: int | None    # None: killed after the timeout (a hang)
    seconds: float
    modified: bool           # a packet tree changed
    user_files_lost: bool    # a file the user put in OUT is gone
    stderr: str
    stdout: str = ""
    peak_rss_mb: float = 0.0  # the largest resident set of the run's processes (evpack and its workers)


def run_case(case: Case, folder: Path, timeout: float = 60.0, python: str = sys.executable) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    args, packets = case.make(folder)
    before = {p: tree_digest(p) for p in packets}
    from pipeline.packet import walk
    user_files = [Path(top, "my-notes.txt") for top, _, files in walk(folder) if "my-notes.txt" in files]
    env = {**os.environ, "EVPACK_CACHE_DIR": str(folder / "cache")}
    rss = folder / "peak-rss"
    start = time.monotonic()
    try:
        proc = subprocess.run([python, "-c", RUN_MEASURED, str(rss), *args], capture_output=True, timeout=timeout,
                              env=env, stdin=subprocess.DEVNULL)
        code, err = proc.returncode, proc.stderr.decode("utf-8", "backslashreplace")
        out = proc.stdout.decode("utf-8", "backslashreplace")
    except subprocess.TimeoutExpired as exc:
        code, err = None, (exc.stderr or b"").decode("utf-8", "backslashreplace")
        out = (exc.stdout or b"").decode("utf-8", "backslashreplace")
    seconds = time.monotonic() - start
    modified = any(tree_digest(p) != before[p] for p in packets)
    remove_deep(folder / "p" / "d")
    peak = float(rss.read_text()) / 1024 if rss.exists() else 0.0
    return Outcome(case, code, seconds, modified, any(not p.exists() for p in user_files), err, out, peak)


# Runs the evpack command line in this process and, at exit, writes the peak resident set (kB) of it and of every
# worker process it waited for to the file named first. Its own peak is VmHWM, which starts afresh at exec:
# RUSAGE_SELF's ru_maxrss keeps the peak of the process image before exec, here the (large) test runner's.
RUN_MEASURED = """
import atexit, re, resource, sys
out = sys.argv.pop(1)
def peak():
    own = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
    kb = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    open(out, "w").write(str(kb))
atexit.register(peak)
sys.argv[0] = "evpack"
from pipeline.cli import main
main()
"""
