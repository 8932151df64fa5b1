"""Typed errors. Each carries the fix in its message and maps to a stable exit code.

The exit codes are part of evpack's public interface (../shared/interface.md): scripts and CI
depend on them, so they never change meaning.
"""
from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    PACKET_FAILED = 1       # a packet has errors (or warnings under --strict); report still written
    USAGE = 2               # bad command line or options
    MISSING_DEPENDENCY = 3  # tesseract or its language data is missing
    INTERNAL = 4            # a bug: the message names the log


class EvpackError(Exception):
    """Base of every error evpack raises on purpose. `fix` tells the user what to do."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str, fix: str = ""):
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return f"{self.message} Fix: {self.fix}" if self.fix else self.message


class UsageError(EvpackError):
    exit_code = ExitCode.USAGE


class MissingDependencyError(EvpackError):
    exit_code = ExitCode.MISSING_DEPENDENCY


class ProfileError(UsageError):
    """The rules profile is malformed: a user-supplied data file, so a usage error."""


class FileProblem(EvpackError):
    """One evidence file cannot be used. Never fatal for the packet: stages turn it into a finding.

    `rule` is a rule id of the rules profile (unsupported-format, unreadable-file, external-link, too-large).
    """

    exit_code = ExitCode.PACKET_FAILED

    def __init__(self, rule: str, message: str, fix: str = ""):
        super().__init__(message, fix)
        self.rule = rule


class OcrTimeout(EvpackError):
    """A Tesseract call ran past its timeout: the page is reported, the job goes on."""

    exit_code = ExitCode.INTERNAL


class OcrFailed(EvpackError):
    """A Tesseract call crashed or printed nothing usable: the page is reported, the job goes on."""

    exit_code = ExitCode.INTERNAL
