"""Sentence-level prediction over a file: the ``stancemap predict`` command."""

from __future__ import annotations

from pathlib import Path

from stancemap.errors import DataError
from stancemap.inference.classifier import StanceClassifier, as_example
from stancemap.tables import read_rows, write_rows


def predict_file(
    model: str | StanceClassifier, input_path: str | Path, output_path: str | Path,
    *, batch_size: int = 64,
) -> int:
    """Label every row of ``input_path`` and write it back, in order, to ``output_path``.

    Each output row is the input row plus ``label`` and ``scores``; an input ``label``
    is kept as ``gold_label``. Returns the number of rows written.
    """
    rows, examples = [], []
    for line, row in read_rows(input_path):
        try:
            examples.append(as_example(row, line))
        except DataError as err:
            raise DataError(err.reason, path=str(input_path), line=line, field=err.field) from None
        rows.append(row)
    clf = model if isinstance(model, StanceClassifier) else StanceClassifier.from_pretrained(model)
    preds = clf.predict(examples, batch_size=batch_size)
    out = []
    for row, pred in zip(rows, preds):
        row = dict(row)
        if "label" in row:
            row["gold_label"] = row.pop("label")
        row.update(label=pred.label, scores=pred.scores, model=clf.name)
        out.append(row)
    return write_rows(output_path, out)
