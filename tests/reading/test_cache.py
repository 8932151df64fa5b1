"""pipeline/reading/cache.py: hits, invalidation by engine and settings, corrupt entries, concurrent writers."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from pipeline.reading.cache import ReadCache
from pipeline.model import Fields, PageReading, Reading, TrackingNumber

SHA = "ab" * 32


def a_reading(source: str = "evidence/track.png", text: str = "운송장번호 689212345674") -> Reading:
    page = PageReading(index=1, text=text, source="ocr", confidence=91.5, width=1366, height=768, sharpness=820.0,
                       header_text="www.cjlogistics.com", footer_text="2026-03-11")
    return Reading(source=source, sha256=SHA, pages=(page,),
                   fields=Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok"),)),
                   languages=("ko",), engine="tesseract 5.3.0 kor+eng (fast)", qr_codes=("https://pan.baidu.com/s/1",),
                   image_width=1366, image_height=768)


def test_put_then_get_returns_the_pages(tmp_path):
    """GIVEN a stored reading WHEN the same content is looked up THEN pages, QR codes, engine and size come back
    exactly; fields are left empty for the reader to extract afresh."""
    cache = ReadCache(tmp_path, "tesseract 5.3.0 fast 1234", "v1")
    assert cache.get(SHA) is None
    assert cache.put(a_reading())
    hit = cache.get(SHA)
    original = a_reading()
    assert hit.pages == original.pages
    assert (hit.qr_codes, hit.engine, hit.image_width, hit.image_height) == (
        original.qr_codes, original.engine, 1366, 768)
    assert hit.fields == Fields() and hit.languages == ()


def test_new_engine_or_settings_miss(tmp_path):
    """GIVEN a reading cached under one engine and settings version WHEN Tesseract or ocr.toml change
    THEN the entry is not served."""
    ReadCache(tmp_path, "tesseract 5.3.0 fast 1234", "v1").put(a_reading())
    assert ReadCache(tmp_path, "tesseract 5.4.1 fast 1234", "v1").get(SHA) is None
    assert ReadCache(tmp_path, "tesseract 5.3.0 fast 9999", "v1").get(SHA) is None
    assert ReadCache(tmp_path, "tesseract 5.3.0 fast 1234", "v2").get(SHA) is None
    assert ReadCache(tmp_path, "tesseract 5.3.0 fast 1234", "v1").get(SHA) is not None


def test_corrupt_entry_is_ignored_and_rewritten(tmp_path):
    """GIVEN an entry cut off half-way and one of the wrong shape WHEN looked up THEN a miss, no exception;
    the next put rewrites it and it is served again."""
    cache = ReadCache(tmp_path, "e", "v1")
    cache.put(a_reading())
    entry = cache.entry_path(SHA)
    entry.write_text(entry.read_text(encoding="utf-8")[:40], encoding="utf-8")
    assert cache.get(SHA) is None
    entry.write_text(f'{{"schema": "evpack.read-cache/1", "sha256": "{SHA}", "pages": [{{"bogus": 1}}]}}')
    assert cache.get(SHA) is None
    entry.write_bytes(b"\xff\xfe\x00")
    assert cache.get(SHA) is None
    assert cache.put(a_reading())
    assert cache.get(SHA).pages == a_reading().pages


def test_disabled_cache_never_hits(tmp_path):
    """GIVEN no cache folder (--no-cache) WHEN used THEN nothing is written and nothing served."""
    cache = ReadCache(None, "e", "v1")
    assert cache.put(a_reading()) is False
    assert cache.get(SHA) is None
    assert list(tmp_path.iterdir()) == []


def test_unwritable_cache_is_not_fatal(tmp_path):
    """GIVEN a cache folder that is a file (cannot be created) WHEN a reading is stored THEN put says False."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    assert ReadCache(blocker, "e", "v1").put(a_reading()) is False


def test_concurrent_writers_leave_a_whole_entry(tmp_path):
    """GIVEN 16 writers storing the same key at once (two packets with the same file) WHEN they finish
    THEN the entry is whole and no temp files are left behind."""
    cache = ReadCache(tmp_path, "e", "v1")
    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(lambda i: cache.put(a_reading(text=f"run {i}")), range(16)))
    assert cache.get(SHA).pages[0].text.startswith("run ")
    assert [p.name for p in cache.entry_path(SHA).parent.iterdir()] == [cache.entry_path(SHA).name]


