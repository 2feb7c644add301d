"""Benchmark of the triage classifier: stratified 5-fold cross-validation on the development
messages (../shared/data/complaints-dev.csv, see its README), on one core.

    .venv/bin/python benchmarks/triage_cv.py [CSV] [--folds 5]

Prints one JSON line (macro_f1, accuracy, texts_per_second, suggest_ms_p99, cores, date, …) and
then a readable table. `texts_per_second` is batch classification (normalise, vectorise, score) on
one thread, per CPU-second; `suggest_ms_p99` is the 99th percentile of the CPU time of one
`suggest()` call — top-3 with probabilities and the explanation — as an intake makes it for one
request with the model loaded (`suggest_wall_ms_p99`: the same in wall-clock time, which on a
shared machine also counts other processes' turns; `load_average` says how busy it was).
"""

import os

# One core: set before numpy/scipy are imported (threadpoolctl also limits them while timing).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_CSV = REPO / ".." / "shared" / "data" / "complaints-dev.csv"


def read_rows(path: Path):
    csv.field_size_limit(2**31 - 1)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r.get("title") or "" for r in rows], [r["text"] for r in rows], [r["label"] for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("csv", nargs="?", default=str(DEFAULT_CSV))
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    from gongzhi.triage import classifier as clf

    titles, texts, labels = read_rows(Path(args.csv))
    started = time.perf_counter()
    result = clf.cross_validate(titles, texts, labels, folds=args.folds, latency=True)
    line = {
        "benchmark": "triage_cv",
        "data": Path(args.csv).name,
        "n": result["n"],
        "folds": result["folds"],
        "algorithm": clf.ALGORITHM,
        "params": clf.DEFAULT_PARAMS,
        "macro_f1": result["macro_f1"],
        "macro_f1_std": result["macro_f1_std"],
        "fold_macro_f1": result["fold_macro_f1"],
        "accuracy": result["accuracy"],
        "texts_per_second": result["texts_per_second"],
        "suggest_ms_p50": result["suggest_ms_p50"],
        "suggest_ms_p99": result["suggest_ms_p99"],
        "suggest_wall_ms_p99": result["suggest_wall_ms_p99"],
        "train_seconds_per_fold": result["train_seconds_per_fold"],
        "cores": os.cpu_count(),
        "threads": 1,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - started, 1),
    }
    print(json.dumps(line, ensure_ascii=False))

    print()
    print(f"triage 5-fold CV on {line['data']} ({line['n']} messages, {len(result['per_label'])} labels)")
    print(f"  macro-F1 {line['macro_f1']:.4f} (± {line['macro_f1_std']:.4f} over folds)   accuracy {line['accuracy']:.4f}")
    print(f"  {line['texts_per_second']:.0f} texts/s on one thread   suggest() p50 {line['suggest_ms_p50']:.2f} ms"
          f"   p99 {line['suggest_ms_p99']:.2f} ms (CPU; wall p99 {line['suggest_wall_ms_p99']:.2f} ms,"
          f" load {line['load_average'][0]} on {line['cores']} cores)")
    print()
    print(f"  {'label':<12} {'precision':>9} {'recall':>7} {'F1':>6} {'n':>5}")
    for label, figures in result["per_label"].items():
        print(f"  {label:<12} {figures['precision']:>9.3f} {figures['recall']:>7.3f} {figures['f1']:>6.3f} {figures['support']:>5}")
    print()
    order = result["confusion_matrix"]["labels"]
    print("  confusion (rows: true, columns: predicted, in this order): " + " ".join(order))
    for label, row in zip(order, result["confusion_matrix"]["matrix"], strict=True):
        print(f"  {label:<12} " + " ".join(f"{v:>5}" for v in row))


if __name__ == "__main__":
    main()
