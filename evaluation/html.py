"""The error-analysis page: one self-contained HTML file (inline CSS and JavaScript, images as
data URIs, nothing fetched from the network) showing each document's gold and predicted spans
side by side, coloured by outcome, filterable by layer, label and outcome, with every quote
linked to its speaker.

Spans may nest or cross: the text is cut at every span boundary and each piece is wrapped in
one ``<mark>`` per span covering it (outermost first), so nothing is dropped. All document text
and every attribute value is HTML-escaped.

>>> from dateline.schemas import Document
>>> doc = Document(id="d<1>", text="Ann & <Bo> 🙂")
>>> recs = [{"layer": "entities", "doc_id": "d<1>", "outcome": "missed", "boundary": None,
...          "gold": {"id": "m1", "start": 0, "end": 3, "label": "PERSON", "text": "Ann"},
...          "pred": None}]
>>> page = render_page([doc], recs, system="sys")
>>> "&lt;Bo&gt;" in page and "<Bo>" not in page and "🙂" in page
True
>>> 'data-outcome="missed"' in page, "http" in page  # nothing fetched from the network
(True, False)
"""

from __future__ import annotations

import base64
import html
import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from dateline.schemas.model import Document

__all__ = ["COLOURS", "render_page"]

# Outcome -> (background, border). Tests look for the backgrounds in a screenshot.
COLOURS: dict[str, tuple[str, str]] = {
    "correct": ("#b9f6ca", "#1b873f"),
    "incorrect_label": ("#ffd180", "#e65100"),
    "boundary": ("#80d8ff", "#01579b"),
    "boundary_and_label": ("#ea80fc", "#6a1b9a"),
    "missed": ("#ff8a80", "#b71c1c"),
    "spurious": ("#ffff8d", "#9e7c00"),
    "ignored": ("#e0e0e0", "#757575"),
}
_NAMES = {"correct": "correct", "incorrect_label": "wrong label", "boundary": "boundary error",
          "boundary_and_label": "boundary and label", "missed": "missed",
          "spurious": "spurious", "ignored": "ignored (not covered by gold)"}
