"""Where the ``crf`` misses on the core task: its cross-validated predictions over train +
validation (never the test split), each gold core-task mention and each spurious prediction
put in one class.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/crf_errors.py [--cv 5] [--config default] [--examples 5]

The held-out predictions of ``--cv`` folds (as ``crf_ablation.py --cv`` trains them) are kept
in ``out/crf-errors/`` and reused when the configuration and corpus are the same. Only
documents whose gold states mention kinds (GUM) count, as the core task scores them.

Classes of a gold core-task mention (PERSON/ORGANIZATION/LOCATION, named) not found exactly:
``kind`` (same span and label, predicted nominal or pronoun), ``label`` (same span, another
label), ``boundary: ...`` (a prediction overlaps it; by the convention the two differ in),
``missed`` (nothing overlaps it). A spurious core-task prediction (named, one of the three
labels, no gold mention there of that span and label): ``boundary`` (it overlaps a gold
core-task mention: counted above), ``label`` (same span as a gold mention of another label),
``overlaps other`` (overlaps a gold mention of another label), ``no mention``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from crf_ablation import make_splits, predict

from dateline.baselines.mentions import word_lists
from dateline.schemas import Document, Mention

CORE = ("PERSON", "ORGANIZATION", "LOCATION")


def convention(gold: Mention, pred: Mention, text: str) -> str:
    """The boundary convention in which an overlapping prediction differs from the gold.

    >>> t = "the Acme Corp, of Ohio"
    >>> g = Mention(id="g", start=4, end=13, text="Acme Corp", label="ORGANIZATION")
    >>> convention(g, Mention(id="p", start=0, end=13, text=t[:13], label="ORGANIZATION"), t)
    'pred adds leading "the"'
    """
    lead = (text[pred.start:gold.start] if pred.start < gold.start
            else text[gold.start:pred.start])
    tail = text[gold.end:pred.end] if pred.end > gold.end else text[pred.end:gold.end]
    extra_lead = lead.strip().lower()
    extra_tail = tail.strip()
    who = "pred adds" if pred.start < gold.start or pred.end > gold.end else "gold adds"
    if pred.start != gold.start and pred.end != gold.end and (
            (pred.start < gold.start) != (pred.end > gold.end)):
        return "crossing"
    if pred.start != gold.start and pred.end != gold.end:
        return f"{who} both ends"
    if pred.start != gold.start:
        first = extra_lead.split()[0] if extra_lead.split() else ""
        if extra_lead == "the":
            return f'{who} leading "the"'
        if first in word_lists()["titles"] or first.rstrip(".") in word_lists()["titles"]:
            return f"{who} title"
        return f"{who} other start"
    if extra_tail in ("'s", "’s", "'", "’"):
        return f"{who} possessive"
    if extra_tail.startswith(","):
        return f'{who} ", ..." after'
    if extra_tail.startswith(("(", "-", "–")):
        return f"{who} bracket/dash after"
    return f"{who} other end"


def classify(gold: Sequence[Document], pred: Sequence[Document],
             ) -> tuple[Counter[str], Counter[str], dict[str, list[str]]]:
    """(classes of gold core mentions, classes of spurious predictions, examples by class)."""
    golds: Counter[str] = Counter()
    spur: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}

    def note(cls: str, what: str) -> None:
        examples.setdefault(cls, []).append(what)

    for g_doc, p_doc in zip(gold, pred, strict=True):
        if "kind" in g_doc.layers.entities.not_annotated:
            continue
        text = g_doc.text
        core = [m for m in g_doc.entities if m.label in CORE and m.kind == "named"]
        zones = [m for m in g_doc.entities if m.label in CORE and m.kind != "named"]
        preds = [m for m in p_doc.entities]
        exact = {(m.start, m.end, m.label) for m in preds if m.label in CORE
                 and m.kind in ("named", None)}
        for g in core:
            ctx = text[max(0, g.start - 30):g.end + 30].replace("\n", " ")
            if (g.start, g.end, g.label) in exact:
                golds["found"] += 1
                continue
            same = [m for m in preds if (m.start, m.end) == (g.start, g.end)]
            over = [m for m in preds if m.start < g.end and g.start < m.end]
            if any(m.label == g.label for m in same):
                kind = next(m.kind for m in same if m.label == g.label)
                cls = f"kind (predicted {kind})"
            elif same:
                cls = f"label ({g.label} predicted {same[0].label})"
            elif over:
                best = max(over, key=lambda m: min(m.end, g.end) - max(m.start, g.start))
                cls = "boundary: " + convention(g, best, text)
                what = f"{g.text!r} <- pred {best.text!r} ({best.label}, {best.kind})"
                note(cls, what)
                golds[cls] += 1
                continue
            else:
                cls = "missed"
            golds[cls] += 1
            note(cls, f"{g.text!r} {g.label} in …{ctx}…")
        gold_spans = {(m.start, m.end, m.label) for m in core}
        for p in preds:
            if p.label not in CORE or p.kind not in ("named", None):
                continue
            if (p.start, p.end, p.label) in gold_spans:
                continue
            if any(z.start < p.end and p.start < z.end for z in zones):
                continue  # not scored: overlaps a core mention of another kind
            if any(g.start < p.end and p.start < g.end for g in core):
                cls = "boundary (counted with the gold)"
            elif any((m.start, m.end) == (p.start, p.end) for m in g_doc.entities):
                other = next(m for m in g_doc.entities if (m.start, m.end) == (p.start, p.end))
                cls = f"label (gold {other.label} {other.kind})"
            elif any(m.start < p.end and p.start < m.end for m in g_doc.entities):
                cls = "overlaps other"
            else:
                cls = "no mention"
            spur[cls] += 1
            note("spurious " + cls, f"{p.text!r} {p.label}")
    return golds, spur, examples


def main(argv: Sequence[str] | None = None) -> int:
    """Predict (or reuse the kept predictions), classify, print the tables."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cv", type=int, default=5)
    p.add_argument("--config", default="default:partial=mentions")
    p.add_argument("--c2", type=float, default=0.1)
    p.add_argument("--examples", type=int, default=5)
    args = p.parse_args(argv)
    from dateline import loading

    folder = Path("out/crf-errors")
    key = f"{args.config}-cv{args.cv}-c2{args.c2}-{loading.corpus_version()}".replace(":", "_")
    cached = folder / f"{key}.jsonl"
    splits, where = make_splits(args.cv)
    gold = [d for _, _, held in splits for d in held]
    if cached.exists():
        pred = [Document.model_validate_json(line) for line in cached.read_text().splitlines()]
    else:
        gold, pred, *_ = predict(args.config, splits, args.c2)
        folder.mkdir(parents=True, exist_ok=True)
        cached.write_text("".join(d.model_dump_json() + "\n" for d in pred))
    golds, spur, examples = classify(gold, pred)
    print(f"crf `{args.config}`, {where}; core task (GUM documents)", file=sys.stderr)
    total = sum(golds.values())
    print("| gold core-task mention | count | share |\n|---|---|---|")
    for cls, n in golds.most_common():
        print(f"| {cls} | {n} | {n / total:.1%} |")
    print(f"| all | {total} | |\n")
    total = sum(spur.values())
    print("| spurious core-task prediction | count | share |\n|---|---|---|")
    for cls, n in spur.most_common():
        print(f"| {cls} | {n} | {n / total:.1%} |")
    print(f"| all | {total} | |")
    if args.examples:
        for cls, items in sorted(examples.items()):
            print(f"\n{cls}:", file=sys.stderr)
            for what in items[:args.examples]:
                print("   ", what, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
