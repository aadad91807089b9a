"""Committed output files: what makes a batch scoring run resumable, exactly.

Only what the manifest ``<output>.progress.json`` names counts as written. Each chunk's rows
are appended to the output (JSONL, CSV: the committed state is a byte length) or written as
a part file ``<output>.parts/part-N.parquet`` by temp file + rename (Parquet cannot be
appended: the state is a number of parts), and fsynced. Then the manifest is replaced
atomically (temp file + rename): that rename is the commit. A kill at any moment leaves
either the old or the new manifest, and resuming cuts each file back to what it names.

>>> run = Checkpoint(Path("rows.jsonl"), Path("rows.errors.jsonl"), fingerprint([], {}),
...                  row_columns=["doc_id"], error_columns=["error"])  # doctest: +SKIP
>>> run.start(resume=False); run.output.add([{"doc_id": "a1"}]); run.commit()  # doctest: +SKIP
>>> run.finish()  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stancemap.errors import StancemapError
from stancemap.tables import (
    combine_parquet,
    csv_text,
    detect_format,
    jsonl_text,
    sync_dir,
    write_parquet_part,
)

MANIFEST_VERSION = 1
COUNTS = ("consumed", "articles", "rows", "failed")


def fingerprint(paths: Sequence[Path], settings: Mapping[str, Any]) -> dict[str, Any]:
    """The input files (paths, sizes, mtimes) and the settings, to refuse a changed resume."""
    files = [{"path": str(p.resolve()), "size": p.stat().st_size,
              "mtime_ns": p.stat().st_mtime_ns} for p in paths]
    # Through JSON and back, so it compares equal to the copy read from the manifest.
    return json.loads(json.dumps({"inputs": files, "settings": dict(settings)}, default=str))


def _differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """What changed between two fingerprints, in words."""
    before = {f["path"]: f for f in old.get("inputs", [])}
    after = {f["path"]: f for f in new["inputs"]}
    out = [f"{p} is gone" for p in before if p not in after]
    out += [f"{p} is new" for p in after if p not in before]
    for path in sorted(before.keys() & after.keys()):
        if before[path]["size"] != after[path]["size"]:
            out.append(f"{path} changed size ({before[path]['size']} -> "
                       f"{after[path]['size']} bytes)")
        elif before[path]["mtime_ns"] != after[path]["mtime_ns"]:
            out.append(f"{path} was modified")
    old_set, new_set = old.get("settings", {}), new["settings"]
    for key in sorted(old_set.keys() | new_set.keys()):
        if old_set.get(key) != new_set.get(key):
            out.append(f"setting {key} changed ({old_set.get(key)!r} -> {new_set.get(key)!r})")
    return out


class _AppendSink:
    """JSONL or CSV rows appended to one file; ``size`` is its committed length in bytes."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path, self.columns, self.size = path, columns, 0
        self.is_csv = detect_format(path) == "csv"

    def reset(self) -> None:
        self.path.unlink(missing_ok=True)
        self.size = 0

    def restore(self, state: Mapping[str, Any]) -> None:
        size = int(state.get("bytes", 0))
        actual = self.path.stat().st_size if self.path.exists() else 0
        if actual < size:
            raise StancemapError(
                f"cannot resume: {self.path} has {actual} bytes, fewer than the {size} "
                "committed; was it changed? run without --resume to start over")
        if self.path.exists():
            with open(self.path, "r+b") as f:  # drop whatever was written after the commit
                f.truncate(size)
                os.fsync(f.fileno())
        self.size = size

    def add(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        text = (csv_text(rows, self.columns, header=self.size == 0) if self.is_csv
                else jsonl_text(rows))
        with open(self.path, "ab") as f:
            f.write(text.encode("utf-8"))
            f.flush()
            os.fsync(f.fileno())
            self.size = f.tell()

    def state(self) -> dict[str, Any]:
        return {"bytes": self.size}

    def finish(self, create_empty: bool) -> None:
        if create_empty and not self.path.exists():
            header = csv_text([], self.columns, header=True) if self.is_csv else ""
            self.path.write_text(header, encoding="utf-8")

    def cleanup(self) -> None:
        """Nothing to remove: the file is the output."""


class _PartSink:
    """Parquet (not appendable): each chunk's rows are one part file, joined at the end."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.path, self.columns, self.parts = path, columns, 0
        self.folder = path.with_name(path.name + ".parts")

    def _part(self, i: int) -> Path:
        return self.folder / f"part-{i:08d}.parquet"

    def reset(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.path.unlink(missing_ok=True)
        self.parts = 0

    def restore(self, state: Mapping[str, Any]) -> None:
        self.parts = int(state.get("parts", 0))
        committed = [self._part(i) for i in range(self.parts)]
        missing = [p for p in committed if not p.exists()]
        if missing:
            raise StancemapError(f"cannot resume: committed part {missing[0]} is missing; "
                                 "run without --resume to start over")
        if self.folder.exists():  # parts and temp files written after the last commit
            for stray in set(self.folder.iterdir()) - set(committed):
                stray.unlink()

    def add(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_parquet_part(self._part(self.parts), rows)
        self.parts += 1

    def state(self) -> dict[str, Any]:
        return {"parts": self.parts}

    def finish(self, create_empty: bool) -> None:
        if self.parts or create_empty:
            combine_parquet([self._part(i) for i in range(self.parts)], self.path,
                            columns=self.columns)

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _sink(path: Path, columns: Sequence[str]) -> _AppendSink | _PartSink:
    return _PartSink(path, columns) if detect_format(path) == "parquet" else _AppendSink(
        path, columns)


class Checkpoint:
    """The output and errors files of one run, and the manifest saying what is committed."""

    def __init__(self, output: Path, errors: Path, fingerprint: dict[str, Any], *,
                 row_columns: Sequence[str], error_columns: Sequence[str],
                 keep_empty_errors: bool = False) -> None:
        self.manifest = output.with_name(output.name + ".progress.json")
        self.output_path = output
        self.output = _sink(output, row_columns)
        self.errors = _sink(errors, error_columns)
        self.keep_empty_errors = keep_empty_errors
        self.state: dict[str, Any] = {"version": MANIFEST_VERSION, "fingerprint": fingerprint,
                                      "complete": False, "consumed": 0, "articles": 0,
                                      "rows": 0, "failed": 0}

    def start(self, resume: bool) -> bool:
        """Start afresh, or pick up the committed state; True if the run was complete."""
        if resume and self.manifest.exists():
            return self._resume()
        if resume and self.output_path.exists():
            raise StancemapError(
                f"cannot resume: {self.output_path} exists without {self.manifest.name}, so "
                "what it holds is unknown; run without --resume to score again")
        # A fresh start (or a resume of a run that committed nothing). The old manifest goes
        # first, so it can never describe the new files.
        self.manifest.unlink(missing_ok=True)
        self.output.reset()
        self.errors.reset()
        self.commit()
        return False

    def _resume(self) -> bool:
        try:
            saved = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise StancemapError(f"cannot resume: unreadable {self.manifest}: {err}") from None
        if saved.get("version") != MANIFEST_VERSION:
            raise StancemapError(f"cannot resume: {self.manifest} is from another version of "
                                 "stancemap; run without --resume to start over")
        changed = _differences(saved["fingerprint"], self.state["fingerprint"])
        if changed:
            raise StancemapError(
                f"cannot resume {self.output_path}: the input or settings changed since the "
                f"interrupted run ({'; '.join(changed)}); run without --resume to start over")
        for key in COUNTS:
            self.state[key] = int(saved[key])
        if saved.get("complete"):
            if not self.output_path.exists():
                raise StancemapError(f"cannot resume: the finished output {self.output_path} "
                                     "is gone; run without --resume to score again")
            return True
        self.output.restore(saved["output"])
        self.errors.restore(saved["errors"])
        return False

    def commit(self) -> None:
        """Record the files' committed state; the atomic rename is the commit point."""
        self.state["output"] = self.output.state()
        self.state["errors"] = self.errors.state()
        tmp = self.manifest.with_name(self.manifest.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.state, f, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.manifest)
        sync_dir(self.manifest.parent)

    def finish(self) -> None:
        self.output.finish(create_empty=True)
        self.errors.finish(create_empty=self.keep_empty_errors)
        # Complete before the parts go: until then a resume can rebuild the output from them.
        self.state["complete"] = True
        self.commit()
        self.output.cleanup()
        self.errors.cleanup()
