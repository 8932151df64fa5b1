"""Order ids read from URLs and labelled page text: every example of pipeline/fields/order_ids.toml runs here."""
from __future__ import annotations

import pytest

from pipeline.datafiles import load_toml
from pipeline.fields.order_ids import DATA_FILE, in_labelled_text, in_url_text, order_ids
from pipeline.model import Fields, PageReading, Reading, Url

DATA = load_toml(DATA_FILE, "Order-id patterns")


@pytest.mark.parametrize("example", DATA["url"]["examples"], ids=lambda e: e["text"][:50])
def test_url_examples(example):
    """GIVEN a URL of the examples WHEN order ids are read from it THEN exactly the expected ones come back."""
    assert in_url_text(example["text"]) == example["expect"]


@pytest.mark.parametrize("example", DATA["label"]["examples"], ids=lambda e: e["text"][:50])
def test_label_examples(example):
    """GIVEN a labelled page text of the examples WHEN order ids are read THEN exactly the expected ones come back."""
    assert in_labelled_text(example["text"]) == example["expect"]


def test_order_ids_carry_their_page():
    """GIVEN a two-page reading with an order URL on page 1 and a labelled order number on page 2
    WHEN its order ids are read THEN each comes with its page and where it was read."""
    pages = (PageReading(1, "배송조회", "ocr"), PageReading(2, "주문번호 31000055554444", "ocr"))
    url = Url("https://wing.coupang.com/x?orderId=31000099887766", "wing.coupang.com", page=1)
    reading = Reading("a.pdf", "0" * 64, pages, Fields(urls=(url,)), (), "canned")
    found = {(o.value, o.page, o.where) for o in order_ids(reading)}
    assert found == {("31000099887766", 1, "url"), ("31000055554444", 2, "label")}
