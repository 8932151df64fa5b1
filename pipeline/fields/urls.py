"""URLs, including a browser's address bar, cleaned of OCR damage (patterns/urls.toml).

OCR gets URLs wrong more than anything else: it breaks the scheme (htps://, http:/, https:/Avww.), inserts spaces
(`cjlogistics. com`), reads l as I, drops or swaps a host letter and loses the dot of `.html`; the browser's icons at
the right end of the address bar come out as `0 0 0`. Repairs are conservative: spaces are closed only where URL
punctuation or a digit run shows the text continues, and a host is changed only when that yields a known host.
"""
from __future__ import annotations

import re
from dataclasses import replace

from pipeline.fields.confusions import Choice, cost, decide
from pipeline.fields.data import cache, patterns
from pipeline.model import Url
from pipeline.profile import Profile, Web

HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
URL = re.compile(rf"(?<![@\w.\-/])(?P<scheme>https?://)?(?P<host>{HOST})(?P<port>:\d{{2,5}})?"
                 rf"(?P<rest>[/?#][^\s<>\"'`{{}}|\\^가-힣]*)?", re.IGNORECASE)
URL_PUNCTUATION = "/?=&.#%_-:"
CONTINUATION_START = "/?=&.#%_"  # a token starting so cannot begin a new word
NEXT_TOKEN = re.compile(r"[^\S\n]+(?P<token>[^\s<>\"'`{}|\\^가-힣]+)")
TRAILING = ".,;:!?'\"”’)]}>。、"


@cache
def _url_pattern(key: str) -> re.Pattern:
    """A regex of patterns/urls.toml, compiled once per patterns."""
    return re.compile(patterns()["urls"][key])


@cache
def _dot_space_repair(common_tlds: tuple[str, ...]) -> re.Pattern:
    tlds = "|".join(re.escape(t) for t in sorted(common_tlds, key=len, reverse=True))
    return re.compile(rf"(?<=[A-Za-z0-9])\.[^\S\n]+(?=(?:{tlds})(?![A-Za-z0-9\-]))")


@cache
def _colon_host(common_tlds: tuple[str, ...]) -> re.Pattern:
    """A host whose dots before a common ending OCR read as colons (dhi:com, service.epost:go:kr)."""
    endings = "|".join(re.escape(e.replace(".", ":")) for e in sorted(common_tlds, key=len, reverse=True))
    return re.compile(rf"(?:(?<=://)|(?<![\w/:.\-]))[A-Za-z0-9\-]+(?:[.:][A-Za-z0-9\-]+)*:(?:{endings})(?=[/?#\s]|$)")


@cache
def _tlds(tlds: frozenset[str]) -> frozenset[str]:
    """The endings a host may have: the profile's top-level domains and the ISO country codes of S10 numbers."""
    return tlds | {c.lower() for c in patterns()["tracking"]["s10"]["countries"]}


@cache
def _lost_dot() -> re.Pattern:
    extensions = "|".join(patterns()["urls"]["lost_dot_extensions"])
    return re.compile(rf"(?<=[A-Za-z0-9])(?<!\.)({extensions})(?=$|[?#])")


def _continues(url: str, token: str, address_bar: bool) -> bool:
    """Whether a token after a space is more of the URL (OCR inserted the space) rather than the next word.

    In running text a plain word after "https://x.com/" is the sentence going on; in an address bar it is not.
    """
    if token[0] in CONTINUATION_START:
        return True
    if url[-1] in URL_PUNCTUATION and (address_bar or any(c in URL_PUNCTUATION or c.isdigit() for c in token)):
        return True
    if url[-1].isdigit() and token.isdigit():
        return True  # a number in the query, split by OCR: =6892 12345674
    if "?" in url and any(p in token for p in "=&"):
        return True  # the rest of a query: gnbInvc No=6892
    return bool(re.fullmatch(rf"(?:{'|'.join(patterns()['urls']['lost_dot_extensions'])})(?:[?#].*)?", token))


def _known_hosts(profile: Profile) -> set[str]:
    return set(profile.carrier_by_host) | set(profile.cloud_hosts)


# Each dot may be read as a colon, an underscore, a comma or an i (`upsicom/track`), be followed by a space, or be
# lost.
DAMAGED_DOT = r"(?:[.:_,i][^\S\n]?)?"


