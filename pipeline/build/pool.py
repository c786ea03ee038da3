"""Worker processes that produce documents, each document within a budget of time and memory.

The build's parent process hands each worker one task at a time (a few documents: worker.run_task)
over a pipe, and the worker says which document it is on as it goes. The parent watches: a worker
whose document has run longer than its time budget (`--doc-timeout`, a MB of text for documents
larger than that: worker.time_budget), or whose own memory passes the memory budget
(`--doc-memory-mb`), is killed with SIGKILL, which
stops it whatever it is doing (a regular expression backtracking in C ignores Python's signals and
timers; a kill it cannot ignore). That document is rejected naming the option that raises the
budget; a fresh worker takes the task's other documents, and the build goes on. A worker that dies
of something else (the kernel's out-of-memory killer, a crash in a C library) costs the same: its
document, reported, and nothing else.

A worker's memory is what it holds of its own (Linux: private pages, /proc/PID/smaps_rollup): the
model it loaded and the document's work, not the pages it shares with the parent it was forked
from. The parent reads it every POLL_SECONDS, and the worker reports it as it moves from one step
to the next, so memory taken by a step is charged to that step even when it ends between polls.
Where /proc cannot be read, the memory budget is not enforced (the time budget is).

With one job there is one worker: no document is ever produced in the parent, so the budget holds
whatever --jobs says.
"""
from __future__ import annotations

import collections
import dataclasses
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
from typing import Callable, Optional

from .worker import Job, Outcome, Settings, init_worker, run_task, time_budget, warm_up

# How often the parent looks at its workers while it waits for one (seconds).
POLL_SECONDS = 0.1
# A worker that dies this many times before it reads a document fails the build: something is
# wrong with the worker itself (the model cannot load), not with a document.
MAX_DEATHS_WITHOUT_DOCUMENT = 3


class WorkerFailed(Exception):
    """The workers cannot do their work at all (not a document's fault); the message says why."""


@dataclasses.dataclass
class _Task:
    key: int
    jobs: list[Job]
    outcomes: list[Optional[Outcome]]
    sent: list[int] = dataclasses.field(default_factory=list)  # positions of the jobs the worker has now
    deaths: int = 0
    warm: bool = False  # no documents: load the model (WorkerPool.warm)


class _Worker:
    def __init__(self, process, conn):
        self.process, self.conn = process, conn
        self.task: Optional[_Task] = None
        self.doc: Optional[int] = None  # position in task.jobs of the document it is on
        self.stage = ""
        self.started: Optional[float] = None  # when it started on that document (time.monotonic); None: paused


def _serve(conn, settings: Settings, inherited: list[int]) -> None:
    """A worker's life: tasks in, progress and outcomes out, until told to stop (None) or the
    parent is gone."""
    init_worker()
    for fd in inherited:  # the parent's ends of the other workers' pipes, copied by fork
        try:
            os.close(fd)
        except OSError:
            pass
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind, key, *rest = message  # ("warm", key): load the model; ("task", key, jobs)

        def progress(index: Optional[int], stage: str, spent: Optional[float]) -> None:
            started = None if spent is None else time.monotonic() - spent
            conn.send(("doc", key, index, stage, started, private_mb(os.getpid(), over=settings.doc_memory_mb)))

        try:
            outcomes = warm_up(settings, progress) if kind == "warm" else run_task(rest[0], settings, progress)
        except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
            try:
                conn.send(("raised", key, exc))
            except Exception:  # an exception that does not pickle
                conn.send(("raised", key, RuntimeError(f"{type(exc).__name__}: {exc}")))
            continue
        conn.send(("done", key, outcomes))


_PAGE_MB = os.sysconf("SC_PAGE_SIZE") / 2**20 if hasattr(os, "sysconf") else 4096 / 2**20


def private_mb(pid: int, over: Optional[float] = None) -> Optional[float]:
    """The memory a process holds of its own, in MB: its private resident pages (Linux,
    /proc/PID/smaps_rollup), else its whole resident set (/proc/PID/status); None where neither
    can be read. `over`: only whether that is over this many MB matters, and a resident set not over
    it is returned as it is (private pages are a part of it): /proc/PID/statm costs microseconds,
    smaps_rollup milliseconds (it walks every mapping), taken by the budget's checks ten times a
    second from the cores the documents are parsed on."""
    if over is not None:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                resident_mb = int(statm.read().split()[1]) * _PAGE_MB
            if resident_mb <= over:
                return resident_mb
        except (OSError, ValueError, IndexError):
            pass
    for name, fields in (("smaps_rollup", (b"Private_Clean:", b"Private_Dirty:")), ("status", (b"VmRSS:",))):
        try:
            with open(f"/proc/{pid}/{name}", "rb") as report:
                found = [int(line.split()[1]) for line in report if line.startswith(fields)]
        except (OSError, ValueError, IndexError):
            continue
        if found:
            return sum(found) / 1024
    return None