def test_an_edited_entry_is_a_miss(tmp_path):
    """GIVEN a cached reading edited on disk into other valid JSON (a tracking number changed)
    WHEN it is looked up THEN it is a miss: its keyed digest no longer matches."""
    import json
    cache = ReadCache(tmp_path, "e", "v1")
    cache.put(a_reading())
    path = cache.entry_path(SHA)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pages"][0]["text"] = "운송장번호 689200000000"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ReadCache(tmp_path, "e", "v1").get(SHA) is None
    data.pop("mac")
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ReadCache(tmp_path, "e", "v1").get(SHA) is None


def test_the_key_is_private_and_a_shared_key_is_not_trusted(tmp_path):
    """GIVEN a new cache WHEN the first entry is stored THEN its key file is mode 0600; a key others may read
    (mode 0644) makes every entry a miss."""
    import os
    import stat
    ReadCache(tmp_path, "e", "v1").put(a_reading())
    key = tmp_path / "reads" / "key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert ReadCache(tmp_path, "e", "v1").get(SHA) is not None
    os.chmod(key, 0o644)
    assert ReadCache(tmp_path, "e", "v1").get(SHA) is None


def test_a_name_that_is_not_utf8_is_cached(tmp_path):
    """GIVEN a reading of a file whose name holds bytes that are not UTF-8 WHEN stored THEN it is stored and read
    back, never a crash."""
    import os
    name = os.fsdecode(b"scan-\xff.pdf")
    cache = ReadCache(tmp_path, "e", "v1")
    assert cache.put(a_reading(source=name))
    assert cache.get(SHA).source == name


def some_fields() -> Fields:
    from pipeline.model import KoreanAddress, Timestamp, Url
    return Fields(tracking_numbers=(TrackingNumber("689212345674", "cj", "ok", 1, "label", "ocr", (10, 20, 300, 40),
                                                   (5, 5, 90, 18)),),
                  timestamps=(Timestamp("2026.03.10 14:22", "2026-03-10T14:22:00+09:00", 1, "Asia/Seoul", "event",
                                        (10, 60, 200, 80)),),
                  urls=(Url("https://www.cjlogistics.com", "www.cjlogistics.com", 1, True, False, "address-bar",
                            "www.cjlogistics.corn", (0, 0, 400, 20), ""),),
                  korean_addresses=(KoreanAddress("서울특별시 중구 세종대로 110", "04524", 1, "listed", None,
                                                  (10, 90, 500, 110)),))


def test_fields_kept_beside_a_read_come_back_exactly(tmp_path):
    """GIVEN a read entry and the fields extracted from its pages WHEN another process (another ReadCache) gets the
    read and then the fields under the same extraction key THEN every attribute of every record comes back (a URL's
    `full`, which Fields.to_json leaves out, boxes as tuples) with the languages; another key is a miss."""
    cache = ReadCache(tmp_path, "e", "v1")
    assert cache.put(a_reading())
    assert cache.put_fields(SHA, "profile 1, day 1", some_fields(), ("ko", "en"))
    again = ReadCache(tmp_path, "e", "v1")
    assert again.get_fields(SHA, "profile 1, day 1") is None  # no read entry in hand yet
    assert again.get(SHA) is not None
    assert again.get_fields(SHA, "profile 1, day 1") == (some_fields(), ("ko", "en"))
    assert again.get_fields(SHA, "profile 2, day 1") is None


def test_fields_of_other_pages_or_of_a_read_not_cached_are_never_served(tmp_path):
    """GIVEN fields kept for a read entry WHEN the entry is written again with other pages (another run's read of
    the same content) THEN the fields kept before are a miss; a read this cache did not get or put (incomplete, not
    cached) keeps no fields, and an edited fields entry is a miss."""
    import json
    cache = ReadCache(tmp_path, "e", "v1")
    assert cache.put_fields(SHA, "k", some_fields(), ()) is False  # no read entry
    cache.put(a_reading())
    cache.put_fields(SHA, "k", some_fields(), ())
    path = cache.fields_path(SHA, "k")
    cache.put(a_reading(text="운송장번호 601234567890"))
    assert cache.get_fields(SHA, "k") is None
    again = ReadCache(tmp_path, "e", "v1")
    again.get(SHA)
    assert again.get_fields(SHA, "k") is None
    assert again.put_fields(SHA, "k", some_fields(), ("ko",))
    data = json.loads(again.fields_path(SHA, "k").read_text(encoding="utf-8"))
    data["fields"]["tracking_numbers"][0]["value"] = "689200000000"
    again.fields_path(SHA, "k").write_text(json.dumps(data), encoding="utf-8")
    assert again.get_fields(SHA, "k") is None
    assert path.exists() and path != again.fields_path(SHA, "k")
