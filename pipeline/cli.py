"""The command line: parses, calls the library (pipeline.api and friends), maps errors to exit codes.

Exit codes are a stable interface (pipeline.errors.ExitCode). Human messages go to stderr; stdout carries only the
requested output (--json, --format).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from datetime import datetime
from functools import wraps
from pathlib import Path

import click

from pipeline import __version__
from pipeline.context import Context, default_cache_dir, default_ledger_path
from pipeline.cli_text import (FloatRangeParam, Group, IntRangeParam, PathParam, current_language, language_of,
                               say)
from pipeline.errors import EvpackError, ExitCode, UsageError
from pipeline.i18n import LANGUAGES
from pipeline.model import KST
from pipeline.output.layout import checked_out_dir
from pipeline.packet import display, entry_problem, printable_json, printable_text
from pipeline.profile import Profile


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(KST)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--now {value!r} is not an ISO 8601 date-time.",
                         "write it like 2026-03-15T12:00:00+09:00.") from None
    if when.tzinfo is None:
        raise UsageError(f"--now {value!r} has no UTC offset: it is ambiguous by hours (KST vs. Beijing time).",
                         "add the offset, e.g. +09:00 for KST or +08:00 for Beijing time.")
    return when


def announce_engine() -> None:
    """Says once per run, on stderr, when reading falls back to the `tesseract` command (tesserocr not installed)."""
    from pipeline.reading.tesseract import engine_fallback
    note = engine_fallback()
    if note:
        click.echo(f"evpack: {note}", err=True)


# Names people give for their zone that are no IANA zone, and the zone they mean.
ZONE_HINTS = {"beijing": "Asia/Shanghai", "china": "Asia/Shanghai", "cst": "Asia/Shanghai", "prc": "Asia/Shanghai",
              "shenzhen": "Asia/Shanghai", "guangzhou": "Asia/Shanghai", "korea": "Asia/Seoul",
              "kst": "Asia/Seoul", "seoul": "Asia/Seoul", "hongkong": "Asia/Hong_Kong", "hong kong": "Asia/Hong_Kong"}


def valid_zone(ctx, param, value: str | None) -> str | None:
    """--zone: an IANA zone, checked when parsed (never after minutes of reading)."""
    if value is None:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(value)
        return value
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    hint = ZONE_HINTS.get(value.strip().casefold().replace("_", " ").replace("asia/", ""))
    raise click.BadParameter(" ".join([say("{value!r} is not a time zone name.", value=value)]
                                      + ([say("Did you mean --zone {hint}?", hint=hint)] if hint else [])
                                      + [say("Use an IANA name such as Asia/Shanghai (China) or Asia/Seoul (Korea).")]))


class LanguageChoice(click.Choice):
    """--lang: en, ko, zh_Hans; locale spellings (zh_CN, zh-Hans, ko_KR, en_US) are taken for them."""

    def __init__(self):
        super().__init__(LANGUAGES)

    def convert(self, value, param, ctx):
        return super().convert(language_of(value) or value, param, ctx)


def valid_now(ctx, param, value: str | None) -> str | None:
    if value is not None:
        try:
            parse_now(value)
        except UsageError as exc:
            raise bad_parameter(exc) from None
    return value


def valid_profile(ctx, param, value: str | None) -> Profile | None:
    if value is None:
        return None
    try:
        return Profile.load(value)
    except EvpackError as exc:
        raise bad_parameter(exc) from None


def bad_parameter(exc: EvpackError) -> click.BadParameter:
    """An option's error as click reports it, in the command line's language where findings.toml words it."""
    from pipeline.i18n import localize_error
    return click.BadParameter(localize_error(type(exc).__name__, exc.message, exc.fix, current_language()))


def make_context(opts: dict, workdir: Path) -> Context:
    announce_engine()
    cache = None if opts.get("no_cache") else Path(opts["cache_dir"]) if opts.get("cache_dir") else default_cache_dir()
    if cache is not None and cache.is_dir():
        from pipeline.cachedir import prune
        prune(cache)  # the cache stays within cache.toml's bound; a no-op below it
    ledger = opts.get("ledger")
    profile = opts.get("profile")
    profile = profile if isinstance(profile, Profile) else Profile.load(profile)
    return Context(profile=profile, workdir=workdir, now=parse_now(opts.get("now")),
                   cache_dir=cache, jobs=opts.get("jobs") or 1, ocr_timeout=opts.get("ocr_timeout") or 120.0,
                   ledger_path=Path(ledger) if ledger else default_ledger_path(),
                   lang=resolve_lang(opts.get("lang")), seller_zone=opts.get("zone"),
                   verify=opts.get("verify") or "boxes")


def resolve_lang(lang: str | None) -> str:
    """The command's --lang (already one of LANGUAGES: LanguageChoice), else the one the command line chose before
    parsing (`evpack --lang ko check ...`, else the locale, else English)."""
    from pipeline.i18n import resolve_language
    return resolve_language(lang) if lang else current_language()


def log_internal_error() -> Path:
    log_dir = default_cache_dir() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=datetime.now().strftime("evpack-%Y%m%d-%H%M%S-"), suffix=".log", dir=log_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(f"evpack {__version__}\n{' '.join(sys.argv)}\n\n{traceback.format_exc()}")
    return Path(name)


def handle_errors(command):
    """Maps typed errors to their exit codes; anything else is a bug: exit 4 with the log's path."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except EvpackError as exc:
            from pipeline.i18n import localize_error
            lang = kwargs.get("lang") or current_language()
            click.echo(f"evpack: {localize_error(type(exc).__name__, exc.message, exc.fix, lang)}", err=True)
            sys.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            click.echo("evpack: interrupted; nothing half-written was left behind.", err=True)
            sys.exit(130)
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into exit 4
            log = log_internal_error()
            click.echo(f"evpack: internal error ({type(exc).__name__}: {exc}). This is a bug in evpack; "
                       f"the details are in {log}. Please report it with that file.", err=True)
            sys.exit(int(ExitCode.INTERNAL))
    return wrapper


