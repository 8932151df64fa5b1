"""Compiled regexes kept across processes, as Python keeps compiled bytecode: `compiled(pattern, flags)`.

The field patterns' large alternations (closed lists of labels and carrier names with their misreads, every form
of a road address, every timestamp form) take Python's `re` ~0.2 s CPU to compile, in every process that extracts
fields, run after run, for the same patterns. `compiled` is `re.compile`, but what `re`'s parser and compiler make of
a pattern (the program its C engine runs) is kept in a file in the cache folder (context.default_cache_dir(),
patterns/), and a later process hands that program to the C engine directly (~5 ms for all of them).

Why it cannot serve a wrong regex:
- a program is found by the pattern's exact text and flags: a changed pattern is compiled afresh, never served an
  old program;
- the file is named for the Python that wrote it (its cache tag, version and the C engine's MAGIC and CODESIZE);
  another Python's file is never read;
- the C engine validates every program it is given (a malformed one is a RuntimeError), and any failure to read the
  file or to build a program from it falls back to `re.compile`;
- the file is written at the end of a process that compiled a pattern the file lacked, to a temporary file renamed
  into place (a reader never sees half a file; of two writers the last wins, and the other's patterns are compiled
  again next time), and at most MAX_ENTRIES programs are kept. A folder that cannot be written is left alone.

The cache folder is the user's own, like Python's own __pycache__ folders; marshal data is not for files others may
write, and only types it can hold (no code) are taken from it.
"""
from __future__ import annotations

import atexit
import marshal
import os
import re
import sys
import tempfile
from pathlib import Path

try:  # CPython's regex engine and the parser and compiler in front of it
    import _sre
    from re import _compiler, _parser
except ImportError:  # another Python: compiled() is re.compile
    _sre = None

MAX_ENTRIES = 2048
FOLDER = "patterns"

# (pattern, flags) -> (flags, code, groups, groupindex, indexgroup): what _sre.compile takes after the pattern
_loaded: dict | None = None
_added: dict = {}   # programs this process compiled afresh, written at its end
_used: set = set()   # programs of the file this process used
_built: dict = {}    # (pattern, flags) -> re.Pattern, this process's


def compiled(pattern: str, flags: int = 0) -> re.Pattern:
    """`re.compile(pattern, flags)` of a str pattern, its program kept across processes (see the module)."""
    if _sre is None or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    key = (pattern, int(flags))
    if key in _built:
        return _built[key]
    entry = _programs().get(key)
    if entry is not None:
        try:
            _built[key] = _sre.compile(pattern, *entry)
            _used.add(key)
            return _built[key]
        except (RuntimeError, TypeError, ValueError, OverflowError):
            pass  # not a program this engine takes: compiled afresh below
    entry = _program(pattern, int(flags))
    _built[key] = _sre.compile(pattern, *entry)
    if len(_added) < MAX_ENTRIES:
        if not _added:
            atexit.register(save)
        _added[key] = entry
    return _built[key]


def _program(pattern: str, flags: int) -> tuple:
    """What re._compiler.compile hands to _sre.compile, less the pattern: (flags, code, groups, groupindex,
    indexgroup), in plain types."""
    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def store_path() -> Path:
    """This Python's file of programs in the cache folder: context.default_cache_dir()'s, found here without importing
    pipeline.context (field modules compile patterns while it is being imported)."""
    folder = os.environ.get("EVPACK_CACHE_DIR")
    if not folder:
        from platformdirs import user_cache_dir
        folder = user_cache_dir("evpack", appauthor=False)
    tag = f"{sys.implementation.cache_tag}-{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}"
    return Path(folder) / FOLDER / f"regex-{tag}-{_sre.MAGIC}-{_sre.CODESIZE}.marshal"


def _programs() -> dict:
    """The programs of the file, read once per process; {} without a readable file."""
    global _loaded
    if _loaded is None:
        _loaded = {}
        try:
            data = marshal.loads(store_path().read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return _loaded
        if isinstance(data, dict):
            _loaded = {key: value for key, value in data.items() if _well_formed(key, value)}
    return _loaded


def _well_formed(key, value) -> bool:
    return (isinstance(key, tuple) and len(key) == 2 and isinstance(key[0], str) and isinstance(key[1], int)
            and isinstance(value, tuple) and len(value) == 5 and isinstance(value[0], int)
            and isinstance(value[1], list) and isinstance(value[2], int) and isinstance(value[3], dict)
            and isinstance(value[4], tuple))


def save() -> None:
    """Write the file with the programs this process compiled afresh, beside those it read (those it used first
    where there are more than MAX_ENTRIES); nothing when it compiled none or the folder cannot be written."""
    if not _added or _sre is None:
        return
    programs = {**_programs(), **_added}
    if len(programs) > MAX_ENTRIES:
        programs = {key: value for key, value in programs.items() if key in _used or key in _added}
    try:
        path = store_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".regex-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(dict(list(programs.items())[:MAX_ENTRIES])))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return
    _loaded.update(_added)
    _added.clear()
