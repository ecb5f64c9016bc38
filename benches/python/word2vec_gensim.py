"""gensim's Word2Vec on the corpus unit 5 trains on, with the same parameters, for the speed
comparison in docs/benchmarks.md.

The Rust side writes the corpus (training split + unlabelled reviews, tokenised and filtered
exactly as it trains on them, one review per line):

    cargo run -p unit5-embeddings --example solution -- word2vec --corpus-text /tmp/w2v_corpus.txt
    .venv/bin/pip install gensim
    .venv/bin/python benches/python/word2vec_gensim.py /tmp/w2v_corpus.txt

Same parameters as `Word2VecConfig::default()`: skip-gram, 100 dimensions, window 5,
5 negatives, min_count 5, sample 1e-3, 5 epochs, learning rate 0.025 -> 0.0001, 2 workers
(this machine's cores).
"""

import sys
import time

from gensim.models import Word2Vec


def main(path: str) -> None:
    with open(path, encoding="utf-8") as f:
        sentences = [line.split() for line in f]
    words = sum(len(s) for s in sentences)
    started = time.perf_counter()
    model = Word2Vec(
        sentences,
        sg=1,
        vector_size=100,
        window=5,
        negative=5,
        min_count=5,
        sample=1e-3,
        epochs=5,
        alpha=0.025,
        min_alpha=0.0001,
        workers=2,
        seed=1,
    )
    seconds = time.perf_counter() - started
    print(f"gensim {words} words x 5 epochs in {seconds:.1f}s: {words * 5 / seconds:.0f} words/s")
    for word in ["awful", "brilliant", "plot"]:
        near = ", ".join(f"{w} ({s:.2f})" for w, s in model.wv.most_similar(word, topn=8))
        print(f"{word}: {near}")


if __name__ == "__main__":
    main(sys.argv[1])