def common_options(command):
    """Options every packet command shares."""
    for option in reversed([
        click.option("--profile", metavar="FILE|NAME", callback=valid_profile,
                     help="Rules profile (TOML) to judge by; default: the Coupang A-to-z profile."),
        click.option("--cache-dir", type=PathParam(file_okay=False), help="Where the read cache lives."),
        click.option("--no-cache", is_flag=True, help="Read everything afresh; do not use or fill the cache."),
        click.option("--lang", type=LanguageChoice(),
                     help="Language of messages: en, ko, zh_Hans (default: from the locale)."),
        click.option("--zone", callback=valid_zone,
                     help="Your time zone for showing deadlines (default: the profile's, Asia/Shanghai)."),
        click.option("--ledger", type=PathParam(dir_okay=False),
                     help="Submission ledger (default: ledger.sqlite3 in your data folder, or $EVPACK_LEDGER)."),
        click.option("--ocr-timeout", type=FloatRangeParam(1, 3600), default=120.0, show_default=True,
                     help="Seconds one Tesseract call may take; a page past it is reported, the run goes on."),
    ]):
        command = option(command)
    return command


def jobs_option(help_text: str):
    return click.option("--jobs", type=IntRangeParam(1, 64), default=os.cpu_count() or 1, show_default=True,
                        help=help_text)


ocr_jobs_option = jobs_option("Worker processes for OCR.")
verify_option = click.option(
    "--verify", type=click.Choice(["boxes", "full"]), default="boxes", show_default=True,
    help="After a lossy compression step, prove each value still legible where it was read (boxes), or read every "
         "page that carried one again whole (full).")
