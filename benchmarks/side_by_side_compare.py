"""Side-by-side speed of system comparison: 1,000 paired-bootstrap resamples plus 10,000
approximate-randomisation trials for two systems on the standard workload.

Run by hand (not part of the test suite)::

    .venv/bin/python benchmarks/side_by_side_compare.py [--reps 3] [--docs 20000]

The workload is the scoring issue's (``scoring_workload.py``: 20,000 documents, about 148,000
gold entities, system A with about 20% of its predictions perturbed) plus a system B (84%
kept, 5% wrong type, 6% right boundary extended, 5% dropped; generated here with its own
seed). Each variant runs in a fresh process; the timed part is
measured as CPU time (``time.process_time``, all threads) and wall time:

- ``dateline_counts``: :func:`dateline.evaluation.compare_scores` from the two systems'
  per-document counts (the scorers already ran): every entity metric of the four modes, micro
  and macro (24 metrics), 1,000 resamples and 10,000 trials: the issue's target, < 2 s CPU;
- ``dateline_end_to_end``: both scorers (``score_entity_spans``) plus the same comparison;
- ``naive_rescoring``: what a toolkit without per-document counts does, re-running the scorer
  on every resample (documents drawn with replacement); timed on a few resamples and
  extrapolated to 1,000 resamples plus 10,000 trials (each trial is a re-score of both
  systems), so its figure is derived, not measured end to end.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time

VARIANTS = ["dateline_counts", "dateline_end_to_end", "naive_rescoring"]
NAIVE_SAMPLES = 3


def system_b(docs: list[dict], seed: int = 17) -> list[list[tuple[int, int, str]]]:
    """System B of the note: 84% kept, 5% wrong type, 6% right boundary extended, 5% dropped."""
    from scoring_workload import TYPES

    rng = random.Random(seed)
    out = []
    for d in docs:
        pred = []
        for s, e, t in d["gold"]:
            r = rng.random()
            if r < 0.84:
                pred.append((s, e, t))
            elif r < 0.89:
                pred.append((s, e, rng.choice([x for x in TYPES if x != t])))
            elif r < 0.95:
                pred.append((s, e + 1, t))
        out.append(pred)
    return out


def run(variant: str, n_docs: int) -> dict:
    from scoring_workload import generate

    from dateline.evaluation import compare_scores, score_entity_spans

    docs = generate(n_docs)["docs"]
    gold = [d["gold"] for d in docs]
    a = [d["pred"] for d in docs]
    b = system_b(docs)
    if variant == "dateline_counts":
        sa = score_entity_spans(gold, a, keep_items=False)
        sb = score_entity_spans(gold, b, keep_items=False)
    cpu, wall = time.process_time(), time.perf_counter()
    if variant == "naive_rescoring":
        rng = random.Random(1)
        for _ in range(NAIVE_SAMPLES):
            rows = [rng.randrange(n_docs) for _ in range(n_docs)]
            score_entity_spans([gold[i] for i in rows], [a[i] for i in rows], keep_items=False)
            score_entity_spans([gold[i] for i in rows], [b[i] for i in rows], keep_items=False)
        cpu = (time.process_time() - cpu) / NAIVE_SAMPLES * 11000
        wall = (time.perf_counter() - wall) / NAIVE_SAMPLES * 11000
        return {"variant": variant, "cpu_s": round(cpu, 1), "wall_s": round(wall, 1),
                "derived": True}
    if variant == "dateline_end_to_end":
        sa = score_entity_spans(gold, a, keep_items=False)
        sb = score_entity_spans(gold, b, keep_items=False)
    res = compare_scores({"A": {"entities": sa}, "B": {"entities": sb}}, resamples=1000,
                         trials=10000, seed=12345)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    m = res["layers"]["entities"]["metrics"]["strict.f1"]
    summary = {"f1_a": m["systems"]["A"]["value"], "ci_a": m["systems"]["A"]["interval"],
               "f1_b": m["systems"]["B"]["value"], "ci_b": m["systems"]["B"]["interval"],
               "diff": m["differences"]["B"]["difference"],
               "diff_ci": m["differences"]["B"]["interval"], "p": m["differences"]["B"]["p"],
               "metrics": len(res["layers"]["entities"]["metrics"])}
    return {"variant": variant, "cpu_s": round(cpu, 3), "wall_s": round(wall, 3),
            "summary": summary}


def main(argv: list[str]) -> None:
    if argv and argv[0] == "run":
        print(json.dumps(run(argv[1], int(argv[2]))))
        return
    reps = int(argv[argv.index("--reps") + 1]) if "--reps" in argv else 3
    n_docs = int(argv[argv.index("--docs") + 1]) if "--docs" in argv else 20000
    results: dict[str, list[dict]] = {v: [] for v in VARIANTS}
    for rep in range(reps):
        for v in VARIANTS:
            if v == "naive_rescoring" and rep > 0:
                continue  # derived figure: one run is enough
            out = subprocess.run([sys.executable, __file__, "run", v, str(n_docs)],
                                 capture_output=True, text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            results[v].append(r)
            print(f"rep {rep} {v}: cpu {r['cpu_s']} s, wall {r['wall_s']} s", flush=True)
    print(f"\n| variant ({n_docs} documents, 2 systems, 1,000 resamples + 10,000 trials) | "
          f"median CPU s | CPU range s | median wall s |")
    print("|---|---|---|---|")
    for v, rs in results.items():
        cpus = [r["cpu_s"] for r in rs]
        tag = " (derived)" if rs[0].get("derived") else ""
        print(f"| {v}{tag} | {statistics.median(cpus):.3f} | {min(cpus):.3f}–{max(cpus):.3f} | "
              f"{statistics.median(r['wall_s'] for r in rs):.3f} |")
    print("\nstrict F1, intervals, difference B - A and p (first run):")
    print(json.dumps(results["dateline_counts"][0]["summary"]))


if __name__ == "__main__":
    main(sys.argv[1:])
