"""Orchestration: turn a folder of source files into the database, reusing every cached result.

1. Plan: hash every file (a file unchanged since the last build by what stat says of it: its
   remembered hash, hashes.py); the same content under several names is one document with several
   paths; look up the cache entries (cache.py) of the documents to produce.
2. Produce: documents without a cached result go, in batches, to worker processes (worker.py);
   each worker loads the model once, on first need. Results come back in plan order, at most a
   few batches ahead of the writer, so memory is bounded by batches, not by the corpus. Each
   document has a budget of time and memory; a worker over it is killed and the document
   rejected, the others go on (pool.py).
3. Store. A database built by the same code, model and classifier is updated in place: only the
   documents added, changed or removed since are produced, and their rows deleted and inserted in
   one transaction with the steps across documents redone for what they reach
   (store.update_database); it is checked before it commits. Otherwise (no database yet, other
   code, `update=False`) results stream into a new database beside the old one
   (store.save_database), which is checked (store/check.py) and only then renamed into place.
   Either way a reader never sees a half-written database, and a killed or failed build leaves
   the previous one intact.

One build at a time per database (lock.py): a second one waits for the first.
"""
from __future__ import annotations

import collections
import concurrent.futures
import dataclasses
import json
import multiprocessing
import errno
import os
import pathlib
import sqlite3
import time
from typing import Callable, Iterator, Optional

from .. import PIPELINE_VERSION, ingest, nlp
from ..extract.claims import checkworthy
from ..store import check
from ..store import write as store
from . import cache as cache_stage
from . import storage
from .hashes import FileHashes
from .lock import DEFAULT_LOCK_TIMEOUT, BuildLocked, build_lock  # noqa: F401  (CLI)
from .pool import WorkerFailed, WorkerPool  # noqa: F401  (CLI)
from .worker import (DEFAULT_DOC_MEMORY_MB, DEFAULT_DOC_TIMEOUT, Job, Outcome, Settings,  # noqa: F401  (CLI)
                     process_document)

# A batch of work for one worker: documents are grouped up to this many bytes of source text
# (PDF bytes count a quarter: most of a PDF file is not text).
TASK_BYTES = 128_000
PDF_BYTE_WEIGHT = 0.25
# Batches handed out and not finished, per worker: enough to keep workers busy while the writer
# catches up. Finished batches wait for the writer in plan order, up to TASKS_HELD_PER_JOB per
# worker: a slow batch (a long PDF) at the head does not leave the other workers idle behind it.
TASKS_AHEAD_PER_JOB = 2
TASKS_HELD_PER_JOB = 8
DEFAULT_MAX_FILE_MB = ingest.DEFAULT_MAX_TEXT_BYTES // 1_000_000
DEFAULT_MAX_PAGES = ingest.DEFAULT_MAX_PAGES
DEFAULT_MAX_PAGE_CHARS = ingest.DEFAULT_MAX_PAGE_CHARS


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


@dataclasses.dataclass
class BuildReport:
    db_path: str
    documents: int = 0
    files: int = 0
    cached: int = 0
    processed: int = 0
    unchanged: int = 0  # documents an update in place kept as they were stored
    updated: bool = False  # the database was updated in place (not built anew)
    rejected: list[str] = dataclasses.field(default_factory=list)
    skipped: list[str] = dataclasses.field(default_factory=list)  # links not followed (ingest.iter_source_files)
    duplicates: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (path, same content as)
    notes: list[str] = dataclasses.field(default_factory=list)
    counts: dict = dataclasses.field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        c = self.counts
        text = (f"Built {self.db_path} from {self.documents} documents in {self.seconds:.1f} s: "
                f"{self.processed} processed, {self.cached} from cache"
                f"{f', {self.unchanged} unchanged (updated in place)' if self.updated else ''}; "
                f"{c.get('sentences', 0)} sentences, {c.get('mentions', 0)} mentions of {c.get('entities', 0)} "
                f"entities, {c.get('dates', 0)} dates, {c.get('money', 0)} money figures, "
                f"{c.get('claims', 0)} claims ({c.get('facts', 0)} facts), {c.get('notes', 0)} notes, "
                f"{c.get('bibliography', 0)} bibliography entries.")
        if self.rejected:
            text += f" {len(self.rejected)} file(s) rejected (listed above)."
        return text


