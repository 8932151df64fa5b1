"""pipeline/output/reports/scan.py: the readable table of `evpack scan`."""
from __future__ import annotations

from pipeline.output.reports.scan import scan_text

NO_FIELDS = {"tracking_numbers": [], "timestamps": [], "urls": [], "korean_addresses": []}


def test_a_photo_without_text_is_said_to_be_not_ocrd():
    """GIVEN scan entries of a photo the reader found no text on and of a read page WHEN shown as text THEN the photo
    says it was not OCR'd for want of text; the read page does not."""
    document = {"files": [
        {"path": "IMG_0412.jpg", "pages": 1, "text_source": "none", "languages": [], "fields": NO_FIELDS,
         "pages_without_text": [1]},
        {"path": "shot.png", "pages": 1, "text_source": "ocr", "languages": ["ko"], "fields": NO_FIELDS,
         "pages_without_text": []}]}
    photo, shot = scan_text(document).split("shot.png")
    assert "(no text on the photo: not OCR'd)" in photo and "not OCR'd" not in shot
