"""report.html: one self-contained page, urgent packets first, a working seller filter, untrusted text kept inert.

Rendered in real headless Chromium: the screenshot must show a page, and the DOM after the page's script ran must
show the filter applied and no injected element.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from PIL import Image
from tests.batch.test_batch import make_packet

from pipeline.output.reports import batch as batch_report
from pipeline.batch.batch import PacketSummary, run_batch

CHROMIUM = "/usr/bin/chromium"
EVIL_FILE = "<script>alert(1)</script>.png"
EVIL_TEXT = ("<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">"
             "<script>document.body.setAttribute('data-pwned','script')</script>")
EVIL_SELLER = 'Bolt "Quote" <b>bold</b>'


def chromium(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'chromium'}",
         "--window-size=1280,900", *args, url],
        capture_output=True, text=True, timeout=90, check=True)


def evil_finding() -> dict:
    return {"rule": "missing-url", "severity": "error", "file": EVIL_FILE, "message": EVIL_TEXT,
            "fix": "<b>recapture</b> with the address bar"}


def test_untrusted_text_is_escaped_and_only_the_pages_own_script_is_there(ctx, tmp_path):
    """GIVEN a packet whose file name, finding message, seller and error hold HTML and script
    WHEN report.html is rendered
    THEN all of it appears escaped, the only <script> element is the page's own (with the CSP nonce), and the
    page is self-contained (no external URL to load)."""
    summary = PacketSummary(path="bolt/<i>claim</i>", verdict="error", claim_id="CLM-<script>", seller=EVIL_SELLER,
                            findings=(evil_finding(),), error=EVIL_TEXT, log="/tmp/<x>.log")
    html = batch_report.report_html(tmp_path, [summary], ctx)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.png" in html
    assert 'data-seller="Bolt &#34;Quote&#34; &lt;b&gt;bold&lt;/b&gt;"' in html
    assert len(re.findall(r"<script\b", html)) == 1
    nonce = re.search(r"script-src 'nonce-([^']+)'", html).group(1)
    assert f'<script nonce="{nonce}">' in html
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)


def test_packets_are_ordered_open_windows_first_soonest_on_top(ctx, tmp_path):
    """GIVEN packets with a closed window, no deadline, a far deadline and one closing in hours
    WHEN report.html is rendered
    THEN the one closing in hours comes first, then the far one, then the one without a deadline, the closed last."""
    now = ctx.now
    summaries = [PacketSummary(path="closed", verdict="fail", deadline=now - timedelta(days=1)),
                 PacketSummary(path="none", verdict="fail"),
                 PacketSummary(path="far", verdict="pass", deadline=now + timedelta(days=5)),
                 PacketSummary(path="soon", verdict="pass", deadline=now + timedelta(hours=3))]
    html = batch_report.report_html(tmp_path, summaries, ctx)
    order = re.findall(r"<dt>Folder</dt><dd>([a-z]+)</dd>", html)
    assert order == ["soon", "far", "none", "closed"]
    assert 'class="packet pass urgent"' in html and 'class="packet fail closed"' in html


def test_report_renders_in_chromium_with_thumbnails_and_a_working_seller_filter(ctx, tmp_path):
    """GIVEN a real batch of two sellers, one packet holding the file <script>alert(1)</script>.png and a finding
    that quotes HTML
    WHEN report.html is opened in headless Chromium, plain and with #seller=Acme Trading
    THEN the screenshot is a rendered page (not blank), the upload files show as inline JPEG thumbnails, the filter
    hides the other seller's packets, and no injected script or handler ran."""
    root = tmp_path / "inbox"
    make_packet(root, "acme/claim-1", "CLM-2026-0000001", seller="Acme Trading")
    make_packet(root, "acme/claim-2", "CLM-2026-0000002", day=14, seller="Acme Trading")
    evil = make_packet(root, "bolt/claim-3", "CLM-2026-0000003", day=13, seller=EVIL_SELLER.replace('"', "'"),
                       evidence=EVIL_FILE)
    assert (evil / EVIL_FILE).is_file()
    out = tmp_path / "out"
    result = run_batch(root, out, ctx, jobs=2, progress=False)
    # Whatever the stages say of the file, the page must also carry untrusted text in a finding.
    summaries = [replace(s, findings=s.findings + (evil_finding(),)) if s.path == "bolt/claim-3" else s
                 for s in result.packets]
    report = batch_report.write_all(out, root, summaries, ctx).report
    html = report.read_text(encoding="utf-8")
    assert html.count("data:image/jpeg;base64,") >= 3  # every packet has at least its cover page

    shot = tmp_path / "shot.png"
    chromium(tmp_path, report.as_uri(), f"--screenshot={shot}")
    with Image.open(shot) as image:
        assert image.size == (1280, 900)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50, "the screenshot is blank"

    dom = chromium(tmp_path, f"{report.as_uri()}#seller={quote('Acme Trading')}", "--dump-dom").stdout
    sections = re.findall(r"<section ([^>]*)>", dom)
    assert len(sections) == 3
    for attributes in sections:
        assert ("hidden" in attributes) == ('data-seller="Acme Trading"' not in attributes)
    assert '<span id="shown">2 / 3</span>' in dom
    assert not re.search(r"<body[^>]*data-pwned", dom)
    assert len(re.findall(r"<script\b", dom)) == 1 and len(re.findall(r"<img src=\"x\"", dom)) == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.png" in dom
