"""`evpack init`: a claim.toml drafted from the evidence (real Tesseract on a sample packet), never replacing one;
claim.toml's carrier aliases and did-you-mean for keys."""
from __future__ import annotations

import shutil
import tomllib

import pytest
from click.testing import CliRunner

from pipeline.claim_draft import ClaimExistsError, render, write_new, Draft, Found
from pipeline.cli import cli
from pipeline.context import Context
from pipeline.model import PacketState
from pipeline.profile import PROFILES_DIR, Profile
from stages import manifest
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "packets" / "shenzhen-hanbit" / "CLM-2026-0001201"
PROFILE = Profile.load()


@pytest.fixture
def folder(tmp_path):
    """The sample packet's evidence without its claim.toml."""
    target = tmp_path / "CLM-2026-0001201"
    shutil.copytree(SAMPLE, target)
    (target / "claim.toml").unlink()
    return target


@pytest.mark.e2e
def test_init_drafts_what_the_evidence_shows(folder):
    """GIVEN a sample packet's evidence without claim.toml WHEN evpack init runs THEN it writes a claim.toml that
    parses, holding the sample's own order id, tracking number, carrier and reason, each with the file that shows
    it, and the claim id from the folder name; paid_out_at and buyer_claim are marked TO FILL; filled in, the
    manifest stage accepts it. A second init exits 1 and leaves the file as it was."""
    expected = tomllib.loads((SAMPLE / "claim.toml").read_text(encoding="utf-8"))
    result = CliRunner().invoke(cli, ["init", str(folder), "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    text = (folder / "claim.toml").read_text(encoding="utf-8")
    draft = tomllib.loads(text)
    for key in ("claim_id", "order_id", "tracking_number", "carrier", "reason"):
        assert draft[key] == expected[key], key
    assert "주문상세 캡처.png (page 1)" in text.split("order_id", 1)[1].split("\n", 1)[0]
    assert "paid_out_at" not in draft and "TO FILL" in text and draft["buyer_claim"] == ""
    assert "still to fill: paid_out_at, buyer_claim" in result.stderr
    filled = text.replace('buyer_claim = ""', 'buyer_claim = "Buyer says the parcel never arrived."') \
        + "paid_out_at = 2026-03-12T10:30:00+09:00\n"
    (folder / "claim.toml").write_text(filled, encoding="utf-8")
    ctx = Context(profile=PROFILE, workdir=folder.parent / "work")
    assert manifest.run(PacketState(root=folder), ctx).findings == ()
    again = CliRunner().invoke(cli, ["init", str(folder)], catch_exceptions=False)
    assert again.exit_code == 1 and "already exists" in again.stderr
    assert (folder / "claim.toml").read_text(encoding="utf-8") == filled
    assert [p.name for p in folder.iterdir() if p.name.startswith(".claim-")] == []


def test_an_empty_folder_gets_a_draft_with_everything_to_fill(tmp_path):
    """GIVEN a folder without evidence, not named like a claim WHEN init runs THEN the draft parses, names no found
    value, and says what to fill; reason is 'other'."""
    folder = tmp_path / "my evidence"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["init", str(folder)], catch_exceptions=False)
    assert result.exit_code == 0
    draft = tomllib.loads((folder / "claim.toml").read_text(encoding="utf-8"))
    assert draft == {"claim_id": "", "order_id": "", "reason": "other", "buyer_claim": ""}
    assert "still to fill: claim_id, order_id, paid_out_at, buyer_claim" in result.stderr


def test_the_draft_stays_toml_whatever_the_file_names(tmp_path):
    """GIVEN values and file names holding quotes, backslashes and line breaks WHEN rendered THEN the text parses and
    keeps the values exactly."""
    odd = 'a"b\\c\nd.png'
    draft = Draft(claim_id=Found('CLM-"1"'), order_id=Found("310\\02", ((odd, 1),)),
                  tracking_number=Found("640134072904", ((odd, 2),)), carrier=Found("cj", ((odd, 2),), "number"),
                  reason=Found("delivery-proof", ((odd, 0),), "kinds"), other_numbers=(), files=1, unreadable=(odd,))
    for lang in ("en", "ko", "zh_Hans"):
        parsed = tomllib.loads(render(draft, PROFILE, lang))
        assert parsed["claim_id"] == 'CLM-"1"' and parsed["order_id"] == "310\\02"


def test_write_new_never_replaces(tmp_path):
    """GIVEN an existing claim.toml WHEN a draft is written there THEN ClaimExistsError (exit 1), the file unchanged,
    no temporary file left."""
    target = tmp_path / "claim.toml"
    target.write_text("mine", encoding="utf-8")
    with pytest.raises(ClaimExistsError) as caught:
        write_new(target, "draft")
    assert caught.value.exit_code == 1 and target.read_text(encoding="utf-8") == "mine"
    assert [p.name for p in tmp_path.iterdir()] == ["claim.toml"]


@pytest.mark.parametrize("name", sorted(p.stem for p in PROFILES_DIR.glob("*.toml")))
def test_every_carrier_alias_names_its_carrier_only(name):
    """GIVEN a profile's carrier aliases WHEN each is looked up (also in other case and with spaces) THEN it names
    its own carrier; no alias is shared by two carriers; unsupported names are not carriers."""
    profile = Profile.load(PROFILES_DIR / f"{name}.toml")
    owners: dict[str, str] = {}
    for cid, carrier in profile.carriers.items():
        for alias in [cid, *carrier.get("aliases", ())]:
            assert profile.carrier_named(alias) == cid
            assert profile.carrier_named(f" {alias.upper()} ") == cid
            assert owners.setdefault(alias.casefold(), cid) == cid, alias
    for entry in profile.data.get("unsupported_carriers", {}).values():
        for unsupported in entry["names"]:
            assert profile.carrier_named(unsupported) is None and profile.unknown_carrier_hint(unsupported)


GOOD = """claim_id = "CLM-1"
order_id = "31000012345678"
reason = "delivery-proof"
paid_out_at = 2026-03-12T10:30:00+09:00
buyer_claim = "Buyer says the parcel never arrived."
"""


@pytest.mark.parametrize("written,carrier", [("乐天", "lotte"), ("롯데", "lotte"), ("Lotte", "lotte"),
                                             ("韩进", "hanjin"), ("한진", "hanjin"), ("邮政", "korea-post"),
                                             ("우체국", "korea-post"), ("CJ대한통운", "cj"), ("cj", "cj")])
def test_manifest_maps_carrier_aliases(tmp_path, written, carrier):
    """GIVEN claim.toml's carrier written as sellers write it WHEN the manifest is read THEN the carrier's id."""
    (tmp_path / "claim.toml").write_text(GOOD + f'carrier = "{written}"\n', encoding="utf-8")
    claim, problems = manifest.parse_manifest(tmp_path / "claim.toml", Context(profile=PROFILE, workdir=tmp_path))
    assert problems == [] and claim.carrier == carrier


@pytest.mark.parametrize("line,says", [('tracking_no = "1"\n', "did you mean 'tracking_number'?"),
                                       ('Carrier = "cj"\n', "did you mean 'carrier'?"),
                                       ('carrier = "顺丰"\n', "SF Express delivers the leg in China"),
                                       ('carrier = "lote"\n', "did you mean 'lotte'?")])
def test_manifest_says_what_was_meant(tmp_path, line, says):
    """GIVEN a misspelt key or carrier WHEN the manifest is read THEN the problem names what was probably meant."""
    (tmp_path / "claim.toml").write_text(GOOD + line, encoding="utf-8")
    claim, problems = manifest.parse_manifest(tmp_path / "claim.toml", Context(profile=PROFILE, workdir=tmp_path))
    assert claim is None and any(says in message for message, _ in problems), problems


def test_a_date_only_payout_asks_for_the_time(tmp_path):
    """GIVEN paid_out_at = 2026-03-12 WHEN the manifest is read THEN the fix shows that day with a time, not a
    repeat of what was written."""
    (tmp_path / "claim.toml").write_text(GOOD.replace("2026-03-12T10:30:00+09:00", "2026-03-12"), encoding="utf-8")
    _, problems = manifest.parse_manifest(tmp_path / "claim.toml", Context(profile=PROFILE, workdir=tmp_path))
    (message, fix), = problems
    assert "no time of day" in message and "paid_out_at = 2026-03-12T10:30:00+09:00" in fix
