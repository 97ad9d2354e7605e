"""Side-by-side speed and memory of entity scoring: dateline vs nervaluate vs seqeval.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/side_by_side_scoring.py [--reps 3] [--docs 20000]

Every tool runs in a fresh process on the standard workload (``scoring_workload.py``: 20,000
documents, about 2,000,000 tokens, about 148,000 gold entities, about 20% of predictions
perturbed). Input preparation (building span tuples, Documents, BIO tags or nervaluate dicts)
is not timed; the timed call is the scoring itself, measured as CPU time
(``time.process_time``). Peak memory is the process's peak RSS (``VmHWM``), and the growth
during scoring (peak minus RSS before the call). Tools:

- ``dateline_spans``: ``score_entity_spans`` on span tuples + the full JSON report
  (``to_dict``: four modes, micro, macro, per label, confusion matrix);
- ``dateline_documents``: ``score_entities`` on Documents (built with ``model_construct``) + the
  full report; this includes pairing by id, the text check and reading the Mention objects;
- ``nervaluate``: ``Evaluator(loader="dict").evaluate()`` (four modes, overall and per type);
- ``seqeval_f1``: ``seqeval.metrics.f1_score`` (default mode, micro F1 only);
- ``seqeval_strict_f1``: ``f1_score(mode="strict", scheme=IOB2)``.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time

TOOLS = ["dateline_spans", "dateline_documents", "nervaluate", "seqeval_f1",
         "seqeval_strict_f1"]


def _status(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def run(tool: str, n_docs: int) -> dict:
    from scoring_workload import TYPES, generate, to_bio, to_documents

    docs = generate(n_docs)["docs"]
    if tool == "dateline_spans":
        from dateline.evaluation import score_entity_spans
        args = ([d["gold"] for d in docs], [d["pred"] for d in docs])
    elif tool == "dateline_documents":
        from dateline.evaluation import score_entities
        args = to_documents(docs)
    elif tool == "nervaluate":
        from nervaluate import Evaluator
        args = ([[{"label": t, "start": s, "end": e - 1} for s, e, t in d["gold"]] for d in docs],
                [[{"label": t, "start": s, "end": e - 1} for s, e, t in d["pred"]] for d in docs])
    else:
        from seqeval.metrics import f1_score, precision_score, recall_score
        from seqeval.scheme import IOB2
        args = ([to_bio(d["n"], d["gold"]) for d in docs],
                [to_bio(d["n"], d["pred"]) for d in docs])
    del docs
    rss_before = _status("VmRSS:")
    cpu = time.process_time()
    wall = time.perf_counter()
    if tool == "dateline_spans":
        report = score_entity_spans(*args, keep_items=False).to_dict()
    elif tool == "dateline_documents":
        report = score_entities(*args, keep_items=False).to_dict()
    elif tool == "nervaluate":
        res = Evaluator(*args, tags=TYPES, loader="dict").evaluate()
    elif tool == "seqeval_f1":
        f1 = f1_score(*args)
    else:
        f1 = f1_score(*args, mode="strict", scheme=IOB2)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    if tool.startswith("dateline"):
        strict = report["modes"]["strict"]["micro"]
        summary = {"strict_p": strict["precision"], "strict_r": strict["recall"],
                   "strict_f1": strict["f1"],
                   **{f"{m}_f1": report["modes"][m]["micro"]["f1"]
                      for m in ("exact", "partial", "type")}}
    elif tool == "nervaluate":
        o = res["overall"]
        summary = {"strict_p": o["strict"].precision, "strict_r": o["strict"].recall,
                   "strict_f1": o["strict"].f1, "exact_f1": o["exact"].f1,
                   "partial_f1": o["partial"].f1, "type_f1": o["ent_type"].f1}
    elif tool == "seqeval_f1":
        summary = {"default_f1": f1}
    else:
        summary = {"strict_f1": f1, "strict_p": precision_score(*args, mode="strict",
                                                                scheme=IOB2),
                   "strict_r": recall_score(*args, mode="strict", scheme=IOB2)}
    return {"tool": tool, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
            "rss_before_mib": round(rss_before, 1), "peak_rss_mib": round(_status("VmHWM:"), 1),
            "growth_mib": round(_status("VmHWM:") - rss_before, 1), "summary": summary}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "run":
        print(json.dumps(run(argv[1], int(argv[2]))))
        return
    reps = int(argv[argv.index("--reps") + 1]) if "--reps" in argv else 3
    n_docs = int(argv[argv.index("--docs") + 1]) if "--docs" in argv else 20000
    from scoring_workload import generate
    print(json.dumps(generate(n_docs)["meta"]))
    results: dict[str, list[dict]] = {t: [] for t in TOOLS}
    for rep in range(reps):
        for tool in TOOLS:
            out = subprocess.run([sys.executable, __file__, "run", tool, str(n_docs)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            results[tool].append(r)
            print(f"rep {rep} {tool}: cpu {r['cpu_s']} s, peak RSS {r['peak_rss_mib']} MiB, "
                  f"growth {r['growth_mib']} MiB", flush=True)
    med = {t: statistics.median(r["cpu_s"] for r in rs) for t, rs in results.items()}
    peak = {t: max(r["peak_rss_mib"] for r in rs) for t, rs in results.items()}
    growth = {t: max(r["growth_mib"] for r in rs) for t, rs in results.items()}
    print(f"\n| tool | median score CPU s ({reps} runs) | peak RSS MiB | RSS growth while "
          "scoring MiB | nervaluate / tool | seqeval f1 / tool |")
    print("|---|---|---|---|---|---|")
    for t in TOOLS:
        print(f"| {t} | {med[t]:.3f} | {peak[t]:.0f} | {growth[t]:.0f} | "
              f"{med['nervaluate'] / med[t]:.1f}x | {med['seqeval_f1'] / med[t]:.1f}x |")
    ref = results["nervaluate"][0]["summary"]
    print("\nstrict micro P/R/F1 and other modes' F1 (first run):")
    for t in TOOLS:
        s = results[t][0]["summary"]
        same = all(abs(s[k] - ref[k]) < 1e-12 for k in s if k in ref)
        print(f"  {t}: {json.dumps(s)}  same as nervaluate: {same}")


if __name__ == "__main__":
    main(sys.argv[1:])
