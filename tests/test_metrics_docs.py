"""docs/metrics.md is generated from the metric cards and labels.json, and committed current."""

from pathlib import Path

from dateline.metrics_docs import CARDS, DOCS_PATH, card_text, render_markdown
from dateline.schemas import inventory

ROOT = Path(__file__).resolve().parents[1]


def test_committed_metrics_page_is_current():
    assert (ROOT / DOCS_PATH).read_text("utf-8") == render_markdown(), (
        "docs/metrics.md is stale: run `make docs` and commit it")


def test_every_status_coverage_and_card_is_on_the_page():
    page = render_markdown()
    inv = inventory()
    for name in (*inv.layer_statuses, *inv.layer_coverages):
        assert f"| `{name}` |" in page, name
    for title, module in CARDS:
        assert f"## {title}\n\n(`{module}`)" in page
        assert card_text(module) in page and len(card_text(module)) > 300, module
    assert "no quotation mark or punctuation at either end" in " ".join(page.split())
    # the reST the docstrings use is converted: no roles, no double backticks, no rulers
    assert ":mod:`" not in page and "``" not in page.replace("```", "") and "\n===" not in page
