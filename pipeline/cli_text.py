"""The command line's own words in the user's language: evpack's --help texts and click's usage messages.

The language is chosen before click parses anything (`--lang` among the arguments, else the locale), so that a
usage error in the first option is already worded in it. evpack's help texts (command docstrings, option help) are
English msgids of the catalogs, translated when help is shown. click words its own messages ("Usage:", "No such
option", "Missing argument", "is not one of") through `gettext` names bound in its modules at import; those names are
pointed at the same catalogs, once, here: the one place evpack reaches into click.
"""
from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import click

from pipeline.i18n import LANGUAGES, gettext_for, resolve_language

# Locale spellings taken for the languages evpack speaks (--lang zh_CN, zh-Hans, ko_KR, en_US ...).
LANGUAGE_ALIASES = {"en_us": "en", "en_gb": "en", "ko_kr": "ko", "zh": "zh_Hans", "zh_cn": "zh_Hans",
                    "zh_hans": "zh_Hans", "zh_sg": "zh_Hans", "zh_hans_cn": "zh_Hans"}
# click's modules that word messages through gettext (click 8.1-8.x).
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types")

_language = "en"


def language_of(value: str) -> str | None:
    """The language a --lang value names (LANGUAGES, or a locale spelling of one), else None."""
    key = str(value).split(".")[0].replace("-", "_").casefold()
    code = LANGUAGE_ALIASES.get(key, value)
    return code if code in LANGUAGES else None


def language_in(args: Sequence[str]) -> str:
    """The language of a command line's texts: its --lang if it names one (the last: a command's own, after the
    top-level `evpack --lang`), else the locale (LANG ...), else en."""
    chosen = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        value = args[index + 1] if arg == "--lang" and index + 1 < len(args) else \
            arg.partition("=")[2] if arg.startswith("--lang=") else None
        if value is not None and language_of(value):
            chosen = language_of(value)
    return chosen or resolve_language(None)


def use_language(lang: str) -> None:
    """Makes `lang` the language of the command line's texts in this process (click's messages included)."""
    global _language
    _language = resolve_language(lang)
    _point_click_at_catalogs()


def current_language() -> str:
    return _language


def say(message: str, /, **values: object) -> str:
    """`message` (an English msgid) in the command line's language, its {placeholders} filled."""
    return gettext_for(_language)(message, **values)


def _click_gettext(message: str) -> str:
    return gettext_for(_language).template(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return gettext_for(_language).plural_template(singular, plural, n)


def _point_click_at_catalogs() -> None:
    import importlib
    for name in CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _click_gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext


@contextmanager
def translated_help(command: click.Command, ctx: click.Context | None = None) -> Iterator[None]:
    """The command's help and its options' help (the --help option's too, with `ctx`) in the command line's language
    while help is formatted."""
    params = [p for p in (command.get_params(ctx) if ctx else command.params) if getattr(p, "help", None)]
    saved = (command.help, [p.help for p in params])
    try:
        if command.help:
            command.help = say(inspect.cleandoc(command.help))
        for param in params:
            param.help = say(param.help)
        yield
    finally:
        command.help = saved[0]
        for param, text in zip(params, saved[1]):
            param.help = text


class PathParam(click.Path):
    """click.Path whose name in messages ("file", "directory") is worded when shown, not when the option is made
    (options are made at import, before the language is known)."""

    @property
    def name(self) -> str:
        return _click_gettext(self._name)

    @name.setter
    def name(self, value: str) -> None:
        self._name = value


class IntRangeParam(click.IntRange):
    """click.IntRange whose name in messages ("'x' is not a valid integer range") is worded when shown."""

    @property
    def name(self) -> str:
        return _click_gettext(click.IntRange.name)


class FloatRangeParam(click.FloatRange):
    """click.FloatRange whose name in messages ("float range") is worded when shown."""

    @property
    def name(self) -> str:
        return _click_gettext(click.FloatRange.name)


class TranslatedHelp:
    """Help (full and the one-line summary in a group's list) in the command line's language."""

    def get_help(self, ctx: click.Context) -> str:
        with translated_help(self, ctx):
            return super().get_help(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated_help(self):
            return super().get_short_help_str(limit)


class Command(TranslatedHelp, click.Command):
    """An evpack command: help in the user's language."""


class Group(TranslatedHelp, click.Group):
    """evpack's command groups: help in the user's language; the top group picks the language before parsing."""

    command_class = Command
    group_class = type  # subgroups are Groups too

    def main(self, args: Sequence[str] | None = None, *rest, **extra):
        import sys
        # args stay as given: click expands wildcards on Windows only when it reads sys.argv itself.
        use_language(language_in(list(sys.argv[1:] if args is None else args)))
        return super().main(args, *rest, **extra)
