"""The metrics page ``docs/metrics.md``, generated from the code: the layer vocabulary of
``schemas/labels.json`` (statuses, coverages, kinds) and the metric cards (module docstrings)
of the scorers, intervals, significance, power, signature and agreement.

Regenerate it with ``make docs`` (``python -m dateline.metrics_docs docs/metrics.md``, written
by :func:`dateline.schemas.codes_docs.write`);
``tests/test_metrics_docs.py`` fails when the committed page is stale. The docstrings are
reStructuredText; :func:`rst_to_markdown` converts the subset they use (inline literals, roles,
simple tables, literal blocks).

>>> render_markdown().splitlines()[0]
'# Metrics and vocabulary'
>>> rst_to_markdown("``x`` and :func:`~dateline.evaluation.score_entities`")
'`x` and `score_entities`'
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from dateline.schemas.labels import labels_json

__all__ = ["CARDS", "DOCS_PATH", "card_text", "render_markdown", "rst_to_markdown",
           "vocabulary"]

DOCS_PATH = Path("docs") / "metrics.md"

CARDS: tuple[tuple[str, str], ...] = (
    ("Entities", "dateline.evaluation.entities"),
    ("Events", "dateline.evaluation.events"),
    ("Quotes", "dateline.evaluation.quotes"),
    ("Intervals and significance", "dateline.evaluation.significance"),
    ("Minimum detectable difference", "dateline.evaluation.power"),
    ("The signature", "dateline.evaluation.signature"),
    ("Agreement between annotators", "dateline.evaluation.agreement"),
)
"""(section title, module whose docstring is the card), in page order."""

_VOCABULARY = (
    ("layer_statuses", "Layer status (`layers.<layer>.status`)",
     "How a layer was made. Scoring uses `gold` layers by default (`--status`)."),
    ("layer_coverages", "Layer coverage (`layers.<layer>.coverage`)",
     "What an unmatched prediction means inside the layer's regions."),
    ("layer_parts", "Parts a layer may declare not annotated (`layers.<layer>.not_annotated`)",
     "Metrics of a part declared not annotated are left out, never scored 0."),
    ("mention_kinds", "Mention kinds (`entities[].kind`)", ""),
    ("quote_kinds", "Quote kinds (`quotes[].kind`)", ""),
)


def _table(lines: list[str]) -> list[str]:
    """A reST simple table (ruler, header, ruler, rows, ruler) as Markdown rows."""
    ruler = lines[0]
    cols = [(m.start(), m.end()) for m in re.finditer(r"=+", ruler)]

    def cells(line: str) -> list[str]:
        out = []
        for k, (a, _) in enumerate(cols):
            b = cols[k + 1][0] if k + 1 < len(cols) else len(line)
            out.append(line[a:b].strip())
        return out

    body = [cells(x) for x in lines[1:] if x.strip() and not set(x.strip()) <= {"=", " "}]
    rows = ["| " + " | ".join(body[0]) + " |", "|" + "---|" * len(cols)]
    return rows + ["| " + " | ".join(r) + " |" for r in body[1:]]


def rst_to_markdown(text: str) -> str:
    """The reStructuredText subset of the docstrings as Markdown.

    >>> print(rst_to_markdown("Format::\\n\\n    a|b\\n\\nDone."))
    Format:
    <BLANKLINE>
    ```
    a|b
    ```
    <BLANKLINE>
    Done.
    """
    text = re.sub(r":(?:mod|func|class|meth|data|attr):`~?([^`]+)`",
                  lambda m: f"``{m.group(1).rsplit('.', 1)[-1]}``"
                  if m.group(0).count("~") else f"``{m.group(1)}``", text)
    text = re.sub(r"``(.+?)``", r"`\1`", text)
    lines, out, k = text.splitlines(), [], 0
    while k < len(lines):
        line = lines[k]
        if re.fullmatch(r"=+( +=+)+", line.strip()):
            end = k + 1
            rulers = 1
            while end < len(lines) and rulers < 3:
                rulers += bool(re.fullmatch(r"=+( +=+)+", lines[end].strip()))
                end += 1
            out += _table(lines[k:end])
            k = end
            continue
        if line.endswith("::") and k + 1 < len(lines) and not lines[k + 1].strip():
            out += [line[:-1], "", "```"]
            k += 2
            while k < len(lines) and (lines[k].startswith("    ") or not lines[k].strip()):
                if lines[k].strip() or (k + 1 < len(lines) and lines[k + 1].startswith("    ")):
                    out.append(lines[k][4:])
                k += 1
            out += ["```", ""]
            continue
        out.append(line)
        k += 1
    return "\n".join(out).strip()


def card_text(module: str) -> str:
    """The metric card of ``module``: its docstring up to the first example, without the
    ``Metric card`` heading, as Markdown.

    >>> card_text("dateline.evaluation.entities").split("\\n")[0][:30]
    '*What is matched.* Entity ment'
    """
    doc = importlib.import_module(module).__doc__ or ""
    doc = doc.split("\n>>>", 1)[0]
    marker = re.search(r"\nMetric card\n-+\n", doc)
    if marker:
        doc = doc[marker.end():]
    return rst_to_markdown(doc)


def vocabulary() -> str:
    """The vocabulary section: every status, coverage, part and kind of ``labels.json`` with
    its definition.

    >>> "| `silver` | Machine output. |" in vocabulary()
    True
    """
    data = labels_json()
    parts = []
    for key, title, intro in _VOCABULARY:
        rows = ["| name | meaning |", "|---|---|"]
        for entry in data[key]:
            if isinstance(entry, dict):
                layer = f" ({entry['layer']})" if entry.get("layer") else ""
                rows.append(f"| `{entry['name']}`{layer} | {entry.get('definition', '')} |")
            else:
                rows.append(f"| `{entry}` | |")
        parts.append(f"### {title}\n\n" + (f"{intro}\n\n" if intro else "") + "\n".join(rows))
    return "\n\n".join(parts)


def render_markdown() -> str:
    """The whole page.

    >>> "## Quotes" in render_markdown()
    True
    """
    head = ("# Metrics and vocabulary\n\n"
            "Generated from the code by `make docs` (`dateline/metrics_docs.py`): the vocabulary "
            "from `schemas/labels.json`, each metric card from the docstring of the module "
            "named under its title. Do not edit by hand.\n\n"
            "## Vocabulary\n\n" + vocabulary())
    cards = [f"## {title}\n\n(`{module}`)\n\n{card_text(module)}" for title, module in CARDS]
    return "\n\n".join([head, *cards]) + "\n"


if __name__ == "__main__":
    from dateline.schemas import codes_docs

    page = codes_docs.write(next(iter(sys.argv[1:]), DOCS_PATH), render_markdown)
    sys.stdout.write(f"wrote {page}\n")
