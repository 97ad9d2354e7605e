"""The registry: built-in extractors by name, plus third-party ones found through entry points.

A package plugs an extractor in by declaring, in its ``pyproject.toml``::

    [project.entry-points."dateline.extractors"]
    my-extractor = "my_package.module:MyExtractor"

The object named is a class or factory called with the settings (``get_extractor(name,
**settings)``), or a ready extractor instance (then no settings are accepted). Built-in names
win over a third-party extractor of the same name.

>>> sorted(available())[:3]
['crf', 'events-rules', 'lexicon']
>>> available()["quotes-rules"].origin
'built-in'
>>> get_extractor("quotes-rules").name
'quotes-rules'
"""

from __future__ import annotations

import importlib
import inspect
import typing
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from pydantic import TypeAdapter, ValidationError

from dateline.baselines.base import Extractor
from dateline.schemas import DatelineError

__all__ = ["BUILTINS", "ENTRY_POINT_GROUP", "ExtractorInfo", "available", "check_settings",
           "get_extractor"]

ENTRY_POINT_GROUP = "dateline.extractors"

# name -> "module:attribute"; modules are imported only when the extractor is asked for.
BUILTINS: dict[str, str] = {
    "quotes-rules": "dateline.baselines.quotes:QuoteRules",
    "events-rules": "dateline.baselines.events:EventRules",
    "crf": "dateline.baselines.crf:CRFTagger",
    "spacy": "dateline.baselines.spacy_ner:SpacyNER",
    "spacy-trained": "dateline.baselines.spacy_trained:SpacyTrained",
    "quote-marks": "dateline.baselines.quote_marks:QuoteMarks",
    "lexicon": "dateline.baselines.lexicon:LabelLexicon",
}

# Reference points: trivial systems every baseline must beat (reported, never "the" baseline).
REFERENCE_POINTS = frozenset({"quote-marks", "lexicon"})


@dataclass(frozen=True)
class ExtractorInfo:
    """Where an extractor comes from: ``origin`` is ``built-in`` or the distribution name."""

    name: str
    target: str
    origin: str
    reference: bool = False

    def load(self) -> Any:
        """Import and return the class, factory or instance named by ``target``.

        >>> available()["quote-marks"].load().__name__
        'QuoteMarks'
        """
        module, _, attr = self.target.partition(":")
        try:
            obj = importlib.import_module(module)
            for part in attr.split("."):
                obj = getattr(obj, part)
        except (ImportError, AttributeError) as exc:
            raise DatelineError(
                "extractor-unavailable",
                f"extractor {self.name!r} ({self.target}, from {self.origin}) cannot be "
                f"loaded: {exc}",
                fix="install its package and dependencies (`pip install ...`), or run "
                    "`dateline extractors` to see what is installed",
                exit_code=2) from exc
        return obj


def available() -> dict[str, ExtractorInfo]:
    """Every extractor name: the built-ins, then entry points of installed packages.

    >>> info = available()["lexicon"]
    >>> info.target, info.origin, info.reference
    ('dateline.baselines.lexicon:LabelLexicon', 'built-in', True)
    """
    out = {name: ExtractorInfo(name, target, "built-in", name in REFERENCE_POINTS)
           for name, target in BUILTINS.items()}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name in out:
            continue
        dist = ep.dist.name if ep.dist is not None else "unknown"
        out[ep.name] = ExtractorInfo(ep.name, ep.value, dist)
    return dict(sorted(out.items()))


def check_settings(name: str, factory: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """The settings of an extractor checked against its factory's parameters and their type
    hints before anything runs (``bad-setting`` naming the setting, the value and the type);
    values are converted to the declared types where that is lossless.

    >>> from dateline.baselines.crf import CRFTagger
    >>> check_settings("crf", CRFTagger, {"c2_grid": [0.1], "max_iterations": 5})
    {'c2_grid': [0.1], 'max_iterations': 5}
    >>> check_settings("crf", CRFTagger, {"c2_grid": "oops"})
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [bad-setting] extractor 'crf': setting c2_grid ...
    """
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # no introspectable signature: the factory decides
        return dict(settings)
    try:
        hints = typing.get_type_hints(factory.__init__ if isinstance(factory, type) else factory)
    except Exception:  # unresolvable annotations: check names only
        hints = {}
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    names = [n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
             or p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in params and not open_ended:
            raise DatelineError("bad-setting", f"extractor {name!r} has no setting {key!r}",
                                fix=f"use one of {', '.join(names) or '(none)'} (`dateline "
                                    "extractors --verbose` says what each means)",
                                exit_code=2)
        hint = hints.get(key)
        if hint is None:
            out[key] = value
            continue
        try:
            out[key] = TypeAdapter(hint).validate_python(value)
        except ValidationError as exc:
            why = exc.errors(include_url=False)[0]["msg"]
            raise DatelineError("bad-setting", f"extractor {name!r}: setting {key} = {value!r} "
                                f"is not {getattr(hint, '__name__', hint)}: {why}",
                                fix=f"give --set {key}=VALUE a value of that type (`dateline "
                                    "extractors --verbose` lists each setting's type)",
                                exit_code=2) from None
    return out


def get_extractor(name: str, **settings: Any) -> Extractor:
    """The extractor called ``name``, made with ``settings``.

    >>> get_extractor("quotes-rules", min_uncued_words=2).min_uncued_words
    2
    >>> get_extractor("nope")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [unknown-extractor] ...
    """
    infos = available()
    if name not in infos:
        raise DatelineError("unknown-extractor",
                            f"no extractor named {name!r} (known: {', '.join(infos)})",
                            fix="run `dateline extractors` to list them, or install the "
                                "package that provides it", exit_code=2)
    obj = infos[name].load()
    if isinstance(obj, type) or (callable(obj) and not isinstance(obj, Extractor)):
        settings = check_settings(name, obj, settings)
        try:
            made = obj(**settings)
        except TypeError as exc:
            raise DatelineError("bad-setting", f"extractor {name!r}: {exc}",
                                fix="check the setting names (`dateline extractors "
                                    "--verbose` lists them)",
                                exit_code=2) from exc
    elif settings:
        raise DatelineError("bad-setting",
                            f"extractor {name!r} is a ready instance and takes no settings",
                            exit_code=2)
    else:
        made = obj
    if not isinstance(made, Extractor):
        raise DatelineError("not-an-extractor",
                            f"{infos[name].target} made {type(made).__name__}, which has no "
                            "name, version and extract(doc)",
                            fix="implement the dateline.baselines.Extractor protocol",
                            exit_code=2)
    return made
