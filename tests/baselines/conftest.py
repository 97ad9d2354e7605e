"""Fixtures of the baseline tests: every built-in extractor, trained on a tiny gold set."""

from __future__ import annotations

import pytest
from baseline_fixtures import NAMES, TRAIN

from dateline.baselines import get_extractor
from dateline.schemas import DatelineError


@pytest.fixture(scope="session")
def extractors() -> dict[str, object]:
    """Every built-in extractor, trained on TRAIN where it learns (spacy when installed)."""
    out: dict[str, object] = {}
    for name in NAMES:
        settings = {"c2_grid": (0.1,), "max_iterations": 30} if name == "crf" else {}
        try:
            ext = get_extractor(name, **settings)
        except DatelineError:
            continue  # spacy or its model missing: covered by a skip in its own test
        if hasattr(ext, "train"):
            ext.train(TRAIN * 3, TRAIN)
        out[name] = ext
    return out
