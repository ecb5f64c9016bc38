"""Rust (criterion) and PyTorch side by side, per architecture: the table of docs/benchmarks.md.

    .venv/bin/python benches/python/compare.py [--criterion target/criterion] [--pytorch target/architectures-pytorch.json]

Reads criterion's results of `cargo bench -p course-benches --bench architectures` (the median
of each benchmark's samples, as `architectures.py` takes the median of its runs) and the JSON of
`architectures.py`, prints a Markdown table with the ratio Rust / PyTorch per row, this machine's matrix-product rate in both, and the rate MiniLM's forward
pass reaches (its floating-point operations counted from its shape).
"""

import argparse
import glob
import json
import os


def criterion_medians(root):
    """{"text_cnn/forward/256": seconds, ...} (medians) from criterion's folders of the group."""
    means = {}
    for path in glob.glob(os.path.join(root, "architectures", "**", "new", "benchmark.json"), recursive=True):
        with open(path) as file:
            benchmark = json.load(file)
        with open(os.path.join(os.path.dirname(path), "estimates.json")) as file:
            estimates = json.load(file)
        name = benchmark["function_id"]
        if benchmark.get("value_str"):
            name += "/" + benchmark["value_str"]
        means[name] = estimates["median"]["point_estimate"] / 1e9
    return means


def minilm_flops(length, batch=32, layers=6, hidden=384, intermediate=1_536):
    """Multiply-adds x 2 of a BERT encoder's forward: the projections and feed-forward of every
    token, plus the two attention products (scores and weighted values)."""
    per_token = 4 * hidden * hidden + 2 * hidden * intermediate
    attention = 2 * length * length * hidden
    return 2 * batch * layers * (length * per_token + attention)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--criterion", default="target/criterion")
    parser.add_argument("--pytorch", default="target/architectures-pytorch.json")
    args = parser.parse_args()
    rust = criterion_medians(args.criterion)
    if not rust:
        raise SystemExit(f"no criterion results under {args.criterion}/architectures: run `cargo bench -p course-benches --bench architectures` first")
    with open(args.pytorch) as file:
        pytorch = json.load(file)
    python = pytorch["seconds"]

    print(f"| architecture | length | pass | Rust (ms) | PyTorch {pytorch['torch']} (ms) | Rust / PyTorch |")
    print("|---|---|---|---|---|---|")
    for name in sorted(rust, key=lambda n: (n.split("/")[0], n.split("/")[-1], n)):
        if name == "matmul_2048":
            continue
        architecture, step, length = name.split("/")
        theirs = python.get(name)
        ratio = f"{rust[name] / theirs:.2f}" if theirs else "-"
        theirs = f"{theirs * 1e3:.2f}" if theirs else "-"
        print(f"| {architecture} | {length} | {step.replace('_', ' ')} | {rust[name] * 1e3:.2f} | {theirs} | {ratio} |")

    print()
    print_rates(rust, python, pytorch["threads"])


def print_rates(rust, pytorch, threads):
    """The matrix product's rate on both sides (this machine's ceiling) and MiniLM's forward
    pass's, from {benchmark name: seconds} of each side."""
    flops = 2 * 2048**3
    if "matmul_2048" in rust and "matmul_2048" in pytorch:
        print(f"Matrix product 2048 x 2048 x 2048: Rust {flops / rust['matmul_2048'] / 1e9:.0f} GFLOP/s, "
              f"PyTorch {flops / pytorch['matmul_2048'] / 1e9:.0f} GFLOP/s ({threads} threads).")
    for length in (256, 512):
        name = f"minilm/forward/{length}"
        if name in rust:
            line = f"MiniLM forward, {length} tokens: {minilm_flops(length) / 1e9:.0f} GFLOP per batch; Rust {minilm_flops(length) / rust[name] / 1e9:.0f} GFLOP/s"
            if name in pytorch:
                line += f", PyTorch {minilm_flops(length) / pytorch[name] / 1e9:.0f} GFLOP/s"
            print(line + ".")

if __name__ == "__main__":
    main()
