"""The build's per-document work on a Dask cluster (`build --cluster`), in place of pool.py.

`ClusterPool` has WorkerPool's interface (submit, result, poll, close), so run.Producer drives it
as it drives the local pool: tasks (a few documents: worker.run_task) are submitted in plan order,
at most a few per worker ahead of the writer, and their outcomes come back to the one process that
writes the database. Each worker process loads the spaCy model and the claim model once (the
LoadModels worker plugin, again in a worker restarted after a death).

The workers read the source files and the cache at the paths this machine uses: on more than one
machine those must be shared storage. A worker that cannot read a file rejects it, naming the file.

What happens when things go wrong:
- a worker dies (killed, crashed, over Dask's own memory limit): Dask runs its tasks again on
  another worker (the scheduler's `allowed-failures`, 3 by default); nothing is lost. A task whose
  workers died every time is split into one task per document, and a document that still kills its
  worker is rejected, the others go on.
- a document over its budget (--doc-timeout, --doc-memory-mb): a watchdog thread in the worker
  process does what pool.py does from outside, SIGKILL of the worker (a regular expression
  backtracking in C stops for nothing else), after writing the document's rejection to the
  scheduler (its metadata, keyed by build and document): the task retried by Dask rejects that
  document unread and produces the others. This needs a nanny (the default of `dask worker`) to
  start the killed worker again.
"""
from __future__ import annotations

import dataclasses
import logging
import os
import pathlib
import signal
import threading
import time
import uuid
from typing import Callable, Optional

import dask
from distributed import Client, LocalCluster, get_client
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

from . import storage
from . import worker as worker_stage
from .pool import POLL_SECONDS, WorkerFailed, private_mb
from .worker import Job, Outcome, Settings, run_task, time_budget

LOCAL = "local"
# Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_SECONDS = 30
WORKERS_SECONDS = 60
# A local cluster's workers are also held to Dask's own memory limit (the nanny restarts a worker
# over it) as a backstop: this times --doc-memory-mb, which the watchdog enforces first.
DASK_MEMORY_FACTOR = 1.5
# Scheduler metadata under which workers leave the rejections of documents over budget.
METADATA = "claims-pipeline-rejected"
PLUGIN_NAME = "claims-pipeline-models"
# Submitted tasks run in plan order; a document produced again (its cache entry was corrupt) first.
FIRST_PRIORITY = 1 << 30

# One task at a time per worker process: the watchdog watches one document, and the model is
# loaded once (by the plugin's thread or by the first task, whichever comes first).
_LOCK = threading.Lock()


def parse_address(text: str) -> tuple[Optional[str], Optional[int]]:
    """(scheduler address, None) for `tcp://host:8786` (any Dask address), (None, N) for `local:N`
    (N worker processes started for the build; `local` alone: one per core). ValueError otherwise."""
    text = text.strip()
    if text == LOCAL or text.startswith(LOCAL + ":"):
        count = text[len(LOCAL) + 1:]
        if not count:
            from .run import default_jobs

            return None, default_jobs()
        if not count.isdigit() or int(count) < 1:
            raise ValueError(f"{text!r}: the number of local workers must be a whole number of at least 1, e.g. local:2")
        return None, int(count)
    if "://" not in text:
        raise ValueError(f"{text!r} is not a cluster address: give a Dask scheduler's (tcp://host:8786) or local:N")
    return text, None


# Dask settings of the build's own local cluster (the nannies pass them to their workers): what a
# worker does besides the tasks takes CPU from them on a machine with as many workers as cores.
# The statistical profiler samples every thread's stack every 10 ms; the system monitor and the
# event-loop health check poll at 0.5 s and 20 ms; work stealing moves tasks the writer orders.
# The nannies' environment leaves out Dask's MALLOC_TRIM_THRESHOLD_=65536: glibc then gives memory
# back to the system after nearly every free, and spaCy's many short-lived arrays made the
# workers spend 17% more CPU on the bench corpus (92 s against 78 s for the same documents).
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.scheduler.work-stealing": False,
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
}


def start_local_cluster(workers: int, doc_memory_mb: float) -> LocalCluster:
    """A cluster of `workers` processes on this machine (one thread each), for one build. Its
    scheduler's HTTP endpoints (health, metrics) listen on a free port of 127.0.0.1; no dashboard."""
    with dask.config.set(LOCAL_CLUSTER_CONFIG):
        return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": False},
                            silence_logs=logging.ERROR, memory_limit=f"{doc_memory_mb * DASK_MEMORY_FACTOR:.0f}MB")


