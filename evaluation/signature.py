"""The reproducibility signature of a score or a comparison (sacrebleu's idea): one short string
naming everything that changes the numbers, printed with every result, so a reader can tell
whether two numbers are comparable.

Format: ``key:value`` fields joined by ``|``, always in this order::

    dateline:0.1.0|corpus:0.1.0+ab12cd34|protocol:test|status:gold|layer:entities|labels:*|
    kinds:named|overlap:any|boot:1000|ar:10000|seed:12345|conf:0.95|alpha:0.05

- ``dateline``: the scorer (the ``dateline`` package) and its version;
- ``corpus``: ``<corpus version>+<short sha256 of corpus/MANIFEST>`` when scoring against the
  corpus (the MANIFEST lists the sha256 of every built file, so its hash pins the data); for a
  gold file, the short sha256 of the file's bytes; ``unknown`` when the caller gave neither;
- ``protocol``: how the gold documents were chosen: ``test`` (default), ``validation``,
  ``train``, ``all``, or ``cv:K`` (K-fold cross-validation);
- ``status``, ``layer``, ``labels``, ``kinds``: comma-separated, sorted (order changes no
  number); ``*`` for no filter, ``none`` for an empty one;
- ``overlap``: ``any`` (any shared character) or ``<threshold>/<gold|pred|union>``;
- a comparison adds its resampling settings: ``boot`` (bootstrap resamples), ``ar``
  (randomisation trials), ``seed``, ``conf`` (interval level) and ``alpha`` (significance
  level, which also sets the minimum detectable differences).

The first eight fields are in every signature; the resampling fields only in a comparison's.
Two signatures differ in a field when both have it and the values differ: a score's point
values are comparable with a comparison's when the first eight agree.

The evaluation library never reads the corpus: the caller (``dateline/``) hashes the MANIFEST
or the gold file and passes the hash in.

>>> sig = format_signature(signature_fields(
...     {"layers": ["entities"], "statuses": ["gold"], "labels": None, "kinds": ["named"],
...      "overlap": {"threshold": 0.0, "relative_to": "gold"}, "resamples": 1000,
...      "trials": 10000, "seed": 12345, "confidence": 0.95, "alpha": 0.05},
...     version="0.1.0", corpus_version="0.1.0", manifest_hash="ab12cd34" + "0" * 56))
>>> sig
'dateline:0.1.0|corpus:0.1.0+ab12cd34|protocol:test|status:gold|layer:entities|labels:*|kinds:named|overlap:any|boot:1000|ar:10000|seed:12345|conf:0.95|alpha:0.05'
>>> parse_signature(sig)["seed"]
'12345'
>>> signature_differences(sig, sig.replace("seed:12345", "seed:1"))
{'seed': ('12345', '1')}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from dateline.schemas.errors import DatelineError

__all__ = [
    "ANY",
    "FIELDS",
    "REQUIRED",
    "RESAMPLING",
    "UNKNOWN",
    "check_signature",
    "comparison_signature",
    "corpus_part",
    "format_signature",
    "parse_signature",
    "protocol_part",
    "short_hash",
    "signature_differences",
    "signature_fields",
]

SCORER = "dateline"
REQUIRED = (SCORER, "corpus", "protocol", "status", "layer", "labels", "kinds", "overlap")
RESAMPLING = ("boot", "ar", "seed", "conf", "alpha")
FIELDS = (*REQUIRED, *RESAMPLING)
ANY = "*"
NONE = "none"
UNKNOWN = "unknown"
SHORT = 8
_PROTOCOL = re.compile(r"[a-z][a-z0-9_-]*")
_CV = re.compile(r"cv:([0-9]+)")


def short_hash(digest: str) -> str:
    """The first 8 characters of a hex digest (a full sha256 or one already short).

    >>> short_hash("AB12CD34EF" + "0" * 54)
    'ab12cd34'
    """
    d = digest.strip().lower()
    if not re.fullmatch(rf"[0-9a-f]{{{SHORT},}}", d):
        raise DatelineError("bad-signature", f"{digest!r} is not a hex digest",
                            fix="give the sha256 of the MANIFEST or of the gold file",
                            exit_code=2)
    return d[:SHORT]


def corpus_part(corpus_version: str | None, manifest_hash: str | None) -> str:
    """The ``corpus`` field: ``version+hash`` (the corpus), ``hash`` (a gold file), ``version``
    (no hash given) or ``unknown``.

    >>> corpus_part("0.1.0", "ab12cd34ef"), corpus_part(None, "ab12cd34ef")
    ('0.1.0+ab12cd34', 'ab12cd34')
    """
    parts = [p for p in (corpus_version, manifest_hash and short_hash(manifest_hash)) if p]
    return "+".join(parts) if parts else UNKNOWN


def protocol_part(protocol: str) -> str:
    """The ``protocol`` field, checked: a split or protocol name (``test``, ``all``, ...) or
    ``cv:K`` with K at least 2.

    >>> protocol_part("cv:5"), protocol_part("test")
    ('cv:5', 'test')
    """
    m = _CV.fullmatch(protocol)
    if (m and int(m.group(1)) >= 2) or (not m and _PROTOCOL.fullmatch(protocol)
                                         and protocol != "cv"):
        return protocol
    raise DatelineError("unknown-protocol", f"protocol {protocol!r} is neither a name such as "
                        "test or all nor cv:K", fix="give test, all, a split name or cv:K "
                        "with K >= 2", exit_code=2)


def _names(values: Sequence[str] | None) -> str:
    if values is None:
        return ANY
    for v in values:
        if "|" in v or "," in v:
            raise DatelineError("bad-signature", f"{v!r} cannot go in a signature",
                                fix="use names without '|' or ','", exit_code=2)
    return ",".join(sorted(values)) or NONE


def _overlap(overlap: Mapping[str, Any] | None) -> str:
    if not overlap or not float(overlap.get("threshold", 0.0)):
        return "any"
    return f"{float(overlap['threshold']):g}/{overlap.get('relative_to', 'gold')}"


def signature_fields(settings: Mapping[str, Any], *, version: str,
                     corpus_version: str | None = None, manifest_hash: str | None = None,
                     protocol: str = "test") -> dict[str, str]:
    """The fields of a signature from the JSON ``settings`` of a score report or a comparison
    (``layers``, ``statuses``, ``labels``, ``kinds``, ``overlap``; a comparison's ``resamples``,
    ``trials``, ``seed``, ``confidence`` and ``alpha`` add the resampling fields).

    >>> signature_fields({"layers": ["quotes"], "statuses": ["gold"]}, version="0.1.0")["labels"]
    '*'
    """
    out = {SCORER: version, "corpus": corpus_part(corpus_version, manifest_hash),
           "protocol": protocol_part(protocol),
           "status": _names(settings.get("statuses", ("gold",))),
           "layer": _names(settings.get("layers")),
           "labels": _names(settings.get("labels")), "kinds": _names(settings.get("kinds")),
           "overlap": _overlap(settings.get("overlap"))}
    if "resamples" in settings:
        out.update({"boot": str(settings["resamples"]), "ar": str(settings["trials"]),
                    "seed": str(settings["seed"]), "conf": f"{settings['confidence']:g}",
                    "alpha": f"{settings['alpha']:g}"})
    return out


def format_signature(fields: Mapping[str, str]) -> str:
    """The signature string of :func:`signature_fields` (fields in :data:`FIELDS` order).

    >>> format_signature({"protocol": "all", "dateline": "0.1.0"})
    'dateline:0.1.0|protocol:all'
    """
    return "|".join(f"{k}:{fields[k]}" for k in FIELDS if k in fields)


def parse_signature(text: str) -> dict[str, str]:
    """The fields of a signature string; ``bad-signature`` (a usage error) when a field is
    malformed, unknown, repeated, or one of :data:`REQUIRED` is missing.

    >>> parse_signature("dateline:0.1.0|corpus:x")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-signature] ... lacks protocol, status, ...
    """
    out: dict[str, str] = {}
    for part in text.strip().split("|"):
        key, sep, value = part.partition(":")
        if not sep or not value or key not in FIELDS or key in out:
            why = ("repeats" if key in out else "has an unknown field" if sep and value
                   else "has a field that is not key:value")
            raise DatelineError("bad-signature", f"signature {text!r} {why}: {part!r}",
                                fix="copy the signature a score or comparison printed "
                                    f"(fields {', '.join(FIELDS)})", exit_code=2)
        out[key] = value
    missing = [k for k in REQUIRED if k not in out]
    if missing:
        raise DatelineError("bad-signature", f"signature {text!r} lacks {', '.join(missing)}",
                            fix="copy the whole signature a score or comparison printed",
                            exit_code=2)
    return out


def signature_differences(a: str | Mapping[str, str], b: str | Mapping[str, str]
                          ) -> dict[str, tuple[str | None, str | None]]:
    """The fields in which two signatures differ: ``field -> (value in a, value in b)``; a
    resampling field only one of them has (a score against a comparison) is no difference.

    >>> s = "dateline:0.1.0|corpus:x|protocol:test|status:gold|layer:quotes|labels:*|kinds:*"
    >>> signature_differences(s + "|overlap:any|boot:10", s + "|overlap:0.5/gold")
    {'overlap': ('any', '0.5/gold')}
    """
    fa = parse_signature(a) if isinstance(a, str) else dict(a)
    fb = parse_signature(b) if isinstance(b, str) else dict(b)
    return {k: (fa.get(k), fb.get(k)) for k in FIELDS
            if (k in fa and k in fb and fa[k] != fb[k])
            or (k in REQUIRED and (k in fa) != (k in fb))}


def check_signature(given: str, actual: str) -> None:
    """Refuse a run whose signature (``actual``) differs from the one it is checked against
    (``given``, e.g. ``--signature``): ``signature-mismatch`` (exit 1) names each differing
    field with both values.

    >>> s = "dateline:0.1.0|corpus:x|protocol:test|status:gold|layer:quotes|labels:*|kinds:*"
    >>> check_signature(s + "|overlap:any", s + "|overlap:any")
    >>> check_signature(s + "|overlap:any", s.replace("test", "all") + "|overlap:any")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [signature-mismatch] --signature: ... protocol ...
    """
    diff = signature_differences(given, actual)
    if not diff:
        return
    what = "; ".join(f"{k}: {b if b is not None else '(absent)'} in this run, "
                     f"{a if a is not None else '(absent)'} given" for k, (a, b) in diff.items())
    raise DatelineError("signature-mismatch", f"this run's numbers are not comparable with "
                        f"the given signature: {len(diff)} field(s) differ ({what})",
                        where="--signature", fix="rerun with the given signature's corpus, "
                        "protocol and settings, or compare only numbers with equal signatures",
                        exit_code=1)


def comparison_signature(result: Mapping[str, Any], *, corpus_version: str | None = None,
                         manifest_hash: str | None = None, protocol: str = "test") -> str:
    """The signature of a comparison result (:func:`~dateline.evaluation.compare.comparison`):
    its scorer version and settings, with the corpus version (default: the result's), the
    MANIFEST's sha256 (for a gold file: the file's) and the protocol given by the caller.

    >>> from dateline.evaluation.compare import comparison
    >>> from dateline.evaluation.layers import ScoreOptions, score_layers
    >>> r = comparison({"a": score_layers([], [], ("quotes",))}, ScoreOptions(), resamples=5)
    >>> comparison_signature(r, corpus_version="0.1.0", manifest_hash="ab12cd34",
    ...                      protocol="cv:5").split("|")[1:4]
    ['corpus:0.1.0+ab12cd34', 'protocol:cv:5', 'status:gold']
    """
    return format_signature(signature_fields(
        result["settings"], version=result["scorer"]["version"],
        corpus_version=corpus_version if corpus_version is not None else
        result.get("corpus_version"), manifest_hash=manifest_hash, protocol=protocol))
