"""Throughput benchmark (issue 5): pairs/s, articles/s and peak memory, in one run on one machine.

    .venv/bin/python benchmarks/throughput.py --model runs/default/model
    .venv/bin/python benchmarks/throughput.py --model runs/default/model --quick   # ~1 minute

(a) **pairs/s** of ``StanceClassifier.predict`` with ``backend="torch"``,
    ``backend="onnx"`` and, on CPUs with native bf16 (AMX, AVX-512 BF16) or with
    ``--bf16``, ``backend="torch-bf16"`` against the plain
    ``transformers.pipeline("text-classification")`` on the same model and the same
    pairs: the pairs the article path makes from generated articles, given to the
    pipeline as the marked sentence / segment texts the classifier builds
    (``{"text", "text_pair"}`` dicts, default pipeline settings: what a user would write).
    The ONNX export is made first if the model has none (its time is reported).
    With bf16, the pipeline is also run in bf16 (``dtype=torch.bfloat16``), so the gain of
    bf16 itself is shown apart from ours, and bf16's label agreement with float32 torch is
    measured on the benchmark pairs and on the model's dev and test pairs.
(b) **articles/s** of the full scoring path (``ArticleScorer.score``: sentences, spaCy,
    actors, proposals, pairing, classification, aggregation) per backend, on generated
    ~400-word wire articles (:mod:`corpus`); then the same articles through ``score_file``
    with ``--workers`` processes (default 2), as ``stancemap score --workers 2`` runs them.
(c) **peak memory** (``VmHWM``, each run in a fresh subprocess; see :func:`peak_rss_mib`
    for why not ``ru_maxrss``, which is recorded too) of the streaming file
    path ``stancemap.inference.batch_score.score_file`` at 1,000 and 10,000 articles, and
    their ratio. ``--memory-mode full`` scores for real (10,000 articles take about 45
    minutes on 2 cores); the default ``stub`` keeps everything that can grow with the
    corpus (reading, chunking, actors, proposals, pairing, aggregation, rows, writing, the
    resume state) but swaps spaCy for a blank English tokenizer and the transformer for a
    constant, so the two runs take a few minutes; their peaks then exclude the fixed
    memory of the models (~0.7 GB), which makes the ratio a stricter test of growth.

Prints a Markdown table (with the machine: CPU, cores, versions, load) and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import make_articles, write_corpus, write_proposals  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"speedup": 3.0, "agreement": 0.99, "articles_per_s": 10.0, "memory_ratio": 1.10}


# --------------------------------------------------------------------------- the machine
def machine() -> dict[str, Any]:
    """CPU model, cores, memory, library versions and the load when the run started."""
    import onnxruntime
    import spacy
    import torch
    import transformers

    from stancemap.inference.classifier import default_threads, native_bf16

    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kb = next((int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
                   if line.startswith("MemTotal")), 0)
    return {
        "cpu": cpu, "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "physical_cores_used": default_threads(), "memory_gib": round(mem_kb / 2**20, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(), "torch": torch.__version__,
        "onnxruntime": onnxruntime.__version__, "transformers": transformers.__version__,
        "spacy": spacy.__version__, "platform": platform.platform(),
        "native_bf16": native_bf16(),
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


# ----------------------------------------------------------------------------- (a) pairs
def article_pairs(n_pairs: int, proposals: Path, nlp: Any) -> list[dict[str, Any]]:
    """The first ``n_pairs`` pairs the article path builds from generated articles."""
    from stancemap.inference.scorer import ArticleScorer, as_article

    class NoModel:  # only the analysis is wanted here
        name = "none"

        def predict_proba(self, pairs: Sequence[Any], batch_size: int = 64) -> np.ndarray:
            return np.zeros((len(pairs), 3))

    scorer = ArticleScorer(NoModel(), proposals=proposals, nlp=nlp)
    pairs: list[dict[str, Any]] = []
    articles = make_articles(max(8, n_pairs // 10), seed=1)
    for i, art in enumerate(articles):
        analysis = scorer.analyze(as_article(art, i))
        pairs += [{"text": c.sentence.text, "actor": c.actor.actor,
                   "proposal": scorer._proposal_text(c), "actor_mention": c.mention,
                   "context": c.context} for c in analysis.candidates]
        if len(pairs) >= n_pairs:
            break
    return pairs[:n_pairs]


def _rate(n: int, run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = run()
    return n / (time.perf_counter() - start), out


def bench_pairs(model: str, pairs: list[dict[str, Any]], threads: int | None,
                batch_size: int, bf16: bool = False) -> dict[str, Any]:
    """pairs/s of the pipeline baseline and of ``predict`` with each backend."""
    import torch
    from transformers import pipeline

    from stancemap.encoding import pair_text
    from stancemap.inference.classifier import StanceClassifier, as_example
    from stancemap.inference.model_uri import resolve_model_dir

    torch_clf = StanceClassifier.from_pretrained(model, backend="torch", threads=threads)
    start = time.perf_counter()
    onnx_clf = StanceClassifier.from_pretrained(model, backend="onnx", threads=threads)
    load_s = time.perf_counter() - start
    n = len(pairs)
    result: dict[str, Any] = {"pairs": n, "batch_size": batch_size,
                              "mean_tokens": float(np.mean([len(f["input_ids"]) for f in
                                                            torch_clf.features([as_example(p)
                                                                                for p in pairs])])),
                              "onnx_load_or_export_s": round(load_s, 1),
                              "onnx_card": onnx_clf.runtime.meta}
    backends = [("torch", torch_clf), ("onnx", onnx_clf)]
    if bf16:
        backends.append(("torch-bf16", StanceClassifier.from_pretrained(
            model, backend="torch-bf16", threads=threads)))
    for name, clf in backends:
        clf.predict(pairs[:batch_size], batch_size=batch_size)  # warm-up
        rate, preds = _rate(n, lambda c=clf: c.predict(pairs, batch_size=batch_size))
        result[name] = {"pairs_per_s": rate, "labels": [p.label for p in preds]}
    agree = np.mean([a == b for a, b in zip(result["torch"]["labels"],
                                            result["onnx"]["labels"])])
    result["onnx_agreement_on_these_pairs"] = float(agree)
    if bf16:
        result["bf16_agreement_on_these_pairs"] = float(np.mean([
            a == b for a, b in zip(result["torch"]["labels"], result["torch-bf16"]["labels"])]))
        result["bf16_agreement"] = bf16_agreement(model, torch_clf, backends[-1][1])
    texts = []
    for p in pairs:
        e = as_example(p)
        first, second = pair_text(e.text, e.actor, e.proposal, mention=e.mention,
                                  context=e.context, mark_actor=torch_clf.mark_actor,
                                  use_context=torch_clf.use_context)
        texts.append({"text": first, "text_pair": second})
    torch.set_num_threads(threads or torch.get_num_threads())  # the same threads for all
    path = str(resolve_model_dir(model))
    pipe = pipeline("text-classification", model=path, tokenizer=path, device="cpu")
    pipe(texts[:8])  # warm-up
    rate, _ = _rate(n, lambda: pipe(texts))
    result["pipeline"] = {"pairs_per_s": rate}
    if bf16:
        pipe = pipeline("text-classification", model=path, tokenizer=path, device="cpu",
                        dtype=torch.bfloat16)
        pipe(texts[:8])
        result["pipeline-bf16"] = {"pairs_per_s": _rate(n, lambda: pipe(texts))[0]}
    for name, _clf in backends:
        result[name]["speedup_vs_pipeline"] = result[name]["pairs_per_s"] / rate
        del result[name]["labels"]
    return result


def bf16_agreement(model: str, fp32: Any, bf16: Any) -> dict[str, Any]:
    """Label agreement of the bf16 model with float32 on the model's own dev and test pairs
    (the pairs the ONNX export is checked on)."""
    from stancemap.inference.model_uri import resolve_model_dir
    from stancemap.inference.onnx_backend import example_pairs

    _, pairs, source = example_pairs(resolve_model_dir(model))
    a, b = fp32.predict_proba(pairs).argmax(1), bf16.predict_proba(pairs).argmax(1)
    return {"agreement": float(np.mean(a == b)), "pairs": len(pairs), "data": source}


# -------------------------------------------------------------------------- (b) articles
def bench_articles(model: str, n_articles: int, proposals: Path, threads: int | None,
                   nlp: Any, workers: int, tmp: Path, bf16: bool = False) -> dict[str, Any]:
    """articles/s of ``ArticleScorer.score`` on generated articles, per backend; and of
    ``score_file`` (what ``stancemap score --workers N`` runs) with ``workers`` processes,
    start-up of the workers included."""
    from stancemap.inference.batch_score import score_file
    from stancemap.inference.scorer import ArticleScorer
    from stancemap.inference.workers import ScorerSpec

    articles = make_articles(n_articles, seed=2)
    corpus = write_corpus(tmp / "articles.jsonl", n_articles, seed=2)
    words = float(np.mean([len(a["text"].split()) for a in articles]))
    out: dict[str, Any] = {"articles": n_articles, "mean_words": words, "workers": workers}
    for backend in ("torch", "onnx") + (("torch-bf16",) if bf16 else ()):
        scorer = ArticleScorer.from_pretrained(model, backend=backend, threads=threads,
                                               proposals=proposals, nlp=nlp)
        scorer.score(make_articles(4, seed=3))  # warm-up
        rate, result = _rate(n_articles, lambda s=scorer: s.score(articles))
        pairs = sum(len(r.evidence) for r in result.rows)
        out[backend] = {"articles_per_s": rate, "rows": len(result.rows),
                        "evidence_pairs_per_article": pairs / n_articles}
        if workers > 1:
            spec = ScorerSpec(model, backend=backend, threads=threads,
                              options={"proposals": str(proposals)})
            rate, report = _rate(n_articles, lambda sp=spec, b=backend: score_file(
                sp, corpus, tmp / f"rows-{b}.jsonl", chunk_size=16, workers=workers))
            out[backend]["workers_articles_per_s"] = rate
            out[backend]["workers_rows_match"] = report.rows == len(result.rows)
    return out


# ---------------------------------------------------------------------------- (c) memory
def bench_memory(model: str, sizes: Sequence[int], mode: str, threads: int | None,
                 workdir: Path) -> dict[str, Any]:
    """Peak RSS of ``score_file`` per corpus size, each in a fresh subprocess."""
    proposals = write_proposals(workdir / "proposals.yaml")
    out: dict[str, Any] = {"mode": mode, "runs": []}
    for n in sizes:
        corpus = write_corpus(workdir / f"corpus-{n}.jsonl", n, seed=4)
        cmd = [sys.executable, __file__, "--_memory-child", str(corpus), "--model", model,
               "--memory-mode", mode, "--_proposals", str(proposals)]
        if threads:
            cmd += ["--threads", str(threads)]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"memory run at {n} articles failed:\n{done.stderr[-3000:]}")
        child = json.loads(done.stdout.strip().splitlines()[-1])
        out["runs"].append({"articles": n, "peak_rss_mib": child["peak_rss_mib"],
                            "ru_maxrss_mib": child["ru_maxrss_mib"], "rows": child["rows"],
                            "seconds": time.perf_counter() - start})
    peaks = [r["peak_rss_mib"] for r in out["runs"]]
    out["ratio_last_to_first"] = peaks[-1] / peaks[0]
    return out


def memory_child(corpus: str, model: str, mode: str, proposals: str,
                 threads: int | None) -> None:
    """Score ``corpus`` with ``score_file`` and print the peak RSS as JSON (last line)."""
    from stancemap.inference.batch_score import score_file
    from stancemap.inference.scorer import ArticleScorer

    if mode == "full":
        scorer = ArticleScorer.from_pretrained(model, backend="onnx", threads=threads,
                                               proposals=proposals)
    else:
        import spacy

        class Constant:  # the transformer's place: a fixed answer, no weights
            name = "stub"

            def predict_proba(self, pairs: Sequence[Any], batch_size: int = 64) -> np.ndarray:
                return np.tile(np.array([[0.6, 0.3, 0.1]], dtype=np.float32), (len(pairs), 1))

        scorer = ArticleScorer(Constant(), proposals=proposals, nlp=spacy.blank("en"))
    with tempfile.TemporaryDirectory() as tmp:
        report = score_file(scorer, corpus, Path(tmp) / "rows.jsonl")
    print(json.dumps({"peak_rss_mib": peak_rss_mib(), "rows": report.rows,
                      "ru_maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def peak_rss_mib() -> float:
    """This process's peak resident memory: ``VmHWM``, else ``ru_maxrss``.

    ``ru_maxrss`` survives ``exec``: a child forked from this benchmark (models loaded, ~1
    GB) reports the parent's size however little it uses itself (measured: 1,004 MiB for
    a run whose own peak was 290 MiB). ``VmHWM`` belongs to the process's own memory map.
    """
    for line in _read("/proc/self/status").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---------------------------------------------------------------------------- the report
def markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    lines = [f"Machine: {m['cpu']}, {m['usable_cpus']} usable CPUs ({m['physical_cores_used']} "
             f"physical cores used), {m['memory_gib']} GiB; Python {m['python']}, torch "
             f"{m['torch']}, onnxruntime {m['onnxruntime']}, transformers {m['transformers']}, "
             f"spaCy {m['spacy']}; native bf16: {'yes' if m.get('native_bf16') else 'no'}; "
             f"load average at start {m['load_average']}; {m['date']}.",
             "", "| measure | value | target | met |", "|---|---|---|---|"]

    def row(name: str, value: str, target: str = "", met: bool | None = None) -> None:
        lines.append(f"| {name} | {value} | {target} | "
                     f"{'' if met is None else ('yes' if met else 'no')} |")

    if "pairs" in res:
        p = res["pairs"]
        row(f"pipeline, pairs/s ({p['pairs']} pairs, {p['mean_tokens']:.0f} tokens)",
            f"{p['pipeline']['pairs_per_s']:.1f}")
        if "pipeline-bf16" in p:
            row("pipeline in bf16, pairs/s", f"{p['pipeline-bf16']['pairs_per_s']:.1f}")
        for b in [b for b in ("torch", "onnx", "torch-bf16") if b in p]:
            s = p[b]["speedup_vs_pipeline"]
            row(f"predict, {b}, pairs/s (batch {p['batch_size']})",
                f"{p[b]['pairs_per_s']:.1f} ({s:.2f}x pipeline)",
                f">= {TARGETS['speedup']:.0f}x", s >= TARGETS["speedup"])
        card = p["onnx_card"]
        agree = card.get("agreement", float("nan"))
        row(f"onnx int8 label agreement with torch ({card.get('agreement_data')}, "
            f"{card.get('agreement_pairs')} pairs)", f"{100 * agree:.2f}%",
            f">= {100 * TARGETS['agreement']:.0f}%", agree >= TARGETS["agreement"])
        row("onnx label agreement on the benchmark pairs",
            f"{100 * p['onnx_agreement_on_these_pairs']:.2f}%")
        if "bf16_agreement" in p:
            ag = p["bf16_agreement"]
            row(f"torch-bf16 label agreement with torch ({ag['data']}, {ag['pairs']} pairs)",
                f"{100 * ag['agreement']:.2f}%")
            row("torch-bf16 label agreement on the benchmark pairs",
                f"{100 * p['bf16_agreement_on_these_pairs']:.2f}%")
    if "articles" in res:
        a = res["articles"]
        for b in [b for b in ("torch", "onnx", "torch-bf16") if b in a]:
            r = a[b]["articles_per_s"]
            row(f"full scoring, {b}, articles/s ({a['articles']} articles, "
                f"{a['mean_words']:.0f} words, {a[b]['evidence_pairs_per_article']:.1f} "
                "pairs each)", f"{r:.2f}", f">= {TARGETS['articles_per_s']:.0f}",
                r >= TARGETS["articles_per_s"])
            if "workers_articles_per_s" in a[b]:
                r = a[b]["workers_articles_per_s"]
                row(f"full scoring, {b}, `score --workers {a['workers']}`, articles/s "
                    "(worker start-up included)", f"{r:.2f}",
                    f">= {TARGETS['articles_per_s']:.0f}", r >= TARGETS["articles_per_s"])
    if "memory" in res:
        mem = res["memory"]
        for r in mem["runs"]:
            row(f"score_file peak RSS, {r['articles']:,} articles ({mem['mode']})",
                f"{r['peak_rss_mib']:.0f} MiB ({r['seconds']:.0f} s)")
        ratio = mem["ratio_last_to_first"]
        row("peak RSS ratio, largest / smallest", f"{ratio:.3f}",
            f"<= {TARGETS['memory_ratio']:.2f}", ratio <= TARGETS["memory_ratio"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="runs/default/model")
    parser.add_argument("--threads", type=int, default=None,
                        help="inference threads (default: the usable physical cores)")
    parser.add_argument("--pairs", type=int, default=800, help="pairs for (a)")
    parser.add_argument("--articles", type=int, default=150, help="articles for (b)")
    parser.add_argument("--memory-sizes", default="1000,10000", help="article counts for (c)")
    parser.add_argument("--memory-mode", choices=("stub", "full"), default="stub")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2,
                        help="(b) also scores with score_file in this many processes (1: not)")
    parser.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None,
                        help="also measure backend torch-bf16 (default: when the CPU has "
                             "native bf16)")
    parser.add_argument("--skip", action="append", default=[],
                        choices=("pairs", "articles", "memory"))
    parser.add_argument("--quick", action="store_true",
                        help="a small run for development: 120 pairs, 12 articles, 100/1000")
    parser.add_argument("--json", default="runs/benchmarks/throughput.json")
    parser.add_argument("--_memory-child", dest="memory_child", help=argparse.SUPPRESS)
    parser.add_argument("--_proposals", dest="proposals", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    if args.memory_child:
        memory_child(args.memory_child, args.model, args.memory_mode, args.proposals,
                     args.threads)
        return
    if args.quick:
        args.pairs, args.articles, args.memory_sizes = 120, 12, "100,1000"
    sizes = [int(s) for s in args.memory_sizes.split(",")]
    res: dict[str, Any] = {"machine": machine(), "model": args.model, "targets": TARGETS}
    from stancemap.inference.classifier import native_bf16
    from stancemap.inference.scorer import load_spacy

    bf16 = native_bf16() if args.bf16 is None else args.bf16

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        proposals = write_proposals(Path(tmp) / "proposals.yaml")
        if "pairs" not in args.skip:
            pairs = article_pairs(args.pairs, proposals, load_spacy())
            res["pairs"] = bench_pairs(args.model, pairs, args.threads, args.batch_size,
                                       bf16=bf16)
        if "articles" not in args.skip:
            res["articles"] = bench_articles(args.model, args.articles, proposals,
                                             args.threads, load_spacy(), args.workers,
                                             Path(tmp), bf16=bf16)
        if "memory" not in args.skip:
            res["memory"] = bench_memory(args.model, sizes, args.memory_mode, args.threads,
                                         Path(tmp))
    res["seconds"] = time.perf_counter() - started
    print(markdown(res))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, default=str), encoding="utf-8")
    print(f"\nwrote {out} ({res['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
