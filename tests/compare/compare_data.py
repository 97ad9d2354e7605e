"""Synthetic collections for the comparison and report tests: copies of the example document
(all three layers) with seeded, known kinds of errors."""

from __future__ import annotations

import random
from pathlib import Path

from dateline.schemas import Document, LayerInfo, inventory, read_jsonl, write_jsonl

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "valid" / "example.json"
GENRES = ("news", "interview", "opinion")
ATTACK = "Conflict.Attack"
ATTACK_ROLES = frozenset(inventory().event_roles[ATTACK])
# Mentions no event argument or quote speaker refers to: safe to drop.
DROPPABLE = {"m1", "m2", "m4", "m5", "m6", "m8"}
OTHER = {"PERSON": "ORGANIZATION", "LOCATION": "ORGANIZATION", "TIME": "PERSON",
         "ORGANIZATION": "PERSON"}


def example() -> Document:
    doc = next(iter(read_jsonl(EXAMPLE)))
    gold = LayerInfo(status="gold")
    layers = doc.layers.model_copy(update={
        "entities": doc.layers.entities.model_copy(update={"status": "gold"}),
        "events": doc.layers.events.model_copy(update={"status": "gold"}),
        "quotes": gold.model_copy(update={"labels": doc.layers.quotes.labels})})
    return doc.model_copy(update={"layers": layers})


def corpus(n: int, genres: tuple[str, ...] = GENRES) -> list[Document]:
    """``n`` gold documents (the example's text and annotation), genre by position."""
    base = example()
    return [base.model_copy(update={
        "id": f"doc{i:04d}",
        "meta": base.meta.model_copy(update={"genre": genres[i % len(genres)]})})
        for i in range(n)]


def perturb(docs: list[Document], seed: int, p: float) -> list[Document]:
    """Predictions: each entity dropped, relabelled or shifted, each event retyped, each quote
    dropped or given another speaker, each with probability ``p`` (seeded)."""
    rng = random.Random(seed)
    out = []
    for d in docs:
        ents = []
        for m in d.entities:
            r = rng.random()
            if r < p / 3 and m.id in DROPPABLE:
                continue
            if r < 2 * p / 3:
                m = m.model_copy(update={"label": OTHER.get(m.label, "PERSON")})
            elif r < p and m.end - m.start > 2:
                m = m.model_copy(update={"start": m.start + 1, "text": d.text[m.start + 1:m.end]})
            ents.append(m)
        # Retyped events keep the arguments their new type has the role of: valid output.
        events = [e.model_copy(update={"type": ATTACK, "arguments": tuple(
                      a for a in e.arguments if a.role in ATTACK_ROLES)})
                  if rng.random() < p else e for e in d.events]
        quotes = []
        for q in d.quotes:
            r = rng.random()
            if r < p / 2:
                continue
            if r < p and q.speaker is not None:
                q = q.model_copy(update={"speaker": "m10"})
            quotes.append(q)
        labels = tuple(dict.fromkeys((*d.layers.events.labels, ATTACK)))
        layers = d.layers.model_copy(update={
            "events": d.layers.events.model_copy(update={"labels": labels})})
        out.append(d.model_copy(update={"entities": tuple(ents), "events": tuple(events),
                                        "quotes": tuple(quotes), "layers": layers}))
    return out


def bad_inputs(folder: Path) -> dict[str, tuple[Path, Path]]:
    """(gold, predictions) files that every engine refuses, by the problem they have."""
    gold = corpus(12)
    pred = perturb(gold, seed=3, p=0.3)
    write_jsonl(gold, folder / "g.jsonl")
    m = pred[6].entities[0]
    wrong_span = pred[6].model_copy(update={"entities": (m.model_copy(update={"text": "zz"}),
                                                         *pred[6].entities[1:])})
    cases = {"missing": [*pred[:5], *pred[6:], pred[0].model_copy(update={"id": "zzz"})],
             "repeated": [*pred, pred[3]],
             "short": pred[:9],
             "text": [*pred[:4], pred[4].model_copy(update={"text": pred[4].text + "!"}),
                      *pred[5:]],
             "span": [*pred[:6], wrong_span, *pred[7:]]}
    out = {}
    for name, docs in cases.items():
        write_jsonl(docs, folder / f"{name}.jsonl")
        out[name] = (folder / "g.jsonl", folder / f"{name}.jsonl")
    lines = (folder / "g.jsonl").read_text().splitlines(keepends=True)
    (folder / "schema.jsonl").write_text("".join(
        [*lines[:7], '{"id": "doc0007", "text": 5}\n', *lines[8:]]))
    out["schema"] = (folder / "g.jsonl", folder / "schema.jsonl")
    (folder / "empty.jsonl").write_text("")  # no line to cut into shards
    out["empty"] = (folder / "g.jsonl", folder / "empty.jsonl")
    out["empty-gold"] = (folder / "empty.jsonl", folder / "g.jsonl")
    return out
