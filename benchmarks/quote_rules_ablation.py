"""What each reporting rule of ``quotes-rules`` adds, on the train and validation splits only.

Run by hand (not part of the test suite; the corpus must be built)::

    .venv/bin/python benchmarks/quote_rules_ablation.py

For every rule of :data:`dateline.baselines.reporting.RULES` it prints the change in quote
detection (``quote``: matched quotes, the scorer's overlap rule) and in speaker recall
(``speaker_mention``) when the rule is added alone to the extractor without any of them, and
when it is removed from the extractor with all of them. The test split is never read.

The quotes of these splits (GUM) are gold of *partial* coverage: what is annotated is right,
but an unmatched prediction may be a quote the annotators left out, so the scorer gives recall
only. Precision and F1 here treat every unmatched prediction as wrong (the layers read as
exhaustive): a lower bound, marked ``P≥`` and ``F1≥``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from dateline.baselines import strip
from dateline.baselines.quotes import QuoteRules
from dateline.baselines.reporting import DEFAULT_RULES, RULES
from dateline.evaluation.quotes import score_quotes
from dateline.schemas import Document

SPLITS = ("train", "validation")


def gold_documents(splits: Sequence[str] = SPLITS) -> list[Document]:
    """The documents of ``splits`` with a gold quotes layer."""
    from dateline import loading

    return [d for s in splits for d in loading.documents(s) if d.layers.quotes.status == "gold"]


def as_exhaustive(doc: Document) -> Document:
    """``doc`` with its quotes layer read as exhaustive (for the precision lower bound)."""
    quotes = doc.layers.quotes.model_copy(update={"coverage": "exhaustive"})
    return doc.model_copy(update={"layers": doc.layers.model_copy(update={"quotes": quotes})})


def measure(rules: Sequence[str], gold: Sequence[Document],
            exhaustive: Sequence[Document]) -> dict[str, float]:
    """Quote recall, precision and F1 lower bounds, and speaker recall, with ``rules``."""
    extractor = QuoteRules(rules=list(rules))
    preds = [extractor.extract(strip(d)) for d in gold]
    partial = score_quotes(gold, preds)
    full = score_quotes(exhaustive, preds)
    quote = full.metric("quote")
    return {"R": partial.metric("quote")["recall_all"], "P>=": quote["precision"],
            "F1>=": quote["f1"], "speaker R": partial.metric("speaker_mention")["recall_all"],
            "predicted": quote["counts"]["pred"]}


def main(argv: Sequence[str] | None = None) -> int:
    """Print the ablation table (markdown)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.parse_args(argv)
    gold = gold_documents()
    exhaustive = [as_exhaustive(d) for d in gold]
    base = measure([], gold, exhaustive)
    full = measure(RULES, gold, exhaustive)
    default = measure(DEFAULT_RULES, gold, exhaustive)
    keys = ("R", "P>=", "F1>=", "speaker R")
    print(f"quotes-rules on {' + '.join(SPLITS)}: {len(gold)} documents with gold quotes, "
          f"{sum(len(d.quotes) for d in gold)} gold quotes")
    print()
    print("| configuration | quote R | quote P≥ | quote F1≥ | speaker R | predicted |")
    print("|---|---|---|---|---|---|")
    for label, row in (("no reporting rule", base), ("all five rules", full),
                       (f"default ({', '.join(DEFAULT_RULES)})", default)):
        print(f"| {label} | " + " | ".join(f"{row[k]:.3f}" for k in keys)
              + f" | {row['predicted']} |")
    print()
    print("| rule | Δ quote R (added alone / removed) | Δ quote P≥ | Δ quote F1≥ "
          "| Δ speaker R | Δ predicted |")
    print("|---|---|---|---|---|---|")
    for rule in RULES:
        alone = measure([rule], gold, exhaustive)
        without = measure([r for r in RULES if r != rule], gold, exhaustive)
        cells = [f"{alone[k] - base[k]:+.3f} / {full[k] - without[k]:+.3f}" for k in keys]
        cells.append(f"{alone['predicted'] - base['predicted']:+d} / "
                     f"{full['predicted'] - without['predicted']:+d}")
        print(f"| {rule} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