class DiskFull(Exception):
    """The new database could not be written for want of space; the previous one was left in place."""


class BuildFailed(Exception):
    """The new database violates an invariant; the previous one was left in place."""

    def __init__(self, violations: list[str]):
        super().__init__(f"the new database fails {len(violations)} check(s); the previous database was kept")
        self.violations = violations


@dataclasses.dataclass
class Planned:
    """One document of the plan: its job and every path with its content."""
    job: Job
    paths: list[str]
    weight: float
    cached: bool = False


def plan_documents(files: list[pathlib.Path], root: pathlib.Path, model: str, claim_model: str = "", ocr: str = "",
                   hashes: Optional[FileHashes] = None,
                   on_planned: Optional[Callable[[Planned], None]] = None) -> tuple[list[Planned], list[tuple[str, str]]]:
    """Group files by content (sha256), in file order. `claim_model`: the check-worthiness
    model's fingerprint (part of the result key); `ocr`: the OCR's (cache.ocr_fingerprint, part
    of a PDF's parse key); `hashes`: the hashes remembered of local files (hashes.py), None to
    hash every file; `on_planned(item)` is called as each document is first met."""
    by_sha: dict[str, Planned] = {}
    duplicates = []
    for path in files:
        rel = storage.relative_name(path, root)
        fmt = ingest.SUPPORTED_SUFFIXES.get(path.suffix.lower(), "")
        name = storage.file_name(path)
        try:
            if hashes is not None and not storage.is_url(path):
                st = os.stat(name)
                sha, size = hashes.sha256(name, st), st.st_size
            else:
                sha, size = storage.sha256_file(path), path.stat().st_size
        except OSError:
            sha, size = f"unreadable:{rel}", 0  # ingest reports why, naming the file
        if sha in by_sha:
            by_sha[sha].paths.append(rel)
            duplicates.append((rel, by_sha[sha].paths[0]))
            continue
        parse_key, result_key = cache_stage.document_keys(sha, fmt, model, claim_model, ocr)
        weight = size * (PDF_BYTE_WEIGHT if fmt == "pdf" else 1)
        job = Job(name, [rel], sha, fmt, parse_key, result_key, weight)
        by_sha[sha] = Planned(job, job.paths, weight)  # one list: a later duplicate joins both
        if on_planned is not None:
            on_planned(by_sha[sha])
    return list(by_sha.values()), duplicates


def mark_cached(planned: list[Planned], cache: Optional[cache_stage.Cache]) -> None:
    """Set `cached` on the documents whose result the cache holds. Existence only: the entry's
    checksum is verified when it is read (reading every entry twice cost a tenth of a rebuild
    with nothing changed)."""
    for item in planned:
        item.cached = cache is not None and cache.path("result", item.job.sha256, item.job.result_key).exists()


def group_tasks(planned: list[Planned], jobs: int = 1) -> list[list[int]]:
    """Consecutive uncached documents grouped into tasks of about TASK_BYTES, smaller towards the
    end (at most the remaining weight / (2 x jobs)): a weight only estimates a document's cost (a
    PDF's reading is not in it), and a large last task would leave the other workers idle while
    one finishes it."""
    tasks, current, weight = [], [], 0.0
    remaining = sum(item.weight for item in planned if not item.cached)
    for i, item in enumerate(planned):
        if item.cached:
            continue
        if not current:
            limit = min(TASK_BYTES, remaining / (2 * jobs))
        current.append(i)
        weight += item.weight
        remaining -= item.weight
        if weight >= limit:
            tasks.append(current)
            current, weight = [], 0.0
    if current:
        tasks.append(current)
    return tasks