_LAYER_NAMES = {"entities": "Entities", "events": "Event triggers", "quotes": "Quotes"}

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;
background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 16px;
z-index:2}
h1{font-size:20px;margin:4px 0}
header p{margin:2px 0;color:#555;font-size:13px}
#filters{display:flex;flex-wrap:wrap;gap:6px 14px;align-items:center;font-size:13px;
margin-top:6px}
#filters label{white-space:nowrap}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:middle;
border:1px solid #999}
main{padding:8px 16px}
table.sum{border-collapse:collapse;font-size:13px;margin:6px 0 12px}
table.sum td,table.sum th{border:1px solid #ddd;padding:2px 8px;text-align:right}
table.sum th:first-child,table.sum td:first-child{text-align:left}
.plots img{max-width:48%;margin-right:1%;border:1px solid #ddd;background:#fff}
article{background:#fff;border:1px solid #ddd;border-radius:6px;margin:12px 0;
padding:6px 12px}
article h2{font-size:15px;margin:4px 0}
article h2 small{color:#777;font-weight:normal}
.layer h3{font-size:13px;margin:6px 0 2px;color:#444;text-transform:uppercase;
letter-spacing:.04em}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:16px}
.cols h4{margin:2px 0;font-size:12px;color:#777}
.text{white-space:pre-wrap;margin:0;line-height:2.1}
mark{background:var(--bg);border-bottom:3px solid var(--bd);padding:2px 0;color:inherit;
border-radius:2px}
mark mark{padding:0}
mark.end::after{content:attr(data-label);font-size:9px;font-weight:600;color:var(--bd);
vertical-align:super;margin-left:2px}
mark.off{background:transparent;border-bottom-color:transparent}
mark.off::after{content:none}
mark.hot{outline:2px solid #000}
.speaker{outline:1px dashed #555;border-radius:2px}
.cue{text-decoration:underline wavy #555}
.speaker.linked,.cue.linked{background:#ffe082;outline:2px solid #000}
ul.quotes{font-size:13px;margin:4px 0;padding-left:18px}
ul.quotes li.off{display:none}
.tag{font-size:11px;border-radius:3px;padding:0 4px;background:var(--bg);
border:1px solid var(--bd)}
.hidden{display:none}
"""

_JS = """
(function(){
  var f=document.getElementById('filters');
  // Filters live in the URL's fragment (#layer=..&label=..&outcome=a,b&errors=1): shareable.
  function load(){
    var h={};
    location.hash.replace(/^#/,'').split('&').forEach(function(kv){
      var i=kv.indexOf('='); if(i>0) h[decodeURIComponent(kv.slice(0,i))]=
        decodeURIComponent(kv.slice(i+1));});
    if(h.layer) f.layer.value=h.layer;
    if(h.label) f.label.value=h.label;
    if(h.outcome){var want=h.outcome.split(',');
      f.querySelectorAll('input[name=outcome]').forEach(function(c){
        c.checked=want.indexOf(c.value)>=0;});}
    if(h.errors) f.errors.checked=h.errors==='1';
  }
  function save(){
    var on=[];
    f.querySelectorAll('input[name=outcome]').forEach(function(c){if(c.checked) on.push(c.value);});
    var h='layer='+encodeURIComponent(f.layer.value)+'&label='+encodeURIComponent(f.label.value)+
      '&outcome='+on.join(',')+'&errors='+(f.errors.checked?'1':'0');
    if(history.replaceState) history.replaceState(null,'','#'+h);
  }
  function apply(){
    var layer=f.layer.value, label=f.label.value, only=f.errors.checked;
    var on={};
    f.querySelectorAll('input[name=outcome]').forEach(function(c){on[c.value]=c.checked;});
    document.querySelectorAll('section.layer').forEach(function(s){
      s.classList.toggle('hidden', layer!=='all' && s.dataset.layer!==layer);});
    document.querySelectorAll('mark[data-outcome], ul.quotes li').forEach(function(m){
      var ok=on[m.dataset.outcome] && (label==='all' || m.dataset.label===label);
      m.classList.toggle('off', !ok);});
    document.querySelectorAll('article').forEach(function(a){
      var vis=Array.prototype.some.call(a.querySelectorAll('section.layer'),function(s){
        return !s.classList.contains('hidden') && (!only || s.dataset.errors!=='0');});
      a.classList.toggle('hidden', !vis);});
    var n=document.querySelectorAll('article:not(.hidden)').length;
    document.getElementById('shown').textContent=n;
  }
  f.addEventListener('change', function(){apply(); save();});
  function link(ev, on){
    var t=ev.target.closest && ev.target.closest('[data-rec]'); if(!t) return;
    var art=t.closest('article'); if(!art) return;
    art.querySelectorAll('[data-rec="'+t.dataset.rec+'"]').forEach(function(m){
      m.classList.toggle(m.tagName==='MARK' && !m.classList.contains('speaker') &&
        !m.classList.contains('cue') ? 'hot' : 'linked', on);});
  }
  document.addEventListener('mouseover', function(e){link(e, true);});
  document.addEventListener('mouseout', function(e){link(e, false);});
  load();
  apply();
})();
"""


def _e(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _marked(text: str, spans: Sequence[tuple[int, int, str, dict[str, str]]]) -> str:
    """``text`` with every ``(start, end, classes, attributes)`` span wrapped in ``<mark>``."""
    spans = [s for s in spans if 0 <= s[0] < s[1] <= len(text)]
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    out = []
    for a, b in itertools.pairwise(cuts):
        piece = _e(text[a:b])
        covering = sorted((s for s in spans if s[0] <= a and b <= s[1]),
                          key=lambda s: (s[0] - s[1], s[0]), reverse=True)  # innermost first
        for _, e, classes, attrs in covering:
            cls = f"{classes} end" if e == b and "data-label" in attrs else classes
            attr = "".join(f' {k}="{_e(v)}"' for k, v in attrs.items())
            piece = f'<mark class="{_e(cls.strip())}"{attr}>{piece}</mark>'
        out.append(piece)
    return "".join(out)


def _style(outcome: str) -> str:
    bg, bd = COLOURS.get(outcome, COLOURS["ignored"])
    return f"--bg:{bg};--bd:{bd}"


def _title(r: dict[str, Any]) -> str:
    g, p = r.get("gold"), r.get("pred")
    parts = [_NAMES.get(r["outcome"], r["outcome"])]
    if r.get("boundary"):
        parts.append(r["boundary"].replace("_", " "))
    if g:
        parts.append(f"gold {g['label']}: “{g['text']}”")
    if p:
        parts.append(f"predicted {p['label']}: “{p['text']}”")
    if r.get("speaker_outcome"):
        parts.append(f"speaker {r['speaker_outcome']}")
    return " · ".join(parts)


def _side_spans(recs: Sequence[tuple[int, dict[str, Any]]], side: str
                ) -> list[tuple[int, int, str, dict[str, str]]]:
    spans: list[tuple[int, int, str, dict[str, str]]] = []
    for k, r in recs:
        item = r.get(side)
        if item is None:
            continue
        attrs = {"data-rec": str(k), "data-outcome": r["outcome"],
                 "data-label": str(item["label"]), "title": _title(r),
                 "style": _style(r["outcome"])}
        for s, e in item.get("spans") or [[item["start"], item["end"]]]:
            spans.append((s, e, "", attrs))
        # A quote's speaker and cue: linked to the quote by the same record number.
        for role in ("speaker", "cue"):
            x = item.get(role)
            if x:
                spans.append((x["start"], x["end"], role,
                              {"data-rec": str(k), "title": f"{role} of “{item['text']}”"}))
    return spans


def _quote_list(recs: Sequence[tuple[int, dict[str, Any]]]) -> str:
    rows = []
    for k, r in recs:
        g, p = r.get("gold"), r.get("pred")
        item = g or p
        if item is None:
            continue
        spk = []
        for side, x in (("gold", g), ("predicted", p)):
            if x is not None:
                who = x["speaker"]["text"] if x.get("speaker") else "none"
                spk.append(f"{side}: {_e(who)}")
        verdict = (f' · speaker <b>{_e(r["speaker_outcome"])}</b>'
                   if r.get("speaker_outcome") else "")
        rows.append(
            f'<li data-rec="{k}" data-outcome="{_e(r["outcome"])}" '
            f'data-label="{_e(item["label"])}"><span class="tag" '
            f'style="{_style(r["outcome"])}">{_e(_NAMES.get(r["outcome"], r["outcome"]))}'
            f'</span> {_e(item["label"])}: {_e(item["text"])} — speaker {"; ".join(spk)}'
            f'{verdict}</li>')
    return f'<ul class="quotes">{"".join(rows)}</ul>' if rows else ""


def _document(doc: Document, recs: Sequence[tuple[int, dict[str, Any]]],
              layers: Sequence[str]) -> tuple[str, int]:
    sections = []
    errors_total = 0
    for layer in layers:
        lrecs = [(k, r) for k, r in recs if r["layer"] == layer]
        if not lrecs:
            continue
        errors = sum(r["outcome"] not in ("correct", "ignored") for _, r in lrecs)
        errors_total += errors
        cols = "".join(
            f'<div class="col"><h4>{head}</h4><p class="text">'
            f'{_marked(doc.text, _side_spans(lrecs, side))}</p></div>'
            for head, side in (("Gold", "gold"), ("Predicted", "pred")))
        extra = _quote_list(lrecs) if layer == "quotes" else ""
        sections.append(f'<section class="layer" data-layer="{layer}" data-errors="{errors}">'
                        f'<h3>{_LAYER_NAMES.get(layer, layer)} · {errors} error(s)</h3>'
                        f'<div class="cols">{cols}</div>{extra}</section>')
    meta = [x for x in (doc.meta.genre, doc.meta.collection, doc.meta.publisher) if x]
    title = f" — {_e(doc.meta.title)}" if doc.meta.title else ""
    head = (f'<h2>{_e(doc.id)}{title} <small>{_e(" · ".join(meta))}</small></h2>')
    return (f'<article data-doc="{_e(doc.id)}" data-errors="{errors_total}">{head}'
            f'{"".join(sections)}</article>'), errors_total


def _summary_table(records: Sequence[dict[str, Any]], layers: Sequence[str]) -> str:
    counts = {layer: Counter(r["outcome"] for r in records if r["layer"] == layer)
              for layer in layers}
    outcomes = [o for o in COLOURS if any(c[o] for c in counts.values())]
    head = "".join(f"<th>{_e(_NAMES[o])}</th>" for o in outcomes)
    rows = "".join(f"<tr><td>{_LAYER_NAMES.get(layer, layer)}</td>"
                   + "".join(f"<td>{counts[layer][o]}</td>" for o in outcomes) + "</tr>"
                   for layer in layers if counts[layer])
    return f'<table class="sum"><tr><th>layer</th>{head}</tr>{rows}</table>'


def render_page(gold: Sequence[Document], records: Sequence[dict[str, Any]], *,
                system: str, layers: Sequence[str] = ("entities", "events", "quotes"),
                scores: Sequence[str] = (), images: Mapping[str, bytes] | None = None,
                max_documents: int | None = None, settings: str = "") -> str:
    """The HTML page of an error analysis.

    Parameters
    ----------
    gold
        The gold Documents (their texts are shown).
    records
        Outcome records of :func:`~dateline.evaluation.errors.error_records`.
    system
        The predicting system's name.
    scores
        Lines of headline scores shown at the top (plain text).
    images
        PNG files (alt text -> bytes), embedded as data URIs.
    max_documents
        Show at most this many documents, those with the most errors first (ties in corpus
        order); None: all, in corpus order.
    settings
        A line stating the settings (seed, statuses, ...).

    >>> docs = [Document(id="a", text="Ann"), Document(id="b", text="Bo")]
    >>> miss = {"layer": "entities", "outcome": "missed", "boundary": None, "pred": None,
    ...         "gold": {"id": "m", "start": 0, "end": 2, "label": "PERSON", "text": "An"}}
    >>> recs = [{**miss, "doc_id": "a"}, {**miss, "doc_id": "b"}, {**miss, "doc_id": "b"}]
    >>> page = render_page(docs, recs, system="s", max_documents=1)
    >>> 'data-doc="b"' in page, 'data-doc="a"' in page, "most errors of 2" in page
    (True, False, True)
    """
    by_doc: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    for k, r in enumerate(records):
        by_doc.setdefault(r["doc_id"], []).append((k, r))
    layers = [layer for layer in layers if any(r["layer"] == layer for r in records)]
    rendered = [(d, *_document(d, by_doc[d.id], layers)) for d in gold if d.id in by_doc]
    total = len(rendered)
    if max_documents is not None and total > max_documents:
        keep = sorted(range(total), key=lambda i: -rendered[i][2])[:max_documents]
        rendered = [rendered[i] for i in sorted(keep)]
    labels = sorted({str((r.get("gold") or r.get("pred") or {}).get("label"))
                     for r in records})
    outcome_boxes = "".join(
        f'<label><input type="checkbox" name="outcome" value="{o}" checked> '
        f'<span class="sw" style="background:{bg};border-color:{bd}"></span> {_e(_NAMES[o])}'
        f'</label>' for o, (bg, bd) in COLOURS.items())
    layer_opts = "".join(f'<option value="{layer}">{_LAYER_NAMES.get(layer, layer)}</option>'
                         for layer in layers)
    label_opts = "".join(f'<option value="{_e(lab)}">{_e(lab)}</option>' for lab in labels)
    imgs = "".join(f'<img alt="{_e(alt)}" src="data:image/png;base64,'
                   f'{base64.b64encode(png).decode("ascii")}">'
                   for alt, png in (images or {}).items())
    score_lines = ("<table class=\"sum\"><tr><th>score</th></tr>"
                   + "".join(f"<tr><td>{_e(s)}</td></tr>" for s in scores) + "</table>"
                   if scores else "")
    docs_html = "".join(h for _, h, _ in rendered)
    shown = (f"showing the {len(rendered)} documents with the most errors of {total}"
             if len(rendered) < total else f"{total} documents")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Error analysis: {_e(system)}</title>
<style>{_CSS}</style></head>
<body>
<header><h1>Error analysis: {_e(system)} against gold</h1>
<p>{_e(shown)}; <span id="shown">{len(rendered)}</span> shown with the filters. {_e(settings)}</p>
<form id="filters" onsubmit="return false">
<label>layer <select name="layer"><option value="all">all</option>{layer_opts}</select></label>
<label>label <select name="label"><option value="all">all</option>{label_opts}</select></label>
{outcome_boxes}
<label><input type="checkbox" name="errors"> only documents with errors</label>
<span>(the filters are kept in the address: #layer=…&amp;label=…&amp;outcome=missed,spurious)</span>
</form></header>
<main>
{score_lines}
{_summary_table(records, layers)}
<div class="plots">{imgs}</div>
{docs_html}
</main>
<script>{_JS}</script>
</body></html>
"""
