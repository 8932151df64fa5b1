"""Batch: every packet folder under ROOT (up to 16 deep, e.g. ROOT/seller/claim/) built in parallel, for agencies.

The executor seam (after OCRmyPDF's): `build_one` runs in a worker (a local process or a Dask worker) and returns a
small `PacketSummary`; only the parent moves the progress bar and writes OUT/summary.json, junit.xml and report.html.

Each packet's bundle goes to OUT/<claim_id>/ (a packet whose claim.toml is unusable: OUT/<its relative path, as a
slug>/). It is built in a private staging folder under OUT/.evpack-staging/ and renamed into place together with
its input fingerprint, so OUT/<claim_id>/ is the old bundle or the complete new one, never half of one: a run killed
midway is finished by the next run. A packet whose inputs are unchanged (same fingerprint) is not rebuilt.

One bad or crashing packet never stops the batch: its exception becomes verdict "error" with the message and a log
under OUT/.evpack-logs/. Ctrl-C cancels the packets not started, ends the running workers at once (their staging
folders are removed; a packet cut short is simply built again by the next run), writes the summary of every bundle
that is complete on disk, and re-raises KeyboardInterrupt (the CLI exits 130).
"""
from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue
import re
import shutil
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline import __version__, api, runner, runtime

from pipeline.output.reports import batch as batch_report
from pipeline.judging import deadline as window
from pipeline.output.reports.batch import atomic_write
from pipeline.context import Context
from pipeline.errors import ExitCode, UsageError
from pipeline.i18n import gettext_for
from pipeline.judging.ledger import ledger_state
from pipeline.model import PacketState
from pipeline.output.layout import REPORT, bundle_name, folder_name, swap_into_place
from pipeline.output.reports.packet import sha256
from pipeline.packet import MANIFEST

STAGING = ".evpack-staging"
LOGS = ".evpack-logs"
FINGERPRINT = ".evpack-fingerprint"
STALE_STAGING = timedelta(days=1)  # a staging folder this old belongs to a run that was killed, not a running one
POLL_SECONDS = 0.25
STOP_SECONDS = 1.0   # on Ctrl-C, how long a worker gets to end on SIGTERM before it is killed
DASK_CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True)
class PacketTask:
    packet: Path   # absolute packet folder (read only)
    rel: str       # relative to ROOT, POSIX; "." when ROOT itself is the packet
    out: Path      # absolute OUT


@dataclass(frozen=True)
class PacketSummary:
    """What the batch knows of one packet: small and picklable, it travels back from the worker."""

    path: str                      # relative to ROOT
    verdict: str                   # pass | fail | error (could not be built) | cancelled (Ctrl-C came first)
    claim_id: str | None = None
    seller: str = ""
    deadline: datetime | None = None
    output: str | None = None      # the bundle folder, relative to OUT
    findings: tuple[dict, ...] = ()
    uploads: tuple[str, ...] = ()  # upload file names, in upload order
    statement: str = ""            # the statement to paste into the review form (statement.txt)
    reused: bool = False           # inputs unchanged since the bundle was written: not rebuilt
    fingerprint: str = ""
    seconds: float = 0.0
    error: str = ""                # verdict "error": what went wrong
    log: str | None = None         # verdict "error": the log with the traceback

    def counts(self) -> dict[str, int]:
        return {severity: sum(1 for f in self.findings if f.get("severity") == severity)
                for severity in ("error", "warning", "note")}

    def time_left(self, now: datetime) -> timedelta | None:
        return self.deadline - now if self.deadline else None

    def to_json(self, now: datetime, zone: str) -> dict:
        left = self.time_left(now)
        return {
            "path": self.path, "claim_id": self.claim_id, "seller": self.seller, "verdict": self.verdict,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "deadline_local": self.deadline.astimezone(ZoneInfo(zone)).isoformat() if self.deadline else None,
            "time_left_seconds": int(left.total_seconds()) if left is not None else None,
            "time_left": window.format_left(left) if left is not None else None,
            "findings_count": self.counts(), "findings": list(self.findings),
            "output": self.output, "uploads": [f"{self.output}/upload/{name}" for name in self.uploads],
            "reused": self.reused, "fingerprint": self.fingerprint, "seconds": round(self.seconds, 2),
            "error": {"message": self.error, "log": self.log} if self.verdict == "error" else None,
        }


