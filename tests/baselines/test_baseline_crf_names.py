"""The crf's name models (``named``) and name propagation (``propagate``), on invented text."""

from __future__ import annotations

from typing import Any

import pytest

from dateline.baselines.crf import CRFTagger
from dateline.baselines.crf_tagging import PROPAGATED, propagate, tag_sentences
from dateline.schemas import DatelineError, Document, LayerInfo, Layers, Mention

TEXT = "Ann Lee met the mayor of Rome in Oslo."


def _gold(i: int) -> Document:
    spans = [(0, 7, "PERSON", "named"), (12, 29, "PERSON", "nominal"),
             (25, 29, "LOCATION", "named"), (33, 37, "LOCATION", "named")]
    return Document(id=f"g{i}", text=TEXT, entities=tuple(
        Mention(id=f"m{j}", start=s, end=e, text=TEXT[s:e], label=lab, kind=kind)
        for j, (s, e, lab, kind) in enumerate(spans)),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON", "LOCATION"))))


class _Stub:
    """A tagger that gives each token the tag of its word (``O`` for others): the first
    feature, or the ``w=`` feature of a CRFsuite item sequence."""

    def __init__(self, tags: dict[str, str]) -> None:
        self.tags = tags

    def tag(self, feats: Any) -> list[str]:
        if hasattr(feats, "items"):  # pycrfsuite.ItemSequence
            feats = [[k[2:] for k in item if k.startswith("w=")] for item in feats.items()]
        return [self.tags.get(f[0], "O") for f in feats]


def test_name_models_train_on_named_mentions_only_and_tag_nested_names() -> None:
    crf = CRFTagger(c2_grid=(0.1,), events=False, named="add")
    report = crf.train([_gold(i) for i in range(5)], [_gold(9)])
    assert {"named-outer", "named-inner"} <= set(report)
    assert report["named-outer"]["labels"] == ["LOCATION", "PERSON"]  # no nominal PERSON
    found = {(m.text, m.label, m.kind) for m in crf.extract(Document(id="d", text=TEXT)).entities}
    assert {("Ann Lee", "PERSON", "named"), ("Rome", "LOCATION", "named"),
            ("Oslo", "LOCATION", "named")} <= found


def test_name_model_spans_are_named_and_decide_makes_the_others_nominal() -> None:
    from dateline.baselines.text import tokenize

    taggers = {"entities-outer": _Stub({"Ann": "B-PERSON", "Lee": "I-PERSON",
                                        "Oslo": "B-LOCATION"}),
               "kinds-outer": _Stub({"Ann": "B-named", "Lee": "I-named", "Oslo": "B-named"}),
               "named-outer": _Stub({"Oslo": "B-ORGANIZATION", "Rome": "B-LOCATION"})}
    feats = [[["Ann"], ["Lee"], ["met"], ["Rome"], ["in"], ["Oslo"], ["."]]]
    tagged = tag_sentences(taggers, ("entities-outer",), feats, [0], events=False)[0]
    assert ("named-outer", 3, 4, "LOCATION", "named") in tagged
    doc = Document(id="d", text="Ann Lee met Rome in Oslo.")
    for named, want, oslo in (("add", "named", "LOCATION"), ("decide", "nominal", "LOCATION"),
                              ("decide-label", "nominal", "ORGANIZATION")):
        crf = CRFTagger(named=named)
        crf._taggers, crf._labels = taggers, {"entities": ("LOCATION", "ORGANIZATION", "PERSON")}
        found = {m.text: (m.label, m.kind)
                 for m in crf._read(doc, tokenize(doc.text), tagged).entities}
        # "Ann Lee" only the entity model's kind model calls named; "Oslo" both, and the
        # entity model's label stands unless ``decide-label``.
        assert found == {"Ann Lee": ("PERSON", want), "Rome": ("LOCATION", "named"),
                         "Oslo": (oslo, "named")}


def test_propagate_repeats_names_and_surnames_where_nothing_was_tagged() -> None:
    words = ["Ann", "Lee", "met", "Carl", "Berg", "in", "Oslo", ".", "Lee", ",", "Berg", "and",
             "Oslo", ":", "Berg", "Hall"]
    tagged = [("entities-outer", 0, 2, "PERSON", "named"),
              ("entities-outer", 3, 5, "PERSON", "nominal"),  # not a name: not repeated
              ("entities-outer", 6, 7, "LOCATION", "named"),
              ("entities-inner", 14, 16, "ORGANIZATION", "named"),  # "Berg Hall" is taken
              ("events", 2, 3, "MEET", None)]
    assert propagate(words, tagged) == [(PROPAGATED, 8, 9, "PERSON", "named"),
                                        (PROPAGATED, 12, 13, "LOCATION", "named")]
    # With ``decide``, only the name models' spans are names.
    assert propagate(words, tagged, names_only=True) == []
    assert propagate(words, [("named-inner", 6, 7, "LOCATION", "named")],
                     names_only=True) == [(PROPAGATED, 12, 13, "LOCATION", "named")]
    assert propagate(["ann", "lee"], [("named-inner", 0, 2, "PERSON", "named")]) == []


class _FirstOnly(_Stub):
    """A stub tagger that tags only the first sentence it is given."""

    def tag(self, feats: Any) -> list[str]:
        self.calls = getattr(self, "calls", 0) + 1
        return super().tag(feats) if self.calls == 1 else ["O"] * len(feats)


def test_propagated_names_reach_the_output() -> None:
    doc = Document(id="d", text="Ann Lee met Rome.\nLater Lee left Rome.")
    for propagate_names, want in ((False, 2), (True, 4)):
        crf = CRFTagger(propagate=propagate_names, named="off", kinds=True)
        crf._taggers = {"entities-outer": _FirstOnly({"Ann": "B-PERSON", "Lee": "I-PERSON",
                                                      "Rome": "B-LOCATION"}),
                        "kinds-outer": _Stub({"Ann": "B-named", "Lee": "I-named",
                                              "Rome": "B-named"})}
        crf._labels, crf._use = {"entities": ("LOCATION", "PERSON")}, ("entities-outer",)
        found = [(m.text, m.label, m.kind) for m in crf.extract(doc).entities]
        assert len(found) == want
        if propagate_names:
            assert found[2:] == [("Lee", "PERSON", "named"), ("Rome", "LOCATION", "named")]


def test_name_settings_survive_a_round_trip(tmp_path) -> None:
    crf = CRFTagger(c2_grid=(0.1,), events=False, named="decide", propagate=True)
    crf.train([_gold(i) for i in range(5)], [_gold(9)])
    crf.save(tmp_path)
    again = CRFTagger()
    again.load(tmp_path)
    assert (again.named, again.propagate) == ("decide", True)
    doc = Document(id="d", text="Ann Lee met the mayor of Rome in Oslo.\nLater Lee left Oslo.")
    assert again.extract(doc) == crf.extract(doc)


def test_an_unknown_named_setting_is_a_bad_setting() -> None:
    with pytest.raises(DatelineError, match=r"bad-setting.*unknown named 'all'"):
        CRFTagger(named="all")


def test_without_kind_models_the_name_models_and_the_pronoun_table_give_the_kinds() -> None:
    text = "Ann Lee met the mayor of Rome. She left Oslo."
    spans = [(0, 7, "PERSON", "named"), (12, 29, "PERSON", "nominal"),
             (25, 29, "LOCATION", "named"), (31, 34, "PERSON", "pronoun"),
             (40, 44, "LOCATION", "named")]
    gold = Document(id="g", text=text, entities=tuple(
        Mention(id=f"m{j}", start=s, end=e, text=text[s:e], label=lab, kind=kind)
        for j, (s, e, lab, kind) in enumerate(spans)),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON", "LOCATION"))))
    crf = CRFTagger(c2_grid=(0.1,), events=False, named="decide", kinds=False)
    report = crf.train([gold] * 5, [gold])
    assert not any(m.startswith("kinds-") for m in report)
    found = {(m.text, m.kind) for m in crf.extract(Document(id="d", text=text)).entities}
    assert {("Ann Lee", "named"), ("She", "pronoun"), ("Oslo", "named")} <= found
    assert all(kind in ("named", "nominal", "pronoun") for _, kind in found)


def test_capitalised_spans_no_name_model_tagged_are_named_with_the_setting() -> None:
    from dateline.baselines.text import tokenize

    taggers = {"entities-outer": _Stub({"Scientists": "B-PERSON", "Acme": "B-ORGANIZATION",
                                        "Corp": "I-ORGANIZATION", "the": "B-PERSON",
                                        "chemists": "I-PERSON"}),
               "named-outer": _Stub({})}
    doc = Document(id="d", text="Scientists at Acme Corp met the chemists.")
    toks = tokenize(doc.text)
    feats = [[[w] for w in toks.words]]
    tagged = tag_sentences(taggers, ("entities-outer",), feats, [0], events=False)[0]
    for setting, acme in ((False, "nominal"), (True, "named")):
        crf = CRFTagger(capitalised=setting)
        crf._taggers = taggers
        crf._labels = {"entities": ("ORGANIZATION", "PERSON")}
        kinds = {m.text: m.kind for m in crf._read(doc, toks, tagged).entities}
        assert kinds == {"Scientists": "nominal", "Acme Corp": acme, "the chemists": "nominal"}


def test_guessed_names_of_a_layer_without_kinds_train_the_name_models() -> None:
    from dateline.baselines.crf_data import training_sequences

    text = "Ann Lee paid the mayor $5 in Rome.\nIt rained."
    spans = [(0, 7, "PERSON"), (13, 22, "PERSON"), (23, 25, "FINANCIAL"), (29, 33, "LOCATION")]
    doc = Document(id="p", text=text, entities=tuple(
        Mention(id=f"m{j}", start=s, end=e, text=text[s:e], label=lab)
        for j, (s, e, lab) in enumerate(spans)),
        layers=Layers(entities=LayerInfo(status="gold", coverage="partial",
                                          not_annotated=("kind",),
                                          labels=("PERSON", "LOCATION", "FINANCIAL"))))
    assert list(training_sequences([doc], "named", {}, features=("word",))) == []
    guessed = [tags for _, tags in training_sequences([doc], "named", {}, features=("word",),
                                                       guessed=True)]
    # Only the capitalised core-label mentions, only the sentence that holds one.
    assert guessed == [["B-PERSON", "I-PERSON", "O", "O", "O", "O", "O", "O", "B-LOCATION",
                        "O"]]


def test_bilou_name_models_train_on_bilou_tags_and_read_back_as_bio(tmp_path) -> None:
    from dateline.baselines.crf_tagging import BilouReader, to_bilou

    assert to_bilou(["I-X", "O", "B-X"]) == ["L-X", "O", "U-X"]  # a stray I- ends as L-
    crf = CRFTagger(c2_grid=(0.1,), events=False, scheme="bilou")
    report = crf.train([_gold(i) for i in range(5)], [_gold(9)])
    assert isinstance(crf._taggers["named-outer"], BilouReader)
    assert isinstance(crf._taggers["entities-outer"], type(crf._taggers["named-outer"].tagger))
    assert set(crf._taggers["named-outer"].tagger.labels()) >= {"U-LOCATION", "L-PERSON"}
    assert report["named-outer"]["labels"] == ["LOCATION", "PERSON"]
    doc = Document(id="d", text=TEXT)
    found = {(m.text, m.label, m.kind) for m in crf.extract(doc).entities}
    assert {("Ann Lee", "PERSON", "named"), ("Oslo", "LOCATION", "named")} <= found
    crf.save(tmp_path)
    again = CRFTagger()
    again.load(tmp_path)
    assert again.scheme == "bilou" and isinstance(again._taggers["named-inner"], BilouReader)
    assert again.extract(doc) == crf.extract(doc)
    with pytest.raises(DatelineError, match=r"bad-setting.*unknown scheme 'iob'"):
        CRFTagger(scheme="iob")
