"""dateline.evaluation: span matching, scorers per layer, comparison and agreement.

Pure functions over gold and predicted Documents; the ``dateline score`` command is a thin
wrapper. Every scorer rests on one matching engine (:mod:`~dateline.evaluation.matching`) and
returns per-document counts (:class:`~dateline.evaluation.counts.DocCounts`) from which all
totals and ratios are computed.

>>> from dateline.evaluation import score_entity_spans
>>> s = score_entity_spans([[(0, 3, "PER"), (4, 9, "LOC")]], [[(0, 3, "PER"), (4, 8, "LOC")]])
>>> s.scores("strict")["f1"], s.scores("type")["f1"]
(0.5, 1.0)
"""

from typing import TYPE_CHECKING

# The layer registry, imported now: its module shares its name with its function
# ``layers``, which must stay this package's attribute (an import of the module later would
# otherwise set the attribute to the module).
from dateline.evaluation.layers import (
    Column,
    LayerSpec,
    ScoreOptions,
    get_layer,
    layer_names,
    layers,
    register_layer,
    score_layers,
)
from dateline.schemas.lazy import lazy_names

if TYPE_CHECKING:  # what type checkers see; at run time, __getattr__ below
    from dateline.evaluation.compare import compare_scores, compare_systems
    from dateline.evaluation.counts import DocCounts, prf, ratio
    from dateline.evaluation.coverage import Scope
    from dateline.evaluation.entities import (
        MODES,
        EntityScores,
        ItemOutcome,
        score_entities,
        score_entity_spans,
    )
    from dateline.evaluation.error_report import write_error_report
    from dateline.evaluation.errors import error_records
    from dateline.evaluation.events import EVENT_METRICS, score_events
    from dateline.evaluation.inputs import first_difference, pair_documents
    from dateline.evaluation.matching import EXACT, Matching, Overlap, match_items, match_spans
    from dateline.evaluation.power import minimum_detectable_difference
    from dateline.evaluation.quotes import QUOTE_METRICS, score_quotes
    from dateline.evaluation.report import score
    from dateline.evaluation.results import LayerScores, Result
    from dateline.evaluation.signature import check_signature, comparison_signature
    from dateline.evaluation.significance import approximate_randomisation, holm, paired_bootstrap
    from dateline.evaluation.tables import render_comparison

# The other public names and the module each comes from, imported on first use (PEP 562):
# ``dateline score`` imports the scorers it runs, not the comparison, the significance
# tests, the power analysis or the error report (about a tenth of its imports), while
# ``from dateline.evaluation import paired_bootstrap`` works as ever.
_LAZY = {
    **dict.fromkeys(("compare_scores", "compare_systems"), "dateline.evaluation.compare"),
    **dict.fromkeys(("DocCounts", "prf", "ratio"), "dateline.evaluation.counts"),
    "Scope": "dateline.evaluation.coverage",
    **dict.fromkeys(("MODES", "EntityScores", "ItemOutcome", "score_entities",
                     "score_entity_spans"), "dateline.evaluation.entities"),
    "write_error_report": "dateline.evaluation.error_report",
    "error_records": "dateline.evaluation.errors",
    **dict.fromkeys(("EVENT_METRICS", "score_events"), "dateline.evaluation.events"),
    **dict.fromkeys(("first_difference", "pair_documents"), "dateline.evaluation.inputs"),
    **dict.fromkeys(("EXACT", "Matching", "Overlap", "match_items", "match_spans"),
                    "dateline.evaluation.matching"),
    "minimum_detectable_difference": "dateline.evaluation.power",
    **dict.fromkeys(("QUOTE_METRICS", "score_quotes"), "dateline.evaluation.quotes"),
    "score": "dateline.evaluation.report",
    **dict.fromkeys(("LayerScores", "Result"), "dateline.evaluation.results"),
    **dict.fromkeys(("check_signature", "comparison_signature"),
                    "dateline.evaluation.signature"),
    **dict.fromkeys(("approximate_randomisation", "holm", "paired_bootstrap"),
                    "dateline.evaluation.significance"),
    "render_comparison": "dateline.evaluation.tables",
}


__getattr__, __dir__ = lazy_names("dateline.evaluation", _LAZY, globals())

__all__ = [
    "EVENT_METRICS",
    "EXACT",
    "MODES",
    "QUOTE_METRICS",
    "Column",
    "DocCounts",
    "EntityScores",
    "ItemOutcome",
    "LayerScores",
    "LayerSpec",
    "Matching",
    "Overlap",
    "Result",
    "Scope",
    "ScoreOptions",
    "approximate_randomisation",
    "check_signature",
    "compare_scores",
    "compare_systems",
    "comparison_signature",
    "error_records",
    "first_difference",
    "get_layer",
    "holm",
    "layer_names",
    "layers",
    "match_items",
    "match_spans",
    "minimum_detectable_difference",
    "pair_documents",
    "paired_bootstrap",
    "prf",
    "ratio",
    "register_layer",
    "render_comparison",
    "score",
    "score_entities",
    "score_entity_spans",
    "score_events",
    "score_layers",
    "score_quotes",
    "write_error_report",
]
