"""The read cache: what was read from a file's pages, keyed by its content, the OCR engine and the reader settings.

A new Tesseract, new language data, a changed `ocr.toml` or any change to evpack's code or data (the code
fingerprint, pipeline/runtime.py) gives new keys, so stale reads are never served.
A read entry holds pages, QR payloads and image size. Beside it, the fields extracted from those pages are kept in
entries of their own (`get_fields`, `put_fields`), keyed by the read entry's digest (its very pages) and by what
else extraction depends on (reader.extraction_key: evpack's code, the rules profile's content, the reference day),
so a new fields extractor or rules profile never meets stale fields: extraction of a 40-page scan's text took
seconds of CPU on every warm run (the stated zones' fuzzy cues), a hit takes milliseconds. One JSON file per entry,
written to a temp file and moved into place (`os.replace`), so concurrent processes see a whole entry or none; an
entry that cannot be parsed is ignored and rewritten by the next read.

The cache is trusted no more than the disk: each entry carries a keyed digest (HMAC-SHA256) of its content under
a random key created with the cache (`reads/key`, mode 0600). An entry edited into other valid JSON, or written by
someone without the key, is a miss, never a reading.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from dataclasses import asdict
from pathlib import Path

from pipeline.model import Barcode, Fields, PageReading, Reading, TextLine

SCHEMA = "evpack.read-cache/5"  # 2: pages carry their barcodes; 3: each entry carries its keyed digest (mac);
#                                 4: OCR pages carry their lines with boxes; 5: lines carry their words' boxes
FIELDS_SCHEMA = "evpack.fields-cache/1"
KEY_FILE = "key"
KEY_BYTES = 32


class ReadCache:
    def __init__(self, folder: Path | None, engine_key: str, settings_version: str):
        """`folder` None disables the cache: every get misses, every put is dropped."""
        self.folder = folder
        self.engine_key = engine_key
        self.settings_version = settings_version
        self._secret: bytes | None = None
        self._digests: dict[str, str] = {}  # content sha256 -> the keyed digest of the read entry got or put

    def secret(self, create: bool = False) -> bytes | None:
        """The cache's key: 32 random bytes in reads/key, readable by its owner only. None when there is none
        (and `create` is False) or it is not to be trusted (another mode, not a regular file, the wrong size)."""
        if self._secret is not None or self.folder is None:
            return self._secret
        path = self.folder / "reads" / KEY_FILE
        try:
            if create and not os.path.lexists(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, temp = tempfile.mkstemp(prefix=".key-", dir=path.parent)  # 0600
                try:
                    os.write(fd, secrets.token_bytes(KEY_BYTES))
                    os.close(fd)
                    os.link(temp, path)  # fails if another process made its key first: that one is used
                except FileExistsError:
                    pass
                finally:
                    os.unlink(temp)
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) & 0o077:
                    return None
                key = handle.read(KEY_BYTES + 1)
        except OSError:
            return None
        self._secret = key if len(key) == KEY_BYTES else None
        return self._secret

    @staticmethod
    def _mac(secret: bytes, data: dict) -> str:
        body = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        return hmac.new(secret, body.encode("ascii"), hashlib.sha256).hexdigest()

    def key(self, sha256: str) -> str:
        return hashlib.sha256(f"{SCHEMA}|{sha256}|{self.engine_key}|{self.settings_version}".encode()).hexdigest()

    def entry_path(self, sha256: str) -> Path | None:
        if self.folder is None:
            return None
        key = self.key(sha256)
        return self.folder / "reads" / key[:2] / f"{key}.json"

    def get(self, sha256: str) -> Reading | None:
        """The cached reading of this content (fields empty: see reader.with_fields), or None."""
        path = self.entry_path(sha256)
        if path is None:
            return None
        secret = self.secret()
        if secret is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            mac = data.pop("mac", "")
            if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(secret, data)):
                return None  # edited, or not written with this cache's key
            if data.get("schema") != SCHEMA or data.get("sha256") != sha256:
                return None
            reading = Reading(source=data["source"], sha256=sha256,
                           pages=tuple(PageReading(**{**page, "bar_reads": tuple(page.get("bar_reads", ())),
                                                      "barcodes": tuple(Barcode.from_json(code)
                                                                        for code in page.get("barcodes", ())),
                                                      "lines": tuple(TextLine.from_json(line)
                                                                     for line in page.get("lines", ()))})
                                       for page in data["pages"]), fields=Fields(),
                           languages=(), engine=data["engine"], qr_codes=tuple(data["qr_codes"]),
                           image_width=data["image_width"], image_height=data["image_height"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # corrupt or from an older layout: a miss, rewritten by the next put
        self._digests[sha256] = mac
        return reading

    def put(self, reading: Reading) -> bool:
        """Store a reading; False when the cache is disabled or cannot be written (a cache is never worth a
        failed packet: the caller logs it)."""
        path = self.entry_path(reading.sha256)
        secret = self.secret(create=True) if path is not None else None
        if path is None or secret is None:
            return False
        data = {"schema": SCHEMA, "sha256": reading.sha256, "source": reading.source, "engine": reading.engine,
                "pages": [asdict(page) | {"barcodes": [code.to_json() for code in page.barcodes]}
                          for page in reading.pages], "qr_codes": list(reading.qr_codes),
                "image_width": reading.image_width, "image_height": reading.image_height}
        data["mac"] = self._mac(secret, data)
        if not _write_atomically(path, data):
            return False
        self._digests[reading.sha256] = data["mac"]
        return True

    def fields_path(self, sha256: str, extraction: str) -> Path | None:
        """Where the fields extracted (under `extraction`, reader.extraction_key) from the pages of the read entry
        this cache got or put for `sha256` are kept; None without such an entry in hand (a read not cached: its
        pages may be another run's)."""
        read = self._digests.get(sha256)
        if self.folder is None or read is None:
            return None
        key = hashlib.sha256(f"{FIELDS_SCHEMA}|{read}|{extraction}".encode()).hexdigest()
        return self.folder / "reads" / key[:2] / f"{key}.fields.json"

    def get_fields(self, sha256: str, extraction: str) -> tuple[Fields, tuple[str, ...]] | None:
        """The fields and languages extracted under `extraction` from the pages of the read entry got or put for
        `sha256`, exactly as put_fields was given them; None on a miss."""
        path = self.fields_path(sha256, extraction)
        secret = self.secret() if path is not None else None
        if path is None or secret is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            mac = data.pop("mac", "")
            if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(secret, data)):
                return None
            if data.get("schema") != FIELDS_SCHEMA or data.get("read") != self._digests[sha256]:
                return None
            return Fields.from_json(data["fields"]), tuple(data["languages"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put_fields(self, sha256: str, extraction: str, fields: Fields, languages: tuple[str, ...]) -> bool:
        """Keep the fields and languages extracted under `extraction` from the pages of the read entry got or put
        for `sha256` (every attribute of every record: Fields.to_json leaves some out); False when there is no such
        entry or the cache cannot be written."""
        path = self.fields_path(sha256, extraction)
        secret = self.secret() if path is not None else None
        if path is None or secret is None:
            return False
        data = {"schema": FIELDS_SCHEMA, "read": self._digests[sha256], "languages": list(languages),
                "fields": {"tracking_numbers": [asdict(item) for item in fields.tracking_numbers],
                           "timestamps": [asdict(item) for item in fields.timestamps],
                           "urls": [asdict(item) for item in fields.urls],
                           "korean_addresses": [asdict(item) for item in fields.korean_addresses]}}
        data["mac"] = self._mac(secret, data)
        return _write_atomically(path, data)


def _write_atomically(path: Path, data: dict) -> bool:
    """`data` as JSON at `path`, written to a temp file beside it and moved into place; False when it cannot be."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    except OSError:
        return False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=True)  # a non-UTF-8 file name stays \udcXX, never a crash
        os.replace(temp, path)
        return True
    except (OSError, ValueError):
        return False
    finally:
        Path(temp).unlink(missing_ok=True)  # gone already after a successful replace
