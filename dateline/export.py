"""Release exports of a built corpus: Parquet (with its own card), CoNLL/BIO and spaCy DocBin.

Every export reads the built JSONL files after checking them against the corpus MANIFEST, is
written into a temporary folder beside ``DIR`` and moved into place only when complete, and
carries a ``README.md``, the corpus card, ``LICENSES.md`` (the licences of every source, as
SPDX identifiers, and whom to credit) and a ``MANIFEST`` of its own: a folder that leaves the
repository keeps its terms.

- ``parquet``: ``DIR/README.md`` (the corpus card with ``.parquet`` data files: same
  features, split sizes and ``configs[].version``; one card serves one file format) and
  ``DIR/data/{default,tokens}/{split}-00000-of-00001.parquet``. ``load_dataset(DIR)`` gives
  the same rows as ``load_dataset(<corpus folder>)``.
- ``conll`` and ``docbin`` (:mod:`dateline.export_tokens`): ``DIR/{split}.conll`` (``# id =
  ...``, one ``token<TAB>tag`` line per token, a blank line after each sentence) or
  ``DIR/{split}.spacy`` (one ``DocBin`` per split, the document text exactly, ``doc.ents``,
  sentence starts), with ``README.md`` (what was tagged and which documents were left out) and
  the card as ``CARD.md``. ``labels``/``kinds`` choose the entity labels and mention kinds
  (default: the ``tokens`` config's named PERSON, ORGANIZATION and LOCATION).

>>> conll_block("d1", ["Ann", "Lee", "ran"], ["B-PERSON", "I-PERSON", "O"])
'# id = d1\\nAnn\\tB-PERSON\\nLee\\tI-PERSON\\nran\\tO\\n\\n'
>>> licenses_text("---\\nx: 1\\n---\\n# Card\\n## Licensing and attribution\\nCC.\\n## Next\\n")[:9]
'# Licence'
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dateline.export_tokens import (
    Selection,
    bio_spans,
    conll_block,
    records,
    select,
    tagged_documents,
    words_and_spaces,
    write_conll,
    write_docbin,
)
from dateline.manifest import verify_manifest, write_manifest
from dateline.schemas import DatelineError, atomic_write, atomic_write_text
from dateline.schemas.io import make_dirs
from dateline.schemas.validate import SPLITS

__all__ = ["FORMATS", "bio_spans", "conll_block", "export", "licenses_text", "parquet_card",
           "words_and_spaces"]

FORMATS = ("parquet", "conll", "docbin")
MARK = "<!-- dateline export:"


# --------------------------------------------------------------------------- reading


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
            rows = [features.encode_example(_typed(r)) for r in records(corpus, config, split)]
            table = pa.Table.from_pylist(rows, schema=schema)
            rel = f"data/{config}/{split}-00000-of-00001.parquet"
            with atomic_write(out / rel) as f:
                pq.write_table(table, f, compression="zstd")
            files.append(rel)
    card = (corpus / "README.md").read_text("utf-8")
    atomic_write_text(out / "README.md", parquet_card(card))
    return files


def _readme(fmt: str, version: str, selection: Selection, counts: dict[str, int]) -> str:
    what = {
        "conll": "CoNLL/BIO files: per document a `# id = ...` line, then one `token<TAB>tag` "
                 "line per token, and a blank line after each sentence (so after each "
                 "document).",
        "docbin": "spaCy `DocBin` files: `DocBin().from_disk(path).get_docs(spacy.blank(\"en\")"
                  ".vocab)` gives Docs whose text is the document text exactly, with the "
                  "tokens, `doc.ents` from the BIO tags, sentence starts (`doc.sents`) and the "
                  "document id in `doc.user_data[\"id\"]`. A gap between tokens that is not "
                  "one space (a line break, two spaces) is a whitespace token of its own "
                  "(`token.is_space`, no entity, no sentence start): skip those to get the "
                  "exported tokens.",
    }[fmt]
    left = "".join(f"\n- `{doc_id}`: {why}" for doc_id, why in selection.left_out)
    sizes = ", ".join(f"{sp} {counts[sp]}" for sp in SPLITS)
    return (f"{MARK} {fmt} {version} -->\n# dateline corpus {version} ({fmt})\n\n{what}\n\n"
            f"Tags: BIO over the outermost entity mentions of {selection.describe()} (a nested "
            "mention inside a tagged one is not tagged), on the documents of the `tokens` "
            "config (entity layer exhaustive over the whole text), with their tokens (the "
            "sources' own; spaCy's rule-based English tokenizer for the founding article). "
            "Sentence starts come from spaCy's rule-based sentencizer and line breaks, not "
            f"from the sources' sentence annotation.\n\nDocuments: {sizes}."
            + (f" Left out:{left}" if left else "") +
            "\n\n`MANIFEST` holds the sha256 of every file. The corpus card is `CARD.md`; "
            "licences and attribution: `LICENSES.md` (the text of GUM and MEANTIME documents "
            "is Wikinews, CC BY 2.5; annotations CC BY 4.0). Written by `dateline corpus "
            f"export --format {fmt}`.\n")


_DEEDS = {"CC-BY-2.5": "https://creativecommons.org/licenses/by/2.5/legalcode",
          "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/legalcode",
          "NOASSERTION": "no licence stated: do not redistribute without clearing the rights"}


def licenses_text(card_text: str) -> str:
    """``LICENSES.md`` of an export: the card's "Licensing and attribution" section (the
    per-source table of SPDX identifiers and whom to credit) and where each licence is.

    >>> print(licenses_text("---\\nx: 1\\n---\\n## Licensing and attribution\\nCC.\\n"
    ...                     "## Citation\\n").splitlines()[-1])
    - `NOASSERTION`: no licence stated: do not redistribute without clearing the rights
    """
    _, body = _split_card(card_text)
    start = body.find("## Licensing and attribution")
    if start < 0:
        raise DatelineError("card-malformed", "the card has no 'Licensing and attribution' "
                            "section", fix="restore corpus/README.md")
    end = body.find("\n## ", start + 1)
    section = body[start:end if end >= 0 else len(body)].strip()
    section = section.removeprefix("## Licensing and attribution").strip()
    section = re.sub(r"<!-- licenses:(start|end)[^>]*-->\n*", "", section)
    deeds = "\n".join(f"- `{spdx}`: {where}" for spdx, where in _DEEDS.items())
    return (f"# Licences of the dateline corpus\n\n{section}\n\n## The licences (SPDX "
            f"identifiers)\n\n{deeds}\n")


def export(corpus: str | os.PathLike[str], dest: str | os.PathLike[str],
           fmt: str = "parquet", *, labels: Sequence[str] | str | None = None,
           kinds: Sequence[str] | str | None = None) -> list[str]:
    """Export the built corpus in ``corpus`` to ``dest``; return the files written (relative).

    ``dest`` must not exist, be empty, or hold an earlier export (it is replaced whole).
    ``labels``/``kinds`` (CoNLL and DocBin only): the entity labels and mention kinds to tag,
    or ``"all"`` (:func:`dateline.export_tokens.select`).

    A built corpus of one document, with its card and MANIFEST, exported as CoNLL:

    >>> import tempfile
    >>> from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "README.md").write_text(
    ...     "---\\nconfigs:\\n- config_name: tokens\\n  version: 0.0.1\\n---\\n# Card\\n"
    ...     "## Licensing and attribution\\nCC BY 4.0.\\n")
    >>> doc = Document(id="d", text="Ann ran.", entities=(Mention(
    ...     id="m", start=0, end=3, text="Ann", label="PERSON", kind="named"),),
    ...     layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    >>> _ = write_jsonl([doc], corpus / "data" / "default" / "test-00000-of-00001.jsonl")
    >>> row = {"id": "d", "tokens": ["Ann", "ran", "."], "token_starts": [0, 4, 7],
    ...        "ner_tags": ["B-PERSON", "O", "O"]}
    >>> rel = "data/tokens/test-00000-of-00001.jsonl"
    >>> atomic_write_text(corpus / rel, json.dumps(row) + "\\n")
    >>> write_manifest(corpus, [rel, "data/default/test-00000-of-00001.jsonl"])
    >>> out = corpus / "export"
    >>> export(corpus, out, "conll", labels=["PERSON"])
    ['train.conll', 'validation.conll', 'test.conll', 'README.md', 'CARD.md', 'LICENSES.md', \
'MANIFEST']
    >>> (out / "test.conll").read_text()
    '# id = d\\nAnn\\tB-PERSON\\nran\\tO\\n.\\tO\\n\\n'
    """
    from dateline.build import card_version

    if fmt not in FORMATS:
        raise DatelineError("unknown-format", f"format {fmt!r} is not one of "
                            f"{', '.join(FORMATS)}", exit_code=2)
    if fmt == "parquet" and (labels or kinds):
        raise DatelineError("usage", "--labels and --kinds apply to the conll and docbin "
                            "exports; parquet keeps every annotation",
                            fix="drop --labels/--kinds, or use --format conll|docbin",
                            exit_code=2)
    src, out = Path(corpus), Path(dest)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not _is_export(out))):
        raise DatelineError("export-target-not-empty", f"{out} exists and is not an earlier "
                            "dateline export", where=str(out),
                            fix="choose a new or empty folder", exit_code=2)
    version = card_version(src / "README.md")
    verify_manifest(src)
    card = (src / "README.md").read_text("utf-8")
    make_dirs(out.parent)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        if fmt == "parquet":
            files = _write_parquet(src, tmp)
            extra = ["README.md", "LICENSES.md"]
        else:
            selection = select(src, labels, kinds)
            files = (write_conll if fmt == "conll" else write_docbin)(src, tmp, selection)
            counts = {sp: len(tagged_documents(src, sp, selection)) for sp in SPLITS}
            atomic_write_text(tmp / "README.md", _readme(fmt, version, selection, counts))
            atomic_write_text(tmp / "CARD.md", card)
            extra = ["README.md", "CARD.md", "LICENSES.md"]
        atomic_write_text(tmp / "LICENSES.md", licenses_text(card))
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
    return [*files, *extra, "MANIFEST"]


def _is_export(folder: Path) -> bool:
    readme = folder / "README.md"
    return readme.is_file() and MARK in readme.read_text("utf-8", errors="replace")
