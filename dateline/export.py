"""Release exports of a built corpus: Parquet (with its own card), CoNLL/BIO and spaCy DocBin.

Every export reads the built JSONL files after checking them against the corpus MANIFEST, is
written into a temporary folder beside ``DIR`` and moved into place only when complete, and
carries a ``README.md`` and a ``MANIFEST`` of its own.

- ``parquet``: ``DIR/README.md`` (the corpus card with ``.parquet`` data files: same
  features, split sizes and ``configs[].version``; one card serves one file format) and
  ``DIR/data/{default,tokens}/{split}-00000-of-00001.parquet``. ``load_dataset(DIR)`` gives
  the same rows as ``load_dataset(<corpus folder>)``.
- ``conll``: ``DIR/{split}.conll`` from the ``tokens`` config: ``# id = ...``, then one
  ``token<TAB>tag`` line per token, a blank line after each document.
- ``docbin``: ``DIR/{split}.spacy``, one ``spacy.tokens.DocBin`` per split over the ``tokens``
  config's documents: the document text exactly (whitespace kept as spaCy does), the source
  tokens, ``doc.ents`` from the BIO tags, ``doc.user_data["id"]``; vocab of
  ``spacy.blank("en")`` (no model).

>>> conll_block("d1", ["Ann", "Lee", "ran"], ["B-PERSON", "I-PERSON", "O"])
'# id = d1\\nAnn\\tB-PERSON\\nLee\\tI-PERSON\\nran\\tO\\n\\n'
>>> bio_spans([(0, 3), (4, 7), (8, 11)], ["B-PERSON", "I-PERSON", "O"])
[(0, 7, 'PERSON')]
>>> words_and_spaces("Ann  Lee\\n", [(0, 3), (5, 8)])
(['Ann', ' ', 'Lee', '\\n'], [True, False, False, False])
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from dateline.manifest import verify_manifest, write_manifest
from dateline.schemas import DatelineError, atomic_write, atomic_write_text
from dateline.schemas.io import make_dirs
from dateline.schemas.validate import SPLITS

__all__ = ["FORMATS", "bio_spans", "conll_block", "export", "parquet_card", "words_and_spaces"]

FORMATS = ("parquet", "conll", "docbin")
MARK = "<!-- dateline export:"


def conll_block(doc_id: str, tokens: list[str], tags: list[str]) -> str:
    """One document in CoNLL/BIO: an id comment, ``token<TAB>tag`` lines, a blank line.

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
    return f"# id = {doc_id}\n" + "".join(f"{t}\t{g}\n" for t, g in zip(tokens, tags,
                                                                       strict=True)) + "\n"


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
    for start, end in tokens:
        if start > pos:
            gap = text[pos:start]
            if words and not spaces[-1] and gap.startswith(" "):
                spaces[-1], gap = True, gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)
        words.append(text[start:end])
        spaces.append(False)
        pos = end
    if pos < len(text):
        gap = text[pos:]
        if words and gap.startswith(" "):
            spaces[-1], gap = True, gap[1:]
        if gap:
            words.append(gap)
            spaces.append(False)
    return words, spaces


# --------------------------------------------------------------------------- reading


