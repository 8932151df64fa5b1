"""URLs, including a browser's address bar, cleaned of OCR damage (patterns/urls.toml).

OCR gets URLs wrong more than anything else: it breaks the scheme (htps://, http:/, https:/Avww.), inserts spaces
(`cjlogistics. com`), reads l as I, drops or swaps a host letter and loses the dot of `.html` (the browser's icons at
the right end of the address bar, which the first pass reads as `0 0 0`, never reach here: the address bar pass
leaves them out of the bar's row, as a wide gap ends its URL run). Repairs are conservative: spaces are closed only where URL
punctuation or a digit run shows the text continues, and a host is changed only when that yields a known host.
"""
from __future__ import annotations

import re
from dataclasses import replace

from pipeline.fields.compiled import compiled
from pipeline.fields.confusions import Choice, cost, decide, nearest, prefix_costs, table
from pipeline.fields.data import cache, patterns
from pipeline.fields.tracking import repaired_number, validate_tracking
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
def _dot_marks() -> str:
    """The marks OCR was seen to read a dot as (confusions.toml: `.` read as one character that is no letter, digit
    or space: `,`, `_`), as learned."""
    return "".join(sorted(r for t, r in table().pairs if t == "." and len(r) == 1 and not r.isalnum()
                          and not r.isspace()))


@cache
def _misread_dots(common_tlds: tuple[str, ...], marks: str) -> re.Pattern:
    """A host's dot before one of the common endings (or inside one: `go_kr`) as OCR read it: a mark the confusion
    model learned for a dot (`marks`), or a dot and the spaces OCR put after it (a space added, also learned:
    `cjlogistics. com`); never digits after it, so host:port stays."""
    dot = rf"(?:\.[^\S\n]+|[{re.escape(marks)}])" if marks else r"\.[^\S\n]+"
    inner = rf"(?:\.|{dot})"
    endings = "|".join(inner.join(re.escape(label) for label in t.split("."))
                       for t in sorted(common_tlds, key=len, reverse=True))
    return compiled(rf"(?<=[A-Za-z0-9]){dot}(?P<ending>{endings})(?![A-Za-z0-9\-])")


def _repair_dots(text: str, common_tlds: tuple[str, ...]) -> str:
    """Each dot before a common ending that OCR read as a learned mark or followed by spaces (_misread_dots), a dot."""
    marks = _dot_marks()
    pattern = _misread_dots(common_tlds, marks)
    clean = compiled(rf"\.[^\S\n]+|[{re.escape(marks)}]" if marks else r"\.[^\S\n]+")
    return pattern.sub(lambda m: "." + clean.sub(".", m.group("ending")), text)


@cache
def _tlds(tlds: frozenset[str]) -> frozenset[str]:
    """The endings a host may have: the profile's top-level domains and the ISO country codes of S10 numbers."""
    return tlds | {c.lower() for c in patterns()["tracking"]["s10"]["countries"]}


@cache
def _lost_dot() -> re.Pattern:
    extensions = "|".join(patterns()["urls"]["lost_dot_extensions"])
    return compiled(rf"(?<=[A-Za-z0-9])(?<!\.)({extensions})(?=$|[?#])")


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


# A scheme as OCR may misread it: a word of 3-7 letters and digits (`https`, `hitps`, `ht1ps`, `Attps`), up to two
# marks (the colon, or what it was read as: `;`, `'`, `*`, `-`) and one or two slashes, never inside a URL's path.
SCHEME_SHAPE = re.compile(r"(?<![\w.\-/:%?=&#])[/\\|]?(?P<word>[A-Za-z][A-Za-z0-9]{2,6})[^\S\n]*"
                          r"(?P<marks>[^\w\s/]{0,2})[^\S\n]*(?P<slashes>/(?:[^\S\n]*/)?)[^\S\n]*(?=[A-Za-z0-9])")
SCHEMES = ("https", "http")
# The first label after a scheme, and the dot after it as read (`Avww.`, `ww.`, `vww,`), before a host of two or
# more labels.
WWW_SHAPE = re.compile(r"(?<=://)(?P<label>[A-Za-z/\\|]{2,5})(?P<dot>[^\w\s/]|_)(?=[A-Za-z0-9][\w\-]*[.,:_][A-Za-z])")


