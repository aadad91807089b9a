"""The Ray engine on a small local Ray: same rows as the local engine, bad records reported.

One Ray session and one Ray run serve the module (starting Ray and its workers takes most of
the time). The model is a tiny random-weight BERT saved as a stancemap model directory, so
the workers load it the way ``stancemap score --engine ray`` does; its labels mean nothing,
but the local engine must give the very same rows.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stancemap.errors import StancemapError
from stancemap.inference.ray_engine import (
    BatchScorer,
    input_files,
    input_format,
    read_dataset,
    score_with_ray,
)
from stancemap.inference.scorer import ArticleScorer, ScoredRow

from .conftest import save_random_model

ray = pytest.importorskip("ray")

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
PROPOSALS = str(FIXTURES / "proposals.yaml")
ARTICLES = [json.loads(line) for line in (FIXTURES / "articles.jsonl").read_text().splitlines()]
BAD_LINES = [json.dumps({"id": "empty", "text": "  "}), "{not json",
             json.dumps({"text": "Moscow rejected the ICC."}),
             json.dumps({"id": "listed", "text": ["a", "list"]})]


def plain(value: object) -> object:
    """A row's value as plain Python, whichever engine and reader it came from."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):  # pandas 3 reads a missing string as NaN
        return None if value != value else round(value, 5)
    return value


def by_pair(rows: list[dict]) -> list[dict]:
    return sorted((plain(r) for r in rows), key=lambda r: (r["doc_id"], r["actor"],
                                                            r["proposal_id"]))


def tiny_model(directory: Path) -> str:
    """A random-weight one-layer model directory, loaded by the workers like any model."""
    return str(save_random_model(directory, layers=1))


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    return tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="module")
def ray_session():
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                 logging_level=logging.WARNING)
    yield
    if started:
        ray.shutdown()


@pytest.fixture(scope="module")
def jsonl_run(ray_session, model, tmp_path_factory):
    """One Ray run over the fixture articles with bad lines among them."""
    root = tmp_path_factory.mktemp("ray-jsonl")
    lines = [json.dumps(ARTICLES[0]), *BAD_LINES, "", *map(json.dumps, ARTICLES[1:])]
    source = root / "articles.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = root / "rows"
    report = score_with_ray(model, str(source), str(out), scorer_options={"proposals": PROPOSALS},
                            batch_size=3, concurrency=1)
    return source, out, report


def test_rows_equal_the_local_engine(jsonl_run, model) -> None:
    _, out, report = jsonl_run
    frame = pd.read_parquet(out)  # "_errors" is skipped by its prefix
    assert list(frame.columns) == list(ScoredRow.__dataclass_fields__)
    local = ArticleScorer.from_pretrained(model, proposals=PROPOSALS).score(ARTICLES)
    rows = by_pair(frame.to_dict(orient="records"))
    assert rows == by_pair(local.to_dicts()) and rows[0]["model"] == model
    assert (report.rows, report.articles) == (len(local.rows), len(ARTICLES))
    row = frame.iloc[0]  # nested fields read back as Python containers
    assert set(row["scores"]) == {"support", "oppose", "neutral"}
    assert isinstance(row["evidence"][0], dict) and len(row["actor_mentions"]) >= 1


def test_bad_records_go_to_the_errors_folder(jsonl_run) -> None:
    source, out, report = jsonl_run
    assert [(e.line, e.field, e.doc_id) for e in report.errors] == [
        (2, "text", "empty"), (3, None, None), (4, "id", None), (5, "text", "listed")]
    assert str(report.errors[0]) == f"{source}:2: field text: empty article text"
    assert "4 articles failed" in report.summary()
    errors = pd.read_parquet(out / "_errors")
    assert set(errors.columns) == {"message", "doc_id", "path", "line", "field", "error"}
    assert sorted(errors["line"]) == [2, 3, 4, 5]


def test_csv_records_keep_their_file_and_their_id_as_text(ray_session, model, tmp_path) -> None:
    source = tmp_path / "articles.csv"
    pd.DataFrame([{"id": "007", "text": ARTICLES[0]["text"]}, {"id": "blank", "text": ""}]
                 ).to_csv(source, index=False)
    batch = read_dataset(ray, [str(source)], "csv").take_batch(batch_format="pyarrow")
    # The workers' callable, run here: the read is Ray's, the scoring in this process.
    # (Parquet records take the same path, through Ray's read_parquet.)
    scorer = BatchScorer(model, {"proposals": PROPOSALS}, "torch", None, str(tmp_path / "err"))
    rows = scorer(batch).to_pylist()
    assert rows and {r["doc_id"] for r in rows} == {"007"}  # "007" read as text, not 7
    (error,) = pd.read_parquet(tmp_path / "err").to_dict(orient="records")
    assert error["error"] == f"{source}: field text: empty article text"
    assert error["doc_id"] == "blank"


def test_without_ray_the_error_says_what_to_install(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` fail
    with pytest.raises(StancemapError, match=r"pip install 'stancemap\[cluster\]'"):
        score_with_ray("m", str(tmp_path), str(tmp_path / "o"), scorer_options={})


def test_mistakes_are_reported_before_ray_starts(tmp_path) -> None:
    source = tmp_path / "a.jsonl"
    source.write_text(json.dumps(ARTICLES[0]) + "\n")
    with pytest.raises(StancemapError, match="aggregation"):
        score_with_ray("m", str(source), str(tmp_path / "o"), scorer_options={"aggregation": "x"})
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "part.parquet").write_text("an earlier run")
    with pytest.raises(StancemapError, match="output already exists"):
        score_with_ray("m", str(source), str(tmp_path / "o"), scorer_options={})
    with pytest.raises(StancemapError, match="no input files found"):
        score_with_ray("m", str(tmp_path / "*.csv"), str(tmp_path / "p"), scorer_options={})


def test_inputs_may_be_a_file_a_folder_or_a_glob(tmp_path) -> None:
    for name in ("b.jsonl", "a.jsonl.gz", "_SUCCESS", "sub/c.jsonl"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    names = [Path(p).relative_to(tmp_path).as_posix() for p in input_files(str(tmp_path))]
    assert names == ["a.jsonl.gz", "b.jsonl", "sub/c.jsonl"]
    assert input_files(str(tmp_path / "*.jsonl")) == [str(tmp_path / "b.jsonl"),
                                                      str(tmp_path / "sub/c.jsonl")]
    assert input_format(input_files(str(tmp_path))) == "jsonl"
    (tmp_path / "d.csv").write_text("")
    with pytest.raises(StancemapError, match="mixed file types"):
        input_format(input_files(str(tmp_path)))
