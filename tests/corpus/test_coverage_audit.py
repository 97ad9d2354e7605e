"""The coverage audit (dateline.audit) on invented documents, its gate in the build, and the
coverage each source claims in the real build."""

import math

import pytest

from dateline.audit import THRESHOLD, audit, check_audit, signals
from dateline.build import build
from dateline.loading import documents
from dateline.schemas import (
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Quote,
    Region,
    Span,
)
from dateline.sources import meantime

# Invented: no word of it comes from a source.
TEXT = ('Mayor Ana Ruiz met Tomas Vell in Porto Verde on Monday. He said: "We will open the '
        'new bridge next spring." The city agreed.')


def span(text, start, end):
    return Span(start=start, end=end, text=text[start:end])


def invented(coverage="exhaustive", regions=None, quotes=True):
    t = TEXT
    mentions = (
        Mention(id="m1", start=0, end=14, text=t[0:14], label="PERSON"),  # Mayor Ana Ruiz
        Mention(id="m2", start=33, end=44, text=t[33:44], label="LOCATION"),  # Porto Verde
        Mention(id="m3", start=57, end=59, text=t[57:59], label="PERSON"),  # He
    )
    content = t.index("We"), t.index('."')
    quote = Quote(id="q1", content=(span(t, *content),), cue=span(t, 60, 64), speaker="m3",
                  kind="direct")
    info = {"status": "gold", "coverage": coverage, "regions": regions}
    return Document(
        id="invented", text=t, entities=mentions,
        events=(Event(id="v1", trigger=span(t, 15, 18)),),  # met
        quotes=(quote,) if quotes else (),
        layers=Layers(entities=LayerInfo(**info), events=LayerInfo(**info),
                      quotes=LayerInfo(**info)))


def test_counts_on_an_invented_document():
    s = signals(invented())
    seqs = s["entities"]["sequences"]
    # "Mayor", "He", "We", "The" open a sentence or a quotation; "Monday" is a day name.
    assert (seqs.candidates, seqs.missed) == (3, 1)  # Ana Ruiz, Tomas Vell, Porto Verde
    assert dict(seqs.examples) == {"Tomas Vell": 1}
    assert (s["entities"]["pronouns"].candidates, s["entities"]["pronouns"].missed) == (1, 0)
    sentences = s["entities"]["sentences"]
    assert (sentences.candidates, sentences.missed) == (1, 1)  # one sentence has names
    assert (s["events"]["keywords"].candidates, s["events"]["keywords"].missed) == (1, 0)
    assert (s["quotes"]["quotations"].candidates, s["quotes"]["quotations"].missed) == (1, 0)
    unquoted = signals(invented(quotes=False))["quotes"]["quotations"]
    assert (unquoted.candidates, unquoted.missed) == (1, 1)


def test_only_the_regions_are_audited():
    second = TEXT.index("He said")
    doc = invented(regions=(Region(start=second, end=len(TEXT)),))
    s = signals(doc)
    assert s["entities"]["sequences"].candidates == 0
    assert s["quotes"]["quotations"].candidates == 1
    assert signals(invented(regions=()))["entities"]["sequences"].candidates == 0


def test_report_groups_by_source_layer_and_coverage():
    report = audit({"toy": [invented(), invented("partial")]})
    ents = report["toy"]["entities"]
    assert set(ents) == {"exhaustive", "partial"}
    assert ents["exhaustive"] == {"documents": 1, "candidates": 3, "missed": 1, "rate": 0.3333,
                                  "details": ents["exhaustive"]["details"]}
    assert ents["exhaustive"]["details"]["pronouns"] == {"candidates": 1, "missed": 0,
                                                         "rate": 0.0}


def planted(n=10):
    """A source whose exhaustive entity layer annotates one name of each sentence."""
    parts, mentions = [], []
    pos = 0
    for i in range(n):
        sentence = f"Then Alma Korv{i} met Bertil Sand{i} in Odessa Vale."
        a = pos + len("Then ")
        mentions.append(Mention(id=f"m{i}", start=a, end=a + len(f"Alma Korv{i}"),
                                text=f"Alma Korv{i}", label="PERSON"))
        parts.append(sentence)
        pos += len(sentence) + 1
    text = " ".join(parts)
    return Document(id="planted", text=text, entities=tuple(mentions),
                    layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))


