"""Per-document work, done in the build's worker processes (pool.py; one with `--jobs 1`):
ingest -> clean -> spaCy -> extract, with both levels of the per-document cache (cache.py).

A task is a small batch of documents: their prose paragraphs go through one `nlp.pipe` call
(`as_tuples` carries which document and paragraph each text is), so small documents still make
full batches. Workers return plain DocResults; the parent process alone writes the database.
"""
from __future__ import annotations

import collections.abc
import dataclasses
import gc
import os
import pathlib
import sys
import time
import traceback
from typing import Callable, Optional

from . import cache as cache_stage
from . import storage
from .. import clean, extract, ingest, nlp
from ..extract.claims.checkworthy import DEFAULT_MODEL_DIR, CheckworthinessModel
from ..types import DocResult, InputError, RawDocument, Source

# Characters of text per nlp.pipe batch. spaCy's working memory grows with the tokens in a batch
# (the parser's precomputed features take ~4 KB a token), so batches are cut by characters, not by
# number of texts: measured (bench/), 30k characters ran as fast as 100k-300k with 250 MB instead
# of 450-570 MB per process.
BATCH_CHARS = 30_000
# Texts longer than this go through spaCy in pieces (cut at a sentence end or a space) joined back
# into one Doc: spaCy refuses texts over its max_length, and one long text is one big batch.
MAX_NLP_CHARS = 30_000
DOCBIN_ATTRS = ["ORTH", "SPACY", "TAG", "POS", "MORPH", "LEMMA", "DEP", "HEAD", "ENT_IOB", "ENT_TYPE",
                "ENT_KB_ID", "ENT_ID"]


PR_SET_PDEATHSIG = 1  # linux/prctl.h
# run_task's progress callback: (job index or None, stage, seconds already spent on it or None).
Progress = Callable[[Optional[int], str, Optional[float]], None]


@dataclasses.dataclass
class Job:
    """One document to produce: where its file is and the keys of its cache entries."""
    file: str  # absolute path of the first file with this content
    paths: list[str]  # every path with this content as stored (relative to the project), in file order
    sha256: str
    fmt: str
    parse_key: str
    result_key: str
    weight: float = 0.0  # bytes of text it is expected to hold (a PDF's bytes count a quarter): its time budget

    @property
    def rel(self) -> str:
        """The path the document is stored under: the first with its content."""
        return self.paths[0]


# The per-document budget (`--doc-timeout`, `--doc-memory-mb`; enforced by the parent, pool.py).
# Measured here (two shared cores): the documents of raw/ take under 2 s each, and a worker holds
# ~135 MB of its own with the model loaded, ~250 MB while it parses; the 3,000-page PDF takes
# ~35 s and ~220 MB; a 1 MB text of prose ~45 s. So the time budget is 120 s a MB of text, and
# 120 s for any smaller document (a hang in a 200-byte file is stopped at 120 s, a 5 MB report has
# 600 s): past that a document is hung or hostile, not long. 2 GB a worker leaves room for two on a
# 4 GB machine, and is three times what a 10 MB text file (the size limit) needs.
DEFAULT_DOC_TIMEOUT = 120.0
DEFAULT_DOC_MEMORY_MB = 2048.0


@dataclasses.dataclass
class Settings:
    model: str
    cache_dir: Optional[str]  # None: no cache
    root: str  # paths are stored relative to this directory
    max_text_bytes: int
    claim_model: str  # folder of the check-worthiness classifier
    max_pages: int = ingest.DEFAULT_MAX_PAGES
    max_page_chars: int = ingest.DEFAULT_MAX_PAGE_CHARS
    doc_timeout: float = DEFAULT_DOC_TIMEOUT  # seconds one document (a MB of text, when larger) may take
    doc_memory_mb: float = DEFAULT_DOC_MEMORY_MB  # a worker's own memory (the model included) while on one
    ocr: bool = True  # read scanned PDF pages with Tesseract when it is installed (ingest/pdf/ocr.py)


def time_budget(job: Job, doc_timeout: float) -> float:
    """Seconds the job's document may take: doc_timeout, and doc_timeout a MB of its text beyond."""
    return doc_timeout * max(1.0, job.weight / 1e6)


@dataclasses.dataclass
class Outcome:
    result: Optional[DocResult] = None
    error: Optional[str] = None  # why the file was rejected (the caller names the file)
    notes: list[str] = dataclasses.field(default_factory=list)  # things worth telling (corrupt cache entries)