def scheme_of(word: str, separator: str, budget: float) -> str | None:
    """`https://` or `http://` where `word` (a scheme as read, without its separator) is the cheapest misread of
    one of the two by the confusion model within `budget`, cheaper than the other by host_margin, and `separator` is
    `://` misread within scheme_budget; else None."""
    urls = patterns()["urls"]
    if cost(separator.replace(" ", ""), "://", urls["scheme_budget"]) > urls["scheme_budget"]:
        return None
    choice = nearest(word.lower(), SCHEMES, budget, urls["host_margin"])
    return f"{choice.value}://" if choice.value in SCHEMES else None


def shows_scheme(text: str) -> bool:
    """The text shows a scheme (SCHEME_SHAPE) that is `https://` or `http://` misread within scheme_budget by the
    confusion model (scheme_of): `https://`, `htps:/`, `ht1ps:/`; not `home/` of a path (`/home/tracking`)."""
    budget = patterns()["urls"]["scheme_budget"]
    return any(scheme_of(m.group("word"), m.group("marks") + m.group("slashes"), budget)
               for m in SCHEME_SHAPE.finditer(text))


def _repair_schemes(text: str) -> str:
    """Each scheme the text shows, as read (`htps://`, `http:/ `, `hittps:/`, `Attps:/`, `https*//`), made `https://`
    or `http://` by the confusion model (scheme_of, within scheme_budget)."""
    budget = patterns()["urls"]["scheme_budget"]

    def repaired(match: re.Match) -> str:
        return scheme_of(match.group("word"), match.group("marks") + match.group("slashes"), budget) or match.group()

    return SCHEME_SHAPE.sub(repaired, text)


WWW_LABEL = re.compile(r"(?P<label>[A-Za-z/\\|]{2,5})(?P<dot>[^\w\s/]|_)(?=[A-Za-z0-9])")


def _is_www(label: str) -> bool:
    """A host's first label and the dot after it, as read, the cheapest misread of `www.` within www_budget."""
    budget = patterns()["urls"]["www_budget"]
    return cost(label.lower(), "www.", budget) <= budget


def _repair_www(text: str) -> str:
    """`www.` after a scheme where the label there is a misread of it (`https://Avww.ups.com`, `https://ww.fedex.com`,
    `https://vww,x.com`) by the confusion model (_is_www)."""
    return WWW_SHAPE.sub(lambda m: "www." if _is_www(m.group("label") + m.group("dot")) else m.group(), text)


# A run of text that may be a known host glued to its path: after a scheme or where no word, URL or address goes on.
GLUED_RUN = re.compile(r"(?:(?<=://)|(?<![\w.\-/@:]))(?=[^\s/?=]*[A-Za-z][^\s/?=]*[A-Za-z][^\s/?=]*[A-Za-z])"
                       r"[A-Za-z0-9](?:\S|\.[^\S\n](?=\w))*?[/?=]\S*")


def _repair_glued(text: str, known: set[str], tlds: frozenset[str], templates: tuple[str, ...]) -> str:
    """Each run of the text that no URL reading makes a host of an accepted top-level domain before a path (its
    dots lost or misread: `lotteglogiscom/home`, `serviceepost.go_kr/trace`; its top-level domain misread and glued
    to the path: `ups.convtrack?loc=`, `epost.go.kritrace`), made the known host it starts with a misread of, by the
    confusion model (glued_known_host), and the rest its path."""
    def repaired(match: re.Match) -> str:
        run = match.group()
        url = URL.match(run)
        if url and url.group("host").rsplit(".", 1)[-1].lower() in tlds:
            return run  # a host as read, with a top-level domain: host_check decides on it
        found = glued_known_host(run, known, templates)
        return found or run

    return GLUED_RUN.sub(repaired, text)


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


