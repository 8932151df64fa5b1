"""Messages in the user's language (en, ko, zh_Hans) through babel gettext catalogs.

The catalogs are pipeline/locale/<lang>/LC_MESSAGES/evpack.po (edited by translators) and the .mo compiled from
them (`python -m pipeline.i18n` recompiles; tests/test_i18n.py fails when a .mo is stale). English msgids are the
source text, so a message with no translation yet shows in English instead of vanishing.
Finding messages are written by the stages in English and are not translated yet; rule titles, the batch summary
and report.html labels are.
"""
from __future__ import annotations

import gettext
import io
import os
import re
import string
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.datafiles import load_toml

LANGUAGES = ("en", "ko", "zh_Hans")
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "evpack"
RULE_TITLES = LOCALE_DIR / "rule_titles.toml"


def resolve_language(lang: str | None) -> str:
    """--lang if given, else the locale (LC_ALL, LC_MESSAGES, LANG), else English."""
    candidates = [lang] if lang else [os.environ.get(v) for v in ("LC_ALL", "LC_MESSAGES", "LANG")]
    for value in candidates:
        if not value:
            continue
        code = value.split(".")[0].replace("-", "_").lower()
        if code.startswith("ko"):
            return "ko"
        if code.startswith("zh"):
            return "zh_Hans"
        if code.startswith("en") or lang:
            return "en"
    return "en"