def _death(exitcode: Optional[int]) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            return f"killed by {name}, by the system: out of memory? lower --doc-memory-mb or --jobs"
        return f"killed by {name}"
    return f"exit code {exitcode}"


class WorkerPool:
    """Up to `size` worker processes, started when there is work for them. Tasks are handed out in
    the order submitted (`first=True`: before the others); `result(key)` waits for one, watching
    every worker's budget meanwhile."""

    def __init__(self, size: int, settings: Settings):
        self.size, self.settings = max(1, size), settings
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        self.context = multiprocessing.get_context(method)
        self.workers: list[_Worker] = []
        self.waiting: collections.deque[_Task] = collections.deque()
        self.done: dict[int, list[Outcome]] = {}
        self.next_key = 0
        self.checked = 0.0

    # -- the caller's side

    def submit(self, jobs: list[Job], first: bool = False) -> int:
        task = _Task(self.next_key, list(jobs), [None] * len(jobs))
        self.next_key += 1
        (self.waiting.appendleft if first else self.waiting.append)(task)
        self._hand_out()
        return task.key

    def warm(self) -> None:
        """Start a worker loading the model now, before there is work for it: the build plans
        meanwhile, so that an update's changed document does not wait for the load after the plan.
        Its memory is held to the budget as a task's (over it: WorkerFailed, said as the first
        task's load would be)."""
        self.waiting.append(_Task(self.next_key, [], [], warm=True))
        self.next_key += 1
        self._hand_out()

    def result(self, key: int, meanwhile: Optional[Callable[[], None]] = None) -> list[Outcome]:
        """The outcomes of a task, in its documents' order (waits for them; `meanwhile()` is called
        whenever a worker has been heard from, so the caller can hand out more work)."""
        while key not in self.done:
            self._step(POLL_SECONDS)
            if meanwhile is not None:
                meanwhile()
        return self.done.pop(key)

    def pending(self) -> int:
        """Tasks submitted and not finished (waiting for a worker, or on one)."""
        return sum(1 for task in self.waiting if not task.warm) + \
            sum(1 for w in self.workers if w.task is not None and not w.task.warm)

    def poll(self) -> None:
        """Look at the workers without waiting (at most every POLL_SECONDS): the caller is busy
        with other things, and a worker over budget should not wait for it."""
        if time.monotonic() - self.checked >= POLL_SECONDS:
            self._step(0)

    def close(self) -> None:
        """Stop every worker: idle ones are asked to, busy ones (a failed build) are killed."""
        for worker in self.workers:
            if worker.task is None:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
            else:
                self._kill(worker)
        for worker in self.workers:
            worker.process.join(5)
            if worker.process.is_alive():
                self._kill(worker)
            worker.conn.close()
        self.workers = []
        self.waiting.clear()

    # -- the workers' side

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe()
        inherited = [w.conn.fileno() for w in self.workers] if self.context.get_start_method() == "fork" else []
        process = self.context.Process(target=_serve, args=(theirs, self.settings, inherited), daemon=True,
                                       name="claims-pipeline worker")
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def _hand_out(self) -> None:
        while self.waiting:
            idle = next((w for w in self.workers if w.task is None), None)
            if idle is None:
                # a worker loading the model (warm) takes the next task sooner than a new one would
                warming = sum(1 for w in self.workers if w.task is not None and w.task.warm)
                if len(self.workers) >= self.size or len(self.waiting) <= warming:
                    return
                idle = self._start()
            task = self.waiting.popleft()
            task.sent = [p for p, outcome in enumerate(task.outcomes) if outcome is None]
            idle.task, idle.doc, idle.stage, idle.started = task, None, "", None
            idle.conn.send(("warm", task.key) if task.warm else ("task", task.key, [task.jobs[p] for p in task.sent]))

    def _step(self, timeout: float) -> None:
        self._hand_out()
        if self.workers:
            waitables = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
            ready = set(multiprocessing.connection.wait(waitables, timeout))
            for worker in list(self.workers):
                if worker.conn in ready and not self._read(worker):
                    continue
                if worker.process.sentinel in ready and not worker.conn.poll():
                    worker.process.join()
                    self._lost(worker, _death(worker.process.exitcode))
        elif timeout:
            time.sleep(timeout)
        self._watch()
        self._hand_out()

    def _read(self, worker: _Worker) -> bool:
        """Take every message the worker has sent; False when it is gone (or was stopped)."""
        try:
            while worker in self.workers and worker.conn.poll():
                self._message(worker, worker.conn.recv())
        except (EOFError, OSError):
            if worker in self.workers:
                worker.process.join()
                self._lost(worker, _death(worker.process.exitcode))
            return False
        return worker in self.workers

    def _message(self, worker: _Worker, message) -> None:
        kind, key, *rest = message
        task = worker.task
        if task is None or task.key != key:
            return
        if kind == "doc":
            index, stage, started, mb = rest
            if mb is not None and mb > self.settings.doc_memory_mb:  # taken by the step that just ended
                self._over_memory(worker, mb)
                return
            worker.stage, worker.started = stage, started
            worker.doc = None if index is None else task.sent[index]
        elif kind == "done":
            for position, outcome in zip(task.sent, rest[0]):
                task.outcomes[position] = outcome
            if not task.warm:
                self.done[task.key] = task.outcomes
            worker.task, worker.doc, worker.started = None, None, None
        elif kind == "raised":
            raise rest[0]

    def _watch(self) -> None:
        """Stop the workers over budget."""
        self.checked = now = time.monotonic()
        limit_s, limit_mb = self.settings.doc_timeout, self.settings.doc_memory_mb
        for worker in list(self.workers):
            if worker.task is None:
                continue
            if worker.doc is not None and worker.started is not None:
                job = worker.task.jobs[worker.doc]
                budget = time_budget(job, limit_s)
                if now - worker.started > budget:
                    scaled = f"{limit_s:g} s a MB of its {job.weight / 1e6:.1f} MB; " if budget > limit_s else ""
                    shown = f"{budget:.0f}" if scaled else f"{limit_s:g}"
                    self._stop(worker, f"took over {shown} s ({scaled}stopped while {worker.stage}); "
                                       f"raise --doc-timeout")
                    continue
            mb = private_mb(worker.process.pid, over=limit_mb)
            if mb is not None and mb > limit_mb:
                self._over_memory(worker, mb)

    def _over_memory(self, worker: _Worker, mb: float) -> None:
        """The worker holds more than the budget: its document is rejected; when it is on none (it
        is loading the model), the budget cannot be met at all."""
        limit_mb = self.settings.doc_memory_mb
        if worker.doc is None:
            self.close()
            raise WorkerFailed(f"a worker process needed {mb:.0f} MB {worker.stage or 'before reading a document'}, "
                               f"over the --doc-memory-mb budget of {limit_mb:g} MB; raise --doc-memory-mb")
        self._stop(worker, f"needed over {limit_mb:g} MB of memory (stopped while {worker.stage}); "
                           f"raise --doc-memory-mb")

    def _stop(self, worker: _Worker, reason: str) -> None:
        """Kill a worker over budget; its document is rejected, the rest of its task handed out again."""
        self._kill(worker)
        worker.process.join()
        self._lost(worker, None, reason)

    def _lost(self, worker: _Worker, death: Optional[str], reason: Optional[str] = None) -> None:
        """A worker is gone (killed here, or died): its document rejected, its task back in line."""
        self.workers.remove(worker)
        worker.conn.close()
        task = worker.task
        if task is None:
            return
        if worker.doc is not None:
            stage = f" while {worker.stage}" if worker.stage else ""
            task.outcomes[worker.doc] = Outcome(error=reason or f"its worker process died ({death}){stage}; "
                                                             f"the other documents went on")
        else:
            task.deaths += 1
            if task.deaths >= MAX_DEATHS_WITHOUT_DOCUMENT:
                self.close()
                raise WorkerFailed(f"worker processes died {task.deaths} times before reading a document "
                                   f"(last: {death}); see the messages above")
        if task.warm:
            return  # the tasks to come load the model again, and say why when they cannot
        if all(outcome is not None for outcome in task.outcomes):
            self.done[task.key] = task.outcomes
        else:
            self.waiting.appendleft(task)

    @staticmethod
    def _kill(worker: _Worker) -> None:
        try:
            os.kill(worker.process.pid, signal.SIGKILL)
        except (ProcessLookupError, TypeError):
            pass