@cache
def _alias_patterns(aliases: tuple[tuple[str, frozenset[str]], ...]) -> tuple[tuple[re.Pattern, frozenset[str]], ...]:
    found = []
    for alias, hosts in aliases:
        latin = alias.isascii()
        pattern = rf"(?<![A-Za-z0-9]){re.escape(alias)}(?![A-Za-z0-9])" if latin else re.escape(alias)
        found.append((compiled(pattern, re.IGNORECASE if latin else 0), hosts))
    return tuple(found)


def named_carrier_hosts(text: str, profile: Profile) -> frozenset[str]:
    """The hosts of the carriers a page names by one of their aliases (an in-app browser's title `Tracking | DHL`
    over its host, `DHL Express` in the page): a Latin alias as a whole word in any case, another as it stands."""
    aliases = tuple((alias, frozenset(c.get("hosts", ()))) for c in profile.carriers.values()
                    for alias in c.get("aliases", ()))
    return frozenset(host for pattern, hosts in _alias_patterns(aliases) if pattern.search(text) for host in hosts)


def _named_host(url: Url, named: frozenset[str], known: set[str]) -> Url:
    """`url` (an address bar's, its host no known one) with its host made the host of a carrier the page names that
    it is the cheapest misread of within bar_host_budget, no other known host as near (by host_margin); as it is
    otherwise. An in-app browser's or a phone's bar shows the host alone in small type (`dhli.com`, `dhlil.com` for
    dhl.com), with no path to tell it by."""
    urls = patterns()["urls"]
    budget, margin = urls["bar_host_budget"], urls["host_margin"]
    read = url.host.lower()
    scored = sorted((cost(read, listed, budget + margin), listed) for name in known for listed in (name, "www." + name))
    ours = [(c, listed) for c, listed in scored if listed.removeprefix("www.") in named and c <= budget]
    if not ours:
        return url
    best, host = ours[0]
    if any(c - best < margin for c, listed in scored if listed != host):
        return url
    return replace(url, value=url.value.replace(url.host, host, 1), host=host, as_read=url.as_read or url.host)


def extract_bar_urls(read: str, profile: Profile, page: int, named: frozenset[str] = frozenset()) -> list[Url]:
    """URLs of one read of an address bar. It holds a single URL, so what leads up to its first slashes is its
    scheme, misread within bar_scheme_budget (`fitbs:/`, `ht1ps:/`), or where it shows none its host's first label,
    `www.` misread within www_budget (`wvew.fedex.com`: _is_www); and where no known host is found, a known host
    that the start of its host misreads, glued to its path (`hanjn.comvkor/CMS`, `dhi.comvkr-en`), is that host
    (glued_known_host), or failing that the host of a carrier the page names (`named`: named_carrier_hosts) that
    the read host is a misread of within bar_host_budget (_named_host)."""
    read = read.lstrip(ICON_MARKS)  # the lock icon's remains: no URL starts so (`-dhl.com`)
    lead = SCHEME_SHAPE.match(read)
    if lead:
        scheme = scheme_of(lead.group("word"), lead.group("marks") + lead.group("slashes"),
                           patterns()["urls"]["bar_scheme_budget"])
        read = scheme + read[lead.end():] if scheme else read
    www = None if "://" in read else WWW_LABEL.match(read)
    if www and _is_www(www.group("label") + www.group("dot")):
        read = "www." + read[www.end():]  # a bar that hides the scheme starts at the host: `wvew.fedex.com`
    urls = extract_urls(read, profile, page, address_bar=True)
    if any(is_known_host(url.host, profile) for url in urls):
        return urls
    repaired = glued_known_host(_repair_www(read), _known_hosts(profile), _templates(profile))
    if repaired:
        return extract_urls(repaired, profile, page, address_bar=True)
    known = _known_hosts(profile)
    return [_as_template(_named_host(url, named, known), profile) if named else url for url in urls]


TRACKING_RUN = re.compile(r"\d{10,}")
ICON_MARKS = "-_.,:;'‘’`|!"  # what the lock icon left of an address bar's URL reads as


