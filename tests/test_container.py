"""The container image: the repository's Dockerfile built and run for real, wherever a Docker daemon answers.

Where none does (no `docker` command, or no daemon behind it), the test is reported as skipped with that reason
(pytest's -rs line), never as passed. `EVPACK_DOCKER_BASE` names another Debian 12 image to build on where the
default one cannot be pulled (bench/README.md, "The container image", makes one with debootstrap); a daemon without
a bridge network (`dockerd --bridge=none`) builds on the host's network.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT, SAMPLES
from tests.test_i18n_findings import english_sentences

pytestmark = [pytest.mark.container, pytest.mark.slow]

TAG = "evpack:test"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
PASSING = "packets/shenzhen-hanbit/CLM-2026-0001201"
FAILING = "packets/shenzhen-hanbit/CLM-2026-0001688"


def docker(*args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else os.environ | env)


def no_daemon() -> str:
    """Why no image can be built here ("" when a daemon answers)."""
    if shutil.which("docker") is None:
        return "no docker command on PATH"
    try:
        answer = docker("version", "--format", "{{.Server.Version}}", timeout=30)
    except subprocess.TimeoutExpired:
        return "the Docker daemon did not answer within 30 s"
    if answer.returncode or not answer.stdout.strip():
        return "no Docker daemon reachable: " + (answer.stderr.strip().splitlines() or ["(no message)"])[-1]
    return ""


@pytest.fixture(scope="module")
def image() -> str:
    """The image built from the working tree (tagged evpack:test); the test is skipped, saying why, without a
    daemon."""
    reason = no_daemon()
    if reason:
        pytest.skip(reason)
    build = ["build", "-t", TAG]
    if os.environ.get("EVPACK_DOCKER_BASE"):
        build += ["--build-arg", f"BASE={os.environ['EVPACK_DOCKER_BASE']}"]
    if docker("network", "inspect", "bridge").returncode:
        build += ["--network", "host"]
    # A docker command without its buildx plugin builds with the daemon's own (legacy) builder.
    legacy = {"DOCKER_BUILDKIT": "0"} if docker("buildx", "version").returncode else {}
    built = docker(*build, str(ROOT), timeout=3600, env=legacy)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return TAG


def run(image: str, *args: str) -> subprocess.CompletedProcess:
    """evpack in the container, without a network, the samples mounted read-only at /samples."""
    return docker("run", "--rm", "--network", "none", "-v", f"{SAMPLES}:/samples:ro", image, *args, timeout=900)


def test_the_image_reads_checks_and_speaks_chinese(image):
    """GIVEN the image built from the Dockerfile WHEN its entry point runs `doctor`, then `check` on a passing and a
    failing sample packet THEN doctor finds everything (exit 0: Tesseract with kor, eng and chi_sim, the fonts);
    the passing packet passes with no error (JSON); the failing one fails with the rules samples/expected.json
    names, worded in Chinese with no English sentence."""
    doctor = run(image, "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    now = ["--now", EXPECTED["now"]]
    passed = run(image, "check", f"/samples/{PASSING}", "--format", "json", *now)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    (packet,) = json.loads(passed.stdout)["packets"]
    assert packet["verdict"] == EXPECTED["packets"][PASSING]["verdict"] == "pass"
    failed = run(image, "check", f"/samples/{FAILING}", "--lang", "zh_Hans", *now)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    for rule in EXPECTED["packets"][FAILING]["rules"]:
        assert f"[{rule}]" in failed.stdout, failed.stdout
    names = (f"/samples/{FAILING}", *EXPECTED["packets"][FAILING]["files"])
    assert "运单号" in failed.stdout and english_sentences(failed.stdout, names) == [], failed.stdout
