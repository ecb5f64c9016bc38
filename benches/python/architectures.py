"""The course's architectures in PyTorch, timed at the shapes of `benches/architectures.rs`.

Each model below is written to do the same operations as the unit's Rust model with its
reference settings (the comments name the Rust file); word dropout is off on both sides.
Batches of 32; sequences of 256 and 512 word ids, every review as long as the batch. For each:
an inference forward under `torch.no_grad()` and a training step (forward, cross-entropy,
backward, AdamW step). The time of a case is the median of repeated runs after a warm-up (2 s,
then 6 s of runs, as criterion's settings in the Rust bench), in seconds; the results go to a
JSON file that `compare.py` reads.

    .venv/bin/python benches/python/architectures.py [--out target/architectures-pytorch.json] [--only text_cnn/forward/256]

MiniLM needs Hugging Face's `transformers` (installed by `make bench-architectures`) and
`models/all-minilm-l6-v2/config.json` (`make models`); without them it is skipped.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F

BATCH = 32
LENGTHS = [256, 512]
VOCABULARY = 10_000
THREADS = int(os.environ.get("BENCH_THREADS", torch.get_num_threads()))


def masked_mean(vectors, mask):
    weights = mask.to(vectors.dtype).unsqueeze(-1)
    return (vectors * weights).sum(1) / weights.sum(1).clamp_min(1.0)


class BagOfWords(nn.Module):  # unit3-trainer/src/model.rs
    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(10_000, 2)

    def forward(self, counts):
        return self.linear(counts)


class Mlp(nn.Module):  # unit4-optimization/src/model.rs, configs::faithful
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(2_000, 10)
        self.output = nn.Linear(10, 2)

    def forward(self, counts):
        return self.output(F.relu(self.hidden(counts)))


class EmbeddingMean(nn.Module):  # unit5-embeddings/src/model.rs, configs::reference
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 128)
        self.output = nn.Linear(128, 2)

    def forward(self, ids, mask, lengths):
        return self.output(masked_mean(self.embedding(ids), mask))


class TextCnn(nn.Module):  # unit6-cnn/src/model.rs + solution.rs, configs::reference
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 128)
        self.convs = nn.ModuleList([nn.Conv1d(128, 64, k) for k in (3, 4, 5)])
        self.dropout = nn.Dropout(0.5)
        self.output = nn.Linear(3 * 64 * 2, 2)

    def forward(self, ids, mask, lengths):
        vectors = self.embedding(ids) * mask.unsqueeze(-1).float()
        channels_first = vectors.transpose(1, 2)
        features = []
        for conv in self.convs:
            responses = F.relu(conv(channels_first))
            positions = responses.shape[2]
            valid_count = (lengths - (conv.kernel_size[0] - 1)).clamp_min(1)
            valid = (torch.arange(positions).unsqueeze(0) < valid_count.unsqueeze(1)).unsqueeze(1).to(responses.dtype)
            kept = responses * valid
            count = valid.sum(2)
            features += [kept.amax(2), kept.sum(2) / count]
        return self.output(self.dropout(torch.cat(features, 1)))


class BiLstm(nn.Module):  # unit7-rnn/src/model.rs, configs::reference
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 128)
        self.lstm = nn.LSTM(128, 64, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(0.3)
        self.output = nn.Linear(2 * 64 * 2, 2)

    def forward(self, ids, mask, lengths):
        vectors = self.dropout(self.embedding(ids))
        lengths = lengths.clamp_min(1)
        packed = nn.utils.rnn.pack_padded_sequence(vectors, lengths, batch_first=True, enforce_sorted=False)
        outputs, _ = self.lstm(packed)
        outputs, _ = nn.utils.rnn.pad_packed_sequence(outputs, batch_first=True)
        steps = outputs.shape[1]
        after_end = (torch.arange(steps).unsqueeze(0) >= lengths.unsqueeze(1)).unsqueeze(-1)
        mean = outputs.masked_fill(after_end, 0.0).sum(1) / lengths.unsqueeze(1).float()
        maximum = outputs.masked_fill(after_end, float("-inf")).amax(1)
        return self.output(self.dropout(torch.cat([mean, maximum], 1)))


def sinusoidal(positions, d_model):
    position = torch.arange(positions).unsqueeze(1).float()
    scale = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10_000.0) / d_model))
    table = torch.zeros(positions, d_model)
    table[:, 0::2] = torch.sin(position * scale)
    table[:, 1::2] = torch.cos(position * scale)
    return table


class Transformer(nn.Module):  # unit8-transformers/src/model.rs, configs::reference
    """PyTorch's own encoder layer, as a PyTorch learner would write it (post-norm, ReLU)."""

    def __init__(self, feed_forward):
        super().__init__()
        self.embedding = nn.Embedding(VOCABULARY, 128)
        self.register_buffer("positions", sinusoidal(512, 128))
        self.dropout = nn.Dropout(0.1)
        self.layer = nn.TransformerEncoderLayer(128, 2, feed_forward, 0.1, batch_first=True)
        self.output = nn.Linear(128, 2)

    def forward(self, ids, mask, lengths):
        x = self.dropout(self.embedding(ids) + self.positions[: ids.shape[1]])
        x = self.layer(x, src_key_padding_mask=~mask)
        return self.output(masked_mean(x, mask))


