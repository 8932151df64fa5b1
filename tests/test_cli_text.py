"""The command line's own words in the user's language: --help of every command and click's usage errors go
through the catalogs in --lang or the locale's language; English stays English."""
from __future__ import annotations

import inspect

import click
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.cli_text import language_in
from tests.conftest import ROOT
from tests.test_i18n_findings import english_sentences, msgids

PACKET = ROOT / "samples" / "packets" / "shenzhen-hanbit" / "CLM-2026-0001201"


def command_paths(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    for name, command in sorted(group.commands.items()):
        paths += command_paths(command, path + (name,)) if isinstance(command, click.Group) else [path + (name,)]
    return paths


def help_texts(command: click.Command = cli) -> list[str]:
    """Every help text the command line shows: command docstrings and option help, as click shows them."""
    texts = [inspect.cleandoc(command.help)] if command.help else []
    texts += [p.help for p in command.params if getattr(p, "help", None)]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            texts += help_texts(sub)
    return list(dict.fromkeys(texts))


def run(args: list[str], lang_env: str = "C") -> click.testing.Result:
    return CliRunner().invoke(cli, args, env={"LANG": lang_env, "LC_ALL": None, "LC_MESSAGES": None},
                              prog_name="evpack")


@pytest.mark.parametrize("lang", ["en", "ko", "zh_Hans"])
def test_every_help_text_is_in_every_catalog(lang):
    """GIVEN every command's and option's help text THEN each is a msgid of the catalog (so no help stays
    English in ko or zh_Hans)."""
    missing = [text for text in help_texts() if text not in msgids(lang)]
    assert not missing, missing


@pytest.mark.parametrize("lang, env", [("ko", "C"), ("zh_Hans", "C"), ("ko", "ko_KR.UTF-8"),
                                       ("zh_Hans", "zh_CN.UTF-8")])
def test_help_of_every_command_is_in_the_language(lang, env):
    """GIVEN each command (and group) WHEN its --help is asked for with --lang (commands) or the locale (groups,
    and all of them again with LANG set) THEN it shows no English sentence outside ids, metavars and option names,
    and it differs from the English help."""
    for path in command_paths():
        command = cli
        for name in path:
            command = command.commands[name]
        takes_lang = any(p.name == "lang" for p in command.params)
        args = [*path, "--help"] + (["--lang", lang] if takes_lang and env == "C" else [])
        shown = run(args, env if env != "C" or not takes_lang else "C")
        if env == "C" and not takes_lang:
            shown = run([*path, "--help"], "ko_KR.UTF-8" if lang == "ko" else "zh_CN.UTF-8")
        english = run([*path, "--help"])
        assert shown.exit_code == 0, shown.output
        assert shown.output != english.output, path
        assert not english_sentences(shown.output, (" ".join(("evpack",) + path),)), (path, shown.output)


USAGE_ERRORS = {
    "no such option": (["scan", "--bogus"], "No such option '--bogus'"),
    "missing argument": (["check"], "Missing argument 'PACKETS...'"),
    "bad choice": (["check", ".", "--format", "xml"], "'xml' is not one of 'text', 'json', 'junit'"),
    "no such folder": (["check", "/nonexistent-evpack"], "Directory '/nonexistent-evpack' does not exist"),
    "bad zone": (["check", ".", "--zone", "Beijing"], "Did you mean --zone Asia/Shanghai?"),
    "no such command": (["chek"], "No such command 'chek'"),
    "-o inside the packet": (["build", str(PACKET), "-o", str(PACKET / "out")], "is inside the packet folder"),
    "--now without offset": (["check", ".", "--now", "2026-03-15T12:00:00"], "has no UTC offset"),
    "scan a device": (["scan", "/dev/null"], "evpack reads only regular files"),
    "bad integer": (["check", ".", "--jobs", "many"], "'many' is not a valid integer range"),
    "integer out of range": (["check", ".", "--jobs", "0"], "0 is not in the range 1<=x<=64"),
    "bad float": (["check", ".", "--ocr-timeout", "soon"], "'soon' is not a valid float range"),
    "missing option": (["build", "."], "Missing option '-o' / '--out'"),
    "a flag given a value": (["check", ".", "--strict=yes"], "Option '--strict' does not take a value"),
    "no such subcommand": (["ledger", "bogus"], "No such command 'bogus'"),
    "unknown top-level option": (["--bogus", "check"], "No such option '--bogus'"),
}


@pytest.mark.parametrize("case", sorted(USAGE_ERRORS))
@pytest.mark.parametrize("lang", ["ko", "zh_Hans"])
def test_usage_errors_are_in_the_language(case, lang):
    """GIVEN a usage error click finds (an unknown option, a missing argument, a bad choice, a missing folder), an
    option's own check (--zone, --now) or one evpack raises (-o inside the packet, a device to scan) WHEN run with
    --lang, and again with only the locale set THEN exit 2 and the usage line, the hint and the error show no English
    sentence; in English the same error reads as evpack or click words it."""
    args, words_en = USAGE_ERRORS[case]
    english = run(args)
    assert english.exit_code == 2 and words_en in english.output, english.output
    locale = "ko_KR.UTF-8" if lang == "ko" else "zh_CN.UTF-8"
    for result in (run(args + ["--lang", lang]), run(args, locale)):
        assert result.exit_code == 2, result.output
        command = "evpack " + args[0] if args[0] in cli.commands else "evpack"
        assert not english_sentences(result.output, (command,)), result.output
        assert result.output != english.output


@pytest.mark.parametrize("lang", ["ko", "zh_Hans", "zh_CN"])
def test_lang_works_before_the_command_too(lang):
    """GIVEN `evpack --lang LANG` before the command WHEN help is asked for, at the top and of a command, and when a
    command ends in a usage error THEN exit as without it, in the language: the same words as `--lang` given after
    the command, and no English sentence."""
    english = run(["--help"])
    top = run(["--lang", lang, "--help"])
    assert top.exit_code == 0 and top.output != english.output, top.output
    assert not english_sentences(top.output, ("evpack",)), top.output
    assert "--lang" in top.output
    inside = ["build", str(PACKET), "-o", str(PACKET / "out")]
    before, after = run(["--lang", lang, *inside]), run([*inside, "--lang", lang])
    assert before.exit_code == after.exit_code == 2 and before.output == after.output
    assert not english_sentences(before.output, ("evpack build",)), before.output
    help_before = run(["--lang", lang, "check", "--help"])
    assert help_before.exit_code == 0 and help_before.output == run(["check", "--help", "--lang", lang]).output


def test_a_commands_own_lang_wins_over_the_top_level_one():
    """GIVEN --lang both before and after the command THEN the command's own (the later) decides."""
    assert language_in(["--lang", "ko", "check", ".", "--lang", "zh_Hans"]) == "zh_Hans"
    assert language_in(["--lang", "ko", "check", "."]) == "ko"


@pytest.mark.parametrize("args, expected", [
    (["check", ".", "--lang", "zh_CN"], "zh_Hans"),
    (["check", ".", "--lang=ko_KR"], "ko"),
    (["check", "--", "--lang", "ko"], "en"),
    (["check", ".", "--lang", "fr"], "en"),
])
def test_language_is_taken_from_the_arguments_before_parsing(args, expected, monkeypatch):
    """GIVEN a command line WHEN its language is looked for before click parses it THEN --lang (any spelling it
    takes) decides, a value after `--` or an unknown language does not (the locale does: here none)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    assert language_in(args) == expected
