"""Stage 'classify': the document kind of each evidence file that was read, with the reason for the decision.

Keywords, weights and the web-capture signals are data (pipeline/judging/kinds.toml). The decision is a score per kind:
strong and weak keywords, plus what the fields say (a carrier's host in a URL, a tracking number, the claim's
order number). `web_capture` marks a screenshot or print of a web page, to which the URL and timestamp rules
apply: never a scan, a CSV transcript, a camera photo or a chat app.
"""
from __future__ import annotations

from dataclasses import replace

from pipeline.context import Context
from pipeline.fields.keyword_match import Text, hits, own_hits
from pipeline.judging.keywords import KindRules, load_kind_rules
from pipeline.model import Classification, PacketState, Reading
from pipeline.profile import Profile


def run(state: PacketState, ctx: Context) -> PacketState:
    rules = load_kind_rules()
    order_id = state.claim.order_id if state.claim else None
    kinds = dict(state.kinds)
    log = []
    for evidence in state.files:
        reading = state.readings.get(evidence.source)
        if reading is None:
            continue  # ingest or read reported why; nothing to classify
        decision = classify(reading, evidence.detected, ctx.profile, rules, order_id)
        kinds[evidence.source] = decision
        log.append(f"classify: {evidence.source} is {decision.kind}"
                   f"{' (web capture)' if decision.web_capture else ''}: {decision.reason}")
    return replace(state, kinds=kinds).with_log(*log)


# ---- the decision --------------------------------------------------------------------------------

def classify(reading: Reading, detected: str, profile: Profile, rules: KindRules | None = None,
             order_id: str | None = None) -> Classification:
    """The kind of one evidence file, why, and whether it is a web capture."""
    rules = rules or load_kind_rules()
    signals = rules.signals
    text = Text.of(reading.text)
    fields = reading.fields
    web_signs = web_signals(reading, rules, profile)

    if detected == "csv":
        return Classification("message-thread", "a CSV transcript (message export)", web_capture=False)

    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}

    def add(kind: str, points: int, why: str) -> None:
        scores[kind] = scores.get(kind, 0) + points
        reasons.setdefault(kind, []).append(why)

    named = set()  # kinds a strong keyword names
    for kind in rules.order:
        spec = rules.kinds[kind]
        # A keyword read inside a longer one of its kind (송장번호 in 운송장번호) is that one word, counted once.
        found = own_hits([*spec["strong"], *spec["weak"]], text)
        strong, weak = [k for k in spec["strong"] if k in found], [k for k in spec["weak"] if k in found]
        if strong:
            add(kind, 2 * len(strong), " + ".join(repr(k) for k in strong))
            named.add(kind)
        if weak:
            add(kind, len(weak), " + ".join(repr(k) for k in weak))

    named_hosts = set()
    page_urls = [u for u in fields.urls if u.of_page]  # a tab's or a bookmark's host says nothing of the page
    for url in page_urls:
        for rule in rules.url_kinds:
            if rule.pattern.search(url.value):
                add(rule.kind, rule.points, rule.why.format(url=url.value))
                named_hosts.add(url.host)
                break
    for host in dict.fromkeys(u.host for u in page_urls if u.host not in named_hosts):
        carrier = profile.carrier_for_host(host)
        if carrier == "coupang":
            add("coupang-order", signals["coupang_host"], f"Coupang host {host} in a URL")
        elif carrier:
            add("carrier-tracking", signals["carrier_host"], f"carrier host {host} in a URL")
    valid = [t.value for t in fields.tracking_numbers if t.checksum != "bad" and t.value != order_id]
    if valid:
        for kind in signals["tracking_number_kinds"]:
            add(kind, signals["tracking_number"], f"tracking number {valid[0]}")
    coded = [t.value for t in fields.tracking_numbers if t.source == "barcode" and t.checksum != "bad"]
    if coded:
        add("carrier-tracking", signals["barcode_tracking_number"], f"tracking number {coded[0]} in a barcode")
    turns = len(rules.turn.findall(reading.text))
    if turns >= signals["turns_min"]:
        add("message-thread", signals["turns"], f"{turns} lines open a buyer/seller turn")
    chat_lines = [m.group(0).strip() for m in rules.chat_line.finditer(reading.text)]
    if len(chat_lines) >= signals["chat_lines_min"]:
        add("chat-app", signals["chat_lines"], f"{len(chat_lines)} lines hold only a chat app's time or read "
                                               f"receipt ({chat_lines[0]!r})")
    controls = hits(signals["chat_controls"], text)
    if controls:
        add("chat-app", signals["chat_controls_points"], f"a chat app's control ({controls[0]!r})")
    if order_id and order_id in text.squeezed:
        add("coupang-order", signals["order_id"], f"the claim's order number {order_id}")
    if web_signs:
        add("carrier-tracking", signals["web_page"], web_signs[0])
    elif "proof-of-delivery" in named:
        # Only a page that names itself a POD (a signature, 인수증, 签收单): a label's or a chat's 받는 분 does not.
        add("proof-of-delivery", signals["web_page"], "no browser chrome or URL (a scan or photo)")

    ranked = sorted((k for k in scores if scores[k] >= rules.min_score),
                    key=lambda k: (-scores[k], rules.order.index(k)))
    letters = sum(ch.isalpha() for ch in reading.text)
    if ranked:
        kind = ranked[0]
        reason = " + ".join(reasons[kind])
    elif detected in signals["image_types"] and letters < signals["photo_max_letters"] and not web_signs \
            and not (fields.tracking_numbers or fields.timestamps or fields.urls or fields.korean_addresses):
        kind = "product-photo"
        reason = f"an image with {letters} letters of text, no keyword and no field read"
    else:
        kind = "other"
        best = max(scores, key=lambda k: scores[k], default=None)
        reason = "no kind's keywords matched" + (f" enough (best: {rules.label(best)}, {reasons[best][0]})"
                                                 if best else "")
    web, web_reason = web_capture(kind, detected, web_signs, reading, rules)
    if web_reason:
        reason += f"; {'' if web else 'not a '}web capture: {web_reason}"
    return Classification(kind, reason, web_capture=web)


