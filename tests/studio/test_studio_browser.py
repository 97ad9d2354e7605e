"""Regions drawn with the mouse in Label Studio's real web page (headless Debian chromium,
driven by Playwright) come back from ``dateline studio pull`` with exact code-point offsets:
a quote across an LF line break, one across a CRLF, names right after an emoji, from a ZWJ
emoji on, with combining marks, and over a double space and a tab.

The page stores a region's text as it shows it (line breaks as backslash-n, a CRLF as two);
the pull checks the offsets against it (dateline.studio.regiontext). ``make browser`` installs
chromium and ``make setup`` Playwright (no browser download: it runs Debian's chromium); in CI
(``CI=true``) this test never skips.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from dateline.schemas import Document, write_jsonl
from dateline.studio.regiontext import web_form
from dateline.studio.sync import read_pulled

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - `make setup` installs it
    sync_playwright = None

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or sync_playwright is None) and not IN_CI,
    reason="chromium or playwright missing: run `make browser` and `make setup`")

PROJECT = "dateline-browser"
# Invented texts: an LF document and a CRLF one; NFD combining marks; astral and ZWJ emoji.
LF = ("🙂Ana Lima arrived in Sa\u0303o Tome\u0301 on Monday.\n"
      "“We will not back down,\nnot now,” Ana Lima said.\n\n"
      "The 👩🏽\u200d⚕️ doctors met Jose\u0301 Nu\u0301n\u0303ez in Vila  Real\tNova.")
CRLF = ("Rui Costa spoke first.\r\n"
        "“Talks will go on,\r\nwhatever it takes,” he said. 🚨Bea Ruiz agreed.")
# document id -> [(label, substring)] drawn in this order
DRAW = {
    "browser-lf": [("PERSON", "Ana Lima"), ("LOCATION", "Sa\u0303o Tome\u0301"),
                   ("QUOTE:direct", "“We will not back down,\nnot now,”"),
                   ("PERSON", "Jose\u0301 Nu\u0301n\u0303ez"),
                   ("PERSON", "👩🏽\u200d⚕️ doctors"), ("LOCATION", "Vila  Real\tNova")],
    "browser-crlf": [("PERSON", "Rui Costa"),
                     ("QUOTE:direct", "“Talks will go on,\r\nwhatever it takes,”"),
                     ("PERSON", "Bea Ruiz")],
}
TEXTS = {"browser-lf": LF, "browser-crlf": CRLF}

# The client point of a code-point offset of the task text: just inside the left edge of the
# character at `pos` ('left'), or just inside the right edge of the one before it ('right').
# The page shows each \n or \r as a <br> and the lines as spans of text nodes (split further
# by highlight spans once regions exist), so a walk over text nodes and <br>s counts offsets.
POINT_JS = r"""([pos, side]) => {
  const root = document.querySelector('.lsf-richtext__container');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  let cp = 0; const chars = [];
  while (walker.nextNode()) {
    const n = walker.currentNode;
    if (n.nodeType === Node.ELEMENT_NODE) { if (n.nodeName === 'BR') cp += 1; continue; }
    let u = 0;
    for (const ch of n.nodeValue) { chars.push([n, u, cp, ch.length]); u += ch.length; cp += 1; }
  }
  const want = side === 'left' ? pos : pos - 1;
  let k = chars.findIndex(c => c[2] === want);
  if (k < 0) return {error: `no character at ${want} (the page holds ${cp})`};
  const r = document.createRange();
  r.setStart(chars[k][0], chars[k][1]); r.setEnd(chars[k][0], chars[k][1] + chars[k][3]);
  let rect = r.getBoundingClientRect();
  while (rect.width === 0 && side === 'right' && k > 0) {  // a combining mark: with its base
    k -= 1; r.setStart(chars[k][0], chars[k][1]); rect = r.getBoundingClientRect();
  }
  const inset = Math.min(1, rect.width / 4);
  return {x: side === 'left' ? rect.left + inset : rect.right - inset,
          y: rect.top + rect.height / 2};
}"""


def _span(text, sub):
    start = text.index(sub)
    return start, start + len(sub)


def _draw(page, text, label, sub, count):
    """Select `sub` with the mouse after picking `label`; wait for the region to appear."""
    page.locator(".lsf-label__text", has_text=re.compile(f"^{re.escape(label)}$")).first.click()
    start, end = _span(text, sub)
    a = page.evaluate(POINT_JS, [start, "left"])
    z = page.evaluate(POINT_JS, [end, "right"])
    assert "error" not in a and "error" not in z, (a, z)
    page.mouse.move(a["x"], a["y"])
    page.mouse.down()
    page.mouse.move(z["x"], z["y"], steps=8)
    page.mouse.up()
    # The last highlight span of each region carries its label.
    page.wait_for_function(
        "n => document.querySelectorAll('.htx-highlight[data-label]').length >= n", arg=count)
    page.keyboard.press("Escape")


def _annotate(server, tmp_path, project_id, tasks):
    base = server["url"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            viewport={"width": 1400, "height": 1000},
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])  # no phone-home
        try:
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(f"{base}/user/login/")
            page.fill("input[name=email]", server["email"])
            page.fill("input[name=password]", server["password"])
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/user/login" not in url)
            for doc_id, task_id in tasks.items():
                page.goto(f"{base}/projects/{project_id}/data?task={task_id}")
                page.wait_for_selector(".lsf-richtext__line", timeout=60_000)
                for k, (label, sub) in enumerate(DRAW[doc_id]):
                    _draw(page, TEXTS[doc_id], label, sub, k + 1)
                with page.expect_response(lambda r: r.request.method == "POST"
                                          and "/annotations" in r.url) as done:
                    page.get_by_role("button", name="Submit").click()
                assert done.value.status == 201, done.value.text()
        finally:
            browser.close()


def test_regions_drawn_in_the_browser_pull_back_exactly(tmp_path, label_studio_server,
                                                        studio_env, ls_client):
    assert CHROMIUM and sync_playwright, "chromium and playwright are needed (CI never skips)"
    docs = tmp_path / "docs.jsonl"
    write_jsonl([Document(id=i, text=t) for i, t in TEXTS.items()], docs)
    cli = [sys.executable, "-m", "dateline", "studio"]
    subprocess.run([*cli, "push", "--project", PROJECT, "--docs", str(docs)], env=studio_env,
                   check=True, capture_output=True, timeout=300)
    [project] = [p for p in ls_client.projects.list() if p.title == PROJECT]
    tasks = {t.data["doc_id"]: t.id for t in ls_client.tasks.list(project=project.id)}
    assert sorted(tasks) == sorted(TEXTS)

    t0 = time.monotonic()
    _annotate(label_studio_server, tmp_path, project.id, tasks)
    took = time.monotonic() - t0
    print(f"\ndrew {sum(map(len, DRAW.values()))} regions in 2 tasks in {took:.1f} s")
    assert took < 90, f"the browser part took {took:.0f} s"

    # What the page stored: exact offsets; text in its own form where a line break is inside.
    stored = {}
    for doc_id, task_id in tasks.items():
        [ann] = ls_client.annotations.list(id=task_id)
        for item in ann.result:
            value = item["value"]
            stored[doc_id, value["start"], value["end"]] = value["text"]
    for doc_id, draws in DRAW.items():
        text = TEXTS[doc_id]
        for _, sub in draws:
            got = stored[(doc_id, *_span(text, sub))]
            shown = web_form(sub) if re.search(r"[\r\n\t]|  ", sub) else sub
            assert got == shown, (doc_id, sub, got)
    assert stored["browser-crlf", *_span(CRLF, DRAW["browser-crlf"][1][1])].count("\\n") == 2

    # Pull: every region comes back with its exact code points.
    out = tmp_path / "pulled"
    done = subprocess.run([*cli, "pull", "--project", PROJECT, "--out", str(out)],
                          env=studio_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "new 2" in done.stdout and "invalid 0" in done.stdout, done.stdout
    pulled = read_pulled(out, TEXTS)
    for doc_id, draws in DRAW.items():
        [doc] = pulled[doc_id].values()
        text = TEXTS[doc_id]
        spans = sorted([(m.start, m.end, m.text, m.label) for m in doc.entities]
                       + [(s.start, s.end, s.text, f"QUOTE:{q.kind}") for q in doc.quotes
                          for s in q.content])
        want = sorted((*_span(text, sub), sub, label) for label, sub in draws)
        assert spans == want, json.dumps([spans, want], ensure_ascii=False)
