"""low-quality for camera photos of labels and PODs, on photos drawn as bench/tune_quality.py draws them (the
calibration corpus of the profile's [quality.photos]): the blur measures are the reader's own, no OCR."""
from __future__ import annotations

import pytest

from bench.tune_quality import label_photo, noisy, pod_photo, reader_copy, reloaded
from pipeline.profile import Profile
from pipeline.reading import preprocess
from tests.packet_factory import judge, merged

PROFILE = Profile.load()
BASE = PROFILE.data["example_base"]
TEXT = {"label": "한진택배 운송장번호 568607057984 받는분 서울특별시 송파구 올림픽로 300",
        "pod": "인수증 배송완료 확인서 운송장번호 689212345674 수령인 서명 서울특별시 송파구 올림픽로 300"}


@pytest.mark.parametrize("kind, sigma, noise, blurred", [("label", 0, 10, False), ("label", 12, 10, True),
                                                         ("pod", 1, 5, False), ("pod", 12, 5, True)])
def test_a_defocused_noisy_photo_is_low_quality_and_a_sharp_one_is_not(kind, sigma, noise, blurred, tmp_path):
    """GIVEN a 12 MP phone photo of a label or a POD, sharp or defocused (Gaussian sigma 12 px), with sensor noise
    WHEN its blur is measured as the reader measures it and the packet judged
    THEN the defocused photo is low-quality and the sharp one is not; and the plain variance of the Laplacian,
    which counts the noise, could not have told them apart (the defocused one scores above its old minimum)."""
    image = (label_photo if kind == "label" else pod_photo)(7919)[0].convert("L")
    copy = reader_copy(reloaded(noisy(image, sigma, noise, 1), None))
    plain, denoised = preprocess.sharpness(copy), preprocess.denoised_sharpness(copy)
    if blurred:
        assert plain > PROFILE.quality("min_sharpness")  # the old measure passed it
    photo = {"name": f"{kind}.jpg", "text": TEXT[kind], "tracking": [TEXT[kind].split()[2]],
             "addresses": ["서울특별시 송파구 올림픽로 300"], "sharpness": plain, "sharpness_denoised": denoised,
             "confidence": 88.0, "width": 3024, "height": 4032}
    state = judge(merged(BASE, {"add_files": [photo]}), PROFILE, tmp_path)
    found = [f for f in state.findings if f.rule == "low-quality" and f.file == photo["name"]]
    assert bool(found) == blurred, (plain, denoised, [f.message for f in state.findings])
    if blurred:
        assert "noise filtered out" in found[0].message and "for a photo of a" in found[0].message
