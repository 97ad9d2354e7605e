"""The error-analysis page in a real headless browser (Debian's chromium): the spans render in
their outcome colours, and the filters (kept in the URL fragment) act on the rendered page.

``make browser`` installs chromium when it is missing; in CI (``CI=true``) these tests never
skip. Network access is cut off (every host name resolves to nothing), so the page renders
only what it holds.
"""

import os
import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from compare_data import corpus, perturb

from dateline.evaluation.error_report import write_error_report
from dateline.evaluation.html import COLOURS
from dateline.schemas import Mention

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed; run `make browser` (CI installs it and never skips)")


def chromium(url, tmp_path, *flags):
    assert CHROMIUM, "chromium is missing: `make browser` installs it"
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    profile.mkdir()
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
           "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
           "--window-size=1400,2000", *flags, url]
    return subprocess.run(cmd, capture_output=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("page")
    gold = corpus(6)
    pred = perturb(gold, 7, 0.5)
    # One spurious mention, so every colour but "boundary and label" is on the page.
    d = pred[0]
    extra = Mention(id="x", start=310, end=326, text=d.text[310:326], label="PERSON")
    pred[0] = d.model_copy(update={"entities": (*d.entities, extra)})
    write_error_report(gold, pred, out, system="demo", resamples=50)
    return out / "index.html"


def colour_counts(png):
    from PIL import Image

    img = Image.open(png).convert("RGB")
    counts = dict((c, n) for n, c in img.getcolors(maxcolors=1 << 24))

    def count(outcome):
        bg = COLOURS[outcome][0].lstrip("#")
        return counts.get(tuple(int(bg[i:i + 2], 16) for i in (0, 2, 4)), 0)

    return {o: count(o) for o in COLOURS}


def test_screenshot_shows_spans_in_outcome_colours(page, tmp_path):
    shot = tmp_path / "page.png"
    chromium(page.as_uri(), tmp_path, f"--screenshot={shot}")
    seen = colour_counts(shot)
    # Each outcome colour covers far more than its legend swatch (~140 pixels): spans rendered.
    for outcome in ("correct", "incorrect_label", "boundary", "missed", "spurious"):
        assert seen[outcome] > 600, (outcome, seen)


def test_outcome_filter_in_the_fragment_hides_other_colours(page, tmp_path):
    full, only = tmp_path / "full.png", tmp_path / "missed.png"
    chromium(page.as_uri(), tmp_path, f"--screenshot={full}")
    chromium(page.as_uri() + "#outcome=missed", tmp_path, f"--screenshot={only}")
    a, b = colour_counts(full), colour_counts(only)
    assert b["missed"] > 1500
    assert b["correct"] < 0.05 * a["correct"] and b["boundary"] < 0.05 * a["boundary"]


class Marks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.marks, self.articles = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "mark" and "data-outcome" in a:
            self.marks.append(a)
        if tag == "article":
            self.articles.append(a)


def test_label_and_error_filters_after_javascript(page, tmp_path):
    dom = chromium(page.as_uri() + "#label=PERSON&outcome=missed,correct&errors=1", tmp_path,
                   "--dump-dom").stdout.decode("utf-8")
    p = Marks()
    p.feed(dom)
    assert p.marks
    for m in p.marks:
        on = m["data-label"] == "PERSON" and m["data-outcome"] in ("missed", "correct")
        assert ("off" not in m["class"].split()) == on, m
    assert any("off" not in m["class"].split() for m in p.marks)
    # Documents without errors are hidden when "only documents with errors" is on.
    assert all(("hidden" in a.get("class", "")) == (a["data-errors"] == "0")
               for a in p.articles)
