"""Corpus scoring: streaming reads, committed chunks, exact resume, errors, config and flags.

Labels come from :class:`CueWordClassifier` (a test double, no weights): these tests check
what is written and when, not stance quality.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml

from stancemap.cli import main
from stancemap.errors import ConfigError, DataError, StancemapError
from stancemap.inference.batch_score import SeenIds, score_file
from stancemap.inference.scorer import ArticleScorer
from stancemap.score_config import ScoreConfig, load_score_config
from stancemap.tables import count_rows, expand_inputs, read_rows
from tests.fixtures.cue_classifier import CueWordClassifier

from .conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
PROPOSALS = FIXTURES / "proposals.yaml"
ROW_KEYS = {"doc_id", "actor", "actor_type", "affiliation", "actor_mentions", "proposal_id",
            "proposal", "label", "confidence", "scores", "evidence", "model"}
CAPITALS = ["Seoul", "Beijing", "Paris", "Rome", "Tokyo", "Moscow", "Canberra", "Berlin"]
VERBS = ["backed", "rejected", "welcomed", "opposed", "studied"]
NAMED = ["the UN resolution", "the ICC", "the carbon border tax"]


def make_articles(n: int = 40, bad: bool = True) -> list[dict]:
    """``n`` short articles; with ``bad``, some records are broken (as dicts, see to_jsonl)."""
    out = []
    for i in range(n):
        text = (f"{CAPITALS[i % 8]} {VERBS[i % 5]} {NAMED[i % 3]} on Monday. "
                f"{CAPITALS[(i + 3) % 8]} {VERBS[(i + 2) % 5]} {NAMED[(i + 1) % 3]}.")
        out.append({"id": f"a{i:03d}", "text": text, "source": "wire"})
    if bad:
        out[5]["text"] = "  "
        out[11] = {"id": "a003", "text": "A repeated id."}
        out[23] = {"text": "No id here."}
    return out


def to_jsonl(path: Path, articles: list[dict], broken_line: int | None = 17) -> Path:
    lines = [json.dumps(a) for a in articles]
    if broken_line is not None:
        lines[broken_line] = "{not json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype=False)
    return pd.read_csv(path) if path.suffix == ".csv" else pd.read_parquet(path)


@pytest.fixture(scope="module")
def scorer() -> ArticleScorer:
    return ArticleScorer(CueWordClassifier(), proposals=PROPOSALS)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return to_jsonl(tmp_path / "corpus.jsonl", make_articles())


def crash_after(monkeypatch: pytest.MonkeyPatch, scorer: ArticleScorer, chunks: int) -> None:
    """Make ``scorer.score`` die on its call number ``chunks + 1``, like a killed process."""
    real, calls = scorer.score, []

    def score(articles):
        calls.append(1)
        if len(calls) > chunks:
            raise RuntimeError("killed")
        return real(articles)

    monkeypatch.setattr(scorer, "score", score)


# ---------------------------------------------------------------------- outputs and errors
@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": "a", "text": "Moscow rejected the ICC."}),
             json.dumps({"id": "b", "text": ""}),
             "{not json",
             json.dumps({"id": "c", "text": ["a", "list"]}),
             json.dumps({"id": "a", "text": "A repeated id."}),
             json.dumps({"id": "d", "text": "Paris welcomed the carbon border tax."})]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_each_format_is_written_and_bad_records_reported(
        scorer, small_file: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"rows.{suffix}"
    report = score_file(scorer, small_file, out, chunk_size=2)
    assert (report.articles, report.rows, report.failed) == (2, 2, 4)
    assert [(e.line, e.field) for e in report.errors] == [(2, "text"), (3, None), (4, "text"),
                                                          (5, "id")]
    assert str(report.errors[0]) == f"{small_file}:2: field text: empty article text"
    frame = read_output(out)
    assert set(frame.columns) == ROW_KEYS and list(frame["doc_id"]) == ["a", "d"]
    # The errors file sits beside the output, with file, line, id, field and reason.
    errors = [json.loads(x) for x in (tmp_path / "rows.errors.jsonl").read_text().splitlines()]
    assert [(e["path"], e["line"], e["doc_id"], e["field"]) for e in errors] == [
        (str(small_file), 2, "b", "text"), (str(small_file), 3, None, None),
        (str(small_file), 4, "c", "text"), (str(small_file), 5, "a", "id")]
    assert errors[1]["error"].endswith(":3: invalid JSON: Expecting property name enclosed in "
                                       "double quotes (column 2)")
    assert errors[3]["message"] == "duplicate id 'a'"
    # Nothing of the commit machinery is left behind once the run is complete.
    assert not (tmp_path / f"rows.{suffix}.parts").exists()
    assert json.loads((tmp_path / f"rows.{suffix}.progress.json").read_text())["complete"]


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_no_rows_still_gives_a_readable_output_and_no_errors_file(
        scorer, tmp_path: Path, suffix: str) -> None:
    inp = to_jsonl(tmp_path / "in.jsonl", [{"id": "x", "text": "The weather was mild."}], None)
    out = tmp_path / f"rows.{suffix}"
    report = score_file(scorer, inp, out)
    assert (report.rows, report.failed) == (0, 0)
    if suffix == "jsonl":
        assert out.read_text() == ""
    else:
        assert len(read_output(out)) == 0
    assert not (tmp_path / "rows.errors.jsonl").exists()


def test_on_error_fail_stops_at_the_first_bad_record(scorer, corpus: Path,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    with pytest.raises(DataError) as err:
        score_file(scorer, corpus, out, on_error="fail", chunk_size=4)
    assert str(err.value) == f"{corpus}:6: field text: empty article text"
    # The chunk before the bad one was committed; nothing of the bad chunk was.
    assert json.loads(out.with_name("rows.jsonl.progress.json").read_text())["consumed"] == 4
    assert {r["doc_id"] for r in map(json.loads, out.read_text().splitlines())} <= {
        "a000", "a001", "a002", "a003"}


def test_cli_on_error_fail_exits_2_without_traceback(fake_model, corpus: Path, tmp_path: Path,
                                                     capsys) -> None:
    code = main(["score", "--model", "M", "--input", str(corpus), "--output",
                 str(tmp_path / "o.jsonl"), "--proposals", str(PROPOSALS), "--on-error", "fail"])
    err = capsys.readouterr().err
    assert code == 2 and f"error: {corpus}:6: field text: empty article text" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- resume
@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_a_run_killed_part_way_resumes_to_exactly_the_uninterrupted_output(
        scorer, corpus: Path, tmp_path: Path, suffix: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    whole = tmp_path / f"whole.{suffix}"
    score_file(scorer, corpus, whole, chunk_size=4)

    out = tmp_path / f"rows.{suffix}"
    with monkeypatch.context() as m:
        crash_after(m, scorer, chunks=3)
        with pytest.raises(RuntimeError, match="killed"):
            score_file(scorer, corpus, out, chunk_size=4)
    manifest = json.loads(out.with_name(out.name + ".progress.json").read_text())
    assert (manifest["consumed"], manifest["complete"]) == (12, False)
    # What a kill in mid-write leaves: a torn row after the commit, a stray part file.
    if suffix == "parquet":
        (tmp_path / "rows.parquet.parts" / "part-00000099.parquet.tmp").write_bytes(b"PAR1")
    else:
        with open(out, "a", encoding="utf-8") as f:
            f.write('{"doc_id": "a013", "act')
    with open(tmp_path / "rows.errors.jsonl", "a", encoding="utf-8") as f:
        f.write('{"torn')

    report = score_file(scorer, corpus, out, resume=True, chunk_size=5)  # chunking may change
    assert report.skipped == 10 and report.failed == 4  # the earlier run's errors count too
    if suffix == "parquet":
        pd.testing.assert_frame_equal(read_output(out), read_output(whole))
    else:
        assert out.read_bytes() == whole.read_bytes()
    errors = (tmp_path / "rows.errors.jsonl").read_text()
    assert errors == (tmp_path / "whole.errors.jsonl").read_text() and errors.count("\n") == 4


KILL_SCRIPT = """
import sys, time
sys.path.insert(0, sys.argv[4])
from stancemap.inference.batch_score import score_file
from stancemap.inference.scorer import ArticleScorer
from tests.fixtures.cue_classifier import CueWordClassifier

