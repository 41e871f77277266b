"""Worker processes with a time budget per article: a runaway article is abandoned, never the batch.

Why: one pathological input (say a 12.8 MB page of one repeated sentence) must not stall a batch, and
Python cannot interrupt a running regular expression from inside. So every article is read and extracted
in a worker process the parent can kill: `run_guarded` hands tasks (files) to `jobs` workers and watches
each worker's clock, which restarts whenever the worker reports progress (a task begun, an article begun,
an article's result). A worker silent for longer than the budget is killed and replaced; the article it
was on is reported as a failure and the rest of its file is handed out again after that article. A worker
that dies (segfault, out of memory) is treated the same way.

Results come back in task order (a reorder window, like `Pool.imap`), so output does not depend on timing
or on the number of workers; failures and warnings are delivered as soon as they happen. Memory stays
bounded: at most `window` tasks are out at once (sent to a worker, or done but waiting for an earlier one).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from kg.errors import KgError

DEFAULT_ARTICLE_TIMEOUT = 60.0
PREFETCH = 8  # tasks queued at one worker: it keeps working while the parent writes (a few KB of paths)
WINDOW_PER_JOB = 64  # tasks out per worker (sent, or done and waiting for an earlier task's results)


@dataclass(frozen=True)
class Event:
    """What a batch reports: `result` and `done` in task order, `failure` and `warning` when they happen.

    result: the value a worker sent for one article; failure: (path, one-line error); warning: a message;
    done: the task (file) is finished (for progress).
    """

    task: int
    kind: str
    value: Any = None


class Unit:
    """The worker side of one task: `start` each article, then send its `result` or `failure`.

    Articles are counted by `start`; after a timeout the task is handed out again with the articles
    already done (and the one that ran over) skipped: `start` returns False for those.
    """

    def __init__(self, conn: Connection, task: int, skip: int) -> None:
        self._conn = conn
        self._task = task
        self._skip = skip
        self._index = 0

    def _send(self, kind: str, value: Any = None) -> None:
        self._conn.send((kind, self._task, time.monotonic(), value))

    def start(self, label: str) -> bool:
        """An article begins (its clock starts); False: skip it, it was dealt with before a restart."""
        index = self._index
        self._index += 1
        if index < self._skip:
            return False
        self._send("start", (index, label))
        return True

    def result(self, value: Any) -> None:
        self._send("result", value)

    def failure(self, path: str, error: str) -> None:
        self._send("failure", (path, error))

    def warning(self, message: str) -> None:
        self._send("warning", message)


Work = Callable[[Any, Unit], None]


def _one_line(exc: BaseException) -> str:
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _die_with_parent(parent: int) -> None:
    """A worker must not outlive its parent (killed with -9, say), even inside a runaway article: on Linux
    the kernel kills it when the parent dies; elsewhere a watchdog thread notices (between GIL releases)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _worker_main(
    conn: Connection,
    work: Work,
    init: Callable[..., None] | None,
    initargs: tuple,
    parent: int,
    inherited: list[int],
) -> None:
    """A worker's loop: run tasks until told to stop. Ctrl-C is the parent's to handle."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for fd in inherited:  # the parent's ends of the pipes, copied by fork: held here, a dead parent's
        try:  # end would never read as closed
            os.close(fd)
        except OSError:
            pass
    _die_with_parent(parent)
    try:
        if init is not None:
            init(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("init-error", -1, time.monotonic(), _one_line(exc)))
        return
    conn.send(("ready", -1, time.monotonic(), None))
    while True:
        try:
            msg = conn.recv()
        except EOFError:  # the parent is gone
            return
        except Exception as exc:  # noqa: BLE001 - a task that cannot be unpickled: a bug, said in one line
            conn.send(("fatal", -1, time.monotonic(), _one_line(exc)))
            return
        if msg is None:
            return
        task, payload, skip = msg
        conn.send(("begin", task, time.monotonic(), None))
        try:
            work(payload, Unit(conn, task, skip))
        except KeyboardInterrupt:
            conn.send(("interrupt", task, time.monotonic(), None))
            return
        except Exception as exc:  # noqa: BLE001 - a bug in `work`: that task fails, the batch goes on
            conn.send(("error", task, time.monotonic(), _one_line(exc)))
        conn.send(("done", task, time.monotonic(), None))


@dataclass
class _Task:
    index: int
    payload: Any
    label: str
    skip: int = 0
    articles: int = 0  # articles started so far (counting skipped ones)
    current: str | None = None  # label of the article being worked on, None between articles
    begun: bool = False  # the worker has started this task (a task still queued in its pipe has not)


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    clock: float | None = None  # when the worker last reported progress; None when idle
    tasks: deque[_Task] = field(default_factory=deque)  # assigned, in order; the first is running


def _context() -> Any:
    """fork where available: workers inherit the extractor (a stand-in in tests need not be picklable)."""
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()


class _Pool:
    """The parent side of `run_guarded` (see there)."""

    def __init__(
        self,
        tasks: Iterable[Any],
        work: Work,
        jobs: int,
        timeout: float | None,
        init: Callable[..., None] | None,
        initargs: tuple,
        label: Callable[[Any], str],
        window: int | None,
    ) -> None:
        self.source = iter(enumerate(tasks))
        self.work, self.init, self.initargs, self.label = work, init, initargs, label
        self.jobs = max(1, jobs)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.window = window or self.jobs * WINDOW_PER_JOB
        self.ctx = _context()
        self.workers: list[_Worker] = []
        self.queue: deque[_Task] = deque()  # tasks to hand out: retries first, then new ones
        self.exhausted = False
        self.taken = 0  # tasks taken from the source so far
        self.next = 0  # lowest task not finished: its ordered events go out at once, later ones wait
        self.held: dict[int, list[Event]] = {}
        self.finished: set[int] = set()
        self.out: list[Event] = []

    # ------------------------------------------------------------------ workers

    def spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        # with fork the worker inherits every descriptor: it closes the parent's pipe ends (its own and
        # the other workers'), so that each pipe reads as closed when the parent is gone
        forked = self.ctx.get_start_method() == "fork"
        inherited = [w.conn.fileno() for w in self.workers] + [parent.fileno()] if forked else []
        proc = self.ctx.Process(
            target=_worker_main,
            args=(child, self.work, self.init, self.initargs, os.getpid(), inherited),
            daemon=True,
        )
        proc.start()
        child.close()  # only the worker holds its end: its death is EOF here
        w = _Worker(proc, parent, clock=time.monotonic())
        self.workers.append(w)
        return w

    def stop(self, w: _Worker, *, kill: bool) -> None:
        if kill:
            w.proc.kill()
        else:
            try:
                w.conn.send(None)
            except OSError:
                pass
        w.proc.join(None if kill else 5)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join()
        w.conn.close()
        self.workers.remove(w)

    def close(self) -> None:
        for w in list(self.workers):
            self.stop(w, kill=True)

    # ------------------------------------------------------------------ tasks and events

    def pull(self) -> _Task | None:
        if self.queue:
            return self.queue.popleft()
        if self.exhausted:
            return None
        try:
            index, payload = next(self.source)
        except StopIteration:
            self.exhausted = True
            return None
        self.taken += 1
        return _Task(index, payload, self.label(payload))

    def dispatch(self) -> None:
        """Hand out tasks, each to the least loaded worker, once every worker is up (so a small batch
        is shared, not queued at whichever worker started first)."""
        if not all(w.ready for w in self.workers):
            return
        while True:
            w = min(self.workers, key=lambda x: len(x.tasks))
            if len(w.tasks) >= PREFETCH or (not self.queue and self.taken >= self.next + self.window):
                return
            task = self.pull()
            if task is None:
                return
            if not w.tasks:
                w.clock = time.monotonic()
            w.tasks.append(task)
            try:
                w.conn.send((task.index, task.payload, task.skip))
            except OSError:  # it died since the last look: its tasks go to the others
                self.abandon(w, self.died(w))

    def emit(self, event: Event, *, ordered: bool) -> None:
        if not ordered or event.task == self.next:
            self.out.append(event)
        else:
            self.held.setdefault(event.task, []).append(event)

    def finish(self, index: int) -> None:
        """Task `index` is done: release its `done`, then every later task already complete."""
        self.emit(Event(index, "done"), ordered=True)
        self.finished.add(index)
        while self.next in self.finished:
            self.finished.discard(self.next)
            self.next += 1
            self.out.extend(self.held.pop(self.next, []))

    def handle(self, w: _Worker, msg: tuple) -> None:
        kind, index, t, value = msg
        if kind == "ready":
            w.ready, w.clock = True, (t if w.tasks else None)
            return
        if kind == "init-error":
            raise KgError(f"a worker process could not start: {value}")
        if kind == "fatal":
            raise KgError(f"a worker process failed: {value}")
        if kind == "interrupt":
            raise KeyboardInterrupt
        task = w.tasks[0]
        if kind == "begin":
            w.clock, task.current, task.begun = t, None, True
        elif kind == "start":
            task.articles, task.current = value[0] + 1, value[1]
            w.clock = t
        elif kind in ("result", "failure"):
            task.current = None
            w.clock = t
            self.emit(Event(index, kind, value), ordered=kind == "result")
        elif kind == "warning":
            self.emit(Event(index, kind, value), ordered=False)
        elif kind == "error":
            self.emit(Event(index, "failure", (task.label, f"internal error: {value}")), ordered=False)
        elif kind == "done":
            w.tasks.popleft()
            w.clock = t if w.tasks else None
            self.finish(index)

    def drain(self, w: _Worker) -> bool:
        """Handle every message the worker has sent; False if it is gone (EOF)."""
        try:
            while w.conn.poll():
                self.handle(w, w.conn.recv())
        except (EOFError, OSError):
            return False
        return True

    def abandon(self, w: _Worker, problem: str) -> None:
        """The worker ran over budget or died: report its article, replace it, hand its tasks out again."""
        self.stop(w, kill=True)
        if not w.ready:
            raise KgError(f"a worker process could not start ({problem})")
        if w.tasks and w.tasks[0].begun:
            task = w.tasks.popleft()
            task.begun = False
            if task.current is not None:
                self.emit(Event(task.index, "failure", (task.current, problem)), ordered=False)
                task.skip, task.current = task.articles, None  # go on after the article that failed
                w.tasks.appendleft(task)
            else:  # reading the file (or its next article) was the problem: the rest of it is given up
                rest = f" (with the rest of the file, after article {task.articles})" if task.articles else ""
                self.emit(Event(task.index, "failure", (task.label, problem + rest)), ordered=False)
                self.finish(task.index)
        self.queue.extendleft(reversed(w.tasks))
        self.spawn()

    @staticmethod
    def died(w: _Worker) -> str:
        w.proc.join(5)
        return f"the worker process died ({_exit_text(w.proc.exitcode)}): abandoned"

    def over_budget(self, now: float) -> list[_Worker]:
        if self.timeout is None:
            return []
        return [w for w in self.workers if w.clock is not None and now - w.clock > self.timeout]

    def wait_time(self, now: float) -> float | None:
        if self.timeout is None:
            return None
        clocks = [w.clock for w in self.workers if w.clock is not None]
        return max(0.0, min(clocks) + self.timeout - now) + 0.01 if clocks else None

    def busy(self) -> bool:
        return bool(self.queue) or not self.exhausted or any(w.tasks for w in self.workers)

    def run(self) -> Iterator[Event]:
        try:
            for _ in range(self.jobs):
                self.spawn()
            while True:
                self.dispatch()
                if not self.busy() and not self.out:
                    break
                if self.out:
                    out, self.out = self.out, []
                    yield from out
                    continue
                ready = wait(
                    [w.conn for w in self.workers] + [w.proc.sentinel for w in self.workers],
                    self.wait_time(time.monotonic()),
                )
                for w in list(self.workers):
                    if (w.conn in ready or w.proc.sentinel in ready) and not self.drain(w):
                        self.abandon(w, self.died(w))
                for w in self.over_budget(time.monotonic()):
                    if not self.drain(w):  # a result may have arrived meanwhile
                        self.abandon(w, self.died(w))
                    elif w in self.over_budget(time.monotonic()):
                        self.abandon(
                            w, f"over the time budget of {self.timeout:g} s (--article-timeout): abandoned"
                        )
            for w in list(self.workers):
                self.stop(w, kill=False)
        finally:
            self.close()


def _exit_text(code: int | None) -> str:
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def run_guarded(
    tasks: Iterable[Any],
    work: Work,
    *,
    jobs: int = 1,
    timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    init: Callable[..., None] | None = None,
    initargs: tuple = (),
    label: Callable[[Any], str] = str,
    window: int | None = None,
) -> Iterator[Event]:
    """Run `work(task, unit)` for every task in `jobs` worker processes, `timeout` seconds per article.

    `init(*initargs)` runs once in each worker (also in a replacement). `timeout` None or 0: no budget
    (articles still run in workers, so Ctrl-C and crashes stay contained). Events: see `Event`.
    """
    yield from _Pool(tasks, work, jobs, timeout, init, initargs, label, window).run()