now_option = click.option("--now", metavar="T", callback=valid_now,
                          help="Fix 'now' (ISO 8601 with offset) for deadline rules: reproducible runs, "
                               "what-if checks.")


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="evpack")
@click.option("--lang", type=LanguageChoice(), help="Language of messages: en, ko, zh_Hans (default: from the locale).")
def cli(lang):
    """evpack: turn a messy evidence folder into a Coupang A-to-z review packet that passes the rules."""
    # `evpack --lang ko COMMAND`: the language was chosen from the arguments before parsing (cli_text.language_in),
    # and a command's own --lang, given after it, wins there; a command without one speaks current_language().


@cli.command()
@click.argument("files", nargs=-1, required=True, type=PathParam(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the evpack.scan/1 JSON document.")
@click.option("--now", metavar="T", callback=valid_now,
              help="Fix 'now' (ISO 8601 with offset): a date printed without its year (a chat's 3月11日) is read "
                   "as the latest such day up to it.")
@ocr_jobs_option
@common_options
@handle_errors
def scan(files, as_json, **opts):
    """Read each image or PDF and report the fields found (tracking numbers, timestamps, URLs, Korean addresses)."""
    from pipeline import api
    from pipeline.output.reports import scan as scan_report
    for path in files:
        refused = entry_problem(path)
        if refused:
            raise UsageError(f"{display(path)} {refused}: evpack reads only regular files.",
                             "give the path of an image or PDF file.")
    with tempfile.TemporaryDirectory(prefix="evpack-") as tmp:
        state = api.scan(list(files), make_context(opts, Path(tmp)))
    document = printable_json(scan_report.scan_json(state))
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo(printable_text(scan_report.scan_text(document)))


@cli.command()
@click.argument("packets", nargs=-1, required=True, type=PathParam(exists=True, file_okay=False, path_type=Path))
@now_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True,
              help="What to print: text for people, json or junit for machines.")
@click.option("--strict", is_flag=True, help="Warnings fail the packet too.")
@ocr_jobs_option
@common_options
@handle_errors
def check(packets, fmt, strict, **opts):
    """Validate packet folders against the rules; changes nothing. Exit 1 if any packet has an error."""
    from pipeline import api
    from pipeline.output.reports import check as report
    with tempfile.TemporaryDirectory(prefix="evpack-") as tmp:
        ctx = make_context(opts, Path(tmp))
        folders = [p for packet in packets for p in (api.find_packets(packet) or [packet])]
        states = [api.check_packet(folder, ctx) for folder in folders]
    if fmt == "json":
        click.echo(json.dumps(printable_json(report.check_json(states, ctx, strict)), ensure_ascii=False, indent=2))
    elif fmt == "junit":
        click.echo(report.check_junit(states, ctx, strict).encode("utf-8", "backslashreplace").decode("utf-8"))
    else:
        click.echo(printable_text(report.check_text(states, ctx, strict)), err=False)
    sys.exit(int(ExitCode.PACKET_FAILED if any(s.has_errors(strict) for s in states) else ExitCode.OK))


@cli.command()
@click.argument("packet", type=PathParam(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", required=True, type=PathParam(file_okay=False, path_type=Path),
              help="Output folder; the bundle goes to OUT/<claim_id>/.")
@now_option
@ocr_jobs_option
@verify_option
@common_options
@handle_errors
def build(packet, out, **opts):
    """The whole pipeline: ingest, read, validate, convert/merge/compress, statement, cover, bundle."""
    from pipeline import api
    from pipeline.output.reports import check as report
    out = checked_out_dir(out, [packet])
    with tempfile.TemporaryDirectory(prefix="evpack-") as tmp:
        ctx = make_context(opts, Path(tmp))
        state = api.build_packet(packet, out, ctx)
    from pipeline.output.reports.build import build_summary
    click.echo(printable_text(report.check_text([state], ctx, False)), err=True)
    click.echo("\n" + printable_text(build_summary(state, ctx, str(packet), str(out))), err=True)
    sys.exit(int(ExitCode.PACKET_FAILED if state.has_errors() else ExitCode.OK))


@cli.command()
@click.argument("root", type=PathParam(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", required=True, type=PathParam(file_okay=False, path_type=Path),
              help="Output folder: each bundle goes to OUT/<claim_id>/, the summaries and report.html to OUT.")
@now_option
@jobs_option("Packets built at once.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a process pool on this machine; dask: a Dask distributed cluster.")
@click.option("--scheduler", metavar="ADDR", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786.")
@verify_option
@common_options
@handle_errors
def batch(root, out, jobs, executor, scheduler, **opts):
    """Build every packet folder under ROOT (up to 16 deep) in parallel; write summary.json, junit.xml, report.html."""
    from pipeline.batch.batch import run_batch
    if executor == "dask" and not scheduler:
        raise UsageError("--executor dask needs --scheduler.", "pass --scheduler tcp://HOST:8786.")
    from pipeline.packet import find_packets
    out = checked_out_dir(out, find_packets(root))
    with tempfile.TemporaryDirectory(prefix="evpack-") as tmp:
        ctx = make_context(opts, Path(tmp))
        result = run_batch(root, out, ctx, jobs=jobs, executor=executor, scheduler=scheduler)
    sys.exit(int(result.exit_code))


@cli.command("init")
@click.argument("folder", type=PathParam(exists=True, file_okay=False, path_type=Path))
@ocr_jobs_option
@common_options
@handle_errors
def init_command(folder, **opts):
    """Draft a commented claim.toml in FOLDER from the evidence found there (never replaces one)."""
    from pipeline import api
    with tempfile.TemporaryDirectory(prefix="evpack-") as tmp:
        ctx = make_context(opts, Path(tmp))
        path, draft = api.init_claim(folder, ctx)
    from pipeline.i18n import gettext_for
    _ = gettext_for(ctx.lang)
    found = ", ".join(f"{key} {getattr(draft, key).value}" for key in ("order_id", "tracking_number", "carrier")
                      if getattr(draft, key)) or "-"
    click.echo("evpack: " + _("wrote {path} from {count} evidence file(s); found {found}; suggested reason {reason}.",
                              path=path, count=draft.files, found=found, reason=draft.reason.value), err=True)
    click.echo("evpack: " + _("still to fill: {keys}. Then run: {command}", keys=", ".join(draft.to_fill()),
                              command=f"evpack check {folder}"), err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@click.option("--cache-dir", type=PathParam(file_okay=False), help="The read cache to report (default: evpack's).")
@click.option("--ledger", "ledger_path", type=PathParam(dir_okay=False),
              help="The ledger to report (default: ledger.sqlite3 in your data folder, or $EVPACK_LEDGER).")
@handle_errors
def doctor(as_json, cache_dir, ledger_path):
    """Report Tesseract, its languages, fonts, the OCR engine, cache and ledger paths, and what to install.
    Exit 3 if something is missing."""
    from pipeline.doctor import diagnose, report_text
    checks = diagnose(Path(cache_dir) if cache_dir else default_cache_dir(),
                      Path(ledger_path) if ledger_path else default_ledger_path())
    if as_json:
        click.echo(json.dumps({"schema": "evpack.doctor/1", "checks": [c.to_json() for c in checks]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(report_text(checks))
    sys.exit(int(ExitCode.MISSING_DEPENDENCY if any(c.status == "missing" for c in checks) else ExitCode.OK))


SIZE_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}


def parse_size(ctx, param, value: str | None) -> int | None:
    """A size such as 500MB, 2GB, 1.5GiB or 123456 (bytes)."""
    if value is None:
        return None
    number = value.strip().upper().rstrip("S")
    unit = number.lstrip("0123456789._")
    try:
        size = float(number[:len(number) - len(unit)].replace("_", "")) * SIZE_UNITS[unit.strip()]
    except (ValueError, KeyError):
        raise click.BadParameter(say("{value!r} is not a size; write it as 500MB, 2GB or a number of bytes.",
                                     value=value)) from None
    return int(size)


@cli.group()
def cache():
    """The cache folder: read results and converted images, all of which can be made again from the evidence."""


@cache.command("prune")
@click.option("--max-size", callback=parse_size, metavar="SIZE",
              help="Keep at most this much (e.g. 500MB; 0 empties the cache). Default: the bound in cache.toml.")
@click.option("--cache-dir", type=PathParam(file_okay=False, path_type=Path),
              help="The cache folder (default: evpack's).")
@handle_errors
def cache_prune(max_size, cache_dir):
    """Remove the least recently used cache files until the cache fits (--max-size 0 empties it). The ledger is
    never touched."""
    from pipeline.cachedir import prune
    folder = cache_dir or default_cache_dir()
    if not folder.is_dir():
        click.echo(f"evpack: no cache at {folder}; nothing to prune.", err=True)
        return
    done = prune(folder, max_bytes=max_size, target_bytes=max_size)
    click.echo(f"evpack: {folder}: removed {done.files_removed} of {done.files_before} files "
               f"({done.bytes_removed / 1e6:.1f} MB); {done.bytes_after / 1e6:.1f} MB remain.", err=True)


@cli.group()
def ledger():
    """The submission ledger: each claim gets one review; a second request locks it for good."""


ledger_option = click.option("--ledger", "ledger_path", type=PathParam(dir_okay=False),
                             help="Ledger database (default: ledger.sqlite3 in your data folder, or $EVPACK_LEDGER).")


def open_ledger(ledger_path: str | None):
    from pipeline.judging.ledger import Ledger
    return Ledger(Path(ledger_path) if ledger_path else default_ledger_path())


@ledger.command("mark-submitted")
@click.argument("claim_id")
@now_option
@click.option("--note", default="", help="A note to keep with the record.")
@ledger_option
@click.option("--profile", metavar="FILE|NAME", help="Rules profile whose [claim_ids] pattern the id must match.")
@handle_errors
def mark_submitted(claim_id, now, note, ledger_path, profile):
    """Record that CLAIM_ID's one review was requested."""
    book = open_ledger(ledger_path)
    record = book.mark_submitted(claim_id, parse_now(now), note, Profile.load(profile).data.get("claim_ids"))
    click.echo("evpack: " + say("recorded {claim} as submitted in {path}.", claim=record.claim_id, path=book.path),
               err=True)


@ledger.command("unmark")
@click.argument("claim_id")
@click.option("--reason", required=True, help="Why the record was wrong (kept in the ledger's history).")
@now_option
@ledger_option
@handle_errors
def unmark(claim_id, reason, now, ledger_path):
    """Withdraw a wrong record of CLAIM_ID, keeping an audit row. Exit 1 if it is not recorded."""
    book = open_ledger(ledger_path)
    record = book.unmark(claim_id, parse_now(now), reason)
    click.echo("evpack: " + say("withdrew the record of {claim} (submitted at {at}); `evpack ledger list --history` "
                                "shows it.", claim=record.claim_id, at=record.submitted_at), err=True)


@ledger.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--history", is_flag=True, help="List every mark, withdrawal and merge instead, oldest first.")
@ledger_option
@handle_errors
def list_submitted(as_json, history, ledger_path):
    """List the claims recorded as submitted."""
    book = open_ledger(ledger_path)
    records = book.history() if history else book.list()
    if as_json:
        click.echo(json.dumps([r.to_json() for r in records], ensure_ascii=False, indent=2))
    elif not records:
        click.echo("evpack: " + say("no claims recorded (ledger: {path}).", path=book.path), err=True)
    else:
        for r in records:
            click.echo("\t".join(r.to_json().values()))


def main():
    cli(prog_name="evpack")


if __name__ == "__main__":
    main()
