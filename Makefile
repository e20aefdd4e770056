# jamba-eval — set-up, build, test, run and benchmark. `make run` and `make test` work on a fresh
# Debian 12 machine: they install the system packages first when any is missing.

SWIFT   ?= swift
PYTHON  ?= python3
PACKAGES = libopenblas-dev liblapacke-dev libzstd-dev pkg-config
# The build runs on the machine that uses it, so it targets that CPU's vector width (DESIGN.md
# section 6: the scan is 3x faster with AVX-512). AMD with AVX-512 gets znver4 (Zen 4 and 5; unlike
# the Intel AVX-512 targets it does not split 512-bit vectors in two), other AVX-512 CPUs
# icelake-server, AVX2 CPUs haswell. PORTABLE=1 builds for baseline x86-64; ARCH=... picks one.
ifeq ($(PORTABLE),)
  ARCH ?= $(shell f=/proc/cpuinfo; \
    if grep -qw avx512bw $$f 2>/dev/null && grep -qw avx512vl $$f; then \
      if grep -q AuthenticAMD $$f; then echo znver4; else echo icelake-server; fi; \
    elif grep -qw avx2 $$f 2>/dev/null && grep -qw fma $$f; then echo haswell; fi)
endif
CPU_FLAGS = $(if $(ARCH),-Xswiftc -target-cpu -Xswiftc $(ARCH) -Xcc -march=$(ARCH))
RELEASE   = -c release $(CPU_FLAGS)
BIN       = .build/release/jamba-eval
VENV      = .venv-reference

GATE_BIN  = .build-test/release/jamba-eval
TESTBUILD = $(SWIFT) build $(RELEASE) -Xswiftc -enable-testing --build-tests --scratch-path .build-test

.PHONY: deps build test run bench claims gate gate-baseline datasets fixtures fuzz clean slurm-check

# deps: install the system libraries (OpenBLAS, LAPACKE, zstd, pkg-config) when any is missing.
deps:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "missing system packages:$$missing"; echo "run: sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

# build: the release binary at .build/release/jamba-eval.
build: deps
	$(SWIFT) build $(RELEASE) --product jamba-eval

# test: every test, built in release with testability (numeric tests are 10-100x slower in debug).
test: deps
	$(TESTBUILD)
	$(SWIFT) test $(RELEASE) -Xswiftc -enable-testing --skip-build --scratch-path .build-test

# run: build, then run suites/default.yaml (the four small recall checkpoints in models/ on the
# held-out MQAR sets, plus throughput probes) and print the summary and where the report is.
run: build
	$(BIN) run suites/default.yaml

# bench: benchmarks/throughput.yaml (jamba-mini vs its transformer-only twin, llama-mini and mixtral-mini, random weights, 2
# threads: pp 512/2048/8192, tg64 at depths 0/4096/16384); writes benchmarks/latest.md and .json.
bench: build
	$(BIN) bench benchmarks/throughput.yaml --markdown benchmarks/latest.md --json benchmarks/latest.json

# claims: Jamba's headline claims measured by running the engine (jamba-eval claims): the longest
# context each of a hybrid, a Llama and a Mixtral of matched size holds within a peak-memory budget,
# and total decode tokens/s at 8K and 32K context at the largest batch that fits it; writes
# benchmarks/claims.md and .json. jamba-mini's family at 4 GiB would have to prefill ~1M tokens of
# attention (hours on 2 cores), so this runs the configs/*-claims.json family at CLAIMS_BUDGET, the
# smallest budget in which Mixtral still holds a 32K-token sequence (about 11 minutes on 2 busy cores).
CLAIMS_BUDGET ?= 200MiB
CLAIMS_MODELS  = jamba-claims=configs/jamba-claims.json llama-claims=configs/llama-claims.json \
  mixtral-claims=configs/mixtral-claims.json
claims: build
	$(BIN) claims $(CLAIMS_MODELS) --budget $(CLAIMS_BUDGET) --threads 2 --markdown benchmarks/claims.md --json benchmarks/claims.json \
	  --note "Scaled down to run in minutes on 2 cores: at jamba-mini's size in a 4 GiB budget the hybrid's longest context is about 1M tokens, hours of attention prefill. Here: the configs/*-claims.json family (hidden 64, 8 layers, 2 heads of 32 with 2 KV heads, vocabulary 32000, random weights; Llama and Mixtral with the hybrid's active parameters per token) in the budget below, about the least in which Mixtral holds one 32K-token sequence."