def glued_known_host(read: str, known: set[str], templates: tuple[str, ...] = ()) -> str:
    """`read` (a URL as read, from its scheme or its host on) with its host made the known host (or www. before
    one) that the read's start is the cheapest misread of by the confusion model, the rest its path; "" if none.

    The host is compared without dots, which OCR drops or adds (`jlogencom` is one letter from ilogen.com), within
    its budget (host_budget), or bar_host_budget where the path carries a tracking number (10+ digits) as a
    carrier's page does, and cheaper than any other known host by host_margin. The slash after it may be lost
    (`comtrack`) or read as another character (`comvkor`, `kritrace`), within one edit OCR was never seen to make
    (the model's default substitution); where both cost the same, the path whose first segment is nearer that of
    one of the host's carrier `templates` (scheme-less) wins, else the read's characters are kept."""
    scheme = next((f"{s}://" for s in SCHEMES if read.lower().startswith(f"{s}://")), "")
    body = read[len(scheme):].lstrip(ICON_MARKS)
    www = WWW_LABEL.match(body)
    if www and _is_www(www.group("label") + www.group("dot")):  # `Avww.upsicom/track`
        scheme, body = scheme + "www.", body[www.end():]
    letters = [(i, c) for i, c in enumerate(body) if c not in ". "]  # a space OCR put after a dot: `dhl. comkr-en`
    urls = patterns()["urls"]
    model = table()
    margin, slash_budget = urls["host_margin"], model.substitute
    found: dict[str, tuple] = {}  # name -> (cost, off, segment's cost, option, path, host, host's cost, limits)
    for name in known:
        own = host_budget(name)
        wide = max(own, urls["bar_host_budget"])
        shapes = [t.partition("/")[2] for t in templates if t.partition("/")[0].removeprefix("www.") == name]
        for host in (name, "www." + name):
            want = host.replace(".", "")
            reach = int(wide) + 1
            plain = prefix_costs("".join(c for _, c in letters[:len(want) + reach]), want, wide + margin)
            for count in range(max(1, len(want) - reach), min(len(letters), len(want) + reach) + 1):
                after = body[letters[count - 1][0] + 1:]
                if not after or after[0] in "/?":
                    options = [(0.0, after)]
                else:  # the slash lost (the read's characters kept, first at a tie), or read as another character
                    options = [(model.deleted("/"), "/" + after), (model.substitution("/", after[0]), "/" + after[1:])]
                for option, (slash, path) in enumerate(options):
                    path = "/" + path.lstrip("/") if path.startswith("/") else path  # the slash read twice: `comv/`
                    spent = plain[count] + slash
                    # Beyond the host's own budget only a URL that carries a tracking number; without one, the host
                    # and its slash together within it (a slash alone may always cost one edit).
                    limit = (wide, wide + slash_budget) if TRACKING_RUN.search(path) else (own, max(own, slash_budget))
                    if not (0 < spent <= limit[1] + margin and plain[count] <= limit[0] + margin
                            and slash <= slash_budget):
                        continue  # no candidate (checked first: the segment's cost below is the costly part)
                    # A tie between a lost slash and one read as a letter: the path whose first segment is nearer
                    # the host's templates' (`/kren` for DHL's /kr-ko, not `/vkren`; `/home`, not `/ome`).
                    segment = min((cost(_first_segment(path), _first_segment(shape)) for shape in shapes), default=0)
                    key = (spent, abs(count - len(want)), segment, option, path, host, plain[count], limit)
                    if name not in found or key < found[name]:
                        found[name] = key
    ranked = sorted(found.values(), key=lambda item: item[:2])
    if not ranked:
        return ""
    spent, _, _, _, path, host, host_cost, (host_limit, limit) = ranked[0]
    if host_cost > host_limit or spent > limit:
        return ""
    if len(ranked) > 1 and ranked[1][0] - spent < margin:
        return ""  # as near two known hosts: neither
    if path.startswith("?"):
        return f"{scheme}{host}{path}"
    return f"{scheme}{host}/{path.lstrip('/')}" if path else f"{scheme}{host}"


def _first_segment(path: str) -> str:
    """A path's first segment (`track` of /track?loc=, `trace.RetrieveEmsRigiTraceList.comm` of Korea Post's)."""
    return re.split(r"[/?#]", path.lstrip("/"), maxsplit=1)[0]


