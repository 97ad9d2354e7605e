"""The crf's external-lexicon feature groups (word frequency, census names, places,
organisation words) and its ``partial`` training setting, on small invented inputs."""

from __future__ import annotations

import pytest

from dateline.baselines.crf import CRFTagger
from dateline.baselines.crf_features import ALL_GROUPS, DEFAULT_GROUPS, token_features
from dateline.baselines.crf_lexicons import GROUPS, external_features
from dateline.baselines.text import tokenize
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention


def _features(text: str, groups: tuple[str, ...]) -> list[list[str]]:
    toks = tokenize(text)
    return token_features(toks, 0, len(toks), groups=groups)


def test_lexicon_groups_are_registered_and_add_features_only_when_on() -> None:
    assert set(GROUPS) <= set(ALL_GROUPS)
    text = "Mary Smith of Acme Corp flew to Boston ."
    plain = _features(text, ("word",))
    rich = _features(text, ("word", *GROUPS))
    assert all(p == r[:len(p)] for p, r in zip(plain, rich, strict=True))
    extra = [r[len(p):] for p, r in zip(plain, rich, strict=True)]
    assert "fn" in extra[0] and "-1fn" in extra[1] and "ln" in extra[1]
    assert "org" in extra[4] and "+1org" in extra[3]
    assert "pl=B-CITY" in extra[7]
    assert all(any(f.startswith("zf=") for f in e) for e in extra)


def test_frequency_tells_a_rare_capitalised_word_from_a_common_one() -> None:
    table, zorv = external_features(["Table", "Zorvath"], ("frequency",))
    assert "czf=r" in zorv and "czf=r" not in table
    assert external_features(["table"], ("frequency",)) == [["zf=" + table[0][3:]]]


def test_names_and_places_need_a_capital_and_follow_headline_case() -> None:
    assert external_features(["mary", "smith", "boston"], ("names", "places")) == [[], [], []]
    loud = _features("POLICE HELD MARY SMITH IN BOSTON", ("places", "names"))
    assert "fn" in loud[2] and "ln" in loud[3] and "pl=B-CITY" in loud[5]


def test_places_longest_match_and_type_priority() -> None:
    words = ["Flights", "from", "New", "York", "to", "France", "and", "Asia"]
    tags = [f[0] if f else "O" for f in external_features(words, ("places",))]
    assert tags == ["O", "O", "pl=B-STATE", "pl=I-STATE", "O", "pl=B-COUNTRY", "O",
                    "pl=B-CONTINENT"]


def test_organisation_words_only_when_capitalised() -> None:
    assert external_features(["the", "company", "said"], ("orgwords",)) == [[], [], []]
    assert external_features(["Zed", "Company", "said"], ("orgwords",))[:2] == [
        ["+1org"], ["org"]]


def _partial_doc() -> Document:
    text = "Ann Lee met Bob Day.\nThe weather was fine.\nZed Inc hired Carl Berg."
    ments = [("Ann Lee", "PERSON"), ("Zed Inc", "ORGANIZATION")]
    ents = tuple(Mention(id=f"m{i}", start=text.index(s), end=text.index(s) + len(s), text=s,
                         label=label) for i, (s, label) in enumerate(ments))
    info = LayerInfo(status="gold", labels=("PERSON", "ORGANIZATION"), coverage="partial",
                     regions=({"start": 0, "end": len(text)},), not_annotated=("kind",))
    return Document(id="p", text=text, entities=ents, layers=Layers(entities=info))


@pytest.mark.parametrize(("partial", "sentences"), [("all", 3), ("mentions", 2), ("none", 0)])
def test_partial_setting_decides_what_a_partial_layer_trains(partial: str,
                                                             sentences: int) -> None:
    from baseline_fixtures import TRAIN

    crf = CRFTagger(c2_grid=(0.1,), max_iterations=10, events=False, kinds=False,
                    partial=partial)
    exhaustive = sum(len(tokenize(d.text).sentences) for d in TRAIN)
    report = crf.train([*TRAIN, _partial_doc()], TRAIN)
    assert report["entities-outer"]["train_sentences"] == exhaustive + sentences


def test_partial_setting_is_checked_saved_and_loaded(tmp_path) -> None:
    from baseline_fixtures import TRAIN

    with pytest.raises(DatelineError) as err:
        CRFTagger(partial="some")
    assert err.value.code == "bad-setting" and "some" in str(err.value)
    groups = (*DEFAULT_GROUPS, *(g for g in GROUPS if g not in DEFAULT_GROUPS))
    crf = CRFTagger(c2_grid=(0.1,), max_iterations=20, events=False, partial="none",
                    features=groups)
    crf.train(TRAIN * 2, TRAIN)
    crf.save(tmp_path)
    again = CRFTagger()
    again.load(tmp_path)
    doc = Document(id="d", text="Mary Smith of Zed Inc met Ann Lee in Boston.")
    assert again.partial == "none" and again.features == groups
    assert again.extract(doc) == crf.extract(doc)
