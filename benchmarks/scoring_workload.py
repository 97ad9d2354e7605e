"""The standard scoring workload of the scoring issue, generated in memory.

20,000 documents of 60-140 tokens (about 2,000,000 tokens), about 150,000 flat gold entities in
six types (1-4 tokens, at least 2 tokens apart), and system A's predictions: 80% kept, 6% wrong
type, 7% one boundary shifted by one token, 7% dropped, plus about 4% spurious one-token
entities. Offsets are token offsets, spans half-open ``[start, end)``; to score character
offsets, map token ``i`` to characters ``[2i, 2i + 1)`` (see :func:`to_documents`).

Generated with a fixed seed (13): the same call always gives the same data (147,823 gold,
141,202 predicted).
"""

from __future__ import annotations

import random

TYPES = ["PER", "ORG", "LOC", "GPE", "DATE", "MISC"]

Span = tuple[int, int, str]


def generate(n_docs: int = 20000, seed: int = 13) -> dict:
    """Documents as ``{"n": tokens, "gold": [(s, e, type)], "pred": [...]}`` plus ``meta``."""
    rng = random.Random(seed)
    docs = []
    n_gold = n_pred = n_tok = 0
    kinds = {"keep": 0, "type": 0, "boundary": 0, "drop": 0, "spurious": 0}
    for _ in range(n_docs):
        n = rng.randint(60, 140)
        gold, pos = [], 0
        while True:
            pos += rng.randint(2, 19)
            length = rng.choice([1, 1, 2, 2, 2, 3, 4])
            if pos + length + 1 >= n:
                break
            gold.append((pos, pos + length, rng.choice(TYPES)))
            pos += length
        occupied = set()
        for s, e, _t in gold:
            occupied.update(range(s - 1, e + 1))
        pred = []
        for s, e, t in gold:
            r = rng.random()
            if r < 0.80:
                pred.append((s, e, t))
                kinds["keep"] += 1
            elif r < 0.86:
                pred.append((s, e, rng.choice([x for x in TYPES if x != t])))
                kinds["type"] += 1
            elif r < 0.93:
                if rng.random() < 0.5 and e - s > 1:
                    pred.append((s + 1, e, t) if rng.random() < 0.5 else (s, e - 1, t))
                else:
                    pred.append((s, e + 1, t))
                kinds["boundary"] += 1
            else:
                kinds["drop"] += 1
        for _k in range(len(gold)):
            if rng.random() < 0.04:
                s = rng.randrange(0, n - 1)
                if s not in occupied and s + 1 not in occupied:
                    pred.append((s, s + 1, rng.choice(TYPES)))
                    kinds["spurious"] += 1
                    occupied.update((s, s + 1))
        pred.sort()
        docs.append({"n": n, "gold": gold, "pred": pred})
        n_gold += len(gold)
        n_pred += len(pred)
        n_tok += n
    meta = {"docs": n_docs, "tokens": n_tok, "gold": n_gold, "pred": n_pred,
            "perturb": kinds, "seed": seed}
    return {"meta": meta, "docs": docs}


def to_bio(n: int, spans: list[Span]) -> list[str]:
    """IOB2 tags of one document."""
    tags = ["O"] * n
    for s, e, t in spans:
        tags[s] = "B-" + t
        for i in range(s + 1, e):
            tags[i] = "I-" + t
    return tags


def to_documents(docs: list[dict]) -> tuple[list, list]:
    """Gold and predicted Documents (built with ``model_construct``, i.e. without validation;
    token ``i`` is the character range ``[2i, 2i + 1)`` of a text of ``x`` separated by
    spaces)."""
    from dateline.schemas import Document, LayerInfo, Layers, Mention

    layers = Layers(entities=LayerInfo(status="gold"))
    gold_docs, pred_docs = [], []
    for k, d in enumerate(docs):
        text = " ".join("x" * d["n"])
        for side, out in (("gold", gold_docs), ("pred", pred_docs)):
            ents = tuple(Mention.model_construct(id=f"m{i}", start=2 * s, end=2 * e - 1,
                                                 text="", label=t, kind=None, entity=None,
                                                 link=None, source_label=None)
                         for i, (s, e, t) in enumerate(d[side]))
            out.append(Document.model_construct(id=f"doc{k}", text=text, entities=ents,
                                                events=(), quotes=(), layers=layers))
    return gold_docs, pred_docs