class LoadModels(WorkerPlugin):
    """Loads the spaCy model and the claim model in each worker process as it joins, in a thread
    of its own: the worker answers the scheduler meanwhile, and its first task waits for the load."""

    def __init__(self, model: str, claim_model: str):
        self.model, self.claim_model = model, claim_model

    def setup(self, worker) -> None:
        threading.Thread(target=self._load, name="claims-pipeline model", daemon=True).start()

    def _load(self) -> None:
        with _LOCK:
            try:
                worker_stage.get_model(self.model)
                worker_stage.get_scorer(self.claim_model)
            except Exception:  # noqa: BLE001 - the first task loads it again and reports why it cannot
                pass


def _missing_paths(paths: list[str]) -> list[str]:
    """Run on each worker: the paths it cannot see."""
    return [path for path in paths if not os.path.exists(path)]


class ClusterPool:
    """Tasks of documents run on a Dask cluster's workers; see the module's docstring."""

    def __init__(self, address: str, settings: Settings):
        self.settings, self.address = settings, address
        self.build_id = uuid.uuid4().hex
        scheduler, local_workers = parse_address(address)
        self.cluster: Optional[LocalCluster] = None
        self.client: Optional[Client] = None
        self.futures: dict[int, tuple] = {}  # key -> (future, jobs)
        self.next_key = 0
        try:
            if scheduler is None:
                self.cluster = start_local_cluster(local_workers, settings.doc_memory_mb)
                scheduler = self.cluster.scheduler_address
            self.client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise WorkerFailed(f"cannot reach the Dask scheduler at {address} ({exc}); start it "
                               f"(dask scheduler) or check the address") from None
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        except TimeoutError:
            self.close()
            raise WorkerFailed(f"no worker joined the Dask cluster at {address} within {WORKERS_SECONDS} s; "
                               f"start some: dask worker {address} --nthreads 1") from None
        self._check_paths()
        self.client.register_plugin(LoadModels(settings.model, settings.claim_model), name=PLUGIN_NAME)
        self.size = sum(self.client.nthreads().values())

    def _check_paths(self) -> None:
        """Every worker must see the project folder and the claim model where this machine does
        (each file is checked as it is read: a worker that cannot read one rejects it)."""
        needed = [self.settings.root, self.settings.claim_model]
        if self.settings.cache_dir and not storage.is_url(self.settings.cache_dir):
            pathlib.Path(self.settings.cache_dir).mkdir(parents=True, exist_ok=True)
            needed.append(self.settings.cache_dir)
        needed = [path for path in needed if not storage.is_url(path)]  # URLs: checked as they are read
        missing = {address: paths for address, paths in self.client.run(_missing_paths, needed).items() if paths}
        if missing:
            address, paths = next(iter(missing.items()))
            self.close()
            raise WorkerFailed(f"{len(missing)} Dask worker(s) cannot see {', '.join(paths)} (first: {address}); "
                               f"the cluster's workers need the source files, the cache and the claim model "
                               f"at the same paths as this machine (shared storage)")

    # -- WorkerPool's interface (run.Producer)

    def submit(self, jobs: list[Job], first: bool = False) -> int:
        key = self.next_key
        self.next_key += 1
        future = self.client.submit(produce_on_worker, list(jobs), self.settings, self.build_id,
                                    key=f"claims-pipeline-{self.build_id}-{key}",
                                    priority=FIRST_PRIORITY if first else -key, pure=False)
        self.futures[key] = (future, list(jobs))
        return key

    def result(self, key: int, meanwhile: Optional[Callable[[], None]] = None) -> list[Outcome]:
        """The outcomes of a task, in its documents' order (waits for them; `meanwhile()` is called
        every POLL_SECONDS meanwhile, so the caller can hand out more work as other tasks finish)."""
        future, jobs = self.futures[key]
        while meanwhile is not None and not future.done():
            time.sleep(POLL_SECONDS)  # the client's own thread marks futures done as the scheduler tells it
            meanwhile()
        del self.futures[key]
        try:
            return self._outcomes(future, jobs)
        finally:
            future.release()

    def _outcomes(self, future, jobs: list[Job]) -> list[Outcome]:
        try:
            return future.result()
        except KilledWorker:
            if len(jobs) == 1:
                return [Outcome(error="its Dask worker died on it every time it was tried (a crash, or over "
                                      "the worker's memory limit); the other documents went on")]
            # one of them kills its worker: each on its own, so that only that one is lost
            keys = [self.submit([job], first=True) for job in jobs]
            return [self.result(k)[0] for k in keys]
        except WorkerFailed:
            self.close()
            raise
        except Exception as exc:  # noqa: BLE001 - the cluster itself failed (scheduler gone, ...)
            self.close()
            raise WorkerFailed(f"the Dask cluster at {self.address} failed: {type(exc).__name__}: {exc}") from None

    def pending(self) -> int:
        """Tasks submitted and not finished."""
        return sum(1 for future, _ in self.futures.values() if not future.done())

    def poll(self) -> None:
        """Nothing to watch from here: budgets are enforced in the workers."""

    def close(self) -> None:
        for future, _ in self.futures.values():
            future.cancel()
        self.futures.clear()
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None