def web_signals(reading: Reading, rules: KindRules, profile: Profile) -> list[str]:
    """Signs that a page is a web page: a URL in the address bar, browser chrome or a print header/footer."""
    signs = [f"URL {u.value} in the address bar" for u in reading.fields.urls if u.address_bar]
    chrome = rules.chrome(profile.web.common_tlds)
    for page in reading.pages:
        for band, where in ((page.header_text, "top"), (page.footer_text, "bottom")):
            found = chrome.search(band or "")
            if found:
                signs.append(f"browser chrome or a print {'header' if where == 'top' else 'footer'} "
                             f"({found.group(0)!r}) in the {where} band of page {page.index}")
    return signs


def web_capture(kind: str, detected: str, signs: list[str], reading: Reading,
                rules: KindRules) -> tuple[bool, str]:
    """Whether the URL and timestamp rules apply, and why."""
    web = rules.web
    if kind in web["never_kinds"] or detected == "csv":
        return False, ""
    if signs:
        return True, signs[0]
    if kind in web["page_kinds"]:
        shown = [u for u in reading.fields.urls if u.of_page]
        if shown:
            return True, f"a {rules.label(kind)} showing the URL {shown[0].value}"
        if detected in web["screenshot_types"]:
            photo = photo_sized(reading, rules)
            if photo:
                return False, photo
            return True, f"a {detected.upper()} screenshot of a {rules.label(kind)}"
    return False, ""


def photo_sized(reading: Reading, rules: KindRules) -> str:
    """Why an image is a camera photo rather than a screen capture by its size and shape, or "" if it may be one."""
    width, height = reading.image_width, reading.image_height
    if not (width and height):
        return ""
    aspect = max(width, height) / min(width, height)
    megapixels = width * height / 1_000_000
    if aspect <= rules.web["photo_max_aspect"] and megapixels >= rules.web["photo_min_megapixels"]:
        return (f"a {width}x{height} image ({megapixels:.0f} MP, {aspect:.2f}:1) is camera-photo sized, "
                f"bigger than any screen of that shape, with no browser chrome or URL")
    return ""
