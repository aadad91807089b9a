from __future__ import annotations

from stancemap.records import Example
from stancemap.training.baselines import MajorityBaseline, TfidfBaseline, run_baselines
from stancemap.training.data import Splits
from stancemap.training.metrics import compute_metrics, confusion, format_report, plot_confusion


def test_metrics_values():
    gold = ["support", "support", "oppose", "neutral"]
    pred = ["support", "oppose", "oppose", "oppose"]
    m = compute_metrics(gold, pred)
    assert m["accuracy"] == 0.5
    assert m["per_class"]["oppose"]["precision"] == 1 / 3
    assert m["per_class"]["neutral"]["f1"] == 0.0
    assert abs(m["macro_f1"] - (2 / 3 + 0.5 + 0) / 3) < 1e-9
    assert confusion(gold, pred) == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]
    assert "macro-F1" in format_report(m)


def test_confusion_png(tmp_path):
    path = plot_confusion([[3, 1, 0], [0, 2, 0], [1, 0, 4]], tmp_path / "cm.png")
    assert path.read_bytes()[:4] == b"\x89PNG"


def _examples(n: int) -> list[Example]:
    cue = {"support": "welcomed and backed", "oppose": "condemned and rejected",
           "neutral": "is still studying"}
    return [Example(text=f"Country{i} {cue[lab]} plan {i}.", actor=f"Country{i}",
                    proposal="plan", label=lab)
            for i, lab in enumerate(["support", "oppose", "neutral", "support"] * n)]


def test_majority_and_tfidf():
    train, test = _examples(10), _examples(3)
    assert set(MajorityBaseline().fit(train).predict(test)) == {"support"}
    tfidf = TfidfBaseline().fit(train)
    assert compute_metrics([e.label for e in test], tfidf.predict(test))["macro_f1"] == 1.0


def test_run_baselines_without_tracking():
    splits = Splits(train=_examples(10), dev=_examples(2), test=_examples(2))
    out = run_baselines(splits, seed=0)
    assert out["tfidf_logreg"]["test"]["macro_f1"] > out["majority"]["test"]["macro_f1"]


def test_macro_f1_averages_labels_present_in_gold():
    gold = ["support", "oppose", "support", "oppose"]
    pred = ["support", "oppose", "neutral", "oppose"]
    m = compute_metrics(gold, pred)
    # support F1 = 2/3, oppose F1 = 1; neutral has no gold rows and is left out of the mean
    assert abs(m["macro_f1"] - (2 / 3 + 1) / 2) < 1e-9
    assert m["per_class"]["neutral"]["f1"] == 0.0