def _damaged_name(host: str) -> str:
    *labels, tld = host.split(".")
    tlds = "|".join(re.escape(t) for t in [tld, *patterns()["urls"]["tld_misreads"].get(tld, [])])
    return DAMAGED_DOT.join([*(re.escape(label) for label in labels), f"(?:{tlds})"])


@cache
def _damaged_known_host_cached(hosts: tuple[str, ...]) -> re.Pattern:
    names = "|".join(_damaged_name(host) for host in sorted(hosts, key=len, reverse=True))
    # After a slash (the scheme's), www may come out as other w-like letters glued to the host (`/Awnwups.com`).
    return re.compile(rf"(?i)(?<![A-Za-z0-9-])(?P<www>(?:www|(?<=/)[awvmn]{{2,6}}){DAMAGED_DOT})?(?P<name>{names})"
                      rf"(?P<rest>(?:[a-z|1][^\s/?=]*)?[/?=]\S*)")


def _damaged_known_host(known: set[str]) -> re.Pattern:
    """A known host with its dots lost or misread, or glued to its path (the slash lost, doubled or read as a
    letter), right before what is plainly a path or query: `lotteglogiscom/home/...`, `serviceepost.go_kr/trace`,
    `ups.comtrack?loc=`, `epost.go.kritrace...`, `dhl:comv/kr-en`, `upsicom/track` (phone photos and JPEG q55
    re-saves). Only known hosts, so no word of prose becomes a host."""
    return _damaged_known_host_cached(tuple(sorted(known)))


@cache
def _by_damaged_name(hosts: tuple[str, ...]) -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(_damaged_name(host), re.IGNORECASE), host)
                 for host in sorted(hosts, key=len, reverse=True))


def _known_named(name: str, known: set[str]) -> str:
    """The known host that a damaged name (as _damaged_known_host matched it) stands for."""
    return next(host for pattern, host in _by_damaged_name(tuple(sorted(known))) if pattern.fullmatch(name))


def _repaired_host(match: re.Match, known: set[str]) -> str:
    rest = match.group("rest")
    host = ("www." if match.group("www") else "") + _known_named(match.group("name"), known)
    misread_slash = patterns()["urls"]["slash_misreads"]
    if rest[0] in "/?=":
        return host + rest
    if rest[0] in misread_slash and rest[1:2] == "/":
        return host + rest[1:]  # the slash read twice: `comv/`
    if rest[0] in misread_slash and rest[1:2].isalpha():
        return f"{host}/{rest[1:]}"  # the slash read as a letter: `kritrace`
    return f"{host}/{rest}"  # the slash lost: `comtrack`


def is_known_host(host: str, profile: Profile) -> bool:
    """A carrier's or a cloud drive's host, or a subdomain of one."""
    return _is_known(host.lower(), _known_hosts(profile))


def is_listed_host(host: str, profile: Profile) -> bool:
    """A host of the known list as it stands, or with www. before it (not any subdomain of one)."""
    lowered = host.lower()
    return lowered.removeprefix("www.") in _known_hosts(profile)


def _is_known(host: str, known: set[str]) -> bool:
    return any(host == k or host.endswith("." + k) for k in known)


def _fix_host(host: str, known: set[str]) -> str:
    """The known host that `host` is a misread of, by the confusion model (pipeline/fields/confusions.py): `host`
    as read where it is a known host (or www. before one); else the candidate it is the cheapest misread of, within
    the budget of its length and cheaper than the next by host_margin: a known host, www. before one
    (`mww.ilogen.com`), or the read's subdomain labels before a known host its last labels misread
    (`trace.cjIogistics.com`, `semice.epost.go.kr`); else `host` as read (an unlisted subdomain of a known host
    stays, as does any other host)."""
    return host_check(host, known).value


def host_budget(host: str) -> float:
    """What a host of this length may cost to be taken for a known one (patterns/urls.toml host_chars_per_edit)."""
    urls = patterns()["urls"]
    return min(urls["host_max_budget"], len(host) / urls["host_chars_per_edit"])