def site_hosts(profile: Profile) -> set[str]:
    """The closed list a tab's or bookmark's host is read against: the known hosts and the profile's site_hosts."""
    return _known_hosts(profile) | set(profile.web.site_hosts)


def _site_accepts(host: str, sites: set[str]) -> bool:
    """A listed site or www. before one (a subdomain is listed on its own: sell.smartstore.naver.com)."""
    return host.lower().removeprefix("www.") in sites


# A host's first label split off by OCR: its dot read as a space or a comma, or a space after it
# (`translate google.com`, `partner,coupang.com`, `translate. google.com`).
SPLIT_LABEL = re.compile(rf"(?<![\w.\-])(?P<label>[A-Za-z0-9\-]{{2,30}})(?:[.,_][^\S\n]*|[^\S\n]+)(?P<host>{HOST})")


def extract_chrome_urls(text: str, profile: Profile, page: int, zone: str) -> list[Url]:
    """URLs of the browser's tab strip or bookmarks bar (`zone` tab or bookmark), each host read against the closed
    list of site_hosts by the confusion model, as a page's against the known hosts (`wwwtaobao.com`,
    `papago.navercom`); a first label OCR split off (`translate google.com`, `partner,coupang.com`,
    `translate. google.com`) is joined back only where the joined host, its separator priced as read, is listed.
    A host that no list accepts, as read or repaired, is kept and marked `host_check: unlisted`: it says only what
    OCR read there."""
    sites = site_hosts(profile)

    def joined(match: re.Match) -> str:
        choice = host_check(match.group(), sites)  # the separator priced as read: a space for a dot, a comma
        return choice.value if choice.status != "ambiguous" and _site_accepts(choice.value, sites) else match.group()

    text = SPLIT_LABEL.sub(joined, _repair_dots(text, profile.web.common_tlds))
    urls = extract_urls(text, profile, page, known=sites)
    kept = []
    for url in urls:
        listed = _site_accepts(url.host, sites)
        if listed or not _near_a_site(url.host, sites):
            kept.append(replace(url, zone=zone, host_check="" if listed else "unlisted"))
    return kept


def _near_a_site(host: str, sites: set[str]) -> bool:
    """Whether an unlisted host read lies within unlisted_near_budgets times its budget of a listed site (or www.
    before one): a misread past repair as likely as a site of its own (patterns/urls.toml)."""
    limit = patterns()["urls"]["unlisted_near_budgets"] * host_budget(host)
    return any(cost(host, listed, limit) <= limit for site in sites for listed in (site, "www." + site))


def extract_urls(text: str, profile: Profile, page: int, address_bar: bool = False,
                 known: set[str] | None = None) -> list[Url]:
    """URLs of a text in order; `address_bar` marks text from the top band of a screenshot; `known`: the closed list
    a misread host is repaired towards (the profile's carrier and cloud hosts unless given)."""
    repaired = _repair_schemes(text)
    web = profile.web
    repaired = _repair_dots(_repair_www(repaired), web.common_tlds)
    known = _known_hosts(profile) if known is None else known
    repaired = _repair_glued(repaired, known, _tlds(web.tlds), _templates(profile))
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
            url = _as_template(url, profile)
        if url and url.value not in found:
            found[url.value] = url
    return list(found.values())


def _templates(profile: Profile) -> tuple[str, ...]:
    """The carriers' tracking-page URL templates of the profile (scheme-less, `{number}` for the number)."""
    return tuple(t.split("://", 1)[-1] for c in profile.carriers.values() for t in c.get("tracking_urls", ()))