class Slow(CueWordClassifier):
    def predict_proba(self, pairs, batch_size=64):
        time.sleep(0.05)  # slow enough to be killed part-way
        return super().predict_proba(pairs, batch_size)

score_file(ArticleScorer(Slow(), proposals=sys.argv[3]), sys.argv[1], sys.argv[2], chunk_size=2)
"""


def test_a_sigkilled_run_resumes_to_the_same_output(scorer, tmp_path: Path) -> None:
    """A real SIGKILL (no cleanup runs), then --resume: byte for byte the whole run's files.

    JSONL only, as the subprocess spends most of its time importing spaCy; the Parquet
    parts are covered by the simulated kills above.
    """
    corpus = to_jsonl(tmp_path / "corpus.jsonl", make_articles(60))
    whole = tmp_path / "whole.jsonl"
    score_file(scorer, corpus, whole, chunk_size=7)

    out = tmp_path / "rows.jsonl"
    manifest = out.with_name(out.name + ".progress.json")
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(corpus), str(out),
                             str(PROPOSALS), str(REPO)], cwd=tmp_path)
    consumed, deadline = 0, time.monotonic() + 120
    try:
        while consumed < 16 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
            if manifest.exists():
                consumed = json.loads(manifest.read_text())["consumed"]
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    state = json.loads(manifest.read_text())
    assert 16 <= state["consumed"] < 60 and not state["complete"]

    score_file(scorer, corpus, out, resume=True, chunk_size=3)
    assert out.read_bytes() == whole.read_bytes()
    errors = (tmp_path / "rows.errors.jsonl").read_bytes()
    assert errors == (tmp_path / "whole.errors.jsonl").read_bytes() and errors.count(b"\n") == 4


def test_resume_with_a_changed_input_or_setting_is_refused(
        scorer, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rows.jsonl"
    with monkeypatch.context() as m:
        crash_after(m, scorer, chunks=1)
        with pytest.raises(RuntimeError):
            score_file(scorer, corpus, out, chunk_size=4)
    committed = out.read_bytes()
    with pytest.raises(StancemapError, match="window changed \\(2 -> 1\\)"):
        score_file(ArticleScorer(CueWordClassifier(), proposals=PROPOSALS, window=1), corpus,
                   out, resume=True)
    with open(corpus, "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "late", "text": "Rome backed the ICC."}) + "\n")
    with pytest.raises(StancemapError) as err:
        score_file(scorer, corpus, out, resume=True)
    assert "changed size" in str(err.value) and str(corpus.resolve()) in str(err.value)
    assert "run without --resume" in str(err.value)
    assert out.read_bytes() == committed  # a refused resume touches nothing


def test_resume_of_a_finished_run_does_nothing(scorer, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.parquet"
    first = score_file(scorer, corpus, out)
    before = out.read_bytes()
    again = score_file(scorer, corpus, out, resume=True)
    assert (again.articles, again.skipped, again.failed) == (0, first.articles, first.failed)
    assert out.read_bytes() == before


def test_resume_needs_the_progress_file_when_the_output_exists(scorer, corpus: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    out.write_text('{"doc_id": "from elsewhere"}\n')
    with pytest.raises(StancemapError, match="without rows.jsonl.progress.json"):
        score_file(scorer, corpus, out, resume=True)
    # Nothing committed and no output yet: --resume simply starts.
    fresh = score_file(scorer, corpus, tmp_path / "new.jsonl", resume=True)
    assert fresh.articles == 36


def test_a_fresh_run_replaces_an_interrupted_one(scorer, corpus: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rows.csv"
    with monkeypatch.context() as m:
        crash_after(m, scorer, chunks=2)
        with pytest.raises(RuntimeError):
            score_file(scorer, corpus, out, chunk_size=3)
    score_file(scorer, corpus, out)
    whole = tmp_path / "whole.csv"
    score_file(scorer, corpus, whole)
    assert out.read_bytes() == whole.read_bytes()


# ---------------------------------------------------------------------- streaming input
def test_a_glob_of_mixed_files_reads_in_sorted_order(scorer, tmp_path: Path) -> None:
    articles = make_articles(30, bad=False)
    articles[12]["text"] = ""
    folder = tmp_path / "corpus"
    folder.mkdir()
    to_jsonl(folder / "a.jsonl", articles[:10], None)
    pd.DataFrame(articles[10:20]).to_csv(folder / "b.csv", index=False)
    pd.DataFrame(articles[20:]).to_parquet(folder / "c.parquet", index=False)
    (folder / "notes.txt").write_text("not matched by the pattern below")
    single = score_file(scorer, to_jsonl(tmp_path / "all.jsonl", articles, None),
                        tmp_path / "single.jsonl")
    report = score_file(scorer, str(folder / "[abc].*"), tmp_path / "glob.jsonl")
    assert (tmp_path / "glob.jsonl").read_bytes() == (tmp_path / "single.jsonl").read_bytes()
    assert report.rows == single.rows > 0
    # A bad record in the CSV is cited by its file and line (the header is line 1).
    assert str(report.errors[0]) == f"{folder / 'b.csv'}:4: field text: empty article text"


def test_expand_inputs_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no files match"):
        expand_inputs(str(tmp_path / "*.parquet"))
    with pytest.raises(DataError, match="is a folder"):
        expand_inputs(tmp_path)
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(DataError, match="unknown file type"):
        expand_inputs(str(tmp_path / "*.txt"))


def test_parquet_is_read_in_batches_of_the_needed_columns(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.parquet"
    frame = pd.DataFrame({"id": list("abcde"), "text": list("vwxyz"), "body": ["big"] * 5},
                         index=[9, 8, 7, 6, 5])
    frame.to_parquet(path)
    calls = []
    real = pq.ParquetFile.iter_batches

    def spy(self, batch_size=65536, columns=None, **kw):
        calls.append((batch_size, columns))
        return real(self, batch_size=batch_size, columns=columns, **kw)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    rows = list(read_rows(path, columns=("id", "text"), chunk_rows=2))
    assert rows[0] == (1, {"id": "a", "text": "v"}) and rows[-1][0] == 5
    assert calls == [(2, ["id", "text"])]
    # Without columns every data column comes back; a saved pandas index is not data.
    assert set(next(read_rows(path))[1]) == {"id", "text", "body"}
    assert count_rows(path) == 5


def test_csv_is_read_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("id,text\na,x\nb,y\nc,z\nd,w\ne,too,many,cells\n", encoding="utf-8")
    rows = read_rows(path, chunk_rows=2)
    # The rows before a broken line come back before the reader ever reaches it.
    assert [next(rows) for _ in range(4)][-1] == (5, {"id": "d", "text": "w"})
    with pytest.raises(DataError, match="invalid CSV"):
        next(rows)
    assert count_rows(path) is None  # unknown without a full parse: the bar shows a rate


def test_seen_ids_survive_a_merge_into_the_sorted_array() -> None:
    seen = SeenIds(buffer=3)
    for ident in ["a", "b", "c", "d", "e"]:
        seen.add(ident)
    assert all(i in seen for i in "abcde") and "f" not in seen


# ----------------------------------------------------------------------- progress bar
def test_progress_shows_only_on_a_terminal(scorer, corpus: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    score_file(scorer, corpus, tmp_path / "a.jsonl", progress=True)
    assert capsys.readouterr().err == ""  # pytest's stderr is not a terminal
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    score_file(scorer, corpus, tmp_path / "b.jsonl", progress=True)
    bar = capsys.readouterr().err
    assert "40/40" in bar and "articles/s" in bar  # a total, so time left can be shown
    score_file(scorer, corpus, tmp_path / "c.jsonl", progress=False)
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------- config and CLI
def test_the_shipped_score_config_loads() -> None:
    path = REPO / "configs" / "score.yaml"
    cfg = load_score_config(path)
    # Every setting is spelled out in the file (no hidden defaults).
    assert set(yaml.safe_load(path.read_text())) == set(ScoreConfig.model_fields)
    assert cfg.on_error == "skip" and cfg.backend == "torch"
    assert load_score_config(path, {"backend": "torch-bf16"}).backend == "torch-bf16"


def test_score_config_errors_name_the_key_and_where_it_came_from(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("chunk_sise: 8\nwindow: two\n")
    with pytest.raises(ConfigError) as err:
        load_score_config(path)
    assert str(path) in str(err.value)
    assert "chunk_sise: unknown key" in str(err.value) and "window:" in str(err.value)
    with pytest.raises(ConfigError, match=r"chunk_size \(from --chunk-size\)"):
        load_score_config(None, {"chunk_size": 0})


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """``--model`` loads the cue-word test double; the keyword arguments are recorded."""
    calls: list[dict] = []

    def from_pretrained(cls, model, **kw):
        calls.append({"model": model, **kw})
        kw = {k: v for k, v in kw.items() if k not in ("backend", "threads")}
        return cls(CueWordClassifier(), **kw)

    monkeypatch.setattr(ArticleScorer, "from_pretrained", classmethod(from_pretrained))
    return calls


def test_cli_flags_override_the_config(fake_model, corpus: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "score.yaml"
    config.write_text(f"model: from-config\nproposals: {PROPOSALS}\nwindow: 1\nchunk_size: 5\n"
                      "backend: onnx\nthreads: 3\non_error: fail\npeople: affiliation\n")
    seen = {}

    def fake_score_file(spec, inp, out, **kw):
        scorer = spec.build()  # the CLI hands over a spec; workers build from it
        seen.update(kw, window=scorer.window, people=scorer.people)
        return types.SimpleNamespace(errors=[], failed=0, summary=lambda: "ok")

    monkeypatch.setattr("stancemap.inference.batch_score.score_file", fake_score_file)
    code = main(["score", "--config", str(config), "--input", str(corpus), "--output",
                 str(tmp_path / "o.jsonl"), "--window", "3", "--on-error", "skip",
                 "--chunk-size", "7", "--no-progress", "--errors", str(tmp_path / "e.jsonl")])
    assert code == 0
    (call,) = fake_model
    assert (call["model"], call["backend"], call["threads"]) == ("from-config", "onnx", 3)
    assert (seen["window"], seen["people"]) == (3, "affiliation")  # flag wins, config kept
    assert (seen["on_error"], seen["chunk_size"], seen["progress"]) == ("skip", 7, False)
    assert seen["errors_path"] == str(tmp_path / "e.jsonl")
    assert seen["settings"]["backend"] == "onnx"
    assert seen["workers"] == 1


def test_cli_without_a_model_anywhere_is_a_clear_error(corpus: Path, tmp_path: Path,
                                                       capsys) -> None:
    code = main(["score", "--input", str(corpus), "--output", str(tmp_path / "o.jsonl")])
    assert code == 2 and "no model" in capsys.readouterr().err


def test_cli_engine_ray_dispatches_to_the_ray_engine(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    calls = []

    def score_with_ray(model, input_path, output_path, **kw):
        calls.append((model, input_path, output_path, kw))
        return types.SimpleNamespace(summary=lambda: "ray done", failed=0)

    module = types.ModuleType("stancemap.inference.ray_engine")
    module.score_with_ray = score_with_ray
    monkeypatch.setitem(sys.modules, "stancemap.inference.ray_engine", module)
    code = main(["score", "--model", "M", "--input", str(corpus), "--output",
                 str(tmp_path / "o.parquet"), "--engine", "ray", "--backend", "onnx",
                 "--threads", "2", "--batch-size", "16", "--window", "1"])
    assert code == 0 and "ray done" in capsys.readouterr().out
    (model, inp, out, kw) = calls[0]
    assert (model, inp, out) == ("M", str(corpus), str(tmp_path / "o.parquet"))
    assert (kw["backend"], kw["threads"], kw["batch_size"], kw["concurrency"]) == (
        "onnx", 2, 16, None)
    assert kw["scorer_options"]["window"] == 1
    code = main(["score", "--model", "M", "--input", str(corpus), "--output",
                 str(tmp_path / "o2"), "--engine", "ray", "--resume"])
    assert code == 2 and "work with --engine local" in capsys.readouterr().err


def test_cli_score_writes_rows_reports_errors_and_exits_1(
        fake_model, small_file: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "out.jsonl"
    code = main(["score", "--model", "M", "--input", str(small_file), "--output", str(out),
                 "--proposals", str(FIXTURES / "proposals.yaml")])
    captured = capsys.readouterr()
    assert code == 1
    assert f"error: {small_file}:2: field text: empty article text" in captured.err
    assert "Traceback" not in captured.err
    assert "wrote 2 rows for 2 articles" in captured.out
    assert f"4 articles failed (see {tmp_path / 'out.errors.jsonl'})" in captured.out
    assert [json.loads(x)["doc_id"] for x in out.read_text().splitlines()] == ["a", "d"]


def test_cli_score_errors_without_traceback(fake_model, tmp_path: Path, capsys) -> None:
    code = main(["score", "--model", "M", "--input", str(tmp_path / "missing.jsonl"),
                 "--output", str(tmp_path / "o.jsonl")])
    assert code == 2
    assert "missing.jsonl: file not found" in capsys.readouterr().err


# ------------------------------------------------------------------------ worker processes
@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real (random-weight) model directory: worker processes load it themselves."""
    from .conftest import save_random_model

    return str(save_random_model(tmp_path_factory.mktemp("model") / "model", layers=1))


