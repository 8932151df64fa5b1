"""URLs, including a browser's address bar, cleaned of OCR damage (patterns.toml [urls]).

OCR gets URLs wrong more than anything else: it breaks the scheme (htps://, http:/, https:/Avww.), inserts spaces
(`cjlogistics. com`), reads l as I, drops or swaps a host letter and loses the dot of `.html`; the browser's icons at
the right end of the address bar come out as `0 0 0`. Repairs are conservative: spaces are closed only where URL
punctuation or a digit run shows the text continues, and a host is changed only when that yields a known host.
"""
from __future__ import annotations

import re
from functools import cache
from dataclasses import replace
from itertools import combinations
from typing import Iterable

from rapidfuzz.distance import Levenshtein

from pipeline.fields.data import patterns
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
    """A regex of patterns.toml [urls], compiled once."""
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


def _known_suffix(host: str, known: set[str]) -> str:
    """The longest known host that `host` is or ends with (by whole labels), or ""."""
    return max((k for k in known if host == k or host.endswith("." + k)), key=len, default="")


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
    """Undo OCR damage to a host only when that gives a known host: a misread www label (mww.ilogen.com), one
    confused character (cjIogistics, dhi.com), or for a long known name one letter dropped, added or changed
    (jlogistics.com, serice.epost.go.kr). The longest known name decides, so service.epost.go.kr is repaired
    although epost.go.kr is known too."""
    lowered = host.lower()
    first, _, rest = lowered.partition(".")
    if rest and first != "www" and _url_pattern("www_label_misread").fullmatch(first) and _is_known(rest, known):
        return "www." + rest  # mww.ilogen.com, awww.ups.com
    # A confusion that reaches a longer known name first: semice.epost.go.kr ends with the known epost.go.kr, but
    # is service.epost.go.kr misread.
    matched = _known_suffix(lowered, known)
    for wrong, right in patterns()["urls"]["host_confusions"]:
        fixed = host.replace(wrong, right)
        if fixed != host and len(_known_suffix(fixed.lower(), known)) > len(matched) > 0:
            return fixed
    if matched:
        subdomain = _listed_subdomain(lowered, matched, known)
        if subdomain:
            return subdomain
    for known_host in sorted(known, key=len, reverse=True):
        labels = known_host.count(".") + 1
        tail = ".".join(lowered.split(".")[-labels:])
        head = lowered[:len(lowered) - len(tail)]
        if tail == known_host:
            return host
        if (len(known_host) >= patterns()["urls"]["min_chars_for_edit"] and lowered.count(".") + 1 >= labels
                and _one_edit_apart(tail, known_host)):
            return head + known_host
    for fixed in _confused_readings(host, patterns()["urls"]["host_confusions"]):
        if fixed != host and _is_known(fixed.lower(), known):
            return fixed
    return host


def _confused_readings(text: str, confusions: list) -> Iterable[str]:
    """`text` with each host confusion undone, then each two of them (`Ghi`: G for d and i for l)."""
    for pairs in [(pair,) for pair in confusions] + list(combinations(confusions, 2)):
        fixed = text
        for wrong, right in pairs:
            fixed = fixed.replace(wrong, right)
        yield fixed


def _listed_subdomain(host: str, parent: str, known: set[str]) -> str:
    """`host` (lower case, a subdomain of the known `parent`) with the label before `parent` replaced by that of
    the one listed subdomain of `parent` within subdomain_max_edits of it; "" if none or several."""
    urls = patterns()["urls"]
    head, _, label = host[:-len(parent) - 1].rpartition(".")
    near = {listed for listed in known if listed.endswith("." + parent) and listed.count(".") == parent.count(".") + 1
            and len(listed_label := listed.partition(".")[0]) >= urls["subdomain_min_chars_for_edits"]
            and 0 < Levenshtein.distance(label, listed_label, score_cutoff=urls["subdomain_max_edits"])
            <= urls["subdomain_max_edits"]}
    return (f"{head}." if head else "") + near.pop() if len(near) == 1 else ""


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1, without building the matrix."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


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
    """The read with its host replaced by the known host that the host's start is a misread of (for a long host one
    edit, or up to bar_max_host_edits where the URL carries a tracking number, the nearest alone; for a short one a
    known confusion), the rest (after a misread slash) as its path; "" if none."""
    scheme = "https://" if read.startswith("https://") else ""
    body = read[len(scheme):].lstrip("-_.,:;'‘’`|!")  # the lock icon's remains
    label, dot, rest = body.partition(".")
    # A www label, however misread, before the host: `Avww.lottegkgis.com`.
    if dot and (label.lower() == "www" or _url_pattern("www_label_misread").fullmatch(label)):
        scheme, body = scheme + "www.", rest
    # Compared without dots, which OCR drops or adds: `jlogencom` is one letter from ilogen.com.
    letters = [(i, c) for i, c in enumerate(body.lower()) if c != "."]
    urls = patterns()["urls"]
    confusions = [(wrong.lower(), right.lower()) for wrong, right in urls["host_confusions"]]
    found: list[tuple[int, int, int, str, str]] = []  # (edits, letters off the host's length, letters, host, path)
    for host in known:
        want = host.replace(".", "")
        long = len(host) >= urls["min_chars_for_edit"]
        reach = urls["bar_max_host_edits"] if long else 1
        for count in range(max(1, len(want) - reach), min(len(letters), len(want) + reach) + 1):
            start = "".join(c for _, c in letters[:count])
            # A long host a few edits away; a short one (dhl.com) only through a known confusion (`dhi.comvkr-en`).
            if long:
                edits = Levenshtein.distance(start, want, score_cutoff=reach)
            else:
                edits = 1 if any(start != want and fixed == want
                                 for fixed in _confused_readings(start, confusions)) else reach + 1
            rest = body[letters[count - 1][0] + 1:]
            if 0 < edits <= reach and (not rest or rest[0] in "/?" or rest[0] in urls["slash_misreads"]):
                path = rest[1:] if rest and rest[0] in urls["slash_misreads"] else rest
                # Beyond one edit, only a URL that carries a tracking number, as a carrier's tracking page does.
                if edits == 1 or TRACKING_RUN.search(path):
                    found.append((edits, abs(count - len(want)), count, host, path))
    if not found:
        return ""
    found.sort()
    if len({host for edits, _, _, host, _ in found if edits == found[0][0]}) > 1:
        return ""  # as near two known hosts: neither
    *_, host, path = found[0]
    return f"{scheme}{host}/{path.lstrip('/')}" if path else f"{scheme}{host}"


