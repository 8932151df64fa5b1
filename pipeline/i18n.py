"""Messages in the user's language (en, ko, zh_Hans) through babel catalogs."""
from __future__ import annotations

import os

LANGUAGES = ("en", "ko", "zh_Hans")


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