def _rows_without_scores(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    for row in rows:
        row.pop("scores"), row.pop("confidence")
        for ev in row["evidence"]:
            ev.pop("scores")
    return rows


def test_workers_write_the_same_files_as_one_process_and_resume_across_counts(
        model_dir: str, tmp_path: Path) -> None:
    from stancemap.inference.workers import ScorerSpec

    articles = make_articles(40, bad=False)
    articles[30]["text"] = ""  # a bad record in chunk 8 of 10
    corpus = to_jsonl(tmp_path / "corpus.jsonl", articles, broken_line=None)
    spec = ScorerSpec(model_dir, options={"proposals": str(PROPOSALS)})
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    score_file(spec, corpus, one, chunk_size=4)
    # Stopped by the bad record with chunks still in flight: what came before it is
    # committed, in order; then one process resumes the run, skipping the bad record.
    with pytest.raises(DataError, match=r"corpus.jsonl:31: field text"):
        score_file(spec, corpus, two, chunk_size=4, workers=2, on_error="fail")
    progress = json.loads((tmp_path / "two.jsonl.progress.json").read_text())
    assert progress["consumed"] == 28  # chunks 1-7 committed, chunk 8 not
    report = score_file(spec, corpus, two, chunk_size=4, resume=True)
    assert report.skipped == 28 and report.failed == 1
    assert two.read_text().count("\n") == one.read_text().count("\n") > 20
    assert _rows_without_scores(two) == _rows_without_scores(one)
    first = [json.loads(x) for x in one.read_text().splitlines()]
    second = [json.loads(x) for x in two.read_text().splitlines()]
    for a, b in zip(first, second):  # threads per process differ: floats may, barely
        assert a["scores"] == pytest.approx(b["scores"], abs=1e-5)
    errors = (tmp_path / "two.errors.jsonl").read_text().splitlines()
    assert len(errors) == 1 and json.loads(errors[0])["line"] == 31


def test_workers_need_a_spec_and_a_positive_count(scorer, corpus: Path,
                                                  tmp_path: Path) -> None:
    with pytest.raises(StancemapError, match="needs a ScorerSpec"):
        score_file(scorer, corpus, tmp_path / "o.jsonl", workers=2)
    with pytest.raises(StancemapError, match="workers: must be >= 1"):
        score_file(scorer, corpus, tmp_path / "o.jsonl", workers=0)


def test_a_spec_fingerprints_like_the_scorer_it_builds(model_dir: str) -> None:
    from stancemap.inference.batch_score import scorer_settings
    from stancemap.inference.workers import ScorerSpec

    spec = ScorerSpec(model_dir, options={"proposals": str(PROPOSALS), "window": 1,
                                          "aggregation": "mean", "batch_size": 8})
    assert spec.settings() == scorer_settings(spec.build())
    assert spec.settings() != ScorerSpec(model_dir, options={"window": 1}).settings()
