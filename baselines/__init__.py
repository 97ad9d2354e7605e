"""dateline.baselines: the Extractor protocol, the registry, and the baseline extractors.

Built-in extractors: ``quotes-rules`` (direct, indirect and mixed quotes by rules),
``events-rules`` (trigger lexicon and nearest-mention arguments), ``crf`` (a CRF tagger for
entity mentions and event triggers), ``spacy`` (any spaCy NER pipeline, optional), and two
reference points every baseline must beat: ``quote-marks`` and ``lexicon``. Third-party
extractors plug in through the ``dateline.extractors`` entry-point group.

>>> from dateline.baselines import get_extractor
>>> from dateline.schemas import Document, check_document
>>> out = get_extractor("quotes-rules").extract(Document(id="d", text='"Go," he said.'))
>>> out.quotes[0].content[0].text, out.layers.quotes.source
('Go', 'quotes-rules@0.1.0')
>>> check_document(out)
[]
"""

from dateline.baselines.base import (
    LAYERS,
    Extractor,
    Trainable,
    extract_all,
    layers_of,
    mark_unscored,
    predictions,
    strip,
)
from dateline.baselines.cache import (
    cache_dir,
    is_trainable,
    load_or_train,
    model_dir,
    trains_on_corpus,
)
from dateline.baselines.gold_coverage import Coverage, gold_coverage, tell_coverage
from dateline.baselines.registry import (
    ENTRY_POINT_GROUP,
    REFERENCE_POINTS,
    ExtractorInfo,
    available,
    get_extractor,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "LAYERS",
    "REFERENCE_POINTS",
    "Coverage",
    "Extractor",
    "ExtractorInfo",
    "Trainable",
    "available",
    "cache_dir",
    "extract_all",
    "get_extractor",
    "gold_coverage",
    "is_trainable",
    "layers_of",
    "load_or_train",
    "mark_unscored",
    "model_dir",
    "predictions",
    "strip",
    "tell_coverage",
    "trains_on_corpus",
]