class Translator:
    """`_("Seller")`, `_("{time} left", time=...)`, `_.plural("{count} day", "{count} days", n, count=n)`."""

    def __init__(self, lang: str, translations: gettext.NullTranslations):
        self.lang = lang
        self._translations = translations

    def __call__(self, message: str, /, **values: object) -> str:
        text = self._translations.gettext(message)
        return text.format(**values) if values else text

    def plural(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self._translations.ngettext(singular, plural, n).format(**values)

    def template(self, message: str, /) -> str:
        """The translation of `message` with its {placeholders} left for the caller to fill (click does)."""
        return self._translations.gettext(message)

    def plural_template(self, singular: str, plural: str, n: int, /) -> str:
        return self._translations.ngettext(singular, plural, n)


@cache
def gettext_for(lang: str | None) -> Translator:
    """The translator for `lang` (any spelling resolve_language accepts; None: the locale). The compiled catalog is
    read by the standard library's gettext, as babel's Translations.load reads it (the same file found by
    gettext.find, the same GNU .mo parser beneath), without importing babel: a command that only prints a few
    messages never loads babel's date and number tables; a missing catalog shows English msgids."""
    code = resolve_language(lang)
    found = gettext.find(DOMAIN, str(LOCALE_DIR), [code])
    if found is None:
        return Translator(code, gettext.NullTranslations())
    with open(found, "rb") as catalog:
        return Translator(code, gettext.GNUTranslations(catalog))


@lru_cache(maxsize=1)
def _rule_titles() -> dict[str, str]:
    return load_toml(RULE_TITLES, "Rule titles")["titles"]


def rule_title(rule: str, lang: str | None) -> str:
    """One short title for a rule id in the user's language; an unknown rule id shows as itself."""
    title = _rule_titles().get(rule)
    return gettext_for(lang)(title) if title else rule


def format_when(dt: datetime, lang: str | None, zone: str) -> str:
    """`dt` shown in `zone` (an IANA name) the way the user's language writes dates, with the zone's abbreviation:
    en 'Mar 19, 2026, 11:59:59 PM KST', ko '2026. 3. 19. PM 11:59:59 KST', zh_Hans '2026年3月19日 22:59:59 CST'."""
    from babel import Locale
    from babel.dates import format_datetime
    tz = ZoneInfo(zone)
    local = dt.astimezone(tz)
    text = format_datetime(local, "medium", tzinfo=tz, locale=Locale.parse(resolve_language(lang)))
    # CLDR puts a narrow no-break space before AM/PM; plain terminals and log viewers show it as garbage.
    return f"{text.replace(chr(0x202F), ' ')} {local.tzname()}"


def format_left(left: timedelta | None, lang: str | None) -> str:
    """'2 days 3 h 4 min left' / 'closed 5 h ago' in the user's language, to the minute."""
    _ = gettext_for(lang)
    if left is None:
        return _("no deadline")
    seconds = int(abs(left.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if days:
        parts.append(_.plural("{count} day", "{count} days", days, count=days))
    if hours:
        parts.append(_("{count} h", count=hours))
    if minutes:
        parts.append(_("{count} min", count=minutes))
    if not parts:
        parts.append(_("{count} s", count=secs))
    text = " ".join(parts)
    return _("closed {time} ago", time=text) if left < timedelta(0) else _("{time} left", time=text)


FINDINGS = LOCALE_DIR / "findings.toml"


@lru_cache(maxsize=1)
def _finding_texts() -> dict:
    return load_toml(FINDINGS, "Finding wordings")


def finding_wording(rule: str, message_en: str, fix_en: str) -> tuple[str, str, dict[str, str]] | None:
    """The English wording of pipeline/locale/findings.toml for a finding (message and fix msgids, and the values its
    variant read from the stage's English text), or None for a rule it does not word."""
    return _wording(_finding_texts().get(rule), message_en, fix_en)


def _wording(entry: object, message_en: str, fix_en: str) -> tuple[str, str, dict[str, str]] | None:
    """An entry's first variant whose `match` (in the message) and `fix_match` (in the fix) find their text and read
    every value its wording names, else the entry's own wording; None without an entry."""
    if not isinstance(entry, dict) or "message" not in entry:
        return None
    for variant in entry.get("variants", ()):
        values: dict[str, str] = {}
        for key, text in (("match", message_en), ("fix_match", fix_en)):
            if key in variant:
                found = re.search(variant[key], text or "")
                if found is None:
                    break
                values.update({k: v for k, v in found.groupdict().items() if v is not None})
        else:
            message, fix = variant.get("message", entry["message"]), variant.get("fix", entry["fix"])
            if placeholders(message) | placeholders(fix) <= set(values):
                return message, fix, values
    return entry["message"], entry["fix"], {}


def _translated(wording: tuple[str, str, dict[str, str]], code: str, with_fix: bool) -> tuple[str, str]:
    _ = gettext_for(code)
    message, fix, values = wording
    values = {key: _(value) for key, value in values.items()}
    return _(message, **values), (_(fix, **values) if with_fix else "")


def localize_finding(rule: str, message_en: str, fix_en: str, lang: str | None) -> tuple[str, str]:
    """A finding's message and fix in the user's language: as the stage wrote them in English, else the plain
    wording of findings.toml translated by the catalogs (values such as reason labels looked up too). A finding
    without a fix stays without one."""
    code = resolve_language(lang)
    wording = None if code == "en" else finding_wording(rule, message_en, fix_en)
    return (message_en, fix_en) if wording is None else _translated(wording, code, bool(fix_en))


def localize_error(kind: str, message_en: str, fix_en: str, lang: str | None) -> str:
    """An error as the CLI prints it ('message Fix: fix'), in the user's language where findings.toml's [errors]
    words its kind (the error's class name), else in English as raised."""
    code = resolve_language(lang)
    wording = None if code == "en" else _wording(_finding_texts().get("errors", {}).get(kind), message_en, fix_en)
    message, fix = (message_en, fix_en) if wording is None else _translated(wording, code, bool(fix_en))
    return f"{message} {gettext_for(code)('Fix: {fix}', fix=fix)}" if fix else message


def placeholders(text: str) -> set[str]:
    """The {names} a message template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def compiled_catalog(po_path: Path) -> bytes:
    """The .mo bytes babel compiles from a .po file (fuzzy entries left out, as gettext does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with open(po_path, "rb") as stream:
        catalog = read_po(stream)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def translations_of(mo_bytes: bytes) -> dict:
    """What a compiled catalog translates (message id -> string), without its header: the header names the Babel
    version that wrote it, so the same .po compiles to other bytes under another Babel."""
    from babel.messages.mofile import read_mo

    def frozen(value):  # plural forms come as lists
        return tuple(value) if isinstance(value, (list, tuple)) else value
    return {frozen(message.id): frozen(message.string) for message in read_mo(io.BytesIO(mo_bytes)) if message.id}


def compile_catalogs() -> list[Path]:
    """Rewrites every stale evpack.mo from its .po (atomically); returns the files written."""
    written = []
    for po in sorted(LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        data = compiled_catalog(po)
        if mo.is_file() and translations_of(mo.read_bytes()) == translations_of(data):
            continue
        tmp = mo.with_suffix(".mo.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, mo)
        written.append(mo)
    return written


if __name__ == "__main__":
    for path in compile_catalogs():
        print(f"compiled {path}")