class _WarmStart:
    """Starts one worker loading the model (WorkerPool.warm) on the first planned document an
    update has to produce: content the database does not hold and the cache has no result of. A
    build with none (nothing changed, files removed or renamed) starts no worker."""

    def __init__(self, jobs: int, settings: Settings, stored: dict, cache: Optional[cache_stage.Cache]):
        self.jobs, self.settings, self.stored, self.cache = jobs, settings, stored, cache
        self.pool: Optional[WorkerPool] = None

    def __call__(self, item: Planned) -> None:
        if self.pool is not None or item.job.sha256 in self.stored:
            return
        mark_cached([item], self.cache)
        if not item.cached:
            self.pool = WorkerPool(self.jobs, self.settings)
            self.pool.warm()


class Producer:
    """Yields (Planned, Outcome) in plan order: cached results read here, the rest computed by a
    pool of worker processes (pool.py), or by a Dask cluster's workers (`cluster`: its address,
    cluster.py), at most a few tasks ahead of the consumer. Every document is produced in a
    worker, within its budget, whatever the number of jobs."""

    def __init__(self, planned: list[Planned], settings: Settings, jobs: int,
                 cache: Optional[cache_stage.Cache], cluster: Optional[str] = None,
                 pool: Optional[WorkerPool] = None):
        self.planned, self.settings, self.cache, self.cluster = planned, settings, cache, cluster
        self.pool = pool  # a WorkerPool (given: started early, warm), or a cluster.ClusterPool: the same interface
        if cluster and not all(item.cached for item in planned):  # connected now: its size is the number of jobs
            jobs = self._workers().size
        self.tasks = group_tasks(planned, max(1, jobs))
        self.jobs = max(1, min(jobs, len(self.tasks)))
        self.in_flight: collections.deque = collections.deque()  # (task, key in the pool)
        self.next_task = 0
        # Documents yielded so far, read from the cache or produced (a cached entry found corrupt
        # is produced again): counted as yielded, so the runs row and the report say the same.
        self.n_cached = self.n_produced = 0

    def start(self) -> None:
        """Start the workers on the first tasks (before the parent opens the database: they load
        the model and parse while this process writes the cached documents)."""
        self._submit_ahead()

    def _workers(self):
        if self.pool is None and self.cluster:
            from .cluster import ClusterPool  # Dask is imported only for a build on a cluster

            self.pool = ClusterPool(self.cluster, self.settings)
        elif self.pool is None:
            self.pool = WorkerPool(self.jobs, self.settings)
        return self.pool

    def _submit_ahead(self) -> None:
        while self.next_task < len(self.tasks) and len(self.in_flight) < self.jobs * TASKS_HELD_PER_JOB and \
                self._workers().pending() < self.jobs * TASKS_AHEAD_PER_JOB:
            task = self.tasks[self.next_task]
            self.in_flight.append((task, self._workers().submit([self.planned[i].job for i in task])))
            self.next_task += 1

    def _computed(self) -> Iterator[tuple[int, Outcome]]:
        while self.in_flight:
            task, key = self.in_flight.popleft()
            outcomes = self.pool.result(key, meanwhile=self._submit_ahead)
            self._submit_ahead()
            yield from zip(task, outcomes)

    def __iter__(self) -> Iterator[tuple[Planned, Outcome]]:
        computed = self._computed()
        for i, item in enumerate(self.planned):
            if self.pool is not None:
                self.pool.poll()  # the budgets are watched while cached documents are written too
            if item.cached:
                outcome, note = self._load_cached(item)
                if outcome is not None:
                    self.n_cached += 1
                    yield item, outcome
                    continue
                # the entry failed its checksum or is gone: produced again, by a worker, first
                pool = self._workers()
                outcome = pool.result(pool.submit([item.job], first=True))[0]
                outcome.notes.insert(0, note)
            else:
                index, outcome = next(computed)
                assert index == i, "results out of plan order"
            self.n_produced += 1
            yield item, outcome

    def _load_cached(self, item: Planned) -> tuple[Optional[Outcome], Optional[str]]:
        """(the cached outcome, None), or (None, why it cannot be used)."""
        path = self.cache.path("result", item.job.sha256, item.job.result_key)
        try:
            result = cache_stage.load_result(self.cache, path, item.paths)
        except cache_stage.CorruptEntry as exc:
            self.cache.discard(path)
            return None, f"{item.job.rel}: cache entry not trusted ({exc}); produced again"
        if result is None:  # removed since planning (another build pruned it)
            return None, f"{item.job.rel}: cache entry gone; produced again"
        outcome = Outcome(result)
        if any(read.source == "none" for read in result.page_reads):  # said again on every build
            why_not = ingest.why_no_ocr(self.settings.ocr) or "not read when it was cached"
            outcome.notes.append(f"{item.job.rel}: {ingest.unread_warning(result.page_reads, why_not)}")
        return outcome, None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def build(raw_dir: pathlib.Path, db_path: pathlib.Path, model: str = nlp.DEFAULT_MODEL,
          on_file: Optional[Callable[[pathlib.Path, Optional[str]], None]] = None,
          files: Optional[list[pathlib.Path]] = None, jobs: Optional[int] = None,
          cache_dir: Optional[pathlib.Path] = None, use_cache: bool = True,
          max_file_mb: float = DEFAULT_MAX_FILE_MB, on_note: Optional[Callable[[str], None]] = None,
          claim_model: pathlib.Path = checkworthy.DEFAULT_MODEL_DIR, max_pages: int = DEFAULT_MAX_PAGES,
          max_page_chars: int = DEFAULT_MAX_PAGE_CHARS, doc_timeout: float = DEFAULT_DOC_TIMEOUT,
          doc_memory_mb: float = DEFAULT_DOC_MEMORY_MB, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
          ocr: bool = True, update: bool = True, cluster: Optional[str] = None) -> BuildReport:
    """Build db_path from the files in raw_dir.

    `on_file(path, error)` is called once per file as its document is stored (error: the reason it
    was rejected); `on_note(text)` for things worth telling that are not errors. The cache lives in
    `cache_dir` (default: a `cache` folder beside the database). Raises BuildFailed when the new
    database fails its checks (the old one is kept), nlp.ModelNotFound when a document needs a
    model that is not installed (nlp.ensure_model checks that up front, as the CLI does).
    `claim_model` is the check-worthiness classifier's folder (checkworthy.ModelMissing without one).

    Limits: `max_file_mb` (PDFs ten times that), `max_pages` and `max_page_chars` (PDFs); a
    document over them is rejected. Budget: a document that takes over `doc_timeout` seconds, or
    a worker over `doc_memory_mb` MB while on it, is stopped and rejected; the build goes on. A
    build of the same database already running is waited for up to `lock_timeout` seconds
    (BuildLocked after that). DiskFull when the new database cannot be written for want of space
    (the previous one is kept). `ocr`: read scanned PDF pages with Tesseract when it is installed
    (a scan met without it is reported, naming the file, and the build goes on). `update`: update
    a database built by the same code in place (False: build a new one from every document).
    `cluster`: a Dask scheduler's address (tcp://host:8786), or local:N to start N worker processes
    here, on which new documents are produced instead of the local pool (cluster.py; `jobs` is then unused).
    """
    with build_lock(pathlib.Path(db_path), lock_timeout, on_wait=on_note or (lambda text: None)):
        return _build(raw_dir, db_path, model, on_file, files, jobs, cache_dir, use_cache, max_file_mb, on_note,
                      claim_model, max_pages, max_page_chars, doc_timeout, doc_memory_mb, ocr, update, cluster)


