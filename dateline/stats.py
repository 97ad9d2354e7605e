"""Corpus statistics: counts per split and source (documents, tokens, mentions by label and
kind, clusters, quotes by kind, events), the table ``dateline corpus stats`` prints, and the BIO
tags of the ``tokens`` config.

>>> from dateline.schemas import Document, Mention
>>> d = Document(id="d", text="Ann ran.", entities=(
...     Mention(id="m", start=0, end=3, text="Ann", label="PERSON", kind="named"),))
>>> stats_for([d], {"d": [(0, 3), (4, 7), (7, 8)]})["mentions"]["total"]
1
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from dateline.schemas import Document, inventory

__all__ = ["bio_tags", "named_core", "ner_ready", "outermost_mentions", "render_stats_table",
           "stats_for"]



def bio_tags(tokens: list[tuple[int, int]], spans: list[tuple[int, int, str]]) -> list[str]:
    """BIO tags of ``tokens`` for non-overlapping ``spans``; a token belongs to a span when it
    starts inside it.

    >>> bio_tags([(0, 3), (4, 6)], [(4, 6, "LOCATION")])
    ['O', 'B-LOCATION']
    """
    tags = ["O"] * len(tokens)
    for start, end, label in spans:
        inside = [i for i, (a, _) in enumerate(tokens) if start <= a < end]
        for k, i in enumerate(inside):
            tags[i] = f"{'B' if k == 0 else 'I'}-{label}"
    return tags


def named_core(doc: Document) -> list[tuple[int, int, str]]:
    """Named mentions of the core labels; nested ones dropped (outermost wins).

    >>> from dateline.schemas import Mention
    >>> d = Document(id="d", text="New York Times", entities=(
    ...     Mention(id="a", start=0, end=14, text="New York Times", label="ORGANIZATION",
    ...             kind="named"),
    ...     Mention(id="b", start=0, end=8, text="New York", label="LOCATION", kind="named")))
    >>> named_core(d)
    [(0, 14, 'ORGANIZATION')]
    """
    return outermost_mentions(doc, inventory().core_entity_labels, ("named",))


def outermost_mentions(doc: Document, labels: Iterable[str],
                       kinds: Iterable[str | None] | None) -> list[tuple[int, int, str]]:
    """Mentions of ``labels`` and ``kinds`` (None: every kind) as ``(start, end, label)``,
    sorted; a mention inside or overlapping an earlier, longer one is dropped.

    >>> from dateline.schemas import Mention
    >>> d = Document(id="d", text="the New York mayor", entities=(
    ...     Mention(id="a", start=0, end=18, text="the New York mayor", label="PERSON",
    ...             kind="nominal"),
    ...     Mention(id="b", start=4, end=12, text="New York", label="LOCATION", kind="named")))
    >>> outermost_mentions(d, ["PERSON", "LOCATION"], None)
    [(0, 18, 'PERSON')]
    >>> outermost_mentions(d, ["PERSON", "LOCATION"], ["named"])
    [(4, 12, 'LOCATION')]
    """
    wanted, allowed = set(labels), None if kinds is None else set(kinds)
    cands = sorted((m.start, -m.end, m.label) for m in doc.entities
                   if m.label in wanted and (allowed is None or m.kind in allowed))
    out: list[tuple[int, int, str]] = []
    for start, neg_end, label in cands:
        if out and start < out[-1][1]:
            continue
        out.append((start, -neg_end, label))
    return out


def ner_ready(doc: Document) -> bool:
    """Documents fit for the tokens config: a whole-text entity layer of exhaustive coverage
    covering the core labels, with mention kinds (so 'named' is known).

    >>> from dateline.schemas import LayerInfo, Layers
    >>> ner_ready(Document(id="d", text="", layers=Layers(entities=LayerInfo(status="gold"))))
    False
    """
    info = doc.layers.entities
    return (info.status != "absent" and info.regions is None and info.coverage == "exhaustive"
            and set(inventory().core_entity_labels) <= set(info.labels)
            and any(m.kind is not None for m in doc.entities))


def stats_for(docs: list[Document], tokens: dict[str, list[tuple[int, int]]]) -> dict[str, Any]:
    """Counts over some documents: documents, tokens, mentions by label and kind, clusters,
    quotes by kind, events.

    >>> stats_for([Document(id="d", text="Hi there")], {"d": [(0, 2), (3, 8)]})["tokens"]
    2
    """
    by_label: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    quotes: Counter[str] = Counter()
    events: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    clusters = n_core = with_cue = with_speaker = 0
    for d in docs:
        for m in d.entities:
            by_label[m.label] += 1
            by_kind[m.kind or "null"] += 1
        n_core += len(named_core(d))
        clusters += len({m.entity for m in d.entities if m.entity})
        for q in d.quotes:
            quotes[q.kind] += 1
            with_cue += q.cue is not None
            with_speaker += q.speaker is not None or q.speaker_span is not None
        for e in d.events:
            events[e.source_label or "null"] += 1
        for layer in ("entities", "events", "quotes"):
            statuses[f"{layer}:{getattr(d.layers, layer).status}"] += 1
    return {
        "documents": len(docs),
        "tokens": sum(len(tokens[d.id]) for d in docs),
        "mentions": {"total": sum(by_label.values()), "by_label": dict(sorted(by_label.items())),
                     "by_kind": dict(sorted(by_kind.items())),
                     "named_core_outermost": n_core},
        "clusters": clusters,
        "quotes": {"total": sum(quotes.values()), "by_kind": dict(sorted(quotes.items())),
                   "with_speaker": with_speaker, "with_cue": with_cue},
        "events": {"total": sum(events.values()),
                   "by_source_label": dict(sorted(events.items()))},
        "layer_statuses": dict(sorted(statuses.items())),
    }


def render_stats_table(stats: dict[str, Any]) -> list[list[str]]:
    """Rows (header first) of the statistics table printed by the build and put in the card.

    >>> render_stats_table({"by_split": {}, "by_source": {}, "total": stats_for([], {})})[1][:3]
    ['total', '0', '0']
    """
    head = ["part", "docs", "tokens", "mentions", "named core", "clusters", "quotes", "with cue",
            "events"]
    rows = [head]
    parts = [(k, v) for k, v in stats["by_split"].items()]
    parts += [(f"source: {k}", v) for k, v in stats["by_source"].items()]
    parts.append(("total", stats["total"]))
    for name, s in parts:
        rows.append([name, *(f"{n:,}" for n in (
            s["documents"], s["tokens"], s["mentions"]["total"],
            s["mentions"]["named_core_outermost"], s["clusters"], s["quotes"]["total"],
            s["quotes"]["with_cue"], s["events"]["total"]))])
    return rows


# --------------------------------------------------------------------------- the build