def host_check(host: str, known: set[str]) -> Choice:
    """The decision on one host read (see _fix_host): `as-read` for a known host or www. before one, `corrected`,
    or the read kept (`unmatched`, `ambiguous`)."""
    lowered = host.lower()
    if lowered.removeprefix("www.") in known:
        return Choice(host, "as-read")
    urls = patterns()["urls"]
    budget = host_budget(host)
    limit = budget + urls["host_margin"]
    scored: dict[str, float] = {}
    labels = host.split(".")
    # A subdomain of a known host as read competes with the listed hosts only (`semice.epost.go.kr`), never becomes
    # a subdomain of another known host (`partner.coupang.com` is no misread of coupangls.com).
    subdomain = _is_known(lowered, known)
    for name in known:
        for listed in (name, "www." + name):
            scored[listed] = min(scored.get(listed, float("inf")), cost(host, listed, limit))
        # The read's last labels a misread of a known host, its subdomain labels as read before it.
        count = name.count(".") + 1
        if len(labels) > count and not subdomain:
            head = ".".join(labels[:-count]).lower()
            whole = f"{head}.{name}"
            if whole.removeprefix("www.") not in known:
                scored[whole] = min(scored.get(whole, float("inf")), cost(".".join(labels[-count:]), name, limit))
    candidates = [(c, value) for value, c in scored.items() if c != float("inf")]
    # The read itself is no candidate: an unlisted subdomain of a known host stands only where nothing listed is near.
    return decide(lowered, candidates, budget, urls["host_margin"], lambda value: value in scored and value != lowered)


def _clean_rest(rest: str) -> str:
    rest = rest.rstrip(TRAILING)
    if rest.count("(") < rest.count(")"):
        rest = rest[:rest.rindex(")")]
    path, mark, query = rest.partition("?")
    if path and "." not in path.rsplit("/", 1)[-1]:
        path = _lost_dot().sub(r".\1", path)
    return path + mark + query


def extract_bar_urls(read: str, profile: Profile, page: int) -> list[Url]:
    """URLs of one read of an address bar. It holds a single URL, so whatever leads up to its first slashes is its
    scheme, however misread (`fitbs:/`, `hitost/`); and where no known host is found, a known host that the start
    of its host misreads, glued to its path (`hanjn.comvkor/CMS`, `dhi.comvkr-en`), is that host."""
    read = _url_pattern("bar_scheme").sub("https://", read, count=1)
    urls = extract_urls(read, profile, page, address_bar=True)
    if any(is_known_host(url.host, profile) for url in urls):
        return urls
    repaired = _near_known_host_glued(read, _known_hosts(profile))
    return extract_urls(repaired, profile, page, address_bar=True) if repaired else urls


TRACKING_RUN = re.compile(r"\d{10,}")


def _near_known_host_glued(read: str, known: set[str]) -> str:
    """The read with its host replaced by the known host that the host's start is the cheapest misread of by the
    confusion model (within the host budget of its length, or bar_host_budget where the URL carries a tracking
    number; cheaper than any other known host by host_margin), the rest (after a misread slash) as its path; ""
    if none."""
    scheme = "https://" if read.startswith("https://") else ""
    body = read[len(scheme):].lstrip("-_.,:;'‘’`|!")  # the lock icon's remains
    label, dot, rest = body.partition(".")
    # A www label, however misread, before the host: `Avww.lottegkgis.com`.
    if dot and (label.lower() == "www" or _url_pattern("www_label_misread").fullmatch(label)):
        scheme, body = scheme + "www.", rest
    # Compared without dots, which OCR drops or adds: `jlogencom` is one letter from ilogen.com.
    letters = [(i, c) for i, c in enumerate(body) if c != "."]
    urls = patterns()["urls"]
    found: dict[str, tuple[float, int, str, float]] = {}  # host -> (cost, letters off its length, path, budget)
    for host in known:
        want = host.replace(".", "")
        own = host_budget(host)
        wide = max(own, urls["bar_host_budget"])
        reach = int(wide) + 1
        for count in range(max(1, len(want) - reach), min(len(letters), len(want) + reach) + 1):
            start = "".join(c for _, c in letters[:count])
            rest = body[letters[count - 1][0] + 1:]
            if rest and rest[0] not in "/?" and rest[0] not in urls["slash_misreads"]:
                continue
            path = rest[1:] if rest and rest[0] in urls["slash_misreads"] else rest
            # Beyond the host's own budget, only a URL that carries a tracking number, as a carrier's page does.
            budget = wide if TRACKING_RUN.search(path) else own
            spent = cost(start, want, budget + urls["host_margin"])
            if 0 < spent < budget + urls["host_margin"]:
                key = (spent, abs(count - len(want)), path, budget)
                if host not in found or key < found[host]:
                    found[host] = key
    ranked = sorted(found.items(), key=lambda item: item[1][:2])
    if not ranked or ranked[0][1][0] > ranked[0][1][3]:
        return ""
    host, (spent, _, path, _) = ranked[0]
    if len(ranked) > 1 and ranked[1][1][0] - spent < urls["host_margin"]:
        return ""  # as near two known hosts: neither
    return f"{scheme}{host}/{path.lstrip('/')}" if path else f"{scheme}{host}"


