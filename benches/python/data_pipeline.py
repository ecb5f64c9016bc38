"""The Python side of benches/data_pipeline.rs: pandas + scikit-learn doing the same work.

Reads labeledTrainData.tsv.gz as the original course did (pandas read_csv with quoting=3), then
fits and applies CountVectorizer(stop_words="english", max_features=10000) to the reviews.
Then units 5-8's path: the course's Keras `Tokenizer(num_words=10000)` fitted and applied
(`fit_on_texts` + `texts_to_sequences`, written out below as Keras does it in plain Python, so
that TensorFlow is not needed), and the id sequences padded into batches of 32 (cut at 500) with
PyTorch's `pad_sequence`, a mask and the lengths.
Prints the best of several runs and, when the Rust benchmark has run (make bench-data), the ratio.

Run: make bench-data   (or .venv/bin/python benches/python/data_pipeline.py)
"""

import json
import os
import pathlib
import time

import pandas as pd
import torch
from sklearn.feature_extraction.text import CountVectorizer
from torch.nn.utils.rnn import pad_sequence

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


KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
SPLIT_TABLE = str.maketrans({c: " " for c in KERAS_FILTERS})


def keras_words(text):
    """keras.preprocessing.text.text_to_word_sequence with its defaults."""
    return [w for w in text.lower().translate(SPLIT_TABLE).split(" ") if w]


def keras_fit_encode(texts, num_words=10_000):
    """Tokenizer(num_words).fit_on_texts(texts) then texts_to_sequences(texts), as Keras does it."""
    counts = {}
    for text in texts:
        for word in keras_words(text):
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    index = {word: i + 1 for i, (word, _) in enumerate(ranked)}
    return [[index[w] for w in keras_words(text) if index[w] < num_words] for text in texts]


def pad_batches(sequences, batch=32, max_len=500):
    for start in range(0, len(sequences), batch):
        chunk = [torch.tensor(s[:max_len], dtype=torch.long) for s in sequences[start:start + batch]]
        ids = pad_sequence(chunk, batch_first=True)
        lengths = torch.tensor([len(s) for s in chunk])
        mask = torch.arange(ids.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        yield ids, mask, lengths


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
    texts = list(frame["review"])
    sequences = keras_fit_encode(texts)
    python_encode = best_seconds(lambda: keras_fit_encode(texts))
    python_pad = best_seconds(lambda: list(pad_batches(sequences)))
    print(f"python Keras tokenizer fit + encode: {python_encode:8.3f} s (best of {REPEATS})")
    print(f"python pad into batches of 32:       {python_pad:8.3f} s (best of {REPEATS})")
    rust_encode = rust_seconds("word_index_fit_encode_10000")
    rust_pad = rust_seconds("pad_batches_32")
    if rust_encode is not None and rust_pad is not None:
        print(f"rust word index fit + encode:        {rust_encode:8.3f} s (criterion mean)")
        print(f"rust pad into batches of 32:         {rust_pad:8.3f} s (criterion mean)")
        print(f"speed-up, tokenizer:                 {python_encode / rust_encode:8.2f} x")
        print(f"speed-up, padding:                   {python_pad / rust_pad:8.2f} x")
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