def init_worker() -> None:
    """Run in each worker process as it starts: on Linux, ask the kernel to kill the worker when
    the build that started it dies (SIGKILL included), so a killed build leaves no orphans."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the build died before the request was made
        os._exit(1)


# The model of this process, loaded on first need (a build whose parses are all cached needs none).
_MODEL: dict = {}


def get_model(name: str):
    if name not in _MODEL:
        _MODEL.clear()
        _MODEL[name] = nlp.load_model(name)
        # Objects alive now (the model) are never garbage: keep the collector from scanning them.
        gc.freeze()
    return _MODEL[name]


_SCORER: dict = {}


def get_scorer(path: str) -> CheckworthinessModel:
    """The check-worthiness classifier of this process, loaded once (it is small: ~3 MB)."""
    if path not in _SCORER:
        _SCORER.clear()
        _SCORER[path] = CheckworthinessModel(pathlib.Path(path))
    return _SCORER[path]


def _vocab(name: str):
    """A vocabulary to read cached Docs with: the loaded model's, else a blank English one
    (cheap; DocBins carry their own strings)."""
    if name in _MODEL:
        return _MODEL[name].vocab
    if "blank" not in _MODEL:
        import spacy

        _MODEL["blank"] = spacy.blank("en")
    return _MODEL["blank"].vocab


def split_for_nlp(text: str, limit: int = MAX_NLP_CHARS) -> list[str]:
    """Pieces of `text`, each at most `limit` characters, that concatenate back to `text`; cut
    after a sentence end where there is one in the second half of the window, else after a space."""
    pieces, pos = [], 0
    while len(text) - pos > limit:
        window = text[pos:pos + limit]
        cut = max(window.rfind(". "), window.rfind("? "), window.rfind("! "))
        if cut < limit // 2:
            cut = window.rfind(" ")
        cut = cut + 2 if window[cut:cut + 2] in (". ", "? ", "! ") else cut + 1
        if cut <= 1:
            cut = limit
        pieces.append(text[pos:pos + cut])
        pos += cut
    pieces.append(text[pos:])
    return pieces


def iter_batches(items, budget: int = BATCH_CHARS):
    """Consecutive items grouped into lists of about `budget` characters of text."""
    batch, size = [], 0
    for item in items:
        batch.append(item)
        size += len(item[0])
        if size >= budget:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def parse_texts(model, items: list[tuple[str, object]]):
    """Yield (Doc, context) for (text, context) items, in order; long texts are parsed in pieces."""
    from spacy.tokens import Doc

    def pieces():
        for text, context in items:
            parts = split_for_nlp(text) if len(text) > MAX_NLP_CHARS else [text]
            for i, part in enumerate(parts):
                yield part, (context, i, len(parts))

    pending = []
    for batch in iter_batches(pieces()):
        for doc, (context, i, n) in model.pipe(batch, as_tuples=True, batch_size=len(batch)):
            if n == 1:
                yield doc, context
                continue
            pending.append(doc)
            if i == n - 1:
                yield Doc.from_docs(pending, ensure_whitespace=False), context
                pending = []


def process_document(raw: RawDocument, model, scorer: Optional[CheckworthinessModel] = None) -> DocResult:
    """ingest's RawDocument -> DocResult, without the cache (the `extract` command). `scorer`:
    the check-worthiness classifier, by default the one `make model` trained (models/checkworthy)."""
    scorer = scorer or get_scorer(str(DEFAULT_MODEL_DIR))
    cleaned = clean.clean_document(raw)
    prose = list(extract.iter_prose(cleaned))
    docs = {pidx: doc for doc, pidx in parse_texts(model, [(text, pidx) for pidx, text in prose])}
    source = Source(raw.path, raw.sha256, raw.format, len(raw.pages), raw.encoding)
    return extract.extract_document(source, cleaned, docs, scorer)


def _source(job, info: dict) -> Source:
    """The file's facts a cached parse keeps (format, pages, encoding), with the job's paths and hash."""
    return Source(job.rel, job.sha256, info["format"], info["n_pages"], info.get("encoding"), list(job.paths))


class StreamedDocs(collections.abc.Mapping):
    """paragraph index -> Doc of one document, each Doc pulled from a parse stream when extraction
    asks for it (extract reads them in paragraph order, once): only the Doc being read is held, so a
    long document costs the memory of its rows, not of all its Docs (~1.6 KB a token)."""

    def __init__(self, keys: list[int], pull):
        self._keys, self._pull, self._waiting, self._pulled = keys, pull, {}, 0

    def __iter__(self):
        return iter(self._keys)

    def __len__(self):
        return len(self._keys)

    def __getitem__(self, key):
        if key in self._waiting:
            return self._waiting.pop(key)
        while self._pulled < len(self._keys):
            pidx, doc = self._pull()
            self._pulled += 1
            if pidx == key:
                return doc
            self._waiting[pidx] = doc
        raise KeyError(key)

    def drain(self) -> None:
        """Pull what extraction did not ask for, so the stream moves on to the next document."""
        while self._pulled < len(self._keys):
            self._pull()
            self._pulled += 1
        self._waiting.clear()


class _ParseFailed(Exception):
    """spaCy failed inside the shared parse stream (which is then dead)."""


def run_task(jobs: list[Job], settings: Settings, progress: Optional[Progress] = None) -> list[Outcome]:
    """Produce the DocResults of a batch of documents, using and filling the cache.

    `progress(index, stage, spent)` is told which document work is on, as it moves to it: the
    job's index, what is being done ("reading and cleaning", ...) and the seconds it took already
    (a document is read and cleaned first, parsed later with the others); index None while work on
    none of them (loading the model), spent None when its clock should not run."""
    report = progress or (lambda index, stage, spent: None)
    store = cache_stage.open_cache(settings.cache_dir) if settings.cache_dir else None
    outcomes = [Outcome() for _ in jobs]
    to_parse: dict[int, tuple] = {}  # job index -> (cleaned, info)
    spent: dict[int, float] = {}  # job index -> seconds taken reading and cleaning it
    for i, job in enumerate(jobs):
        started = time.monotonic()
        report(i, "reading and cleaning", 0.0)
        entry = None
        if store is not None:
            try:
                entry = cache_stage.load_parse(store, store.path("parse", job.sha256, job.parse_key))
            except cache_stage.CorruptEntry as exc:
                outcomes[i].notes.append(f"{job.rel}: cache entry not trusted ({exc}); parsed again")
        if entry is not None:
            cleaned, info, docbin = entry
            if cleaned is not None:
                outcomes[i].notes += [f"{job.rel}: {warning}" for warning in cleaned.warnings]
            if info.get("error"):
                outcomes[i].error = info["error"]
            else:
                took = time.monotonic() - started
                _ready(settings, report, parser=False)
                report(i, "extracting (its parse was cached)", took)
                _extract_cached(job, outcomes[i], cleaned, info, docbin, store, settings)
            continue
        try:
            with storage.local_file(job.file, settings.max_text_bytes) as local:  # a URL's: a copy
                raw = ingest.parse_file(local, pathlib.Path(settings.root),
                                        max_text_bytes=settings.max_text_bytes, rel=job.rel, sha256=job.sha256,
                                        max_pages=settings.max_pages, max_page_chars=settings.max_page_chars,
                                        ocr=settings.ocr)
            cleaned = clean.clean_document(raw)
            outcomes[i].notes += [f"{job.rel}: {warning}" for warning in cleaned.warnings]
        except InputError as exc:
            outcomes[i].error = exc.reason
            if not isinstance(exc, ingest.Uncached):  # a limit passed, a file changed: read it again next time
                _save(store, job, outcomes[i], "parse", None, {"error": exc.reason})
            continue
        except Exception as exc:  # a bug met on hostile content: report it, go on with the rest
            _fail(outcomes[i], job, "reading and cleaning", exc)
            continue
        to_parse[i] = (cleaned, {"format": raw.format, "n_pages": len(raw.pages), "encoding": raw.encoding})
        spent[i] = time.monotonic() - started
    pending = list(to_parse.items())
    while pending:  # one parse stream for all of them; restarted after a document spaCy fails on
        pending = _parse_and_extract(jobs, pending, outcomes, store, settings, report, spent)
    return outcomes


def warm_up(settings: Settings, progress: Optional[Progress] = None) -> list[Outcome]:
    """Load the model and the classifier before any document asks (pool.WorkerPool.warm), then
    report the memory they took (to the step that loaded them, as _ready's callers do)."""
    report = progress or (lambda index, stage, spent: None)
    _ready(settings, report, parser=True)
    report(None, "loading the spaCy model", None)
    return []


def _ready(settings: Settings, report: Progress, parser: bool) -> None:
    """Load, once per process, what extraction needs: spaCy (importing it takes a second or two),
    the model when documents are to be parsed (else a blank vocabulary to read cached parses with),
    and the check-worthiness classifier. Done on no document's clock: the budget is the document's."""
    loaded = settings.model in _MODEL or (not parser and "blank" in _MODEL)
    if loaded and settings.claim_model in _SCORER:
        return
    report(None, "loading the spaCy model", None)
    if parser:
        get_model(settings.model)
    else:
        _vocab(settings.model)
    get_scorer(settings.claim_model)


def _extract_cached(job: Job, outcome: Outcome, cleaned, info: dict, docbin: bytes, store, settings) -> None:
    """A document whose parse is cached: extraction alone, over Docs read from the DocBin."""
    from spacy.tokens import DocBin

    order = info["paragraphs"]
    stream = zip(order, DocBin().from_bytes(docbin).get_docs(_vocab(settings.model))) if order else iter(())
    docs = StreamedDocs(order, lambda: next(stream))
    try:
        result = extract.extract_document(_source(job, info), cleaned, docs, get_scorer(settings.claim_model))
    except Exception as exc:
        _fail(outcome, job, "extracting", exc)
        return
    _finish(job, outcome, result, store)


def _parse_and_extract(jobs, pending: list, outcomes, store, settings, report, spent) -> list:
    """spaCy over the prose of the `pending` documents in one stream, each document extracted as
    its Docs arrive. Returns the documents still to do when spaCy failed on one (it is reported)."""
    _ready(settings, report, parser=True)
    from spacy.tokens import DocBin

    model = get_model(settings.model)
    items = [(text, (i, pidx)) for i, (cleaned, _) in pending for pidx, text in extract.iter_prose(cleaned)]
    stream = parse_texts(model, items)
    for n, (i, (cleaned, info)) in enumerate(pending):
        job = jobs[i]
        report(i, "parsing and extracting", spent.get(i, 0.0))
        order = [pidx for pidx, _ in extract.iter_prose(cleaned)]
        docbin = DocBin(attrs=DOCBIN_ATTRS, store_user_data=False) if store is not None else None

        def pull():
            try:
                doc, (j, pidx) = next(stream)
            except Exception as exc:
                raise _ParseFailed() from exc
            assert j == i, "parse stream out of order"
            if docbin is not None:
                docbin.add(doc)
            return pidx, doc

        docs = StreamedDocs(order, pull)
        try:
            result = extract.extract_document(_source(job, info), cleaned, docs, get_scorer(settings.claim_model))
            docs.drain()
        except _ParseFailed as failed:
            _fail(outcomes[i], job, "parsing", failed.__cause__)
            return pending[n + 1:]
        except Exception as exc:
            _fail(outcomes[i], job, "extracting", exc)
            try:
                docs.drain()
            except _ParseFailed:
                return pending[n + 1:]
            continue
        if store is not None:
            _save(store, job, outcomes[i], "parse", cleaned, dict(info, paragraphs=order), docbin.to_bytes())
        _finish(job, outcomes[i], result, store)
    return []


def _finish(job: Job, outcome: Outcome, result: DocResult, store) -> None:
    outcome.result = result
    _save(store, job, outcome, "result", result)


# What each level's entry is written with (cache.py).
SAVERS = {"parse": cache_stage.save_parse, "result": cache_stage.save_result}


def _save(store, job: Job, outcome: Outcome, level: str, *payload) -> None:
    """Write one of the job's cache entries (none without a cache). Every cache write goes through
    here: the cache is an optimisation, so a write that fails (a full disk) is a note on the
    document, never the end of the build."""
    if store is None:
        return
    key = job.parse_key if level == "parse" else job.result_key
    try:
        SAVERS[level](store, store.path(level, job.sha256, key), *payload)
    except OSError as exc:
        outcome.notes.append(f"{job.rel}: cache entry not written ({exc})")


def _fail(outcome: Outcome, job: Job, stage: str, exc: BaseException) -> None:
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    place = f" at {pathlib.Path(where.filename).name}:{where.lineno}" if where else ""
    outcome.error = f"internal error while {stage} ({type(exc).__name__}: {exc}{place}); please report it"