# gate: the CI throughput gate: a small hybrid/transformer pair on one thread (a busy second core
# cannot steal it), 7 interleaved repetitions, compared with benchmarks/baseline.json (DESIGN.md §7).
# It reuses the test build, so CI compiles once. When the first run regresses (exit 2), a second
# run re-measures, and only a quantity that regressed in both fails: a neighbour's burst on a shared
# host can slow one whole run, a regression in the code slows every run.
GATE_BENCH = ci-hybrid=configs/ci-hybrid.json ci-transformer=configs/ci-transformer.json \
  -p 1024 -g 64 -d 512 -r 7 --threads 1 --baseline ci-transformer
GATE_CHECK = $(GATE_BIN) gate --baseline benchmarks/baseline.json --tolerance 0.10
gate: deps
	$(TESTBUILD)
	@mkdir -p results
	@rm -f results/gate-bench-recheck.json
	$(GATE_BIN) bench $(GATE_BENCH) --json results/gate-bench.json 2>/dev/null
	@$(GATE_CHECK) results/gate-bench.json; rc=$$?; [ $$rc -ne 2 ] && exit $$rc; \
	echo "gate: the first run regressed; measuring again to confirm"; \
	$(GATE_BIN) bench $(GATE_BENCH) --json results/gate-bench-recheck.json 2>/dev/null || exit 1; \
	$(GATE_CHECK) results/gate-bench.json results/gate-bench-recheck.json

# gate-baseline: measure the gate pair three times and store the pooled repetitions in
# benchmarks/baseline.json for this CPU model, OpenBLAS core and thread count (one run's medians are
# too noisy a reference).
gate-baseline: deps
	$(TESTBUILD)
	@mkdir -p results
	for i in 1 2 3; do $(GATE_BIN) bench $(GATE_BENCH) --json results/gate-bench-$$i.json 2>/dev/null || exit 1; done
	$(GATE_BIN) gate results/gate-bench-1.json results/gate-bench-2.json results/gate-bench-3.json \
	  --baseline benchmarks/baseline.json --update

# slurm-check: the Slurm launchers (deploy/slurm) on a real Slurm on this machine: installs
# slurm-wlm and munge (root), runs suites/shard-check.yaml as a 3-task array with a requeued task
# and its merge job, and compares accuracy.csv with an unsharded run. Not in CI (root, apt-get).
slurm-check: deps
	$(TESTBUILD)
	bash deploy/slurm/check.sh

# datasets: regenerate the committed datasets, byte for byte: RULER-family tasks and the needle grid
# sized with tokenizers/bpe-1k (datasets/ruler), and the default suite's held-out MQAR sets.
datasets: build
	JAMBA_EVAL=$(BIN) TOKENIZER=tokenizers/bpe-1k OUT=datasets/ruler bash tools/reference/data/make_datasets.sh
	JAMBA_EVAL=$(BIN) bash tools/train/make_eval_datasets.sh

# fixtures: regenerate Tests/Fixtures with transformers (needs PyPI; CI never runs this).
fixtures:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -r tools/reference/requirements.txt
	$(VENV)/bin/python tools/reference/make_fixtures.py --out Tests/Fixtures
	$(VENV)/bin/python tools/reference/make_baseline_fixtures.py --out Tests/Fixtures

# fuzz: libFuzzer targets, one per untrusted format (safetensors, config, tokenizer, suite, jsonl,
# zstd; tools/fuzz), each run for FUZZ_RUNS inputs from its seed corpus (Tests/Fuzz/corpus). New
# corpus entries and crashing inputs land in results/fuzz/<target>/; copy a crash into
# Tests/Fuzz/crashes/<target>/ once fixed, and `make test` replays it. A benchmark-style run, not CI.
# -timeout=60: the tokenizer's Unicode tables are built once, on the first input, and take over 10 s
# under coverage instrumentation on a busy machine; a real hang still stops the run.
FUZZ_RUNS    ?= 1000000
FUZZ_TARGETS ?= safetensors config tokenizer suite jsonl zstd
fuzz: deps
	bash tools/fuzz/build.sh $(FUZZ_TARGETS)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p results/fuzz/$$t/corpus; start=$$(date +%s); \
	  .build-fuzz/fuzz-$$t -runs=$(FUZZ_RUNS) -max_len=4096 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=results/fuzz/$$t/ results/fuzz/$$t/corpus Tests/Fuzz/corpus/$$t > results/fuzz/$$t/log 2>&1; \
	  status=$$?; echo "fuzz $$t: exit $$status, $$(grep -o 'stat::number_of_executed_units: *[0-9]*' results/fuzz/$$t/log | grep -o '[0-9]*$$') inputs in $$(( $$(date +%s) - start )) s"; \
	  [ $$status = 0 ] || exit $$status; \
	done

# clean: remove build products and benchmark scratch.
clean:
	rm -rf .build .build-test .build-fuzz