@dataclass(frozen=True)
class BatchResult:
    exit_code: ExitCode
    packets: list[PacketSummary]   # sorted by path
    summary_path: Path
    junit_path: Path
    report_path: Path


# ---- the worker's side ------------------------------------------------------------------------------

def build_one(task: PacketTask, ctx: Context, on_stage: Callable[[str], None] | None = None) -> PacketSummary:
    """Builds one packet into OUT (or reuses its unchanged bundle). Never raises for a bad packet."""
    started = time.perf_counter()
    claim_id = None
    try:
        found = runner.run(PacketState(root=task.packet), ctx, stop="manifest")
        claim_id = found.claim.claim_id if found.claim else None
        name = output_name(found, task.rel)
        fingerprint = packet_fingerprint(task.packet, found, ctx)
        final = task.out / name
        reused = is_current(final, fingerprint)
        if not reused:
            build_into(task, final, fingerprint, ctx, on_stage)
        report = json.loads((final / REPORT).read_text(encoding="utf-8"))
        return summary_from_report(task, name, report, ctx, fingerprint=fingerprint, reused=reused,
                                   seconds=time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - one packet's bug must not stop the batch; the log keeps the traceback
        log = write_log(task, traceback.format_exc())
        return PacketSummary(path=task.rel, verdict="error", claim_id=claim_id, seller=seller_of(task.rel, None),
                             error=f"{type(exc).__name__}: {exc}", log=str(log),
                             seconds=time.perf_counter() - started)


def finished_on_disk(task: PacketTask, ctx: Context) -> PacketSummary | None:
    """The summary of the packet's bundle when OUT holds it complete and current (its fingerprint recorded), else
    None; never raises. After Ctrl-C it finds the bundles a worker finished but could not report."""
    try:
        found = runner.run(PacketState(root=task.packet), ctx, stop="manifest")
        name = output_name(found, task.rel)
        fingerprint = packet_fingerprint(task.packet, found, ctx)
        if not is_current(task.out / name, fingerprint):
            return None
        report = json.loads((task.out / name / REPORT).read_text(encoding="utf-8"))
        return summary_from_report(task, name, report, ctx, fingerprint=fingerprint, reused=False, seconds=0.0)
    except Exception:  # noqa: BLE001 - whatever is wrong, the packet simply counts as not finished
        return None


def is_current(bundle: Path, fingerprint: str) -> bool:
    return recorded_fingerprint(bundle) == fingerprint and (bundle / REPORT).is_file()


def build_into(task: PacketTask, final: Path, fingerprint: str, ctx: Context,
               on_stage: Callable[[str], None] | None) -> None:
    """Runs the pipeline into a private staging folder, then renames the bundle, fingerprint included, into place."""
    staging_root = task.out / STAGING
    staging_root.mkdir(parents=True, exist_ok=True)
    # Named after the worker's pid first, so the parent can remove the folders of the workers it ended.
    staging = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}.{final.name}.", dir=staging_root))
    try:
        # Parallelism comes from the packets; Tesseract stays single-threaded inside each worker.
        api.build_packet(task.packet, staging, replace(ctx, jobs=1), on_stage=on_stage)
        (built,) = [p for p in staging.iterdir() if not p.name.startswith(".")]
        (built / FINGERPRINT).write_text(fingerprint + "\n", encoding="utf-8")
        swap_into_place(built, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def output_name(state: PacketState, rel: str) -> str:
    """OUT/<claim_id> as `build` names it; a packet without a usable claim id gets its relative path as a slug
    (two sellers' broken packets may share a folder name, never a path)."""
    if state.claim or rel == ".":
        return bundle_name(state)
    return re.sub(r"[^A-Za-z0-9._-]+", "_", rel.replace("/", "__")).strip("._") or "packet"


def packet_fingerprint(packet: Path, state: PacketState, ctx: Context) -> str:
    """sha256 over everything a bundle depends on: claim.toml, every input's content, the rules profile, evpack's
    version, the zone deadlines are shown in, how legibility is proven (--verify), the ledger's answer for the claim,
    and --now as far as it matters.

    --now matters while the window is open only as "open": a re-run a minute later reuses the bundle. In the last
    day and after the deadline the findings quote the time left, so there the exact now counts.
    """
    digest = hashlib.sha256()

    def feed(*parts: str) -> None:
        for part in parts:
            digest.update(part.encode("utf-8") + b"\0")

    manifest = packet / MANIFEST
    feed("evpack", __version__, runtime.code_fingerprint(),
         "claim.toml", sha256(manifest) if manifest.is_file() else "missing")
    for source in state.inputs:
        feed("input", source, sha256(packet / source) if (packet / source).is_file() else "unreadable")
    feed("profile", ctx.profile.name, sha256(ctx.profile.path), "zone", ctx.display_zone, "verify", ctx.verify)
    if state.claim:
        feed("submitted", ledger_state(ctx.ledger_path, state.claim.claim_id))
        feed("now", now_as_it_matters(state.claim.paid_out_at, ctx))
    return digest.hexdigest()


def now_as_it_matters(paid_out_at: datetime, ctx: Context) -> str:
    left = window.time_left(paid_out_at, ctx.now, ctx.profile)
    if left is None:
        return "no-window"
    return "open" if not window.is_passed(left) and not window.is_soon(left, ctx.profile) else ctx.now.isoformat()


def recorded_fingerprint(bundle: Path) -> str | None:
    try:
        return (bundle / FINGERPRINT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def summary_from_report(task: PacketTask, name: str, report: dict, ctx: Context, *, fingerprint: str,
                        reused: bool, seconds: float) -> PacketSummary:
    """The summary read back from the bundle's report.json, so a reused bundle and a fresh one read the same."""
    claim = report.get("claim") or {}
    deadline = datetime.fromisoformat(report["deadline"]) if report.get("deadline") else None
    if deadline is None and claim.get("paid_out_at"):
        deadline = window.deadline(datetime.fromisoformat(claim["paid_out_at"]), ctx.profile)
    return PacketSummary(
        path=task.rel, verdict=report["verdict"], claim_id=claim.get("claim_id"),
        seller=seller_of(task.rel, claim.get("seller")), deadline=deadline, output=name,
        findings=tuple(report.get("findings", ())), uploads=tuple(u["name"] for u in report.get("uploads", ())),
        statement=report.get("statement") or "", reused=reused, fingerprint=fingerprint, seconds=seconds)


def seller_of(rel: str, declared: str | None) -> str:
    """The seller claim.toml names; else the folder above the packet (ROOT/seller/claim/)."""
    if declared:
        return declared
    parts = rel.split("/")
    return parts[-2] if len(parts) >= 2 else ""


def write_log(task: PacketTask, text: str) -> Path:
    folder = task.out / LOGS
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / f"{output_name(PacketState(root=task.packet), task.rel)}.log"
    atomic_write(log, f"evpack {__version__}\npacket {task.packet}\n\n{text}")
    return log


# ---- the parent's side ------------------------------------------------------------------------------

def run_batch(root: Path, out: Path, ctx: Context, *, jobs: int | None = None, executor: str = "local",
              scheduler: str | None = None, progress: bool | None = None) -> BatchResult:
    """Builds every packet under root into out; writes out/summary.json, junit.xml and report.html.

    jobs: packets built at once (default: the number of cores). progress: a progress bar on stderr (default: only
    when stderr is a terminal). Raises UsageError for a bad root/out/executor/scheduler, KeyboardInterrupt on Ctrl-C
    (after writing the summary of the packets that finished).
    """
    root, out = Path(root).resolve(), Path(out).resolve()
    packets = api.find_packets(root)
    if not packets:
        raise UsageError(f"No packet folder under {root}: a packet folder holds claim.toml.",
                         "point evpack batch at the folder that holds the packet folders (ROOT/seller/claim/).")
    inside = next((p for p in packets if out == p or p in out.parents), None)
    if inside:
        raise UsageError(f"The output folder {out} is inside the packet folder {inside}; input folders are never "
                         "written to.", "choose an output folder outside the packets.")
    if executor not in ("local", "dask"):
        raise UsageError(f"Unknown executor {executor!r}.", "use --executor local or --executor dask.")
    client = connect_to_dask(scheduler) if executor == "dask" else None
    tasks = [PacketTask(p, p.relative_to(root).as_posix() if p != root else ".", out) for p in packets]
    out.mkdir(parents=True, exist_ok=True)
    sweep_stale_staging(out)
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: dict[str, PacketSummary] = {}
    interrupted = False
    with batch_report.BatchProgress(len(tasks), sys.stderr.isatty() if progress is None else progress,
                                    ctx.lang) as bar:
        try:
            if client is not None:
                run_on_dask(tasks, ctx, client, bar, results)
            else:
                run_locally(tasks, ctx, jobs, bar, results)
        except KeyboardInterrupt:
            interrupted = True
    remove_if_empty(out / STAGING)
    summaries = flag_shared_outputs([results.get(t.rel) or PacketSummary(path=t.rel, verdict="cancelled")
                                     for t in tasks])
    paths = batch_report.write_all(out, root, summaries, ctx, interrupted=interrupted)
    _ = gettext_for(ctx.lang)
    if interrupted:
        done = sum(1 for s in summaries if s.verdict != "cancelled")
        print(_("Interrupted: {done} of {total} packets finished; run the same command again to finish the rest.",
                done=done, total=len(summaries)), file=sys.stderr)
        raise KeyboardInterrupt
    print(batch_report.summary_text(summaries, ctx), file=sys.stderr)
    print(_("Summary: {path}", path=paths.summary), file=sys.stderr)
    failed = any(s.verdict != "pass" for s in summaries)
    return BatchResult(exit_code=ExitCode.PACKET_FAILED if failed else ExitCode.OK, packets=summaries,
                       summary_path=paths.summary, junit_path=paths.junit, report_path=paths.report)


def run_locally(tasks: list[PacketTask], ctx: Context, jobs: int, bar: batch_report.BatchProgress,
                results: dict[str, PacketSummary]) -> None:
    """A process pool on this machine. Only `jobs` packets are handed out at a time, so Ctrl-C leaves nothing
    queued inside the pool, and the bar knows which packets are running. On Ctrl-C the workers are ended at once
    (not drained); the packets they were building count as finished only if their bundle is complete on disk."""
    # fork: workers inherit the loaded modules (quick start, and tests can inject faults by monkeypatching).
    mp = multiprocessing.get_context("fork")
    # Biggest packets first: a long packet started last would leave the other workers idle at the end.
    pending = deque(sorted(tasks, key=lambda task: -input_bytes(task.packet)))
    events = mp.Queue() if bar.enabled else None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=jobs, mp_context=mp, initializer=receive_stage_events,
                                   initargs=(events,))

    pool = new_pool()
    in_flight: dict[Future, PacketTask] = {}
    try:
        while pending or in_flight:
            while pending and len(in_flight) < jobs:
                task = pending.popleft()
                on_stage = partial(report_stage, task.rel) if events is not None else None
                in_flight[pool.submit(build_one, task, ctx, on_stage)] = task
                bar.started(task.rel)
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            drain_stage_events(events, bar)
            broken = False
            for future in done:
                task = in_flight.pop(future)
                try:
                    summary = future.result()
                except BrokenProcessPool as exc:
                    summary, broken = died(task, exc), True
                results[task.rel] = summary
                bar.finished(summary)
            if broken:  # every packet still in the dead pool is lost with it; a fresh pool takes the rest
                for future, task in in_flight.items():
                    results[task.rel] = died(task, future.exception())
                    bar.finished(results[task.rel])
                in_flight.clear()
                pool.shutdown(wait=True)
                pool = new_pool()
    except KeyboardInterrupt:
        stop_workers(pool, tasks[0].out if tasks else None)
        for future, task in in_flight.items():
            summary = finished_result(future) or finished_on_disk(task, ctx)
            if summary is not None:
                results[task.rel] = summary
                bar.finished(summary)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def finished_result(future: Future) -> PacketSummary | None:
    """The future's summary if its packet finished before the workers were ended, else None."""
    if not future.done() or future.cancelled():
        return None
    try:
        return future.result(timeout=0)
    except BaseException:  # noqa: BLE001 - a worker ended or interrupted mid-packet: not finished
        return None


def stop_workers(pool: ProcessPoolExecutor, out: Path | None) -> None:
    """Ends the pool's worker processes now, mid-packet (SIGTERM, SIGKILL after STOP_SECONDS), and removes the
    staging folders they leave (named after their pids). ProcessPoolExecutor has no public way to do this before
    Python 3.14 (terminate_workers), hence its private process table."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    give_up = time.monotonic() + STOP_SECONDS
    for process in processes:
        process.join(max(0.0, give_up - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()
    if out is not None:
        for process in processes:
            for leftover in (out / STAGING).glob(f"{process.pid}.*"):
                shutil.rmtree(leftover, ignore_errors=True)


def input_bytes(packet: Path) -> int:
    """Bytes of evidence in a packet: a rough, cheap measure of the work it takes."""
    from pipeline.packet import folder_depth, walk
    total = 0
    for dirpath, _dirs, files in walk(packet, folder_depth()):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total


# Set in each local worker by the pool's initializer: a queue inherited at fork, so no pickled proxy per task.
_stage_events = None


def receive_stage_events(events) -> None:
    global _stage_events
    _stage_events = events


def report_stage(rel: str, stage: str) -> None:
    _stage_events.put((rel, stage))


def drain_stage_events(events, bar: batch_report.BatchProgress) -> None:
    while events is not None:
        try:
            rel, stage = events.get_nowait()
        except queue.Empty:
            return
        bar.stage(rel, stage)


def died(task: PacketTask, exc: BaseException | None) -> PacketSummary:
    """A worker process died (killed, out of memory, a crash in a native library): no traceback exists."""
    message = (f"the worker process building this packet (or one built beside it) died: {exc}. "
               "Run the same command again: finished packets are reused, this one is retried.")
    return PacketSummary(path=task.rel, verdict="error", seller=seller_of(task.rel, None), error=message,
                         log=str(write_log(task, message)))


def connect_to_dask(scheduler: str | None):
    """A client of the Dask distributed cluster at `scheduler`, or a UsageError that says what to do."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--executor dask needs Dask distributed, which is not installed.",
                         "pip install 'evpack[dask]', or use the default --executor local.") from None
    if not scheduler:
        raise UsageError("--executor dask needs the scheduler's address.", "pass --scheduler tcp://HOST:8786.")
    try:
        return Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(f"Cannot reach the Dask scheduler at {scheduler}: {exc}.",
                         "start it (`dask scheduler`) and its workers, or correct --scheduler.") from None


