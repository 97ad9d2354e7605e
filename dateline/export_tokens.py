"""The token exports of ``dateline corpus export``: CoNLL/BIO and spaCy DocBin.

Both cover the documents of the ``tokens`` config (their entity layer is exhaustive over the
whole text and marks mention kinds) with its tokens (the sources' own; spaCy's rule-based
tokenizer for the founding article). The tags are BIO over the outermost mentions of the
chosen ``labels`` and ``kinds`` (:func:`tagged_documents`; default: named PERSON, ORGANIZATION
and LOCATION, exactly the ``tokens`` config's ``ner_tags``); ``labels="all"`` takes every label
some document's layer covers, and a document whose layer does not cover every chosen label is
left out (its ``O`` would not mean "no entity"), and named in the export's README.

Sentences: a token starts a sentence where spaCy's rule-based sentencizer or a line break
(:func:`dateline.baselines.text.tokenize`) puts a sentence start at or before it and after the
previous token: a blank line in CoNLL, ``Token.is_sent_start`` in DocBin. They are computed,
not the sources' sentence annotation.

DocBin whitespace: a Doc rebuilds the document text exactly, so a gap between two tokens that
is not one space (a line break, two spaces) becomes a token of its own (``Token.is_space``,
tag ``O``, never a sentence start); skip ``is_space`` tokens to get the exported tokens.

>>> conll_block("d1", ["Ann", "ran", ".", "Bo", "sat"], ["B-PERSON", "O", "O", "B-PERSON", "O"],
...             [True, False, False, True, False]).split("\\n")[:6]
['# id = d1', 'Ann\\tB-PERSON', 'ran\\tO', '.\\tO', '', 'Bo\\tB-PERSON']
>>> sentence_starts("Ann ran. Bo sat.", [(0, 3), (4, 7), (7, 8), (9, 11), (12, 15), (15, 16)])
[True, False, False, True, False, False]
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError, Document, atomic_write, atomic_write_text, inventory
from dateline.schemas.validate import SPLITS
from dateline.stats import bio_tags, outermost_mentions

__all__ = ["DEFAULT_KINDS", "Selection", "TaggedDocument", "bio_spans", "conll_block",
           "records", "select", "sentence_starts", "tagged_documents", "words_and_spaces",
           "write_conll", "write_docbin"]

DEFAULT_KINDS = ("named",)


@dataclass(frozen=True)
class TaggedDocument:
    """One exported document: id, text, token offsets and texts, BIO tags, sentence starts.

    >>> TaggedDocument("d", "Hi", [(0, 2)], ["Hi"], ["O"], [True]).tags
    ['O']
    """

    id: str
    text: str
    offsets: list[tuple[int, int]]
    tokens: list[str]
    tags: list[str]
    sent_starts: list[bool]


@dataclass(frozen=True)
class Selection:
    """What an export tags (labels, kinds) and the documents it left out (id -> reason).

    >>> Selection(("PERSON",), ("named",)).describe()
    'labels PERSON; kinds named'
    """

    labels: tuple[str, ...]
    kinds: tuple[str, ...] | None  # None: every kind, null kinds included
    left_out: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        """``labels ...; kinds ...`` for the README."""
        kinds = ", ".join(self.kinds) if self.kinds else "all (null kinds included)"
        return f"labels {', '.join(self.labels)}; kinds {kinds}"


def conll_block(doc_id: str, tokens: list[str], tags: list[str],
                sent_starts: Sequence[bool] | None = None) -> str:
    """One document in CoNLL/BIO: an id comment, ``token<TAB>tag`` lines, a blank line after
    each sentence (``sent_starts``; without it, one sentence).

    >>> print(conll_block("d1", ["Ann", "ran"], ["B-PERSON", "O"]), end="")
    # id = d1
    Ann\tB-PERSON
    ran\tO
    <BLANKLINE>
    >>> conll_block("d1", ["New York"], ["B-LOCATION"])
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [export-bad-token] d1: token 'New York' is empty ...
    """
    bad = [t for t in tokens if not t or any(c.isspace() for c in t)]
    if bad:
        raise DatelineError("export-bad-token", f"token {bad[0]!r} is empty or holds "
                            "whitespace: CoNLL cannot represent it", where=doc_id,
                            fix="fix the tokenization of the source importer")
    starts = sent_starts or [i == 0 for i in range(len(tokens))]
    lines = [f"# id = {doc_id}\n"]
    for i, (t, g) in enumerate(zip(tokens, tags, strict=True)):
        if i and starts[i]:
            lines.append("\n")
        lines.append(f"{t}\t{g}\n")
    return "".join(lines) + "\n"


def bio_spans(tokens: list[tuple[int, int]], tags: list[str]) -> list[tuple[int, int, str]]:
    """Character spans ``(start, end, label)`` of BIO ``tags`` over token offsets (an ``I-``
    without its ``B-`` starts a span, as conlleval does).

    >>> bio_spans([(0, 3), (4, 7), (8, 11)], ["I-PERSON", "B-PERSON", "I-LOCATION"])
    [(0, 3, 'PERSON'), (4, 7, 'PERSON'), (8, 11, 'LOCATION')]
    """
    out: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for (start, end), tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if current is not None and prefix == "I" and label == current[2]:
            current[1] = end
            continue
        if current is not None:
            out.append((current[0], current[1], current[2]))
            current = None
        if prefix in ("B", "I"):
            current = [start, end, label]
    if current is not None:
        out.append((current[0], current[1], current[2]))
    return out


def words_and_spaces(text: str, tokens: list[tuple[int, int]]) -> tuple[list[str], list[bool]]:
    """spaCy ``words``/``spaces`` that rebuild ``text`` exactly from token offsets: a single
    space after a token is its trailing space; other gaps become whitespace tokens.

    >>> words, spaces = words_and_spaces("Hi, Bo.", [(0, 2), (2, 3), (4, 6), (6, 7)])
    >>> words, spaces
    (['Hi', ',', 'Bo', '.'], [False, True, False, False])
    >>> "".join(w + " " * s for w, s in zip(words, spaces))
    'Hi, Bo.'
    """
    words: list[str] = []
    spaces: list[bool] = []
    pos = 0
    for start, end in [*tokens, (len(text), None)]:
        if start > pos:
            gap = text[pos:start]
            if words and not spaces[-1] and gap.startswith(" "):
                spaces[-1], gap = True, gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        if end is None:
            break
        words.append(text[start:end])
        spaces.append(False)
        pos = end
    return words, spaces


def sentence_starts(text: str, offsets: list[tuple[int, int]]) -> list[bool]:
    """Which tokens start a sentence (see the module docstring); the first always does.

    >>> sentence_starts("Hi.\\nBo", [(0, 2), (2, 3), (4, 6)])
    [True, False, True]
    """
    from dateline.baselines.text import tokenize

    toks = tokenize(text)
    chars = sorted(toks.starts[a] for a, b in toks.sentences if b > a)
    out = []
    previous = -1
    for start, _ in offsets:
        k = bisect.bisect_right(chars, start)  # sentence starts <= this token's start
        out.append(not out or (k > 0 and chars[k - 1] > previous))
        previous = start
    return out


def records(corpus: Path, config: str, split: str) -> Iterator[dict[str, Any]]:
    """The rows (JSON objects) of a built corpus's ``config`` and ``split``, in file order.

    >>> import tempfile
    >>> list(records(Path(tempfile.mkdtemp()), "tokens", "test"))
    []
    """
    for path in sorted((corpus / "data" / config).glob(f"{split}-*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def _check(names: Sequence[str], known: Sequence[str], what: str) -> tuple[str, ...]:
    unknown = [n for n in names if n not in known]
    if unknown:
        raise DatelineError("bad-option", f"unknown {what} {', '.join(unknown)}", fix=f"use "
                            f"some of {', '.join(known)}, or all", exit_code=2)
    return tuple(names)


def _docs(corpus: Path, split: str) -> dict[str, Document]:
    return {r["id"]: Document.model_validate(r) for r in records(corpus, "default", split)}


def select(corpus: Path, labels: Sequence[str] | str | None,
           kinds: Sequence[str] | str | None) -> Selection:
    """The labels and kinds to tag (``None``: the ``tokens`` config's; ``"all"``: every label
    a document's layer covers, every kind) and the documents that cannot be tagged with them.

    >>> import tempfile
    >>> select(Path(tempfile.mkdtemp()), ["PERSONS"], None)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-option] unknown entity label PERSONS. Fix: ...
    """
    inv = inventory()
    if kinds == "all":
        chosen_kinds: tuple[str, ...] | None = None
    else:
        chosen_kinds = _check(kinds or DEFAULT_KINDS, inv.mention_kinds, "mention kind")
    docs = {i: d for sp in SPLITS for i, d in _docs(corpus, sp).items()}
    tagged = {r["id"] for sp in SPLITS for r in records(corpus, "tokens", sp)}
    if labels == "all":
        covered = {lab for i in tagged for lab in docs[i].layers.entities.labels}
        chosen = tuple(lab for lab in inv.entity_labels if lab in covered)
    else:
        chosen = _check(labels or inv.core_entity_labels, inv.entity_labels, "entity label")
    left_out = []
    for doc_id in sorted(tagged):
        missing = [lab for lab in chosen if lab not in docs[doc_id].layers.entities.labels]
        if missing:
            left_out.append((doc_id, f"its entity layer does not cover {', '.join(missing)}"))
    return Selection(chosen, chosen_kinds, tuple(left_out))


def tagged_documents(corpus: Path, split: str, selection: Selection) -> list[TaggedDocument]:
    """The documents of ``split`` tagged as ``selection`` says, in the ``tokens`` config's
    order (the documents it leaves out skipped).

    >>> import tempfile
    >>> tagged_documents(Path(tempfile.mkdtemp()), "test", Selection(("PERSON",), None))
    []
    """
    docs = _docs(corpus, split)
    skip = dict(selection.left_out)
    out = []
    for r in records(corpus, "tokens", split):
        if r["id"] in skip:
            continue
        doc = docs[r["id"]]
        offsets = [(s, s + len(t)) for s, t in zip(r["token_starts"], r["tokens"], strict=True)]
        spans = outermost_mentions(doc, selection.labels, selection.kinds)
        out.append(TaggedDocument(doc.id, doc.text, offsets, r["tokens"],
                                  bio_tags(offsets, spans), sentence_starts(doc.text, offsets)))
    return out


def write_conll(corpus: Path, out: Path, selection: Selection) -> list[str]:
    """Write ``{split}.conll`` for every split; the files written.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_conll(folder, folder, Selection(("PERSON",), ("named",)))
    ['train.conll', 'validation.conll', 'test.conll']
    """
    files = []
    for split in SPLITS:
        text = "".join(conll_block(d.id, d.tokens, d.tags, d.sent_starts)
                       for d in tagged_documents(corpus, split, selection))
        atomic_write_text(out / f"{split}.conll", text)
        files.append(f"{split}.conll")
    return files


def write_docbin(corpus: Path, out: Path, selection: Selection) -> list[str]:
    """Write ``{split}.spacy`` (one ``DocBin`` per split); the files written.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_docbin(folder, folder, Selection(("PERSON",), ("named",)))
    ['train.spacy', 'validation.spacy', 'test.spacy']
    """
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
    except ImportError as exc:
        raise DatelineError("missing-dependency", "spaCy is not installed",
                            fix="pip install 'dateline[corpus]'", exit_code=2) from exc
    nlp = spacy.blank("en")
    files = []
    for split in SPLITS:
        bin_ = DocBin(store_user_data=True)
        for d in tagged_documents(corpus, split, selection):
            words, spaces = words_and_spaces(d.text, d.offsets)
            doc = Doc(nlp.vocab, words=words, spaces=spaces)
            if doc.text != d.text:
                raise DatelineError("export-text-mismatch", "the spaCy Doc does not rebuild "
                                    "the document text", where=d.id,
                                    fix="report this as a bug of `dateline corpus export`")
            ents = [doc.char_span(a, b, label=lab) for a, b, lab in bio_spans(d.offsets, d.tags)]
            if any(e is None for e in ents):
                raise DatelineError("export-misaligned", "a BIO span does not fall on spaCy "
                                    "tokens", where=d.id, fix="rebuild the corpus")
            doc.ents = ents
            starts = {a: s for (a, _), s in zip(d.offsets, d.sent_starts, strict=True)}
            for token in doc:
                token.is_sent_start = token.i == 0 or (not token.is_space
                                                       and starts.get(token.idx, False))
            doc.user_data["id"] = d.id
            bin_.add(doc)
        with atomic_write(out / f"{split}.spacy") as f:
            f.write(bin_.to_bytes())
        files.append(f"{split}.spacy")
    return files
