"""Scale-out: the same packet tasks on a real Dask distributed cluster (a scheduler and 2 worker processes on
loopback) give the same verdicts as the local process pool; a missing Dask or an unreachable scheduler is a usage
error that says what to do."""
from __future__ import annotations

import socket
import sys
from dataclasses import replace

import pytest
from distributed import LocalCluster
from tests.batch.test_batch import make_tree

from pipeline.batch import batch
from pipeline.batch.batch import run_batch
from pipeline.errors import ExitCode, UsageError


def test_dask_cluster_gives_the_same_verdicts_as_the_local_pool(tmp_path, ctx):
    """GIVEN a packet tree and a Dask cluster of two single-threaded worker processes on 127.0.0.1
    WHEN batch runs once with the local pool and once on the cluster (into separate output folders)
    THEN every packet gets the same verdict, claim id and findings, and the cluster's bundles are on disk."""
    root = make_tree(tmp_path / "inbox")
    local = run_batch(root, tmp_path / "out-local", ctx, jobs=2, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        # A cache of its own: the workers read (OCR) the evidence themselves rather than reuse the local run's reads.
        remote = run_batch(root, tmp_path / "out-dask", replace(ctx, cache_dir=tmp_path / "cache-dask"),
                           executor="dask", scheduler=cluster.scheduler_address, progress=False)

    def verdicts(result):
        return [(p.path, p.verdict, p.claim_id, [f["rule"] for f in p.findings]) for p in result.packets]

    assert verdicts(remote) == verdicts(local)
    assert remote.exit_code == local.exit_code == ExitCode.PACKET_FAILED  # the broken claim.toml
    for packet in remote.packets:
        assert (tmp_path / "out-dask" / packet.output / "report.json").is_file()


def test_an_unreachable_scheduler_is_a_usage_error(tmp_path, ctx, monkeypatch):
    """GIVEN a scheduler address where nothing listens
    WHEN batch runs with --executor dask
    THEN it stops with a UsageError (exit 2) naming the address and how to start a scheduler."""
    with socket.socket() as probe:  # a free port: bound, then released, so nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setattr(batch, "DASK_CONNECT_TIMEOUT", "2s")
    root = make_tree(tmp_path / "inbox")
    with pytest.raises(UsageError, match=f"127.0.0.1:{port}.*dask scheduler") as raised:
        run_batch(root, tmp_path / "out", ctx, executor="dask", scheduler=f"tcp://127.0.0.1:{port}", progress=False)
    assert raised.value.exit_code == ExitCode.USAGE


def test_missing_dask_names_the_install_command(tmp_path, ctx, monkeypatch):
    """GIVEN an environment without Dask distributed
    WHEN batch runs with --executor dask
    THEN the UsageError says to pip install 'evpack[dask]'."""
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail as if absent
    root = make_tree(tmp_path / "inbox")
    with pytest.raises(UsageError, match=r"pip install 'evpack\[dask\]'"):
        run_batch(root, tmp_path / "out", ctx, executor="dask", scheduler="tcp://127.0.0.1:8786", progress=False)
