"""Benchmark: `check` of an already-read packet (warm read cache) must take under 1 s.

Renders a small packet (a tracking-page screenshot with its address bar, claim.toml), checks it once to fill the
read cache, then times further checks, and the judging alone (classify + validate + the three report formats)
on canned readings. Prints one line per measurement; exit 1 if the warm check is 1 s or slower.
"""
from __future__ import annotations

import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import api  # noqa: E402
from pipeline.context import Context  # noqa: E402
from pipeline.model import KST  # noqa: E402
from pipeline.profile import Profile  # noqa: E402
from pipeline.report import check_json, check_junit, check_text  # noqa: E402

FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
LIMIT_SECONDS = 1.0
CLAIM = '''claim_id = "CLM-BENCH-1"
order_id = "31000012345678"
reason = "delivery-proof"
paid_out_at = 2026-03-12T10:30:00+09:00
tracking_number = "689212345674"
carrier = "cj"
buyer_claim = "Buyer says the parcel never arrived."
'''
LINES = ["https://www.cjlogistics.com/ko/tool/parcel/tracking?gnbInvcNo=689212345674", "",
         "CJ대한통운 배송조회", "운송장번호 689212345674", "2026.03.08 09:10  집화처리",
         "2026.03.10 14:22  서울송파  배송완료", "받는분 주소: 서울특별시 송파구 올림픽로 300"]


def make_packet(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "claim.toml").write_text(CLAIM, encoding="utf-8")
    image = Image.new("RGB", (1280, 720), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 26)
    for i, line in enumerate(LINES):
        draw.text((30, 20 + 60 * i), line, fill="black", font=font)
    image.save(folder / "tracking.png")
    return folder


def timed(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="evpack-bench-") as tmp:
        tmp = Path(tmp)
        packet = make_packet(tmp / "packet")
        ctx = Context(profile=Profile.load(), workdir=tmp / "work", now=datetime(2026, 3, 15, 12, 0, tzinfo=KST),
                      cache_dir=tmp / "cache", ledger_path=tmp / "ledger.sqlite3")
        cold = timed(lambda: api.check_packet(packet, ctx), 1)
        warm = timed(lambda: api.check_packet(packet, ctx), 3)
        state = api.check_packet(packet, ctx)
        render = timed(lambda: (check_text([state], ctx, False), check_json([state], ctx),
                                check_junit([state], ctx, False)), 5)
    print(f"check, cold read cache: {cold:.3f} s")
    print(f"check, warm read cache: {warm:.3f} s (limit {LIMIT_SECONDS:.1f} s)")
    print(f"render text+json+junit: {render * 1000:.1f} ms; findings: {[f.rule for f in state.findings]}")
    return 0 if warm < LIMIT_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