class MiniLm(nn.Module):  # unit9-pretrained/src/model.rs, Pooling::Mean, BERT's head
    def __init__(self, config_path):
        super().__init__()
        from transformers import BertConfig, BertModel

        config = BertConfig.from_json_file(config_path)
        self.encoder = BertModel(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, 2)

    def forward(self, ids, mask, lengths):
        tokens = self.encoder(input_ids=ids, attention_mask=mask.long()).last_hidden_state
        return self.classifier(self.dropout(masked_mean(tokens, mask)))


def median_seconds(run, warm_up=2.0, repeats=10, budget=6.0):
    """As criterion does: warm up for `warm_up` seconds (at least 2 runs), then run for `budget`
    seconds (at least `repeats` runs); the median of the runs."""
    started, warm_up_runs = time.perf_counter(), 0
    while warm_up_runs < 2 or time.perf_counter() - started < warm_up:
        run()
        warm_up_runs += 1
    times = []
    started = time.perf_counter()
    while len(times) < repeats or time.perf_counter() - started < budget:
        t0 = time.perf_counter()
        run()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def time_case(model, inputs, lr, passes=("forward", "train_step")):
    """{pass: median seconds} for the passes asked for."""
    targets = torch.randint(0, 2, (BATCH,))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr)

    def forward():
        model.eval()
        with torch.no_grad():
            model(*inputs)

    def train_step():
        model.train()
        optimizer.zero_grad()
        loss = F.cross_entropy(model(*inputs), targets)
        loss.backward()
        optimizer.step()

    runs = {"forward": forward, "train_step": train_step}
    return {name: median_seconds(runs[name]) for name in passes}


def sequence_inputs(length, first_id=1, last_id=VOCABULARY):
    ids = torch.randint(first_id, last_id, (BATCH, length))
    mask = torch.ones(BATCH, length, dtype=torch.bool)
    lengths = torch.full((BATCH,), length, dtype=torch.long)
    return ids, mask, lengths


def cases():
    """(architecture, length or "-", build) in the order of `benches/architectures.rs`; `build()`
    gives (model, inputs, learning rate), or raises ImportError/OSError when it cannot."""
    counts = lambda n: (torch.randint(0, 3, (BATCH, n)).float(),)
    minilm_config = os.path.join("models", "all-minilm-l6-v2", "config.json")
    every = [
        ("bag_of_words_linear", "-", lambda: (BagOfWords(), counts(10_000), 0.05)),
        ("mlp", "-", lambda: (Mlp(), counts(2_000), 6e-4)),
    ]
    for length in LENGTHS:
        # `l=length`: each builder keeps its own length (a plain closure would see the last one).
        every += [
            ("embedding_mean", str(length), lambda l=length: (EmbeddingMean(), sequence_inputs(l), 6e-4)),
            ("text_cnn", str(length), lambda l=length: (TextCnn(), sequence_inputs(l), 6e-4)),
            ("bilstm", str(length), lambda l=length: (BiLstm(), sequence_inputs(l), 1e-3)),
            ("transformer_ff2048", str(length), lambda l=length: (Transformer(2_048), sequence_inputs(l), 6e-4)),
            ("transformer_ff256", str(length), lambda l=length: (Transformer(256), sequence_inputs(l), 6e-4)),
            ("minilm", str(length), lambda l=length: (MiniLm(minilm_config), sequence_inputs(l, 1_000, 30_000), 5e-5)),
        ]
    return every


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="target/architectures-pytorch.json")
    parser.add_argument("--only", help='one benchmark, named as criterion names it: "text_cnn/forward/256" or "matmul_2048"')
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(THREADS)
    results = {}

    for architecture, parameter, build in cases():
        passes = [p for p in ("forward", "train_step") if args.only in (None, f"{architecture}/{p}/{parameter}")]
        if not passes:
            continue
        try:
            model, inputs, lr = build()
        except (ImportError, OSError) as error:
            print(f"{architecture} skipped: {error}", file=sys.stderr)
            continue
        times = time_case(model, inputs, lr, passes)
        for name, seconds in times.items():
            results[f"{architecture}/{name}/{parameter}"] = seconds
        shown = "  ".join(f"{name.replace('_', ' ')} {seconds * 1e3:9.2f} ms" for name, seconds in times.items())
        print(f"{architecture:<22} {parameter:>4}  {shown}", flush=True)

    if args.only in (None, "matmul_2048"):
        a, b = torch.randn(2_048, 2_048), torch.randn(2_048, 2_048)
        results["matmul_2048"] = median_seconds(lambda: a @ b)
        print(f"matmul 2048: {2 * 2048**3 / results['matmul_2048'] / 1e9:.0f} GFLOP/s", flush=True)
    if not results:
        raise SystemExit(f"no benchmark is called {args.only!r}")

    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    temporary = args.out + ".part"
    with open(temporary, "w") as file:
        json.dump({"threads": THREADS, "torch": torch.__version__, "seconds": results}, file, indent=1)
    os.replace(temporary, args.out)
    print(f"PyTorch {torch.__version__}, {THREADS} threads: {args.out}")


if __name__ == "__main__":
    main()
