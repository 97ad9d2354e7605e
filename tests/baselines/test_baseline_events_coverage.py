"""events-rules predicts only what the gold covers: its event types, roles of the type, and
no type or argument where the gold annotates none."""

from __future__ import annotations

import pytest

from dateline.baselines import Coverage, gold_coverage, tell_coverage
from dateline.baselines.events import EventRules, event_keywords
from dateline.benchmark import benchmark
from dateline.evaluation.events import score_events
from dateline.schemas import (
    DatelineError,
    Document,
    Event,
    LayerInfo,
    Layers,
    Span,
    check_document,
    inventory,
    read_jsonl,
)


def every_keyword_text() -> str:
    """One invented sentence per trigger keyword, with people, places, times around it."""
    return " ".join(f"On Monday in Paris, Ann Lee met Bo Chan and the minister {form} the "
                    "Acme Corp group and Cy Dee in Rome." for form in event_keywords()["triggers"])


TEXT = "Ann Lee was arrested in Homs on Monday. Rebels attacked the town. She married Bo."


def _gold(labels: tuple[str, ...], not_annotated: tuple[str, ...] = (), status: str = "gold",
          events: tuple[Event, ...] = ()) -> Document:
    return Document(id="g", text=TEXT, events=events, layers=Layers(events=LayerInfo(
        status=status, labels=labels, not_annotated=not_annotated)))


def test_gold_coverage_unions_labels_and_intersects_missing_parts() -> None:
    a = _gold(("Conflict.Attack",), ("arguments",))
    b = _gold(("Life.Marry",), ("arguments", "attributes"))
    untyped = _gold((), ("type", "arguments"))
    cov = gold_coverage([a, b, untyped], ("gold",))["events"]
    assert cov == Coverage(frozenset({"Conflict.Attack", "Life.Marry"}), frozenset({"arguments"}),
                           documents=3)
    # A typed layer listing no labels covers every type; untyped only: no type at all.
    assert gold_coverage([a, _gold(())], ("gold",))["events"].labels is None
    assert gold_coverage([untyped], ("gold",))["events"] == Coverage(
        frozenset(), frozenset({"type", "arguments"}), documents=1)
    # Layers of other statuses are not scored, so they do not count.
    assert gold_coverage([_gold(("Life.Marry",), status="draft")], ("gold",))["events"] == \
        Coverage()


def test_no_document_scored_is_told_apart_from_any_label() -> None:
    any_label = gold_coverage([_gold(())], ("gold",))["events"]
    assert any_label.labels is None and any_label.scored and any_label.documents == 1
    for gold, statuses in (([], ("gold",)), ([_gold(("Life.Marry",), status="draft")], ("gold",)),
                           ([Document(id="x", text=TEXT)], ("gold", "absent"))):
        nothing = gold_coverage(gold, statuses)["events"]
        assert nothing.labels is None and not nothing.scored


def test_the_benchmark_scores_the_layers_gold_coverage_says_are_scored(tmp_path) -> None:
    # An absent layer is never scored, even when --status names absent: no task of 0 documents.
    absent = Document(id="e", text='Bo said: "We lost."')
    for statuses in (("gold",), ("gold", "absent")):
        r = benchmark(["quote-marks"], gold=[absent], statuses=statuses, resamples=10,
                      trials=10, output_dir=tmp_path / "-".join(statuses))
        assert not gold_coverage([absent], statuses)["quotes"].scored
        assert r["extractors"]["quote-marks"]["scores"] == {} and r["comparison"] == {}


def test_only_covered_types_are_predicted() -> None:
    rules = EventRules()
    assert {e.type for e in rules.extract(Document(id="d", text=TEXT)).events} == {
        "Justice.Arrest-Jail", "Conflict.Attack", "Life.Marry"}
    assert tell_coverage(rules, gold_coverage([_gold(("Conflict.Attack",))], ("gold",)))
    out = rules.extract(Document(id="d", text=TEXT))
    assert [(e.trigger.text, e.type) for e in out.events] == [("attacked", "Conflict.Attack")]
    assert out.layers.events.labels == ("Conflict.Attack",)
    assert check_document(out) == []