def site_hosts(profile: Profile) -> set[str]:
    """The closed list a tab's or bookmark's host is read against: the known hosts and the profile's site_hosts."""
    return _known_hosts(profile) | set(profile.web.site_hosts)


def _site_accepts(host: str, sites: set[str]) -> bool:
    """A listed site or www. before one (a subdomain is listed on its own: sell.smartstore.naver.com)."""
    return host.lower().removeprefix("www.") in sites


# A host label OCR split off with a space after its dot: `translate. google.com`.
SPLIT_LABEL = re.compile(rf"(?<![\w.\-])(?P<label>[A-Za-z0-9\-]{{2,30}})\.[^\S\n]+(?P<host>{HOST})")


def extract_chrome_urls(text: str, profile: Profile, page: int, zone: str) -> list[Url]:
    """URLs of the browser's tab strip or bookmarks bar (`zone` tab or bookmark), each host read against the closed
    list of site_hosts by the confusion model, as a page's against the known hosts (`wwwtaobao.com`,
    `papago.navercom`); a label OCR split off with a space after its dot (`translate. google.com`) is joined back
    only where the joined host is listed. A host that no list accepts, as read or repaired, is kept and marked
    `host_check: unlisted`: it says only what OCR read there."""
    sites = site_hosts(profile)

    def joined(match: re.Match) -> str:
        whole = f"{match.group('label')}.{match.group('host')}"
        return whole if _site_accepts(host_check(whole, sites).value, sites) else match.group()

    text = SPLIT_LABEL.sub(joined, text)
    urls = extract_urls(text, profile, page, known=sites)
    return [replace(url, zone=zone, host_check="" if _site_accepts(url.host, sites) else "unlisted") for url in urls]


def extract_urls(text: str, profile: Profile, page: int, address_bar: bool = False,
                 known: set[str] | None = None) -> list[Url]:
    """URLs of a text in order; `address_bar` marks text from the top band of a screenshot; `known`: the closed list
    a misread host is repaired towards (the profile's carrier and cloud hosts unless given)."""
    repaired = _url_pattern("scheme_repair").sub(lambda m: f"http{m.group(1).lower()}://", text)
    web = profile.web
    repaired = _colon_host(web.common_tlds).sub(lambda m: m.group().replace(":", "."), repaired)
    repaired = _dot_space_repair(web.common_tlds).sub(".", _url_pattern("www_repair").sub("www.", repaired))
    repaired = _url_pattern("icon_trailer").sub("", repaired)
    known = _known_hosts(profile) if known is None else known
    repaired = _damaged_known_host(known).sub(lambda m: _repaired_host(m, known), repaired)
    found: dict[str, Url] = {}
    for match in URL.finditer(repaired):
        end = match.end()
        raw = match.group(0)
        while match.group("rest") or match.group("scheme"):
            more = NEXT_TOKEN.match(repaired, end)
            if not more or not _continues(raw, more.group("token"), address_bar):
                break
            token = more.group("token")
            raw += "." + token if _continues_as_extension(token) else token
            end = more.end()
        url = _make_url(raw, known, web, page, address_bar)
        if url:
            url = _as_template(url, _templates(profile))
        if url and url.value not in found:
            found[url.value] = url
    return list(found.values())