def extract_urls(text: str, profile: Profile, page: int, address_bar: bool = False) -> list[Url]:
    """URLs of a text in order; `address_bar` marks text from the top band of a screenshot."""
    repaired = _url_pattern("scheme_repair").sub(lambda m: f"http{m.group(1).lower()}://", text)
    web = profile.web
    repaired = _colon_host(web.common_tlds).sub(lambda m: m.group().replace(":", "."), repaired)
    repaired = _dot_space_repair(web.common_tlds).sub(".", _url_pattern("www_repair").sub("www.", repaired))
    repaired = _url_pattern("icon_trailer").sub("", repaired)
    known = _known_hosts(profile)
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


def _folded(text: str) -> str:
    """`text` with the letters OCR confuses in URL text made one (template_confusions: I, l, 1, i, | and O, 0)."""
    return text.lower().translate(_fold_table())


@cache
def _fold_table() -> dict:
    return str.maketrans({c: group[0] for group in patterns()["urls"]["template_confusions"] for c in group})


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


def template_fit(rest: str, template: str) -> tuple[int, str] | None:
    """(edits, `rest` made the template's) where the path and query `rest` of a URL is the template's (`{number}`
    standing for any value) read with at most one edit in its path per template_chars_per_edit characters (never
    more than template_max_edits) and one in each query key or fixed value, once the confusions are folded; None
    otherwise."""
    urls = patterns()["urls"]
    path, _, query = rest.partition("?")
    t_path, _, t_query = template.partition("?")
    if t_path.endswith("/{number}"):  # the number is the path's last segment (Logen)
        t_path = t_path.removesuffix("{number}") + path.rpartition("/")[2]
    budget = min(urls["template_max_edits"], len(t_path) // urls["template_chars_per_edit"])
    edits = Levenshtein.distance(_folded(path), _folded(t_path), score_cutoff=budget)
    if edits > budget:
        return None
    pairs = [p.partition("=") for p in query.split("&")] if query else []
    t_pairs = [p.partition("=") for p in t_query.split("&")] if t_query else []
    if len(pairs) != len(t_pairs):
        return None
    out = []
    for (key, eq, value), (t_key, _, t_value) in zip(pairs, t_pairs):
        key_edits = Levenshtein.distance(_folded(key), _folded(t_key), score_cutoff=1)
        if key_edits > 1 or not eq:
            return None
        if t_value == "{number}":
            out.append(f"{t_key}={value}")
            continue
        value_edits = Levenshtein.distance(_folded(value), _folded(t_value), score_cutoff=1)
        if value_edits > 1:
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
    host = _fix_host(_fix_host(match.group("host").rstrip("."), known), known).lower()
    rest = _clean_rest(raw[match.end("port") if match.group("port") else match.end("host"):])
    tld = host.rsplit(".", 1)[-1]
    if tld not in _tlds(web.tlds):
        return None
    full = bool(rest.strip("/"))
    if not match.group("scheme") and not full and not _host_only_plausible(host, known, web):
        return None
    return Url(value=f"{scheme}{host}{match.group('port') or ''}{rest}", host=host, page=page,
               address_bar=address_bar, full=full)


def _host_only_plausible(host: str, known: set[str], web: Web) -> bool:
    """A bare host.tld with no scheme and no path is a URL only if it looks like one, not like 'Co.Ltd' or 'e.g'."""
    return (host.startswith("www.") or _is_known(host, known)
            or any(host.endswith("." + t) for t in web.common_tlds))
