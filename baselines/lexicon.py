"""Reference point ``lexicon``: every string seen as a mention in train gets its most frequent
label, wherever it occurs (longest match first). The entity baselines must beat it.

>>> from dateline.schemas import Document, LayerInfo, Layers, Mention
>>> train = [Document(id="t", text="Ann met Bob.", entities=(
...     Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),),
...     layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))]
>>> lex = LabelLexicon()
>>> lex.train(train, [])["entries"]
1
>>> [(m.text, m.label) for m in lex.extract(Document(id="d", text="Bob and Ann.")).entities]
[('Ann', 'PERSON')]
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.baselines.base import predictions, require_trained
from dateline.baselines.text import snap, tokenize
from dateline.schemas import DatelineError, Document, Mention

__all__ = ["LabelLexicon"]

MODEL_FILE = "lexicon.json"
_MAX_TOKENS = 8


class LabelLexicon:
    """Most-frequent-label lexicon learned from the train split (a reference point)."""

    name = "lexicon"
    version = "0.1.0"
    layers = ("entities",)

    def __init__(self) -> None:
        self.table: dict[str, str] = {}
        self.labels: tuple[str, ...] = ()
        self._trained = False

    @property
    def trained(self) -> bool:
        """True once trained or loaded."""
        return self._trained

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Count the labels of each mention string in train (validation is not used)."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for doc in train_docs:
            if doc.layers.entities.status not in ("gold", "draft"):
                continue
            for m in doc.entities:
                key = " ".join(tokenize(m.text).words)
                if key and len(key.split(" ")) <= _MAX_TOKENS:
                    counts[key][m.label] += 1
        # Ties go to the alphabetically first label, so training is deterministic.
        self.table = {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                      for k, c in sorted(counts.items())}
        self.labels = tuple(sorted(set(self.table.values())))
        self._trained = True
        return {"entries": len(self.table), "labels": list(self.labels)}

    def save(self, directory: Path) -> None:
        """Write the lexicon as JSON."""
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MODEL_FILE).write_text(
            json.dumps({"labels": list(self.labels), "table": self.table}, sort_keys=True),
            encoding="utf-8")

    def load(self, directory: Path) -> None:
        """Read what :meth:`save` wrote."""
        try:
            data = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DatelineError("model-unreadable", f"cannot read the lexicon: {exc}",
                                fix="retrain with `dateline train lexicon`") from exc
        self.table, self.labels = data["table"], tuple(data["labels"])
        self._trained = True

    def extract(self, doc: Document) -> Document:
        """Tag every lexicon string of ``doc``, longest match first."""
        require_trained(self)
        toks = tokenize(doc.text)
        out: list[Mention] = []
        i, n = 0, len(toks)
        while i < n:
            for k in range(min(_MAX_TOKENS, n - i), 0, -1):
                label = self.table.get(" ".join(toks.words[i:i + k]))
                if label is not None:
                    span = snap(doc.text, toks.starts[i], toks.ends[i + k - 1])
                    if span is not None:
                        out.append(Mention(id=f"m{len(out) + 1}", start=span[0], end=span[1],
                                           text=doc.text[span[0]:span[1]], label=label))
                    i += k
                    break
            else:
                i += 1
        return predictions(doc, self, entities=(out, self.labels))
