"""Scale benchmarks, side by side in one run: end to end from files, the matching's worst
case, streaming a million documents, Dask with 1 and 2 local workers.

Run by hand, from the repository root (not part of the test suite; generated files go to a
temporary folder that is removed at the end)::

    .venv/bin/python benchmarks/scale_benchmarks.py            # everything (~10-20 min)
    .venv/bin/python benchmarks/scale_benchmarks.py --quick    # small sizes, a smoke run
    .venv/bin/python benchmarks/scale_benchmarks.py e2e match  # some sections only
    .venv/bin/python benchmarks/scale_benchmarks.py dask --reps=5  # best of 5 runs or rounds

Sections (each tool in a fresh process; wall time, and peak RSS from ``wait4``: the largest
of the process and of its children, not their sum; so also the peak of the summed PSS of the
process tree, sampled every 50 ms from ``/proc``, where it exists):

- ``e2e``: the standard workload (``scoring_workload.py``: 20,000 documents a side) written
  as Document JSONL; ``dateline score GOLD PRED --layer entities --format json`` (the default
  engine, ``auto``: worker processes for files this large on two cores; ``--engine memory``,
  ``--engine stream``, ``--engine processes --workers 2`` and ``1``) against a script that
  reads the same files with ``json.loads`` and runs nervaluate, one that runs seqeval (IOB2
  tags of the same spans), and a bare ``json.loads`` of both files; the numbers are checked
  equal to nervaluate's, and the control of ``dask`` (two CPU-bound processes at once against
  one) says how much of a second core the others' load left;
- ``match``: one document whose gold and predicted spans all overlap (n a side), scored with
  ``score_entity_spans``; past the candidate limit it is refused;
- ``stream``: 1,000,000 generated documents a side scored with ``--engine stream``: peak RSS;
- ``dask``: 200,000 documents a side with ``--engine dask --workers 1`` and ``2`` (the
  command starts its LocalCluster: the figure a user sees) against the single process
  (``--engine stream``), and with ``--scheduler`` on the engine's own LocalCluster of 1 and
  2 workers (the same worker settings) started beforehand (the engine's scaling without the
  cluster start); three rounds, each row once a round: throughput, speed-up (best of each,
  and the median of the rounds' paired ratios), overhead, and every report identical.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from scoring_workload import TYPES, generate  # noqa: E402

_META = ('{"title":null,"publisher":null,"url":null,"published":null,"language":"en",'
         '"genre":null,"collection":null,"license":null,"attribution":null}')
# The workload's six types as labels of the inventory (one to one, so every count is kept):
# the predictions must pass the validation `dateline score` runs by default.
LABELS = dict(zip(TYPES, ["PERSON", "ORGANIZATION", "LOCATION", "EVENT", "TIME", "PRODUCT"],
                  strict=True))
_LAYER = ('{{"status":"{}","source":null,"annotators":[],"guidelines":null,"labels":{},'
          '"regions":null}}')
_LAYERS = ('{"entities":' + _LAYER.format("gold", json.dumps(sorted(LABELS.values())))
           + ',"events":' + _LAYER.format("absent", "[]")
           + ',"quotes":' + _LAYER.format("absent", "[]") + "}")


def _line(doc_id: str, n: int, spans: list) -> str:
    # token i is the character range [2i, 2i + 1) of a text of "x" separated by spaces
    text = " ".join("x" * n)
    ents = ",".join(
        f'{{"id":"m{k}","start":{2 * s},"end":{2 * e - 1},'
        f'"text":{json.dumps(text[2 * s:2 * e - 1])},"label":"{LABELS[t]}","kind":null,'
        '"entity":null,"link":null,"source_label":null}'
        for k, (s, e, t) in enumerate(spans))
    return (f'{{"id":"{doc_id}","text":"{text}","meta":{_META},"entities":[{ents}],'
            f'"events":[],"quotes":[],"layers":{_LAYERS}}}\n')


def write_workload(folder: Path, n_docs: int, batch: int = 20000) -> tuple[Path, Path]:
    """The standard workload's documents (in batches of 20,000 with seeds 13, 14, ...), as
    gold.jsonl and pred.jsonl; ids are unique across batches."""
    gold, pred = folder / f"gold-{n_docs}.jsonl", folder / f"pred-{n_docs}.jsonl"
    with gold.open("w") as g, pred.open("w") as p:
        for b, start in enumerate(range(0, n_docs, batch)):
            for k, d in enumerate(generate(min(batch, n_docs - start), seed=13 + b)["docs"]):
                doc_id = f"doc{start + k:07d}"
                g.write(_line(doc_id, d["n"], d["gold"]))
                p.write(_line(doc_id, d["n"], d["pred"]))
    return gold, pred


NERVALUATE = r"""
import json, sys
from nervaluate import Evaluator
def spans(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out.append([{"label": m["label"], "start": m["start"], "end": m["end"] - 1}
                        for m in d["entities"]])
    return out
res = Evaluator(spans(sys.argv[1]), spans(sys.argv[2]), tags=TAGS, loader="dict").evaluate()
o = res["overall"]
print(json.dumps({m: [o[k].precision, o[k].recall, o[k].f1] for m, k in
                  (("strict", "strict"), ("exact", "exact"), ("partial", "partial"),
                   ("type", "ent_type"))}))
""".replace("TAGS", repr(list(LABELS.values())))

SEQEVAL = r"""
import json, sys
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2
def tags(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            t = ["O"] * ((len(d["text"]) + 1) // 2)
            for m in d["entities"]:
                s, e = m["start"] // 2, (m["end"] + 1) // 2
                t[s] = "B-" + m["label"]
                for i in range(s + 1, e):
                    t[i] = "I-" + m["label"]
            out.append(t)
    return out
g, p = tags(sys.argv[1]), tags(sys.argv[2])
print(json.dumps({"strict": [precision_score(g, p, mode="strict", scheme=IOB2),
                             recall_score(g, p, mode="strict", scheme=IOB2),
                             f1_score(g, p, mode="strict", scheme=IOB2)]}))
"""

JSON_LOADS = r"""
import json, sys
n = 0
for path in sys.argv[1:3]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            json.loads(line)
            n += 1
print(json.dumps({"lines": n}))
"""


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*/children"):
            with contextlib.suppress(OSError):  # gone meanwhile
                todo += [int(c) for c in task.read_text().split()]
    return out


def _pss(pid: int) -> int:
    # kB of the proportional set size of a process tree (shared pages split between sharers)
    total = 0
    for p in _tree(pid):
        try:
            text = Path(f"/proc/{p}/smaps_rollup").read_text()
        except OSError:  # gone meanwhile
            continue
        total += sum(int(line.split()[1]) for line in text.splitlines()
                     if line.startswith("Pss:"))
    return total


class _PssSampler(threading.Thread):
    """The peak of the process tree's summed PSS, sampled until ``done`` is set."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.05):
            self.peak = max(self.peak, _pss(self.pid))


def _rusage_run(cmd: list[str], memory: bool = True) -> dict:
    # Popen + wait4 (communicate would reap the child first, losing its rusage). memory:
    # sample the tree's PSS (reading /proc 20 times a second takes CPU from the run, which
    # shows when the run has both cores: the Dask rows, which report no memory, do without).
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        sampler = _PssSampler(proc.pid)
        if memory and Path(f"/proc/{proc.pid}/smaps_rollup").exists():
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:5])} failed ({proc.returncode}): "
                             f"{err.read()[-2000:]}")
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                "rss": usage.ru_maxrss / 1024, "pss": sampler.peak / 1024, "out": out.read()}


