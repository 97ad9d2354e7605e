"""The founding article: the seed text plus the maintainers' hand annotation (status draft).

The source file holds a ``date YYYY-MM-DD`` prefix, then the article (its first line is a photo
caption). The document text is the file after that prefix, with surrounding whitespace removed.
The annotation lives in ``corpus/annotations/<id>.json`` in the stand-off format of
:mod:`dateline.schemas.standoff` (the Document without its text, anchored by the text's sha256),
so no source text is committed; the build fills in each span's text from the offsets. Its
``meta.published`` is null: the date comes from the source file's prefix; its licences are
:data:`INFO`'s (the file may hold the same values, or null).

>>> split_date_prefix(" date 2025-08-06 Caption line.\\n\\nBody.\\n")
('2025-08-06', 'Caption line.\\n\\nBody.')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dateline.schemas import DatelineError
from dateline.schemas.standoff import from_standoff, read_standoff
from dateline.sources import ImportResult, SourceInfo, SourceReader

__all__ = ["DOC_ID", "INFO", "import_seed", "split_date_prefix", "tokenize"]

# Licences. The seed folder holds the article's text and nothing else: no licence file, no
# licence statement, no author or publisher; the article was supplied for this corpus by the
# project's requester, and no licence came with it (its photo caption credits AFP/Getty
# Images). So the text's licence is unknown: SPDX NOASSERTION. Whoever reuses the text must
# clear its rights first. The annotation is the maintainers' own, released like every
# annotation of this corpus under CC BY 4.0.
#
# Coverage: all three layers are exhaustive for their labels (PERSON/ORGANIZATION/LOCATION;
# the 33 ACE event types; speech and writing quotes), annotated by hand over the whole text.
# The audit's quote signal finds nothing missed (0 of 4). Its entity and event signals are
# blind to the layer's labels and above the threshold on this one short document; each
# case was checked by hand (the exemptions below).
INFO = SourceInfo(
    name="seed",
    repository="supplied with the project (the founding article)",
    commit="-",
    text_license="NOASSERTION",
    annotation_license="CC-BY-4.0",
    license_evidence="text: no licence supplied (the source folder holds the article only; "
                     "it was supplied for this corpus by the project's requester); "
                     "annotation: the maintainers', CC BY 4.0",
    files=("trump-putin-meeting-2025-08-06.txt",),
    audit_exemptions={
        "entities": "the layer covers PERSON, ORGANIZATION and LOCATION only; the 6 "
                    "capitalised sequences in no mention were checked by hand and name none: "
                    "a rally (Keep America Great), platforms, i.e. products (Truth Social, "
                    "Truth, X), the caption's 'Photo' and 'War' capitalised in a quotation",
        "events": "the 3 keyword occurrences that are no trigger were checked by hand: a "
                  "campaign rally (no Conflict.Demonstrate), 'trilateral' before the "
                  "annotated 'meeting', and 'launched', whose Conflict.Attack trigger is the "
                  "annotated 'invasion'",
    },
)
FILE = "trump-putin-meeting-2025-08-06.txt"
DOC_ID = "seed_trump-putin-meeting-2025-08-06"
_DATE = re.compile(r"\s*date (\d{4}-\d\d-\d\d)\s+")


def split_date_prefix(raw: str) -> tuple[str | None, str]:
    """(published date or None, text) of the seed file.

    >>> split_date_prefix("  No date here.\\n")
    (None, 'No date here.')
    """
    m = _DATE.match(raw)
    if m is None:
        return None, raw.strip()
    return m.group(1), raw[m.end():].strip()


def tokenize(text: str) -> list[tuple[int, int]]:
    """Token offsets by spaCy's rule-based English tokenizer (no model needed).

    >>> tokenize("Trump's plan.")
    [(0, 5), (5, 7), (8, 12), (12, 13)]
    """
    import spacy  # the corpus extra; imported here so `import dateline` stays light

    nlp = _nlp_cache.get("en") or _nlp_cache.setdefault("en", spacy.blank("en"))
    return [(t.idx, t.idx + len(t.text)) for t in nlp.make_doc(text) if not t.is_space]


_nlp_cache: dict[str, Any] = {}


def import_seed(reader: SourceReader, annotations: str | Path) -> ImportResult:
    """The founding article as a Document, with the stand-off annotation applied.

    >>> import pathlib, tempfile
    >>> from dateline.schemas import Document, standoff_json
    >>> root = pathlib.Path(tempfile.mkdtemp()); (root / "seed").mkdir()
    >>> _ = (root / "seed" / FILE).write_text("date 2025-01-02\\nAnn spoke.\\n")
    >>> doc = Document(id=DOC_ID, text="Ann spoke.")
    >>> _ = (root / f"{DOC_ID}.json").write_text(standoff_json(doc))
    >>> d = import_seed(SourceReader(root, record=True), root).documents[0]
    >>> d.text, d.meta.published, d.meta.license
    ('Ann spoke.', '2025-01-02', 'NOASSERTION')
    """
    date, text = split_date_prefix(reader.read_text("seed", FILE))
    path = Path(annotations) / f"{DOC_ID}.json"
    if not path.is_file():
        raise DatelineError("annotation-missing", f"no annotation file {path}", where=str(path),
                            fix="restore corpus/annotations/ from git")
    doc = from_standoff(read_standoff(path), text, where=str(path))
    if doc.id != DOC_ID:
        raise DatelineError("annotation-unknown-document", f"the file annotates {doc.id!r}, "
                            f"not {DOC_ID!r}", where=f"{path} $.id",
                            fix=f"set id to {DOC_ID!r}")
    if doc.meta.published not in (None, date):
        raise DatelineError("annotation-meta-conflict", f"meta.published is "
                            f"{doc.meta.published!r}, the source file says {date!r}",
                            where=f"{path} $.meta.published",
                            fix="set it to null: the date comes from the source file")
    for key, value in (("license", INFO.text_license),
                       ("annotation_license", INFO.annotation_license)):
        if getattr(doc.meta, key) not in (None, value):
            raise DatelineError("annotation-meta-conflict", f"meta.{key} is "
                                f"{getattr(doc.meta, key)!r}, the source says {value!r}",
                                where=f"{path} $.meta.{key}",
                                fix=f"set it to {value!r} (or null)")
    meta = doc.meta.model_copy(update={"published": date, "license": INFO.text_license,
                                       "annotation_license": INFO.annotation_license})
    doc = doc.model_copy(update={"meta": meta})
    return ImportResult([doc], {DOC_ID: tokenize(text)}, {"documents": 1})