def test_a_planted_incomplete_exhaustive_layer_is_refused():
    report = audit({"planted": [planted()]})
    fig = report["planted"]["entities"]["exhaustive"]
    assert (fig["candidates"], fig["missed"]) == (30, 20)
    with pytest.raises(DatelineError) as exc:
        check_audit(report, {})
    assert exc.value.code == "coverage-audit-failed"
    assert exc.value.where == "source planted, layer entities (1 documents)"
    assert "20 of 30" in exc.value.message and "2%" in exc.value.message
    assert "partial" in exc.value.fix and "audit_exemptions" in exc.value.fix
    with pytest.raises(DatelineError):  # an exemption of another layer does not count
        check_audit(audit({"planted": [planted()]}), {"planted": {"events": "x"}})


def test_a_named_exemption_accepts_it():
    reason = "the layer marks the first person of each sentence only"
    report = check_audit(audit({"planted": [planted()]}), {"planted": {"entities": reason}})
    fig = report["planted"]["entities"]["exhaustive"]
    assert (fig["verdict"], fig["exemption"]) == ("exempt", reason)


def test_partial_layers_are_not_gated():
    doc = planted()
    doc = doc.model_copy(update={"layers": Layers(entities=LayerInfo(
        status="gold", labels=("PERSON",), coverage="partial"))})
    report = check_audit(audit({"planted": [doc]}), {})
    assert report["planted"]["entities"]["partial"]["verdict"] == "not gated (partial)"


def test_the_build_refuses_meantime_claiming_exhaustive(tmp_path, sources_dir, make_corpus,
                                                      monkeypatch):
    monkeypatch.setitem(meantime.COVERAGE, "entities", "exhaustive")
    corpus = make_corpus(tmp_path / "corpus")
    with pytest.raises(DatelineError) as exc:
        build(corpus, sources_dir)
    assert exc.value.code == "coverage-audit-failed"
    assert exc.value.where.startswith("source meantime, layer entities")


# --------------------------------------------------------------------------- the real build


def all_docs(corpus):
    return [d for sp in ("train", "validation", "test") for d in documents(sp, corpus=corpus)]


def test_each_source_claims_the_coverage_it_can_show(built):
    corpus, result = built
    for d in all_docs(corpus):
        layers = d.layers
        claims = (layers.entities.coverage, layers.events.coverage, layers.quotes.coverage)
        if d.meta.collection == "meantime":
            assert claims[:2] == ("partial", "partial")
            assert layers.entities.regions is not None and layers.quotes.status == "absent"
        elif d.meta.collection == "gum":
            assert claims == ("exhaustive", "partial", "partial")
        else:
            assert claims == ("exhaustive", "exhaustive", "exhaustive")
    sources = result.stats["coverage_audit"]["sources"]
    assert set(sources["meantime"]["entities"]) == set(sources["meantime"]["events"]) == {
        "partial"}
    assert sources["meantime"]["entities"]["partial"]["rate"] > 0.3


def test_threshold_follows_its_rule_on_gum(built):
    _, result = built
    audit_stats = result.stats["coverage_audit"]
    assert audit_stats["threshold"] == THRESHOLD
    gum = audit_stats["sources"]["gum"]["entities"]["exhaustive"]
    assert gum["verdict"] == "pass" and gum["candidates"] > 2000
    # THRESHOLD: three times GUM's entity rate, rounded up to a whole percent.
    assert math.ceil(3 * gum["rate"] * 100) / 100 == THRESHOLD
    for layers in audit_stats["sources"].values():
        for groups in layers.values():
            fig = groups.get("exhaustive")
            if fig is not None:
                assert fig["verdict"] == "pass" or (fig["verdict"] == "exempt"
                                                    and fig["exemption"])