def _templates(profile: Profile) -> tuple[str, ...]:
    """The carriers' tracking-page URL templates of the profile (scheme-less, `{number}` for the number)."""
    return tuple(t.split("://", 1)[-1] for c in profile.carriers.values() for t in c.get("tracking_urls", ()))


def _as_template(url: Url, templates: tuple[str, ...]) -> Url:
    """`url` with its path and query keys (and fixed values) as the one carrier template of its host they are a
    misread of (ocr: `wbINo` for `wblNo`, `MNO38` for `MN038`, `tracking-express,html`), the number as read; as it
    is where none, or two, fit (see template_fit)."""
    host = url.host.removeprefix("www.")
    rest = url.value.split("://", 1)[-1][len(url.host):]
    fits = []
    for template in templates:
        t_host, slash, t_rest = template.partition("/")
        if t_host.removeprefix("www.") != host or not slash:
            continue
        fitted = template_fit(rest, "/" + t_rest)
        if fitted is not None:
            fits.append(fitted)
    if len(fits) != 1 or fits[0][1] == rest:
        return url
    return replace(url, value=url.value[:len(url.value) - len(rest)] + fits[0][1])


def template_fit(rest: str, template: str) -> tuple[float, str] | None:
    """(cost, `rest` made the template's) where the path and query `rest` of a URL is the template's (`{number}`
    standing for any value) misread within the confusion model's budget: one edit OCR was never seen to make (cost
    1.0) per template_chars_per_edit characters of its path (never more than template_max_edits), and one in each
    query key or fixed value (template_key_budget); None otherwise."""
    urls = patterns()["urls"]
    path, _, query = rest.partition("?")
    t_path, _, t_query = template.partition("?")
    if t_path.endswith("/{number}"):  # the number is the path's last segment (Logen)
        t_path = t_path.removesuffix("{number}") + path.rpartition("/")[2]
    budget = min(urls["template_max_edits"], len(t_path) // urls["template_chars_per_edit"])
    edits = cost(path, t_path, budget)
    if edits > budget:
        return None
    pairs = [p.partition("=") for p in query.split("&")] if query else []
    t_pairs = [p.partition("=") for p in t_query.split("&")] if t_query else []
    if len(pairs) != len(t_pairs):
        return None
    out = []
    for (key, eq, value), (t_key, _, t_value) in zip(pairs, t_pairs):
        key_edits = cost(key, t_key, urls["template_key_budget"])
        if key_edits > urls["template_key_budget"] or not eq:
            return None
        if t_value == "{number}":
            out.append(f"{t_key}={value}")
            continue
        value_edits = cost(value, t_value, urls["template_key_budget"])
        if value_edits > urls["template_key_budget"]:
            return None
        edits += key_edits + value_edits
        out.append(f"{t_key}={t_value}")
    return edits, t_path + ("?" + "&".join(out) if t_query else "")


def _continues_as_extension(token: str) -> bool:
    return token.split("?")[0].split("#")[0].lower() in patterns()["urls"]["lost_dot_extensions"]


def _make_url(raw: str, known: set[str], web: Web, page: int, address_bar: bool) -> Url | None:
    match = URL.match(raw)
    scheme = (match.group("scheme") or "https://").lower()
    # Two repairs may be needed, one after the other: Semice.epost.go.kt -> semice.epost.go.kr -> service.epost.go.kr.
    read = match.group("host").rstrip(".")
    host = _fix_host(_fix_host(read, known), known).lower()
    rest = _clean_rest(raw[match.end("port") if match.group("port") else match.end("host"):])
    tld = host.rsplit(".", 1)[-1]
    if tld not in _tlds(web.tlds):
        return None
    full = bool(rest.strip("/"))
    if not match.group("scheme") and not full and not _host_only_plausible(host, known, web):
        return None
    return Url(value=f"{scheme}{host}{match.group('port') or ''}{rest}", host=host, page=page,
               address_bar=address_bar, full=full, as_read=read if host != read.lower() else "")


def _host_only_plausible(host: str, known: set[str], web: Web) -> bool:
    """A bare host.tld with no scheme and no path is a URL only if it looks like one, not like 'Co.Ltd' or 'e.g'."""
    return (host.startswith("www.") or _is_known(host, known)
            or any(host.endswith("." + t) for t in web.common_tlds))
