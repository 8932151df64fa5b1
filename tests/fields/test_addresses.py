"""Korean addresses: the parts of pipeline/fields/addresses.py that are computed from the data, not listed."""
from __future__ import annotations

from pipeline.fields.addresses import road_end_misreads


def test_road_endings_one_jamo_off_are_computed_and_stand_for_their_ending():
    """GIVEN the road endings 로 and 길 WHEN the syllables that may end a road are computed THEN each ending stands
    for itself, a syllable one jamo off stands for its ending (르, 료, 도 for 로; 킬, 릴, 일 for 길), and one two jamo
    off (림, 동) or a common syllable far from both (시, 구) ends no road."""
    endings = road_end_misreads()
    assert endings["로"] == "로" and endings["길"] == "길"
    assert [endings.get(s) for s in "르료도록"] == ["로"] * 4
    assert [endings.get(s) for s in "킬릴일기"] == ["길"] * 4
    assert not {"림", "동", "시", "구", "번"} & set(endings)