def _dateline(*args: str) -> list[str]:
    return [sys.executable, "-m", "dateline", "score", *args, "--layer", "entities",
            "--format", "json"]


def _modes(report_text: str) -> dict:
    modes = json.loads(report_text)["layers"]["entities"]["modes"]
    return {m: [modes[m]["micro"][k] for k in ("precision", "recall", "f1")] for m in modes}


def _compile_bytecode() -> None:
    # As pip does when it installs a wheel (the other tools' bytecode is compiled already): with
    # PYTHONDONTWRITEBYTECODE set, an editable checkout would compile dateline in every run.
    root = HERE.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q",
                    *(str(root / d) for d in ("dateline", "schemas", "evaluation", "baselines"))],
                   check=True, stdout=subprocess.DEVNULL)


def e2e(folder: Path, n_docs: int, reps: int) -> None:
    gold, pred = write_workload(folder, n_docs)
    _compile_bytecode()
    tools = {
        "dateline score": _dateline(str(gold), str(pred)),
        "dateline score --engine memory": _dateline(str(gold), str(pred), "--engine", "memory"),
        "dateline score --no-validate": _dateline(str(gold), str(pred), "--no-validate"),
        "dateline score --engine stream": _dateline(str(gold), str(pred), "--engine", "stream"),
        **{f"dateline score --engine processes --workers {n}":
           _dateline(str(gold), str(pred), "--engine", "processes", "--workers", str(n))
           for n in (2, 1)},
        "nervaluate script": [sys.executable, "-c", NERVALUATE, str(gold), str(pred)],
        "seqeval script": [sys.executable, "-c", SEQEVAL, str(gold), str(pred)],
        "json.loads only": [sys.executable, "-c", JSON_LOADS, str(gold), str(pred)],
    }
    capacity = _parallel_capacity()
    runs: dict[str, list[dict]] = {t: [] for t in tools}
    for rep in range(reps):
        for name, cmd in tools.items():
            if rep == 0 or name != "seqeval script":  # seqeval is slow: once is enough
                runs[name].append(_rusage_run(cmd))
    after = _parallel_capacity()
    best = {t: min(r["wall"] for r in rs) for t, rs in runs.items()}
    cpu = {t: min(r["cpu"] for r in rs) for t, rs in runs.items()}
    peak = {t: max(r["rss"] for r in rs) for t, rs in runs.items()}
    pss = {t: max(r["pss"] for r in rs) for t, rs in runs.items()}
    print(f"\n## End to end from files ({n_docs:,} documents a side, best of {reps}; "
          "seqeval once)\n")
    # CPU seconds (user + system, from wait4: the command and the workers it waited for) next
    # to wall: on a shared machine the others' load stretches wall time unevenly between runs,
    # much less a run's own CPU time.
    print("| tool | wall s | CPU s | peak RSS MiB (largest process) | peak PSS MiB (process "
          "tree, sampled) | nervaluate / tool | tool / json.loads | the same, CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for t in tools:
        print(f"| {t} | {best[t]:.2f} | {cpu[t]:.2f} | {peak[t]:.0f} | {pss[t]:.0f} "
              f"| {best['nervaluate script'] / best[t]:.1f}x"
              f" | {best[t] / best['json.loads only']:.2f}x"
              f" | {cpu['nervaluate script'] / cpu[t]:.1f}x,"
              f" {cpu[t] / cpu['json.loads only']:.2f}x |")
    ours = _modes(runs["dateline score"][0]["out"])
    nerv = json.loads(runs["nervaluate script"][0]["out"])
    seq = json.loads(runs["seqeval script"][0]["out"])
    same = all(abs(a - b) < 1e-12 for m in nerv for a, b in zip(ours[m], nerv[m], strict=True))
    print(f"\nmicro P/R/F1 identical to nervaluate in all four modes: {same}")
    print(f"strict P/R/F1 identical to seqeval's strict IOB2: "
          f"{all(abs(a - b) < 1e-12 for a, b in zip(ours['strict'], seq['strict'], strict=True))}")
    memory = runs["dateline score --engine memory"][0]["out"]
    for t in tools:
        if t.startswith("dateline score") and t != "dateline score --engine memory":
            print(f"{t}: report identical to the in-memory one (--engine memory): "
                  f"{runs[t][0]['out'] == memory}")
    one = best["dateline score --engine processes --workers 1"]
    two = best["dateline score --engine processes --workers 2"]
    print(f"--engine processes: 2 workers / 1 worker {one / two:.2f}x, 2 workers against the "
          f"in-memory run {best['dateline score --engine memory'] / two:.2f}x; two CPU-bound "
          f"processes at once took {capacity:.2f}x the time of one (1.0: two free cores), so "
          f"the best possible speed-up here is about {2 / capacity:.2f}x (after the runs, two "
          f"at once took {after:.2f}x)")
    print(f"--engine processes fixed cost (2 workers forked from this process, a map of 8 "
          f"trivial tasks, shut down): {_engine_fixed_cost() * 1000:.0f} ms")


def _engine_fixed_cost() -> float:
    from dateline.process_engine import ProcessEngine

    start = time.perf_counter()
    with ProcessEngine(2) as engine:
        assert list(engine.map(abs, range(-4, 4))) == [4, 3, 2, 1, 0, 1, 2, 3]
    return time.perf_counter() - start


def match(sizes: list[int]) -> None:
    import scipy.optimize  # noqa: F401 - imported before timing, not in the first size

    from dateline.evaluation import score_entity_spans
    from dateline.evaluation.large_matching import max_candidates
    from dateline.schemas import DatelineError

    print(f"\n## Worst case of matching: every span overlaps every other "
          f"(limit {max_candidates():,} candidate pairs)\n")
    print("| spans a side | candidate pairs | CPU s | result |")
    print("|---|---|---|---|")
    for n in sizes:
        gold = [(i, 10 * n - i, "A") for i in range(n)]
        pred = [(i, 10 * n - i - 1, "A" if i % 2 else "B") for i in range(n)]
        start = time.process_time()
        try:
            s = score_entity_spans([gold], [pred], keep_items=False)
            result = f"partial F1 {s.value('partial.f1'):.3f}"
        except DatelineError as exc:
            result = f"refused: {exc.code}"
        print(f"| {n:,} | {n * n:,} | {time.process_time() - start:.2f} | {result} |")


def stream(folder: Path, n_docs: int) -> None:
    gold, pred = write_workload(folder, n_docs)
    r = _rusage_run(_dateline(str(gold), str(pred), "--engine", "stream"))
    scored = json.loads(r["out"])["layers"]["entities"]["documents"]["scored"]
    print(f"\n## Streaming {n_docs:,} documents a side (--engine stream)\n")
    print(f"scored {scored:,} documents in {r['wall']:.1f} s wall "
          f"({scored / r['wall']:,.0f} documents/s), peak RSS {r['rss']:.0f} MiB")
    gold.unlink()
    pred.unlink()


def _parallel_capacity() -> float:
    # Two CPU-bound processes at once against one: 1.0 when two cores are free, 2.0 when the
    # others' jobs leave one; the Dask speed-up cannot beat 2 / this.
    burn = [sys.executable, "-c", "sum(range(3 * 10 ** 7))"]
    start = time.perf_counter()
    subprocess.run(burn, check=True)
    one = time.perf_counter() - start
    start = time.perf_counter()
    procs = [subprocess.Popen(burn) for _ in range(2)]
    for p in procs:
        p.wait()
    return (time.perf_counter() - start) / one


@contextlib.contextmanager
def _running_cluster(workers: int) -> Iterator[str]:
    # The LocalCluster the command would start (the engine's own: the same worker settings,
    # its profiler off among them), started before the timed run, its workers having
    # imported the scoring modules as a cluster that has run a job before has: the engine
    # without the start. (A LocalCluster of Dask's defaults would also sample every task's
    # thread for its profiler, which the command's workers do not: a different worker.)
    from dateline.engines import DaskEngine

    with DaskEngine(None, workers) as engine:
        for module in ("dateline.shards", "dateline.streaming"):
            engine.client.run(importlib.import_module, module)
        assert engine.cluster is not None
        yield engine.cluster.scheduler_address


_DASK_ROWS = {
    "single": "single process (--engine stream)",
    "1": "dask, 1 worker (LocalCluster started by the command)",
    "2": "dask, 2 workers (LocalCluster started by the command)",
    "1 running": "dask, 1 worker of a running cluster (--scheduler)",
    "2 running": "dask, 2 workers of a running cluster (--scheduler)",
}


def dask(folder: Path, n_docs: int, reps: int) -> None:
    gold, pred = write_workload(folder, n_docs)
    capacity = _parallel_capacity()
    runs: dict[str, list[dict]] = {k: [] for k in _DASK_ROWS}
    loads = []
    base = [str(gold), str(pred), "--engine"]
    for _ in range(reps):  # every row once a round: the others' load falls on all alike
        loads.append(os.getloadavg()[0])
        runs["single"].append(_rusage_run(_dateline(*base, "stream"), memory=False))
        for n in ("1", "2"):
            runs[n].append(_rusage_run(_dateline(*base, "dask", "--workers", n), memory=False))
        for n in ("1", "2"):
            with _running_cluster(int(n)) as address:
                runs[f"{n} running"].append(_rusage_run(
                    _dateline(*base, "dask", "--scheduler", address), memory=False))
    print(f"\n## Dask, {n_docs:,} documents a side (one thread per worker, "
          f"{os.cpu_count()} cores; best of {reps} rounds, each row once a round)\n")
    print("| run | wall s | documents/s | against the single process |")
    print("|---|---|---|---|")
    best = {k: min(r["wall"] for r in rs) for k, rs in runs.items()}
    for k, name in _DASK_ROWS.items():
        print(f"| {name} | {best[k]:.1f} | {n_docs / best[k]:,.0f} | "
              f"{best['single'] / best[k]:.2f}x |")
    print("\n| round | load average | 2 workers / 1 worker, cluster started | "
          "the same, running cluster | 1 worker / single process |")
    print("|---|---|---|---|---|")
    for k in range(reps):
        wall = {name: rs[k]["wall"] for name, rs in runs.items()}
        print(f"| {k + 1} | {loads[k]:.1f} | {wall['1'] / wall['2']:.2f}x | "
              f"{wall['1 running'] / wall['2 running']:.2f}x | "
              f"{wall['1'] / wall['single']:.2f}x |")
    print(f"\nspeed-up 2 workers / 1 worker (best of each), with the cluster start: "
          f"{best['1'] / best['2']:.2f}x; on a running cluster: "
          f"{best['1 running'] / best['2 running']:.2f}x")
    # The rows of a round ran minutes apart at most: their ratio is paired, where the best of
    # each may pair two moments of different machine speed.
    paired = {c: statistics.median(w / t for w, t in zip(
        [r["wall"] for r in runs[f"1{c}"]], [r["wall"] for r in runs[f"2{c}"]], strict=True))
        for c in ("", " running")}
    print(f"the same, median of the rounds' ratios: {paired['']:.2f}x with the cluster start, "
          f"{paired[' running']:.2f}x on a running cluster")
    print(f"overhead of 1 worker against the single process: {best['1'] / best['single']:.2f}x "
          f"with the cluster start, {best['1 running'] / best['single']:.2f}x on a running "
          f"cluster")
    print(f"two CPU-bound processes at once took {capacity:.2f}x the time of one (1.0: two "
          f"free cores), so the best possible speed-up here is about {2 / capacity:.2f}x")
    first = runs["single"][0]["out"]
    same = all(r["out"] == first for rs in runs.values() for r in rs)
    print(f"identical numbers (every report byte for byte the single process's): {same}")


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    # best of N runs of each e2e tool, interleaved: on a shared machine, more runs give each
    # tool a better chance of a moment with both cores free
    reps = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("--reps=")), 3)
    sections = [a for a in argv if not a.startswith("--")] or ["e2e", "match", "stream", "dask"]
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
          "(figures are ratios measured side by side in this run)")
    folder = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    try:
        if "e2e" in sections:
            e2e(folder, 2000 if quick else 20000, 1 if quick else reps)
        if "match" in sections:
            match([100, 200, 400] if quick else [250, 500, 1000, 2000])
        if "stream" in sections:
            stream(folder, 20000 if quick else 1_000_000)
        if "dask" in sections:
            dask(folder, 20000 if quick else 200_000, 1 if quick else reps)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
