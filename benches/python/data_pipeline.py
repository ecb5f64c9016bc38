"""The Python side of benches/data_pipeline.rs: pandas + scikit-learn doing the same work.

Reads labeledTrainData.tsv.gz as the original course did (pandas read_csv with quoting=3), then
fits and applies CountVectorizer(stop_words="english", max_features=10000) to the reviews.
Prints the best of several runs and, when the Rust benchmark has run (make bench-data), the ratio.

Run: make bench-data   (or .venv/bin/python benches/python/data_pipeline.py)
"""

import json
import os
import pathlib
import time

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPEATS = 5


def data_file() -> pathlib.Path:
    for folder in [os.environ.get("IMDB_DIR"), ROOT / "datasets/imdb", ROOT / "datasets/imdb-sample"]:
        if folder and (pathlib.Path(folder) / "labeledTrainData.tsv.gz").exists():
            return pathlib.Path(folder) / "labeledTrainData.tsv.gz"
    raise SystemExit("no labeledTrainData.tsv.gz found: run `make data`")


def pipeline(path: pathlib.Path):
    frame = pd.read_csv(path, sep="\t", quoting=3, header=0)
    vectorizer = CountVectorizer(lowercase=True, stop_words="english", max_features=10_000)
    counts = vectorizer.fit_transform(frame["review"])
    return frame, counts


def best_seconds(fn, repeats=REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def rust_seconds(name: str):
    estimates = ROOT / "target/criterion/data_pipeline" / name / "new/estimates.json"
    if not estimates.exists():
        return None
    return json.loads(estimates.read_text())["mean"]["point_estimate"] / 1e9


def main():
    path = data_file()
    frame, counts = pipeline(path)
    print(f"data: {path} ({len(frame)} reviews, {counts.shape[1]} features, {counts.nnz} non-zeros)")
    python_read = best_seconds(lambda: pd.read_csv(path, sep="\t", quoting=3, header=0))
    python_all = best_seconds(lambda: pipeline(path))
    print(f"python read_csv:               {python_read:8.3f} s (best of {REPEATS})")
    print(f"python read + fit_transform:   {python_all:8.3f} s (best of {REPEATS})")
    rust_read = rust_seconds("read_labelled")
    rust_all = rust_seconds("read_fit_transform_10000")
    if rust_all is None:
        print("rust: no criterion result yet; run `make bench-data`")
        return
    print(f"rust read + check:             {rust_read:8.3f} s (criterion mean)")
    print(f"rust read + fit + transform:   {rust_all:8.3f} s (criterion mean)")
    print(f"speed-up, read only:           {python_read / rust_read:8.2f} x")
    print(f"speed-up, whole pipeline:      {python_all / rust_all:8.2f} x")


if __name__ == "__main__":
    main()