def _records(corpus: Path, config: str, split: str) -> Iterator[dict[str, Any]]:
    for path in sorted((corpus / "data" / config).glob(f"{split}-*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)


def _split_card(text: str) -> tuple[dict[str, Any], str]:
    import yaml

    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise DatelineError("card-malformed", "the card has no YAML front matter",
                            fix="restore corpus/README.md")
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head) or {}, body


def parquet_card(card_text: str) -> str:
    """The Parquet release card from the corpus card: ``.jsonl`` data files become
    ``.parquet``; features, split sizes and ``configs[].version`` stay.

    >>> card = "---\\nconfigs:\\n- config_name: default\\n  version: 1.0.0\\n  data_files:\\n"
    >>> card += "  - split: train\\n    path: data/default/train-*.jsonl\\n---\\n# Body\\n"
    >>> print(parquet_card(card).split("---")[1].strip())
    configs:
    - config_name: default
      version: 1.0.0
      data_files:
      - split: train
        path: data/default/train-*.parquet
    """
    import yaml

    meta, body = _split_card(card_text)
    for config in meta.get("configs", []):
        for entry in config.get("data_files", []):
            if not str(entry.get("path", "")).endswith(".jsonl"):
                raise DatelineError("card-malformed", f"data file {entry.get('path')!r} is "
                                    "not .jsonl", fix="restore corpus/README.md")
            entry["path"] = entry["path"][:-len(".jsonl")] + ".parquet"
    version = {str(c.get("version")) for c in meta.get("configs", [])}
    note = (f"{MARK} parquet {', '.join(sorted(version))} -->\n\n"
            "> **Parquet release.** The same rows as the JSONL corpus of this version (same "
            "configs, features, splits and `configs[].version`), as Parquet files. Load it with "
            "`datasets.load_dataset(\"<this folder>\")`; `MANIFEST` holds the sha256 of every "
            "data file. Written by `dateline corpus export --format parquet`.\n")
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{head}---\n{note}{body}"


# --------------------------------------------------------------------------- writers


def _typed(row: dict[str, Any]) -> dict[str, Any]:
    """A JSONL row with the values whose card type is no JSON type (``meta.published``: date32)."""
    meta = row.get("meta")
    if meta and meta.get("published"):
        meta["published"] = datetime.date.fromisoformat(meta["published"])
    return row


def _write_parquet(corpus: Path, out: Path) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dateline.build import default_features, tokens_features

    files = []
    for config, features in (("default", default_features()), ("tokens", tokens_features())):
        schema = features.arrow_schema.with_metadata(
            {"huggingface": json.dumps({"info": {"features": features.to_dict()}})})
        for split in SPLITS:
            rows = [features.encode_example(_typed(r)) for r in _records(corpus, config, split)]
            table = pa.Table.from_pylist(rows, schema=schema)
            rel = f"data/{config}/{split}-00000-of-00001.parquet"
            with atomic_write(out / rel) as f:
                pq.write_table(table, f, compression="zstd")
            files.append(rel)
    card = (corpus / "README.md").read_text("utf-8")
    atomic_write_text(out / "README.md", parquet_card(card))
    return files


def _tokens(record: dict[str, Any]) -> list[tuple[int, int]]:
    return [(s, s + len(t)) for s, t in zip(record["token_starts"], record["tokens"],
                                            strict=True)]


def _write_conll(corpus: Path, out: Path) -> list[str]:
    files = []
    for split in SPLITS:
        text = "".join(conll_block(r["id"], r["tokens"], r["ner_tags"])
                       for r in _records(corpus, "tokens", split))
        atomic_write_text(out / f"{split}.conll", text)
        files.append(f"{split}.conll")
    return files


def _write_docbin(corpus: Path, out: Path) -> list[str]:
    try:
        import spacy
        from spacy.tokens import Doc, DocBin
    except ImportError as exc:
        raise DatelineError("missing-dependency", "spaCy is not installed",
                            fix="pip install 'dateline[corpus]'", exit_code=2) from exc
    nlp = spacy.blank("en")
    files = []
    for split in SPLITS:
        texts = {r["id"]: r["text"] for r in _records(corpus, "default", split)}
        bin_ = DocBin(store_user_data=True)
        for r in _records(corpus, "tokens", split):
            text, toks = texts[r["id"]], _tokens(r)
            words, spaces = words_and_spaces(text, toks)
            doc = Doc(nlp.vocab, words=words, spaces=spaces)
            if doc.text != text:
                raise DatelineError("export-text-mismatch", "the spaCy Doc does not rebuild "
                                    "the document text", where=r["id"],
                                    fix="report this as a bug of `dateline corpus export`")
            ents = [doc.char_span(a, b, label=lab) for a, b, lab in bio_spans(toks, r["ner_tags"])]
            if any(e is None for e in ents):
                raise DatelineError("export-misaligned", "a BIO span does not fall on spaCy "
                                    "tokens", where=r["id"], fix="rebuild the corpus")
            doc.ents = ents
            doc.user_data["id"] = r["id"]
            bin_.add(doc)
        with atomic_write(out / f"{split}.spacy") as f:
            f.write(bin_.to_bytes())
        files.append(f"{split}.spacy")
    return files


def _readme(fmt: str, version: str) -> str:
    what = {
        "conll": "CoNLL/BIO files of the `tokens` config: per document a `# id = ...` line, "
                 "then one `token<TAB>tag` line per token and a blank line. Tags: BIO over the "
                 "named PERSON, ORGANIZATION and LOCATION mentions (outermost wins).",
        "docbin": "spaCy `DocBin` files of the `tokens` config's documents: "
                  "`DocBin().from_disk(path).get_docs(spacy.blank(\"en\").vocab)` gives Docs "
                  "whose text is the document text, with the source tokens, `doc.ents` from "
                  "the BIO tags and the document id in `doc.user_data[\"id\"]`.",
    }[fmt]
    return (f"{MARK} {fmt} {version} -->\n# dateline corpus {version} ({fmt})\n\n{what}\n\n"
            "Splits: train, validation, test. `MANIFEST` holds the sha256 of every file. "
            "Licenses and attribution: see the corpus card (`corpus/README.md`); the text of "
            "GUM and MEANTIME documents is Wikinews, CC BY 2.5. Written by "
            f"`dateline corpus export --format {fmt}`.\n")


def export(corpus: str | os.PathLike[str], dest: str | os.PathLike[str],
           fmt: str = "parquet") -> list[str]:
    """Export the built corpus in ``corpus`` to ``dest``; return the files written (relative).

    ``dest`` must not exist, be empty, or hold an earlier export (it is replaced whole).

    A built corpus of one document, with its card and MANIFEST, exported as CoNLL:

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "README.md").write_text(
    ...     "---\\nconfigs:\\n- config_name: tokens\\n  version: 0.0.1\\n---\\n# Card\\n")
    >>> (corpus / "data" / "tokens").mkdir(parents=True)
    >>> row = {"id": "d", "tokens": ["Ann", "ran"], "token_starts": [0, 4],
    ...        "ner_tags": ["B-PERSON", "O"]}
    >>> rel = "data/tokens/test-00000-of-00001.jsonl"
    >>> _ = (corpus / rel).write_text(json.dumps(row) + "\\n")
    >>> write_manifest(corpus, [rel])
    >>> out = corpus / "export"
    >>> export(corpus, out, "conll")
    ['train.conll', 'validation.conll', 'test.conll', 'README.md', 'MANIFEST']
    >>> (out / "test.conll").read_text()
    '# id = d\\nAnn\\tB-PERSON\\nran\\tO\\n\\n'
    """
    from dateline.build import card_version

    if fmt not in FORMATS:
        raise DatelineError("unknown-format", f"format {fmt!r} is not one of "
                            f"{', '.join(FORMATS)}", exit_code=2)
    src, out = Path(corpus), Path(dest)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _is_export(out))):
        raise DatelineError("export-target-not-empty", f"{out} exists and is not an earlier "
                            "dateline export", where=str(out),
                            fix="choose a new or empty folder", exit_code=2)
    version = card_version(src / "README.md")
    verify_manifest(src)
    writer: Callable[[Path, Path], list[str]] = {
        "parquet": _write_parquet, "conll": _write_conll, "docbin": _write_docbin}[fmt]
    make_dirs(out.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        files = writer(src, tmp)
        if fmt != "parquet":
            atomic_write_text(tmp / "README.md", _readme(fmt, version))
        if (src / "CHANGELOG.md").exists():
            shutil.copyfile(src / "CHANGELOG.md", tmp / "CHANGELOG.md")
        write_manifest(tmp, files)
        for path in (tmp, *tmp.rglob("*")):  # temp files are private; a release is not
            path.chmod(0o755 if path.is_dir() else 0o644)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
        tmp.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [*files, "README.md", "MANIFEST"]


def _is_export(folder: Path) -> bool:
    readme = folder / "README.md"
    return readme.is_file() and MARK in readme.read_text("utf-8", errors="replace")