def _as_template(url: Url, profile: Profile) -> Url:
    """`url` with its path and query keys (and fixed values) as the one carrier template of its host they are a
    misread of (ocr: `wbINo` for `wblNo`, `MNO38` for `MN038`, `tracking-express,html`), its number what the
    carrier's tracking acceptor takes the number as read for (tracking.repaired_number: `1ZOCKWA7...` a misread of
    the verifying 1Z0CKWA7...), else as read; as it is where none, or two, fit (see template_fit)."""
    host = url.host.removeprefix("www.")
    rest = url.value.split("://", 1)[-1][len(url.host):]
    known = _known_hosts(profile)
    fits, hosts = [], []
    for template in _templates(profile):
        t_host, slash, t_rest = template.partition("/")
        if not slash or t_host.removeprefix("www.") != host and not _template_host_misread(host, t_host, known):
            continue
        fitted = template_fit(rest, "/" + t_rest)
        if fitted is not None:
            fits.append(fitted)
            hosts.append(t_host)
    if not fits:
        # No template fits piece by piece (a moiré photo's `linkView7invNo=` for linkView?InvNo=): one shows its text
        # beside a number the carrier verifies, and the whole read is that template misread within the budget of
        # one of its keys (template_key_budget: `/m/track` is UPS's mobile page, `loc=fr_KR` another fixed value).
        around = template_around_number(url.value.split("://", 1)[-1], profile, url.page, host)
        shown = around.value.split("://", 1)[-1][len(around.host):] if around else ""
        if around and cost(rest, shown) <= patterns()["urls"]["template_key_budget"]:
            return replace(url, value=url.value[:len(url.value) - len(rest)] + shown)
    if len(fits) != 1:
        return url
    _, shape, number = fits[0]
    carrier = profile.carrier_for_host(url.host)
    fitted = shape.replace("{number}", repaired_number(number, carrier) if carrier and number else number)
    if hosts[0].removeprefix("www.") != host:  # the template's host, the read's a misread of it (`1trace.`)
        scheme = url.value.split("://", 1)[0]
        return replace(url, value=f"{scheme}://{hosts[0]}{fitted}", host=hosts[0], as_read=url.as_read or url.host)
    return url if fitted == rest else replace(url, value=url.value[:len(url.value) - len(rest)] + fitted)


def _template_host_misread(host: str, t_host: str, known: set[str]) -> bool:
    """Whether `host`, an unlisted subdomain of a known host, is a misread of a template's host under the same known
    host (`1trace.cjlogistics.com`, a bar's icon read as 1 before trace.cjlogistics.com), within the budget of its
    length: the templates' hosts are the closed list of a carrier's subdomains."""
    t_host = t_host.removeprefix("www.")
    parent = next((k for k in known if t_host.endswith("." + k)), None)
    return (parent is not None and host.endswith("." + parent) and host.removeprefix("www.") not in known
            and cost(host, t_host) <= host_budget(host))


def template_around_number(read: str, profile: Profile, page: int, host: str = "") -> Url | None:
    """The carrier URL a bar's read stands for where OCR garbled its host and the start of its path past repair (a
    moiré photo's bar: `eee1Z2W7822U9098017985&requester=WT/trackdetails`), or None: the read shows one carrier
    template's fixed text beside its number, the query key before it (`tracknum=`) or the template's text after
    it (`&requester=WT/trackdetails`), each piece misread within template_key_budget (query_fit), and a number
    between that the carrier's acceptor verifies (its check digit, as read or as the confusion model repairs it;
    what the garble glued before it is left out). Only where one template so fits: it is the URL, the number in
    it. `host`: the templates of this host alone (www. or not)."""
    budget = patterns()["urls"]["template_key_budget"]
    found: dict[str, Url] = {}
    for template in _templates(profile):
        t_path, _, t_query = template.partition("?")
        head, number_mark, rest = t_query.partition("{number}")
        if not number_mark:
            continue
        key = head[max(head.rfind("&"), head.rfind("?")) + 1:]
        t_host = t_path.partition("/")[0]
        if host and t_host.removeprefix("www.") != host.removeprefix("www."):
            continue
        carrier = profile.carrier_for_host(t_host)
        forms = [form for form in (key + "{number}" + rest if key else "", "{number}" + rest if rest else "") if form]
        for form in forms:
            # The fixed text or the number starts a run of the read, or the key's first letter starts it (a
            # garble glued before the key): query_fit and the acceptor are asked there alone.
            starts = [i for i in range(len(read)) if i == 0 or not read[i - 1].isalnum()
                      or read[i].lower() == form[0].lower()]
            number = next((number for start in starts
                           if (fitted := query_fit(read[start:], form, budget)) is not None
                           and (number := _verified(fitted[2], carrier))), "")
            if number:
                value = "https://" + template.replace("{number}", number)
                found.setdefault(value, Url(value, t_host, page, address_bar=True))
                break
    return next(iter(found.values())) if len(found) == 1 else None


