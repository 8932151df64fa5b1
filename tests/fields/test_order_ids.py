"""Order ids read from URLs and labelled page text: every example of tests/fields/examples/order_ids.toml, by name."""
from __future__ import annotations

import pytest

from pathlib import Path

from pipeline.datafiles import load_toml
from pipeline.fields.order_ids import in_labelled_text, in_url_text, order_ids
from pipeline.model import Fields, PageReading, Reading, Url

EXAMPLES = load_toml(Path(__file__).with_name("examples") / "order_ids.toml", "Order-id examples")


@pytest.mark.parametrize("name", sorted(EXAMPLES["url"]))
def test_url_examples(name):
    """GIVEN a URL of the examples WHEN order ids are read from it THEN exactly the expected ones come back."""
    example = EXAMPLES["url"][name]
    assert in_url_text(example["text"]) == example["expect"]


@pytest.mark.parametrize("name", sorted(EXAMPLES["label"]))
def test_label_examples(name):
    """GIVEN a labelled page text of the examples WHEN order ids are read THEN exactly the expected ones come back."""
    example = EXAMPLES["label"][name]
    assert in_labelled_text(example["text"]) == example["expect"]


def test_order_ids_carry_their_page():
    """GIVEN a two-page reading with an order URL on page 1 and a labelled order number on page 2
    WHEN its order ids are read THEN each comes with its page and where it was read."""
    pages = (PageReading(1, "배송조회", "ocr"), PageReading(2, "주문번호 31000055554444", "ocr"))
    url = Url("https://wing.coupang.com/x?orderId=31000099887766", "wing.coupang.com", page=1)
    reading = Reading("a.pdf", "0" * 64, pages, Fields(urls=(url,)), (), "canned")
    found = {(o.value, o.page, o.where) for o in order_ids(reading)}
    assert found == {("31000099887766", 1, "url"), ("31000055554444", 2, "label")}
