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

__all__ = ["MAX_TOKENS", "LabelLexicon", "heads_of", "label_table", "match_tags"]

MODEL_FILE = "lexicon.json"
MAX_TOKENS = 8


def label_table(docs: Sequence[Document]) -> dict[str, str]:
    """Mention string (its tokens joined by spaces) → its most frequent label in ``docs``.

    Only gold and draft entity layers count; ties go to the alphabetically first label, so the
    table is deterministic.

    >>> from dateline.schemas import LayerInfo, Layers
    >>> doc = Document(id="t", text="Ann", layers=Layers(entities=LayerInfo(status="gold")),
    ...                entities=(Mention(id="m", start=0, end=3, text="Ann", label="PERSON"),))
    >>> label_table([doc])
    {'Ann': 'PERSON'}
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        if doc.layers.entities.status not in ("gold", "draft"):
            continue
        for m in doc.entities:
            key = " ".join(tokenize(m.text).words)
            if key and len(key.split(" ")) <= MAX_TOKENS:
                counts[key][m.label] += 1
    return {k: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            for k, c in sorted(counts.items())}


def match_tags(words: Sequence[str], table: dict[str, str],
               heads: dict[str, int] | None = None) -> list[str]:
    """BIO tags of the longest lexicon matches over ``words`` (``O`` elsewhere).

    ``heads`` (first word → longest entry length, from :func:`heads_of`) speeds it up.

    >>> match_tags(["Bob", "and", "Ann", "Lee"], {"Ann Lee": "PERSON", "Ann": "ORGANIZATION"})
    ['O', 'O', 'B-PERSON', 'I-PERSON']
    """
    heads = heads if heads is not None else heads_of(table)
    tags = ["O"] * len(words)
    i, n = 0, len(words)
    while i < n:
        for k in range(min(heads.get(words[i], 0), n - i), 0, -1):
            label = table.get(words[i] if k == 1 else " ".join(words[i:i + k]))
            if label is not None:
                tags[i] = "B-" + label
                for j in range(i + 1, i + k):
                    tags[j] = "I-" + label
                i += k
                break
        else:
            i += 1
    return tags


def heads_of(table: dict[str, str]) -> dict[str, int]:
    """First word of each entry → the longest entry (in words) that starts with it.

    >>> heads_of({"Ann Lee": "PERSON", "Ann": "PERSON"})
    {'Ann': 2}
    """
    heads: dict[str, int] = {}
    for key in table:
        words = key.split(" ")
        heads[words[0]] = max(heads.get(words[0], 0), len(words))
    return heads


class LabelLexicon:
    """Most-frequent-label lexicon learned from the train split (a reference point).

    What :meth:`save` writes, :meth:`load` reads back:

    >>> import pathlib, tempfile
    >>> from dateline.schemas import LayerInfo, Layers
    >>> gold = Document(id="t", text="Rome.", entities=(
    ...     Mention(id="m1", start=0, end=4, text="Rome", label="LOCATION"),),
    ...     layers=Layers(entities=LayerInfo(status="gold", labels=("LOCATION",))))
    >>> lex = LabelLexicon()
    >>> lex.train([gold], [])
    {'entries': 1, 'labels': ['LOCATION']}
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> lex.save(folder)
    >>> again = LabelLexicon()
    >>> again.trained
    False
    >>> again.load(folder)
    >>> again.trained, again.table
    (True, {'Rome': 'LOCATION'})
    """

    name = "lexicon"
    version = "0.1.0"
    layers = ("entities",)

    def __init__(self) -> None:
        self.table: dict[str, str] = {}
        self.labels: tuple[str, ...] = ()
        self._trained = False
        self._heads: dict[str, int] | None = None

    @property
    def trained(self) -> bool:
        """True once trained or loaded."""
        return self._trained

    def train(self, train_docs: Sequence[Document],
              validation_docs: Sequence[Document]) -> dict[str, Any]:
        """Count the labels of each mention string in train (validation is not used)."""
        self.table = label_table(train_docs)
        self.labels = tuple(sorted(set(self.table.values())))
        self._heads = None
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
        self._heads = None
        self._trained = True

    def extract(self, doc: Document) -> Document:
        """Tag every lexicon string of ``doc``, longest match first."""
        require_trained(self)
        # 1. Tokenize, as the lexicon's keys were.
        toks = tokenize(doc.text)
        if self._heads is None:
            self._heads = heads_of(self.table)
        # 2. Longest lexicon matches as BIO tags; 3. the tagged runs become mentions.
        tags = match_tags(toks.words, self.table, self._heads)
        out: list[Mention] = []
        for i, tag in enumerate(tags):
            if not tag.startswith("B-"):
                continue
            j = i + 1
            while j < len(tags) and tags[j].startswith("I-"):
                j += 1
            span = snap(doc.text, toks.starts[i], toks.ends[j - 1])
            if span is not None:
                out.append(Mention(id=f"m{len(out) + 1}", start=span[0], end=span[1],
                                   text=doc.text[span[0]:span[1]], label=tag[2:]))
        return predictions(doc, self, entities=(out, self.labels))
