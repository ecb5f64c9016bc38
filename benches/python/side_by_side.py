"""Rust and PyTorch timed case by case, alternating, so that both sides of a row see the same machine.

    .venv/bin/python benches/python/side_by_side.py [--rounds 2] [--only text_cnn]

This machine's speed drifts by tens of percent from one minute to the next (docs/benchmarks.md),
so timing every Rust case and then every PyTorch case, twenty minutes apart, gives ratios that
move with the drift. Here each benchmark runs on both sides back to back: in odd rounds Rust
first (criterion, `cargo bench -p course-benches --bench architectures -- --exact NAME`), in even
rounds PyTorch first (`architectures.py --only NAME`), so that a steady slowdown counts against
both sides equally. A row's ratio is the median of its rounds' ratios.

Writes target/architectures-side-by-side.json and prints the Markdown table of docs/benchmarks.md.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import criterion_medians, print_rates  # noqa: E402

PYTHON = sys.executable
HERE = os.path.dirname(os.path.abspath(__file__))


def benchmark_names():
    """Every benchmark of the group, in the bench's order (criterion's `--list`)."""
    listing = subprocess.run(
        ["cargo", "bench", "--quiet", "-p", "course-benches", "--bench", "architectures", "--", "--list"],
        check=True, capture_output=True, text=True,
    ).stdout
    return [line.split(": ")[0].removeprefix("architectures/") for line in listing.splitlines() if line.endswith(": benchmark")]


def rust_seconds(name):
    subprocess.run(
        ["cargo", "bench", "--quiet", "-p", "course-benches", "--bench", "architectures", "--", "--exact", f"architectures/{name}"],
        check=True, stdout=subprocess.DEVNULL,
    )
    return criterion_medians("target/criterion")[name]


def pytorch_seconds(name, threads):
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "one.json")
        subprocess.run(
            [PYTHON, os.path.join(HERE, "architectures.py"), "--only", name, "--out", out],
            check=True, stdout=subprocess.DEVNULL, env={**os.environ, "BENCH_THREADS": str(threads)},
        )
        with open(out) as file:
            result = json.load(file)
    return result["seconds"][name], result["torch"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", help="only the benchmarks whose name contains this")
    parser.add_argument("--out", default="target/architectures-side-by-side.json")
    parser.add_argument("--update", action="store_true", help="keep the other rows of --out, replace these")
    parser.add_argument("--table", action="store_true", help="only print the table of --out again")
    args = parser.parse_args()
    if args.table:
        with open(args.out) as file:
            saved = json.load(file)
        print_table(saved["rounds"], saved["threads"], saved["torch"])
        return
    import torch

    threads = torch.get_num_threads()
    every = benchmark_names()
    order = {name: i for i, name in enumerate(every)}
    names = [n for n in every if args.only is None or args.only in n]
    if not names:
        raise SystemExit(f"no benchmark matches {args.only!r}")
    rows, torch_version = {}, torch.__version__
    if args.update and os.path.exists(args.out):
        with open(args.out) as file:
            rows = json.load(file)["rounds"]
    for number, name in enumerate(names, 1):
        rounds = []
        for round_number in range(args.rounds):
            if round_number % 2 == 0:
                rust = rust_seconds(name)
                python, torch_version = pytorch_seconds(name, threads)
            else:
                python, torch_version = pytorch_seconds(name, threads)
                rust = rust_seconds(name)
            rounds.append({"rust": rust, "pytorch": python, "ratio": rust / python})
        rows[name] = rounds
        ratios = " ".join(f"{r['ratio']:.2f}" for r in rounds)
        print(f"[{number}/{len(names)}] {name}: Rust/PyTorch per round {ratios}", file=sys.stderr, flush=True)

    # Rows measured again with --update keep their place; new ones go where the bench has them.
    rows = dict(sorted(rows.items(), key=lambda row: order.get(row[0], len(order))))
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out + ".part", "w") as file:
        json.dump({"threads": threads, "torch": torch_version, "rounds": rows}, file, indent=1)
    os.replace(args.out + ".part", args.out)
    print_table(rows, threads, torch_version)


def print_table(rows, threads, torch_version):
    """The Markdown table of `rows` (as saved: in the bench's order)."""
    median = lambda rounds, key: statistics.median(r[key] for r in rounds)
    print(f"| architecture | length | pass | Rust (ms) | PyTorch {torch_version} (ms) | Rust / PyTorch, each round | median |")
    print("|---|---|---|---|---|---|---|")
    for name, rounds in rows.items():
        if name == "matmul_2048":
            continue
        architecture, step, length = name.split("/")
        each = ", ".join(f"{r['ratio']:.2f}" for r in rounds)
        print(f"| {architecture} | {length} | {step.replace('_', ' ')} | {median(rounds, 'rust') * 1e3:.2f} | "
              f"{median(rounds, 'pytorch') * 1e3:.2f} | {each} | **{median(rounds, 'ratio'):.2f}** |")
    print()
    medians = lambda key: {name: median(rounds, key) for name, rounds in rows.items()}
    print_rates(medians("rust"), medians("pytorch"), threads)

if __name__ == "__main__":
    main()
