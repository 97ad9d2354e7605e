"""Stand-off annotation: a Document's JSON without its text, anchored by the text's sha256.

Annotation of a text we may not redistribute (a source corpus document) is kept as stand-off:
the Document JSON with ``"text"`` replaced by ``"text_sha256"`` (hex sha256 of the UTF-8 text)
and every span's and mention's ``"text"`` removed; ids, offsets, labels, layers and meta are
kept verbatim. :func:`from_standoff` puts the text back, after checking it is the text the
annotation was made on, and fills each span's text from its offsets.

>>> from dateline.schemas import Document, Mention
>>> doc = Document(id="d1", text="Ann Lee spoke.", entities=(
...     Mention(id="m1", start=0, end=7, text="Ann Lee", label="PERSON"),))
>>> data = to_standoff(doc)
>>> data["text_sha256"][:12], data["entities"][0]["end"], "text" in data["entities"][0]
('1cc90657b556', 7, False)
>>> from_standoff(data, "Ann Lee spoke.", where="d1.json") == doc
True
>>> from_standoff(data, "Ann Leigh spoke.", where="d1.json")
Traceback (most recent call last):
...
dateline.schemas.errors.DatelineError: [annotation-text-changed] d1.json: ...
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dateline.schemas.errors import DatelineError, quote_value
from dateline.schemas.model import Document

__all__ = [
    "from_standoff",
    "is_standoff",
    "read_standoff",
    "standoff_json",
    "text_sha256",
    "to_standoff",
]

_FORMAT = ("a stand-off file is a Document's JSON with \"text\" replaced by \"text_sha256\" "
           "and no span text (see corpus/README.md)")


def text_sha256(text: str) -> str:
    """The hex sha256 of the UTF-8 text: what a stand-off file is anchored by.

    >>> text_sha256("abc")[:12]
    'ba7816bf8f01'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _spans(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """(JSON path, value) of every place that holds a span (a dict with start, end, text),
    skipping whatever is not shaped as the model says: the model reports that afterwards."""
    out: list[tuple[str, Any]] = []

    def items(key: str) -> list[tuple[int, Any]]:
        value = doc.get(key)
        return list(enumerate(value)) if isinstance(value, list) else []

    out += [(f"$.entities[{i}]", m) for i, m in items("entities")]
    for i, e in items("events"):
        if not isinstance(e, dict):
            continue
        out.append((f"$.events[{i}].trigger", e.get("trigger")))
        args = e.get("arguments")
        for j, a in enumerate(args if isinstance(args, list) else []):
            if isinstance(a, dict):
                out.append((f"$.events[{i}].arguments[{j}].span", a.get("span")))
    for i, q in items("quotes"):
        if not isinstance(q, dict):
            continue
        content = q.get("content")
        out += [(f"$.quotes[{i}].content[{j}]", s)
                for j, s in enumerate(content if isinstance(content, list) else [])]
        out += [(f"$.quotes[{i}].{k}", q.get(k)) for k in ("cue", "speaker_span")]
    return [(path, s) for path, s in out if isinstance(s, dict)]


def to_standoff(doc: Document) -> dict[str, Any]:
    """The stand-off form of ``doc`` as a JSON-ready dict (field order as in the model).

    >>> from dateline.schemas import Document
    >>> list(to_standoff(Document(id="d", text="Hi.")))[:3]
    ['id', 'text_sha256', 'meta']
    """
    data = doc.model_dump(mode="json")
    out = {"id": data.pop("id"), "text_sha256": text_sha256(data.pop("text")), **data}
    for _, span in _spans(out):
        del span["text"]
    return out


def standoff_json(doc: Document) -> str:
    """The stable file form of :func:`to_standoff` (indented, UTF-8, one trailing newline).

    >>> from dateline.schemas import Document
    >>> print(standoff_json(Document(id="d", text="é"))[:60])
    {
      "id": "d",
      "text_sha256": "4a99557e4033c3539de2eb65472
    """
    return json.dumps(to_standoff(doc), ensure_ascii=False, indent=2) + "\n"


def is_standoff(data: Any) -> bool:
    """Whether parsed JSON is a stand-off file (has ``text_sha256`` and no ``text``).

    >>> is_standoff({"id": "d", "text_sha256": "0" * 64}), is_standoff({"id": "d", "text": ""})
    (True, False)
    """
    return isinstance(data, dict) and "text_sha256" in data and "text" not in data


def _error(code: str, message: str, where: str, path: str | None, fix: str) -> DatelineError:
    return DatelineError(code, message, where=f"{where} {path}" if path else where, fix=fix)


def _json_path(loc: tuple[int | str, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)


def from_standoff(data: dict[str, Any], text: str, *, where: str) -> Document:
    """The Document of stand-off ``data`` over ``text``; ``where`` names the file in errors.

    Raises a coded :class:`DatelineError` naming ``where`` and the JSON path: for a text
    whose sha256 differs from ``text_sha256`` (``annotation-text-changed``), an offset outside
    the text, a span that holds text, and unknown, missing or mistyped fields.

    >>> data = {"id": "d", "text_sha256": text_sha256("Bo."), "entities": [
    ...     {"id": "m1", "start": 0, "end": 2, "label": "PERSON"}]}
    >>> from_standoff(data, "Bo.", where="d.json").entities[0].text
    'Bo'
    >>> data["entities"][0]["end"] = 9
    >>> from_standoff(data, "Bo.", where="d.json")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [offset-out-of-range] d.json $.entities[0].end: ...
    """
    if not isinstance(data, dict):
        raise _error("invalid-value", f"expected a JSON object, got {quote_value(data)}",
                     where, None, _FORMAT)
    if "text" in data:
        raise _error("unknown-field", "the file holds the document text", where, "$.text",
                     f"remove it: {_FORMAT}")
    digest = data.get("text_sha256")
    if not isinstance(digest, str):
        raise _error("missing-field" if digest is None else "invalid-value",
                     f"text_sha256 must be the hex sha256 of the text, got {quote_value(digest)}",
                     where, "$.text_sha256", _FORMAT)
    actual = text_sha256(text)
    if digest != actual:
        raise _error("annotation-text-changed",
                     f"the annotation was made on a text with sha256 {digest[:12]}…, but the "
                     f"text it is applied to has sha256 {actual[:12]}…, so its offsets point "
                     "elsewhere", where, None,
                     "re-annotate the document on its current text (Label Studio: push it and "
                     "pull again), or rebuild from the pinned sources if the text changed by "
                     "mistake; set text_sha256 only after re-anchoring every offset")
    doc = {k: v for k, v in copy.deepcopy(data).items() if k != "text_sha256"}
    for path, span in _spans(doc):
        if "text" in span:
            raise _error("unknown-field", "the span holds text", where, f"{path}.text",
                         f"remove it: {_FORMAT}")
        start, end = span.get("start"), span.get("end")
        if not (type(start) is int and type(end) is int):
            continue  # the model reports the missing or mistyped offset
        if not (0 <= start <= len(text) and 0 <= end <= len(text)):
            key = "start" if not 0 <= start <= len(text) else "end"
            raise _error("offset-out-of-range", f"[{start}, {end}) is outside the text "
                         f"(length {len(text)})", where, f"{path}.{key}",
                         "correct the offsets: they are character offsets into the text")
        if start > end:
            raise _error("inverted-offset", f"start {start} is after end {end}", where,
                         f"{path}.start", "swap or correct the offsets")
        span["text"] = text[start:end]
    try:
        return Document.model_validate({"text": text, **doc})
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(err["loc"])
        path, name = _json_path(loc), (loc[-1] if loc else None)
        if err["type"] == "missing":
            raise _error("missing-field", f"required field {name!r} is missing", where, path,
                         "add it") from None
        if err["type"] == "extra_forbidden":
            raise _error("unknown-field", f"unknown field {name!r} = "
                         f"{quote_value(err['input'])}", where, path,
                         f"remove it or correct its name; {_FORMAT}") from None
        raise _error("invalid-value", f"{err['msg'].lower()}, got {quote_value(err['input'])}",
                     where, path, "see schemas/document.schema.json for the expected type"
                     ) from None


def read_standoff(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a stand-off file; raise a coded error naming it for unreadable or non-JSON files.

    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "d.json"
    >>> _ = f.write_text('{"id": "d"')
    >>> read_standoff(f)
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [invalid-json] ...d.json: ...
    """
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DatelineError("annotation-unreadable", f"cannot read the file: {exc.strerror}",
                            where=str(path), fix="check the path") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DatelineError("invalid-utf8", f"byte {exc.start} is not UTF-8", where=str(path),
                            fix="re-encode the file as UTF-8") from None
    except ValueError as exc:
        raise DatelineError("invalid-json", f"not valid JSON ({exc})", where=str(path),
                            fix="correct the JSON (git diff shows what changed)") from None
    if not isinstance(data, dict):
        raise DatelineError("invalid-value", f"expected a JSON object, got "
                            f"{quote_value(data)}", where=str(path), fix=_FORMAT)
    return data