def _build(raw_dir, db_path, model, on_file, files, jobs, cache_dir, use_cache, max_file_mb, on_note, claim_model,
           max_pages, max_page_chars, doc_timeout, doc_memory_mb, ocr=True, update=True, cluster=None) -> BuildReport:
    claim_model = pathlib.Path(claim_model).resolve()
    checkworthy.ensure_model(claim_model)
    claim_fingerprint = cache_stage.classifier_fingerprint(claim_model)
    clock = time.monotonic()
    started = store.now()
    raw_dir, db_path = storage.location(raw_dir), pathlib.Path(db_path)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"{raw_dir} is not a directory")
    skipped: list[str] = []
    if files is None:
        files = list(storage.iter_source_files(raw_dir, on_skip=lambda error: skipped.append(str(error))))
    files = list(files)
    root = raw_dir.parent if storage.is_url(raw_dir) else raw_dir.resolve().parent
    _settle_journal(db_path)  # a killed update's journal: rolled back before the database is read
    cache = cache_stage.open_cache(cache_dir or db_path.parent / "cache") if use_cache else None
    hashes = FileHashes(cache.directory) if cache is not None and not storage.is_url(cache.directory) else None
    jobs = jobs or default_jobs()
    settings = Settings(model, str(cache.directory) if cache else None, str(root), int(max_file_mb * 1_000_000),
                        str(claim_model), max_pages=max_pages, max_page_chars=max_page_chars,
                        doc_timeout=doc_timeout, doc_memory_mb=doc_memory_mb, ocr=ocr)
    run = {"started": started, "pipeline_version": PIPELINE_VERSION, "spacy_model": cache_stage.model_fingerprint(model),
           "n_files": len(files),
           "fingerprints": json.dumps({stage: cache_stage.stage_fingerprint(stage) for stage in cache_stage.STAGE_FILES}),
           "claim_model": f"{claim_model.name}@{claim_fingerprint}",
           "claim_threshold": checkworthy.read_threshold(claim_model)}
    stored = stored_documents(db_path, run) if update else None
    # an update most often produces a document or two: a worker loads the model while this process
    # plans (a second or two, about what planning takes at 20,000 documents), started on the first
    # new content found that the cache does not hold
    warm = _WarmStart(jobs, settings, stored, cache) if stored is not None and not cluster else None
    report = BuildReport(str(db_path), files=len(files), skipped=skipped)
    try:
        planned, duplicates = plan_documents(files, root, model, claim_fingerprint,
                                             cache_stage.ocr_fingerprint(ocr), hashes, on_planned=warm)
        if hashes is not None:
            hashes.save()
        files_by_rel = {storage.relative_name(path, root): path for path in files}
        if stored is not None:
            unchanged = {item.job.sha256 for item in planned
                         if stored.get(item.job.sha256, (None, None))[1] == item.paths}
            removed = [doc_id for sha, (doc_id, _) in stored.items() if sha not in unchanged]
            todo = [item for item in planned if item.job.sha256 not in unchanged]
            mark_cached(todo, cache)
            producer = Producer(todo, settings, jobs, cache, cluster, pool=warm and warm.pool)
    except BaseException:
        if warm is not None and warm.pool is not None:
            warm.pool.close()
        raise
    note = on_note or (lambda text: None)

    rejected_paths: set[str] = set()

    def results():
        for item, outcome in producer:
            for text in outcome.notes:
                report.notes.append(text)
                note(text)
            if outcome.result is not None:
                report.documents += 1
                yield outcome.result
            for rel in item.paths:
                error = f"{rel}: {outcome.error}" if outcome.result is None else None
                if error:
                    report.rejected.append(error)
                    rejected_paths.add(rel)
                if on_file:
                    on_file(files_by_rel[rel], error)

    def finish() -> dict:  # the runs row's columns known once every document was stored
        return dict(n_cached=producer.n_cached, n_processed=producer.n_produced, n_rejected=len(report.rejected),
                    rejected=json.dumps(report.rejected, ensure_ascii=False), seconds=round(time.monotonic() - clock, 3))

    if stored is not None:
        report.updated, report.unchanged = True, len(unchanged)
        for item in planned:
            if on_file and item.job.sha256 in unchanged:
                for rel in item.paths:
                    on_file(files_by_rel[rel], None)
        run["jobs"] = producer.jobs
        try:
            producer.start()
            report.counts = store.update_database(str(db_path), results(), removed, run, finish=finish,
                                                  check=check.check_update)
        except store.UpdateRefused as exc:
            raise BuildFailed(exc.violations) from None
        except (OSError, sqlite3.Error) as exc:
            _raise_if_disk_full(exc, db_path)
            raise
        finally:
            producer.close()
        return _finish(report, planned, duplicates, rejected_paths, producer, cache, clock)
    mark_cached(planned, cache)
    producer = Producer(planned, settings, jobs, cache, cluster)
    run["jobs"] = producer.jobs
    tmp = None
    try:
        tmp = _fresh_temporary(db_path)
        producer.start()
        previous = store.read_runs(str(db_path))
        report.counts = store.save_database(str(tmp), results(), run, previous_runs=previous, finish=finish)
        producer.close()
        violations = check.check_database(tmp)
        if violations:
            raise BuildFailed(violations)
        _fsync(tmp)
        _settle_journal(db_path)
        os.replace(tmp, db_path)
        _fsync(db_path.parent)  # the rename itself
    except (OSError, sqlite3.Error) as exc:
        _raise_if_disk_full(exc, db_path)
        raise
    finally:
        producer.close()
        if tmp is not None and tmp.exists():
            tmp.unlink()
    return _finish(report, planned, duplicates, rejected_paths, producer, cache, clock)


