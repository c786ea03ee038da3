"""Orchestration: run every stage over a folder of source files and write the database.

The database is written to a temporary file beside the target and renamed into place, so a reader
never sees a half-written database and a failed build leaves the previous one intact.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import pathlib
import time
from typing import Callable, Optional

from . import PIPELINE_VERSION, clean, extract, ingest, nlp, store
from .types import DocResult, InputError

BATCH_SIZE = 64


@dataclasses.dataclass
class BuildReport:
    db_path: str
    documents: int = 0
    rejected: list[InputError] = dataclasses.field(default_factory=list)
    duplicates: list[str] = dataclasses.field(default_factory=list)
    counts: dict = dataclasses.field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        c = self.counts
        text = (f"Built {self.db_path} from {self.documents} documents in {self.seconds:.1f} s: "
                f"{c.get('sentences', 0)} sentences, {c.get('mentions', 0)} mentions of {c.get('entities', 0)} "
                f"entities, {c.get('dates', 0)} dates, {c.get('money', 0)} money figures, "
                f"{c.get('claims', 0)} claims ({c.get('facts', 0)} facts), {c.get('notes', 0)} notes, "
                f"{c.get('bibliography', 0)} bibliography entries.")
        if self.rejected:
            text += f" {len(self.rejected)} file(s) rejected (listed above)."
        return text


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def process_document(raw, nlp_model) -> DocResult:
    cleaned = clean.clean_document(raw)
    prose = list(extract.iter_prose(cleaned))
    docs = {}
    for doc, pidx in nlp_model.pipe(((text, pidx) for pidx, text in prose), as_tuples=True, batch_size=BATCH_SIZE):
        docs[pidx] = doc
    return extract.extract_document(raw, cleaned, docs)


def build(raw_dir: pathlib.Path, db_path: pathlib.Path, model: str = nlp.DEFAULT_MODEL,
          on_file: Optional[Callable[[pathlib.Path, Optional[InputError]], None]] = None,
          files: Optional[list[pathlib.Path]] = None) -> BuildReport:
    """Build db_path from the files in raw_dir. `on_file(path, error)` is called after each file."""
    started, clock = now(), time.monotonic()
    raw_dir, db_path = pathlib.Path(raw_dir), pathlib.Path(db_path)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"{raw_dir} is not a directory")
    nlp_model = nlp.load_model(model)
    report = BuildReport(str(db_path))
    results: list[DocResult] = []
    seen: dict[str, DocResult] = {}
    root = raw_dir.resolve().parent
    for path in files if files is not None else ingest.iter_source_files(raw_dir):
        error = None
        try:
            raw = ingest.parse_file(path, root)
            if raw.sha256 in seen:
                report.duplicates.append(raw.path)
            else:
                result = process_document(raw, nlp_model)
                seen[raw.sha256] = result
                results.append(result)
        except InputError as exc:
            error = exc
            report.rejected.append(exc)
        if on_file:
            on_file(path, error)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    if tmp.exists():
        tmp.unlink()
    run = {"started": started, "pipeline_version": PIPELINE_VERSION, "spacy_model": nlp.model_id(nlp_model),
           "n_rejected": len(report.rejected),
           "rejected": json.dumps([str(e) for e in report.rejected], ensure_ascii=False)}
    try:
        run["finished"] = now()
        report.counts = store.save_database(str(tmp), results, run)
        os.replace(tmp, db_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    report.documents = len(results)
    report.seconds = time.monotonic() - clock
    return report
