"""report.html: one self-contained page, an overview table on top, urgent packets first, working seller and verdict
filters, relative links to every bundle folder and upload file, the statement with a copy button, untrusted text
kept inert.

Rendered in real headless Chromium: the screenshot must show a page, and the DOM after the page's script ran must
show the filters applied, the copy buttons shown, and no injected element.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, unquote

from PIL import Image
from tests.batch.test_batch import make_packet
from tests.stages.test_validate import run as judge

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


def test_links_overview_verdict_filter_and_copy_button_in_chromium(ctx, tmp_path):
    """GIVEN a real batch of three packets, one with a broken claim.toml (an error, no bundle)
    WHEN report.html is written and opened in headless Chromium with #verdict=error, and with #seller=...&verdict=...
    THEN the overview has one row per packet linking to its section and its bundle folder, every relative href
    points at a folder or file that exists under OUT, each statement is shown with a copy button that is hidden
    until the page's script runs, the verdict filter (alone and with the seller filter) hides the other rows and
    sections, and a ko page keeps the severity cell on one line (white-space: nowrap)."""
    root = tmp_path / "inbox"
    make_packet(root, "acme/claim-1", "CLM-2026-0000001", seller="Acme Trading")
    make_packet(root, "bolt/claim-2", "CLM-2026-0000002", day=14, seller="Bolt")
    (root / "bolt" / "broken").mkdir(parents=True)
    (root / "bolt" / "broken" / "claim.toml").write_text("claim_id = [", encoding="utf-8")
    (root / "bolt" / "broken" / "note.txt").write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(root, out, ctx, jobs=2, progress=False)
    verdicts = {s.path: s.verdict for s in result.packets}
    assert verdicts["bolt/broken"] in ("fail", "error") and verdicts["acme/claim-1"] in ("pass", "fail")
    html = result.report_path.read_text(encoding="utf-8")

    overview = html[html.index('<table class="overview">'):html.index("</table>")]
    rows = re.findall(r"<tr class=\"[^\"]*\" data-seller=\"([^\"]*)\" data-verdict=\"([a-z]+)\">", overview)
    assert sorted(rows) == sorted((s.seller, s.verdict) for s in result.packets)
    for anchor in re.findall(r'<a href="#([^"]+)">', overview):
        assert f'<section id="{anchor}"' in html
    assert len(re.findall(r'<a href="#packet-\d+">', overview)) == 3
    for s in result.packets:
        if s.output:
            assert f'<a class="folder" href="{quote(s.output)}/">' in overview

    hrefs = [unquote(h) for h in re.findall(r'href="([^"#][^"]*)"', html)]
    assert hrefs and all(not h.startswith(("/", "http", "..")) for h in hrefs)
    for h in hrefs:
        assert (out / h).exists(), h
    uploads = [h for h in hrefs if "/upload/" in h]
    assert len(uploads) == sum(len(s.uploads) for s in result.packets) > 0

    statements = [s for s in result.packets if s.statement]
    assert statements, "the built packets carry a draft statement"
    assert html.count('<button type="button" class="copy"') == len(statements)
    assert re.search(r'<button type="button" class="copy" data-copy="statement-packet-\d+" hidden>', html)
    for s in statements:
        first_line = s.statement.splitlines()[0]
        assert first_line.replace("'", "&#39;").replace('"', "&#34;") in html

    dom = chromium(tmp_path, f"{result.report_path.as_uri()}#verdict={verdicts['bolt/broken']}", "--dump-dom").stdout
    sections = re.findall(r"<section ([^>]*)>", dom)
    assert len(sections) == 3
    for attributes in sections:
        assert ("hidden" in attributes) == (f'data-verdict="{verdicts["bolt/broken"]}"' not in attributes)
    shown = sum(1 for v in verdicts.values() if v == verdicts["bolt/broken"])
    assert f'<span id="shown">{shown} / 3</span>' in dom
    overview_rows = re.findall(r"<tr (class=[^>]*data-verdict[^>]*)>", dom)
    assert len(overview_rows) == 3 and sum("hidden" not in r for r in overview_rows) == shown
    assert re.search(r'<button type="button" class="copy" data-copy="statement-packet-\d+">', dom)

    both = f"#seller={quote('Acme Trading')}&verdict={verdicts['acme/claim-1']}"
    dom = chromium(tmp_path, result.report_path.as_uri() + both, "--dump-dom").stdout
    assert '<span id="shown">1 / 3</span>' in dom

    ko = batch_report.report_html(out, result.packets, replace(ctx, lang="ko"))
    assert "td.sev { white-space: nowrap;" in ko and '<td class="sev sev-' in ko
    assert "판정별 보기" in ko and "먼저 고칠 것" in ko


def test_deadline_soon_on_a_passing_packet_does_not_speak_of_errors(ctx, tmp_path):
    """GIVEN a packet with nothing wrong but minutes left, judged by the real validate stage
    WHEN its finding is read and report.html is rendered for it as a passing packet
    THEN the fix says when to submit and nothing about errors to fix, in the overview's first-fix column too."""
    state = judge(tmp_path, now=ctx.now.replace(day=19, hour=23, minute=59))
    (soon,) = state.findings
    assert soon.rule == "deadline-soon"
    assert "error" not in soon.fix.lower() and soon.fix.startswith("submit before ")
    finding = {"rule": soon.rule, "severity": soon.severity, "message": soon.message, "fix": soon.fix}
    summary = PacketSummary(path="acme/claim-1", verdict="pass", claim_id="CLM-2026-0000001",
                            deadline=ctx.now + timedelta(minutes=5), findings=(finding,))
    for lang in ("en", "ko", "zh_Hans"):
        html = batch_report.report_html(tmp_path, [summary], replace(ctx, lang=lang))
        overview = html[html.index('<table class="overview">'):html.index("</table>")]
        assert "errors below" not in html
        assert batch_report.first_fix([finding]) == soon.fix
        if lang == "en":
            assert f"<td>{soon.fix}</td>" in overview


def test_summary_lines_on_the_terminal_carry_no_raw_escape_sequences(ctx):
    """GIVEN packets whose folder names hold a terminal escape sequence and a bell (names are the user's)
    WHEN the batch's closing lines are written for the terminal
    THEN the control characters are shown escaped (\\x1b, \\x07), never sent raw."""
    failed = PacketSummary(path="seller/\x1b[2J\x1b]0;owned\x07claim", verdict="fail", claim_id="CLM-2026-0000001",
                           findings=({"rule": "missing-url", "severity": "error"},))
    broken = PacketSummary(path="other/\x1b[31mred", verdict="error", error="claim.toml is broken", log="/tmp/x.log")
    text = batch_report.summary_text([failed, broken], ctx)
    assert "\x1b" not in text and "\x07" not in text
    assert "seller/\\x1b[2J\\x1b]0;owned\\x07claim" in text and "other/\\x1b[31mred" in text