def _finish(report: BuildReport, planned, duplicates, rejected_paths, producer, cache, clock) -> BuildReport:
    report.documents = report.counts.get("documents", report.documents)
    if cache is not None:
        cache.prune({(level, cache_stage.entry_name(item.job.sha256, key)) for item in planned
                     for level, key in (("parse", item.job.parse_key), ("result", item.job.result_key))})
    report.duplicates = [(path, first) for path, first in duplicates if first not in rejected_paths]
    report.cached, report.processed = producer.n_cached, producer.n_produced
    report.seconds = time.monotonic() - clock
    return report


def stored_documents(db_path: pathlib.Path, run: dict) -> Optional[dict[str, tuple[str, list[str]]]]:
    """sha256 -> (id, paths) of the documents of the database at db_path when this build may update
    it in place: it was last built by the same code, model and classifier (`run`'s fingerprints) and
    has every table and column. None: it is to be built anew."""
    previous = store.read_runs(str(db_path))
    keys = ("pipeline_version", "spacy_model", "fingerprints", "claim_model", "claim_threshold")
    if not previous or any(previous[-1].get(key) != run[key] for key in keys):
        return None
    try:
        columns = check.read_columns(db_path)
    except sqlite3.DatabaseError:
        return None
    if any(not set(wanted) <= columns.get(table, set()) for table, (wanted, _) in store.SCHEMA.items()):
        return None
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {sha: (doc_id, json.loads(paths)) for doc_id, sha, paths in
                conn.execute("select id, sha256, paths from documents")}
    finally:
        conn.close()