def run_on_dask(tasks: list[PacketTask], ctx: Context, client, bar: batch_report.BatchProgress,
                results: dict[str, PacketSummary]) -> None:
    """The same packet tasks on a Dask distributed cluster; the workers must see ROOT and OUT at the same paths."""
    from distributed import as_completed
    with client:
        futures = {client.submit(build_one, task, replace(ctx, jobs=1), pure=False): task for task in tasks}
        for task in futures.values():
            bar.started(task.rel)
        try:
            for future in as_completed(futures, loop=client.loop):
                task = futures[future]
                try:
                    summary = future.result()
                except Exception as exc:  # noqa: BLE001 - KilledWorker and the like: the packet, not the batch
                    summary = died(task, exc)
                results[task.rel] = summary
                bar.finished(summary)
        except KeyboardInterrupt:
            client.cancel(list(futures))
            raise


def flag_shared_outputs(summaries: list[PacketSummary]) -> list[PacketSummary]:
    """Two packets with the same claim id would share OUT/<claim_id>/: both are errors, never a silent overwrite. A
    packet whose build failed counts by its claim id too (racing into the shared folder is one way to fail)."""
    def folder(s: PacketSummary) -> str:
        return s.output or (folder_name(s.claim_id) if s.claim_id else "")

    by_output: dict[str, list[PacketSummary]] = {}
    for s in summaries:
        if folder(s):
            by_output.setdefault(folder(s), []).append(s)
    flagged = []
    for s in summaries:
        others = [o.path for o in by_output.get(folder(s), ()) if o is not s]
        if others:
            s = replace(s, verdict="error", error=(
                f"claim id {s.claim_id} is also the claim id of {', '.join(others)}: their bundles share "
                f"OUT/{folder(s)}/, which now holds only one of them. Correct claim_id in claim.toml."))
        flagged.append(s)
    return flagged


def remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:  # absent, or another batch (or a killed run's leftovers) still has folders in it
        pass


def sweep_stale_staging(out: Path) -> None:
    """Removes staging folders left by a run that was killed (a running batch's folders are younger)."""
    staging = out / STAGING
    if not staging.is_dir():
        return
    cutoff = time.time() - STALE_STAGING.total_seconds()
    for leftover in staging.iterdir():
        if leftover.stat().st_mtime < cutoff:
            shutil.rmtree(leftover, ignore_errors=True)
