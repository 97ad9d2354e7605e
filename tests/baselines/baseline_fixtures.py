"""Helpers of the baseline tests: a tiny hand-written training set and the extractor names."""

from __future__ import annotations

from dateline.schemas import (
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Span,
)


def gold_doc(doc_id: str, text: str, mentions: list[tuple[str, str]],
             triggers: list[tuple[str, str | None]]) -> Document:
    """A gold Document whose mentions and triggers are given as (substring, label)."""
    ents, events, pos = [], [], 0
    for i, (sub, label) in enumerate(mentions):
        start = text.index(sub)
        ents.append(Mention(id=f"m{i}", start=start, end=start + len(sub), text=sub,
                            label=label, kind="named"))
    for i, (sub, etype) in enumerate(triggers):
        start = text.index(sub, pos)
        events.append(Event(id=f"e{i}", trigger=Span(start=start, end=start + len(sub),
                                                     text=sub), type=etype))
    labels = tuple(sorted({m.label for m in ents}))
    types = tuple(sorted({e.type for e in events if e.type}))
    return Document(id=doc_id, text=text, entities=tuple(ents), events=tuple(events),
                    layers=Layers(entities=LayerInfo(status="gold", labels=labels),
                                  events=LayerInfo(status="gold", labels=types)))


TRAIN = [
    gold_doc("t1", "Ann Lee met Bob Day in Rome on Monday.",
             [("Ann Lee", "PERSON"), ("Bob Day", "PERSON"), ("Rome", "LOCATION")],
             [("met", "Contact.Meet")]),
    gold_doc("t2", "Acme Corp bought Zed Inc for a lot.",
             [("Acme Corp", "ORGANIZATION"), ("Zed Inc", "ORGANIZATION")],
             [("bought", "Transaction.Transfer-Ownership")]),
    gold_doc("t3", "Police arrested Carl Berg in Oslo.",
             [("Carl Berg", "PERSON"), ("Oslo", "LOCATION")],
             [("arrested", "Justice.Arrest-Jail")]),
    gold_doc("t4", "The summit in Paris ended. Dana Cole left Paris.",
             [("Paris", "LOCATION"), ("Dana Cole", "PERSON")],
             [("summit", "Contact.Meet"), ("left", None)]),
]

NAMES = ("quotes-rules", "events-rules", "crf", "lexicon", "quote-marks", "spacy")