def _settle_journal(db_path: pathlib.Path) -> None:
    """Roll back what a killed update left in the old database's journal before a new file takes its
    name: SQLite would otherwise play that journal into the new file."""
    if db_path.exists() and db_path.with_name(db_path.name + "-journal").exists():
        conn = sqlite3.connect(db_path, timeout=60)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()  # rolls a hot journal back
        finally:
            conn.close()


def _raise_if_disk_full(exc: BaseException, db_path: pathlib.Path) -> None:
    if _is_disk_full(exc):
        raise DiskFull(f"cannot write {db_path}: disk full ({_one_line(exc)}); free space or use --db elsewhere") from exc


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    return getattr(exc, "sqlite_errorcode", None) == getattr(sqlite3, "SQLITE_FULL", 13) or "disk is full" in str(exc)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _fresh_temporary(db_path: pathlib.Path) -> pathlib.Path:
    """The file the new database is written to, beside the old one; removes those left by killed builds."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in db_path.parent.glob(f".{db_path.name}.*.tmp"):
        if cache_stage.is_stale_temporary(stale):
            stale.unlink(missing_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    return tmp


def _fsync(path: pathlib.Path) -> None:
    """Flush a file (or a directory: its entries) to disk: the new database is durable before it
    replaces the old one (it is written with synchronous=off), and so is the rename."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
