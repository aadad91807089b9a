# stancemap: `make run` sets up and runs the main job; `make test` sets up and runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export MLFLOW_DISABLE_TELEMETRY := true
export TOKENIZERS_PARALLELISM := false

.PHONY: run test test-all lint install ui clean article-rows

# torch==2.13.0 goes first: that pin takes the local CPU wheel instead of a multi-GB CUDA build.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev,cluster]'
	touch $(STAMP)

install: $(STAMP)

# The default model, then the article model: the default fine-tuned further on rows cut from
# the dev sample articles (configs/articles.yaml; about 15 more minutes on 2 cores).
run: $(STAMP)
	$(BIN)/stancemap train configs/default.yaml
	$(MAKE) article-rows
	$(BIN)/stancemap train configs/articles.yaml
	$(BIN)/stancemap evaluate-articles --model runs/articles/model \
	    --articles data/articles/articles.jsonl --gold data/articles/gold.jsonl \
	    --proposals data/articles/proposals.yaml --part heldout --output runs/articles/heldout
	$(BIN)/stancemap predict --model runs/default/model --input data/examples.jsonl \
	    --output runs/default/example_predictions.jsonl --show
	@echo
	@echo "MLflow UI:  $(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db  (then open http://127.0.0.1:5000)"

# Sentence rows from the dev sample articles, for configs/articles.yaml (never the held-out part).
# The scorer cuts them, so they follow its rules: remake them after changing the rules.
article-rows: $(STAMP)
	$(BIN)/stancemap data article-rows --articles data/articles/articles.jsonl \
	    --gold data/articles/gold.jsonl --proposals data/articles/proposals.yaml --part dev \
	    --output runs/article_rows.jsonl

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Also the tests marked slow.
test-all: $(STAMP)
	$(BIN)/python -m pytest -q -m ""

lint: $(STAMP)
	$(BIN)/ruff check stancemap training inference tests benchmarks

ui: $(STAMP)
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlflow.db

clean:
	rm -rf runs mlruns mlflow.db .pytest_cache
