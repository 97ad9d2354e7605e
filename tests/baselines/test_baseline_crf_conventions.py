"""The crf on text conventions the corpus lacks but users' data has: headlines in capitals,
tokenised text joined by spaces, sports tables (small invented examples); and its kinds."""

from __future__ import annotations

from dateline.baselines.crf_features import token_features
from dateline.baselines.text import tokenize
from dateline.schemas import Document, check_document


def _found(crf, text: str) -> list[tuple[str, str]]:
    out = crf.extract(Document(id="d", text=text))
    assert check_document(out) == []
    for m in out.entities:  # no span crosses a line break or starts or ends in a space
        assert "\n" not in m.text and m.text == m.text.strip()
    return [(m.text, m.label) for m in out.entities]


def test_case_normalised_features_in_a_headline_in_capitals() -> None:
    loud = token_features(tokenize("POLICE ARRESTED CARL BERG IN OSLO"), 0, 6)
    quiet = token_features(tokenize("Police Arrested Carl Berg In Oslo"), 0, 6)
    for a, b in zip(loud, quiet, strict=True):
        assert [f for f in a if f != "capsent"] == b  # only the flag tells them apart


def test_a_headline_in_capitals_keeps_its_names(extractors) -> None:
    found = _found(extractors["crf"], "POLICE ARRESTED CARL BERG IN OSLO\nCarl Berg was held.")
    assert ("CARL BERG", "PERSON") in found and ("OSLO", "LOCATION") in found


def test_tokenised_text_joined_by_spaces(extractors) -> None:
    text = "Acme Corp - based Carl Berg 's U.S. - based firm met Ann Lee in Rome ."
    found = _found(extractors["crf"], text)
    assert ("Carl Berg", "PERSON") in found and ("Ann Lee", "PERSON") in found
    assert ("Rome", "LOCATION") in found


def test_a_sports_table(extractors) -> None:
    table = ("Team      P  W  D  L  Pts\nRome      3  2  1  0   7\nOslo      3  1  1  1   4\n"
             "Acme Corp 3  0  0  3   0\n\nAnn Lee scored twice in Rome.")
    found = _found(extractors["crf"], table)
    assert ("Rome", "LOCATION") in found and ("Ann Lee", "PERSON") in found
    assert not any(text.isdigit() for text, _ in found)


def test_every_mention_has_a_kind(extractors) -> None:
    out = extractors["crf"].extract(Document(id="d", text="Ann Lee met Bob Day in Rome."))
    assert out.entities and {m.kind for m in out.entities} == {"named"}


def test_an_unknown_feature_group_is_a_coded_setting_error() -> None:
    import pytest

    from dateline.baselines import get_extractor
    from dateline.schemas import DatelineError

    with pytest.raises(DatelineError) as err:
        get_extractor("crf", features=["word", "colour"])
    assert err.value.code == "bad-setting" and "colour" in str(err.value)
    assert get_extractor("crf", features=["word"]).features == ("word",)


def test_document_consistency_second_pass_trains_saves_and_loads(tmp_path) -> None:
    from baseline_fixtures import TRAIN

    from dateline.baselines.crf import CRFTagger
    from dateline.baselines.crf_features import ALL_GROUPS

    crf = CRFTagger(features=ALL_GROUPS, c2_grid=(0.1,), max_iterations=30, events=False)
    crf.train(TRAIN * 3, TRAIN)
    doc = Document(id="d", text="Carl Berg left Oslo.\nLater Berg and Carl Berg met in Oslo.")
    out = crf.extract(doc)
    assert check_document(out) == [] and ("Oslo", "LOCATION") in [
        (m.text, m.label) for m in out.entities]
    crf.save(tmp_path)
    again = CRFTagger()
    again.load(tmp_path)
    assert again.features == ALL_GROUPS and again.extract(doc) == out