def _verified(read: str, carrier: str | None) -> str:
    """The number `read` stands for where the carrier's check digit verifies it (as read or repaired by the
    confusion model), the longest such run of its end (a garble glued before it left out); "" where none does."""
    ends = [read[start:].upper() for start in range(len(read))]
    verified = next((end for end in ends if validate_tracking(end, carrier)[1] == "ok"), "")
    return verified or next((number for end in ends if validate_tracking(
        number := repaired_number(end, carrier), carrier)[1] == "ok"), "")


def template_fit(rest: str, template: str) -> tuple[float, str, str] | None:
    """(cost, `rest` made the template's with `{number}` where its number is, the number as read) where the path and
    query `rest` of a URL is the template's (`{number}` standing for any value) misread within the confusion
    model's budget: one edit OCR was never seen to make (cost 1.0) per template_chars_per_edit characters of its
    path (never more than template_max_edits), and within template_key_budget for each query key, each fixed value
    and each `=` and `&` (query_fit); None otherwise."""
    urls = patterns()["urls"]
    path, _, query = rest.partition("?")
    t_path, _, t_query = template.partition("?")
    number = ""
    if t_path.endswith("/{number}"):  # the number is the path's last segment (Logen)
        number = path.rpartition("/")[2]
        t_path = t_path.removesuffix("{number}") + number
    budget = min(urls["template_max_edits"], len(t_path) // urls["template_chars_per_edit"])
    edits = cost(path, t_path, budget)
    if edits > budget:
        return None
    if number:
        t_path = t_path.removesuffix(number) + "{number}"
    if not t_query:
        return (edits, t_path, number) if not query else None
    fitted = query_fit(query, t_query, urls["template_key_budget"])
    return None if fitted is None else (edits + fitted[0], f"{t_path}?{fitted[1]}", fitted[2] or number)


# A template's query in pieces: each key, each fixed value, each `=` and `&`, and the number.
QUERY_PIECES = re.compile(r"\{number\}|[=&]|[^=&{]+")
NUMBER_CHARS = re.compile(r"[A-Za-z0-9/\-]+")


def query_fit(query: str, t_query: str, budget: float) -> tuple[float, str, str] | None:
    """(cost, `t_query`, the number as read) where `query` as read is `t_query` misread: read as a
    sequence of its pieces (QUERY_PIECES), each key, fixed value, `=` and `&` the cheapest misread of its piece by
    the confusion model within `budget` (`sid1*6418...` for sid1=, `submit=ldtracking-id=` for submit=1&tracking-id=,
    `wbINo=` for wblNo=), `{number}` any run of the read of letters, digits, `/` and `-`; the cheapest such reading
    of all of `query`, a longer number first at a tie (the read's characters kept); None where there is none."""
    # states: end of the read so far -> (cost, number as read), after each piece in turn
    states: dict[int, tuple[float, str]] = {0: (0.0, "")}
    for piece in QUERY_PIECES.findall(t_query):
        after: dict[int, tuple[float, str]] = {}

        def offer(end: int, state: tuple[float, str]) -> None:
            held = after.get(end)
            if held is None or (state[0], -len(state[1])) < (held[0], -len(held[1])):
                after[end] = state

        for start, (spent, number) in states.items():
            if piece == "{number}":
                run = NUMBER_CHARS.match(query, start)
                for end in range(start + 1, run.end() + 1) if run else ():
                    offer(end, (spent, query[start:end]))
                continue
            for size, priced in enumerate(prefix_costs(query[start:], piece, budget)):
                if priced <= budget:
                    offer(start + size, (spent + priced, number))
        states = after
        if not states:
            return None
    final = states.get(len(query))
    return None if final is None else (final[0], t_query, final[1])


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
