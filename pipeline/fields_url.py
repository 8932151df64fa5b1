"""URLs, including a browser's address bar, cleaned of OCR damage (patterns.toml [urls]).

OCR gets URLs wrong more than anything else: it breaks the scheme (htps://, http:/), inserts spaces, reads l as I
and loses the dot of `.html`. Repairs are conservative: spaces are closed only where URL punctuation or a digit
run shows the text continues, and a confused host character is fixed only when that yields a known host.
"""
from __future__ import annotations

import re
from functools import cache

from pipeline.fields_data import patterns
from pipeline.model import Url
from pipeline.profile import Profile

HOST = r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
URL = re.compile(rf"(?<![@\w.\-/])(?P<scheme>https?://)?(?P<host>{HOST})(?P<port>:\d{{2,5}})?"
                 rf"(?P<rest>[/?#][^\s<>\"'`{{}}|\\^가-힣]*)?", re.IGNORECASE)
URL_PUNCTUATION = "/?=&.#%_-:"
CONTINUATION_START = "/?=&.#%_"  # a token starting so cannot begin a new word
NEXT_TOKEN = re.compile(r"[^\S\n]+(?P<token>[^\s<>\"'`{}|\\^가-힣]+)")
TRAILING = ".,;:!?'\"”’)]}>。、"


@cache
def _scheme_repair() -> re.Pattern:
    return re.compile(patterns()["urls"]["scheme_repair"])


@cache
def _tlds() -> frozenset[str]:
    return frozenset(patterns()["urls"]["tlds"]) | {c.lower() for c in patterns()["tracking"]["s10"]["countries"]}


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


def _is_known(host: str, known: set[str]) -> bool:
    return any(host == k or host.endswith("." + k) for k in known)


def _fix_host(host: str, known: set[str]) -> str:
    """Undo one OCR confusion in a host (cjIogistics -> cjlogistics) only when it gives a known host."""
    if _is_known(host.lower(), known):
        return host
    for wrong, right in patterns()["urls"]["host_confusions"]:
        fixed = host.replace(wrong, right)
        if fixed != host and _is_known(fixed.lower(), known):
            return fixed
    return host


def _clean_rest(rest: str) -> str:
    rest = rest.rstrip(TRAILING)
    if rest.count("(") < rest.count(")"):
        rest = rest[:rest.rindex(")")]
    path, mark, query = rest.partition("?")
    if path and "." not in path.rsplit("/", 1)[-1]:
        path = _lost_dot().sub(r".\1", path)
    return path + mark + query


def extract_urls(text: str, profile: Profile, page: int, address_bar: bool = False) -> list[Url]:
    """URLs of a text in order; `address_bar` marks text from the top band of a screenshot."""
    repaired = _scheme_repair().sub(lambda m: f"http{m.group(1).lower()}://", text)
    known = _known_hosts(profile)
    found: dict[str, Url] = {}
    for match in URL.finditer(repaired):
        end = match.end()
        raw = match.group(0)
        while match.group("rest") or match.group("scheme"):
            more = NEXT_TOKEN.match(repaired, end)
            if not more or not _continues(raw, more.group("token"), address_bar):
                break
            raw += more.group("token") if not _continues_as_extension(more.group("token")) else "." + more.group("token")
            end = more.end()
        url = _make_url(raw, known, page, address_bar)
        if url and url.value not in found:
            found[url.value] = url
    return list(found.values())


def _continues_as_extension(token: str) -> bool:
    return token.split("?")[0].split("#")[0].lower() in patterns()["urls"]["lost_dot_extensions"]


def _make_url(raw: str, known: set[str], page: int, address_bar: bool) -> Url | None:
    match = URL.match(raw)
    scheme = (match.group("scheme") or "https://").lower()
    host = _fix_host(match.group("host").rstrip("."), known).lower()
    rest = _clean_rest(raw[match.end("port") if match.group("port") else match.end("host"):])
    tld = host.rsplit(".", 1)[-1]
    if tld not in _tlds():
        return None
    full = bool(rest.strip("/"))
    if not match.group("scheme") and not full and not _host_only_plausible(host, known):
        return None
    bare_host = host.removeprefix("www.")
    return Url(value=f"{scheme}{host}{match.group('port') or ''}{rest}", host=bare_host, page=page,
               address_bar=address_bar, full=full)


def _host_only_plausible(host: str, known: set[str]) -> bool:
    """A bare host.tld with no scheme and no path is a URL only if it looks like one, not like 'Co.Ltd' or 'e.g'."""
    return (host.startswith("www.") or _is_known(host, known)
            or any(host.endswith("." + t) for t in patterns()["urls"]["host_only_tlds"]))