# ----------------------------------------------------------------------------------------------
# In the worker process


def produce_on_worker(jobs: list[Job], settings: Settings, build_id: str) -> list[Outcome]:
    """A task: run_task over `jobs`, each document within its budget; those found over it by an
    earlier try of this task (which the watchdog killed) rejected unread."""
    client = get_client()
    rejected = client.get_metadata([METADATA, build_id], default={})
    outcomes: list[Optional[Outcome]] = [Outcome(error=rejected[job.sha256]) if job.sha256 in rejected else None
                                         for job in jobs]
    todo = [i for i, outcome in enumerate(outcomes) if outcome is None]
    with _LOCK:
        watchdog = _Watchdog.ensure()
        progress = watchdog.watch([jobs[i] for i in todo], settings, lambda job, reason: client.set_metadata(
            [METADATA, build_id, job.sha256], reason))
        try:
            produced = run_task([jobs[i] for i in todo], settings, progress)
        finally:
            watchdog.stop_watching()
    for i, outcome in zip(todo, produced):
        outcomes[i] = outcome
    return outcomes


@dataclasses.dataclass
class _Watched:
    jobs: list[Job]
    settings: Settings
    reject: object  # (job, reason) -> None: tells the scheduler, before the kill
    doc: Optional[int] = None
    stage: str = ""
    started: Optional[float] = None


class _Watchdog:
    """One thread per worker process, watching the document being produced (pool.py's _watch, from
    inside): over its time or memory budget, its rejection is written and the process killed."""

    _instance: Optional["_Watchdog"] = None

    def __init__(self):
        self.watched: Optional[_Watched] = None
        self.guard = threading.Lock()
        threading.Thread(target=self._run, name="claims-pipeline budget", daemon=True).start()

    @classmethod
    def ensure(cls) -> "_Watchdog":
        if cls._instance is None:
            cls._instance = cls()
        return cls._instance

    def watch(self, jobs: list[Job], settings: Settings, reject) -> worker_stage.Progress:
        watched = _Watched(jobs, settings, reject)
        with self.guard:
            self.watched = watched

        def progress(index: Optional[int], stage: str, spent: Optional[float]) -> None:
            mb = private_mb(os.getpid(), over=settings.doc_memory_mb)
            if mb is not None and mb > settings.doc_memory_mb:  # taken by the step that just ended
                self._over_memory(watched, mb, watched.doc, watched.stage)
            with self.guard:
                watched.doc, watched.stage = index, stage
                watched.started = None if spent is None else time.monotonic() - spent
        return progress

    def stop_watching(self) -> None:
        with self.guard:
            self.watched = None

    def _run(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            with self.guard:
                watched = self.watched
                if watched is None or watched.doc is None:
                    continue
                doc, started, stage = watched.doc, watched.started, watched.stage
            job = watched.jobs[doc]
            limit_s = watched.settings.doc_timeout
            budget = time_budget(job, limit_s)
            if started is not None and time.monotonic() - started > budget:
                scaled = f"{limit_s:g} s a MB of its {job.weight / 1e6:.1f} MB; " if budget > limit_s else ""
                shown = f"{budget:.0f}" if scaled else f"{limit_s:g}"
                self._kill(watched, job, f"took over {shown} s ({scaled}stopped while {stage}); raise --doc-timeout")
            mb = private_mb(os.getpid(), over=watched.settings.doc_memory_mb)
            if mb is not None and mb > watched.settings.doc_memory_mb:
                self._over_memory(watched, mb, doc, stage)

    def _over_memory(self, watched: _Watched, mb: float, doc: Optional[int], stage: str) -> None:
        """Over the memory budget on document `doc` (its worker is killed), or on none: the model
        alone needs more, no document can be produced (the build fails, saying so)."""
        limit_mb = watched.settings.doc_memory_mb
        if doc is None:  # loading the model: no document can be produced within the budget
            raise WorkerFailed(f"a Dask worker process needed {mb:.0f} MB {stage or 'before reading a document'}, "
                               f"over the --doc-memory-mb budget of {limit_mb:g} MB; raise --doc-memory-mb")
        self._kill(watched, watched.jobs[doc], f"needed over {limit_mb:g} MB of memory (stopped while {stage}); "
                                               f"raise --doc-memory-mb")

    @staticmethod
    def _kill(watched: _Watched, job: Job, reason: str) -> None:
        try:
            watched.reject(job, reason)
        finally:
            os.kill(os.getpid(), signal.SIGKILL)