def test_untyped_learned_triggers_are_dropped_against_typed_gold() -> None:
    rules = EventRules()
    rules.learned = {"left": (5, 5, None)}
    rules._trained = True
    doc = Document(id="d", text="Ann Lee left Oslo and attacked it.")
    assert [e.type for e in rules.extract(doc).events] == [None, "Conflict.Attack"]
    rules.cover({"events": Coverage(frozenset(inventory().event_types))})
    assert [e.type for e in rules.extract(doc).events] == ["Conflict.Attack"]


def test_untyped_gold_gets_untyped_triggers_without_arguments() -> None:
    rules = EventRules()
    rules.cover(gold_coverage([_gold((), ("type", "arguments"))], ("gold",)))
    out = rules.extract(Document(id="d", text=TEXT))
    assert [(e.trigger.text, e.type, e.arguments) for e in out.events] == [
        ("arrested", None, ()), ("attacked", None, ()), ("married", None, ())]
    assert out.entities == () and out.layers.events.labels == ()


def test_no_arguments_where_no_gold_annotates_them() -> None:
    rules = EventRules()
    rules.cover({"events": Coverage(None, frozenset({"arguments"}))})
    out = rules.extract(Document(id="d", text=TEXT))
    assert out.events and all(e.arguments == () for e in out.events)


def test_every_argument_role_is_allowed_for_its_type() -> None:
    # One invented sentence per trigger keyword, with people, places, times and money around.
    doc = Document(id="d", text=every_keyword_text())
    out = EventRules().extract(doc)
    roles = inventory().event_roles
    assert {e.type for e in out.events} == set(event_keywords()["triggers"].values())
    assert any(e.arguments for e in out.events)
    for e in out.events:
        for a in e.arguments:
            assert a.role in roles[e.type], (e.trigger.text, e.type, a.role)
            label = out.mention(a.mention).label
            assert label in event_keywords()["role_labels"][a.role]
    assert check_document(out) == []


def test_types_setting_is_checked_and_restricts() -> None:
    with pytest.raises(DatelineError) as err:
        EventRules(types=["Conflict.Atack"])
    assert err.value.code == "bad-setting" and "Conflict.Atack" in err.value.message
    out = EventRules(types=["Life.Marry"]).extract(Document(id="d", text=TEXT))
    assert [e.type for e in out.events] == ["Life.Marry"]


def test_benchmark_tells_the_extractor_what_the_gold_covers(tmp_path, monkeypatch) -> None:
    attack = Event(id="e1", type="Conflict.Attack", trigger=Span(start=47, end=55,
                                                                  text="attacked"))
    gold = _gold(("Conflict.Attack",), ("arguments",), events=(attack,))
    # Its keyword lists only: no model is trained or loaded for these given documents.
    monkeypatch.setattr("dateline.protocols.prepare", lambda *a, **k: None)
    rules = EventRules()
    report = benchmark([rules], gold=[gold], output_dir=tmp_path, resamples=10, trials=10)
    scores = report["extractors"]["events-rules"]["scores"]["events"]["scores"]
    assert scores["trigger_classification.f1"] == 1.0
    # "arrested" and "married" are types the gold does not cover: never predicted.
    (pred,) = read_jsonl(tmp_path / "events-rules.jsonl")
    assert [(e.type, e.arguments) for e in pred.events] == [("Conflict.Attack", ())]


def test_founding_article_draft_events_sanity(corpus_env) -> None:
    """Draft layer, a sanity check only (one hand-written article of the test split, never
    used to choose anything): the keyword rules find its typed events."""
    from dateline.loading import documents

    drafts = [d for d in documents("test") if d.layers.events.status == "draft"]
    assert drafts and all(d.layers.events.labels for d in drafts)
    rules = EventRules()
    rules.cover(gold_coverage(drafts, ("draft",)))
    preds = [rules.extract(Document(id=d.id, text=d.text)) for d in drafts]
    allowed = set(drafts[0].layers.events.labels)
    assert all(e.type in allowed for p in preds for e in p.events)
    s = score_events(drafts, preds, statuses=("draft",))
    assert s.metric("trigger_classification")["f1"] >= 0.5
    assert s.metric("argument_classification")["counts"]["tp"] > 0
