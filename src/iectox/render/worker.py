"""Work done by another process while this one goes on: a report's figures drawn while its tables are written.

The machine has several cores and a report is written by one: its figures (matplotlib, pure Python for
the most part) take as long as everything else after the study has run. `Worker.start()` forks a process at
once, which prepares (imports matplotlib: a third of a second) while the caller reads the data and runs the
study; `worker.run(function, *args)` then hands it its one job (the arguments pickled, a few milliseconds
for the seed study) and the caller goes on; `worker.result()` waits for its answer. `Child` is the
primitive: one function run in a process forked now, its outcome sent back pickled.

What the caller can rely on:
- an exception raised by the job is raised again by `result()`, with its type and message (its traceback
  text in its message when it cannot travel);
- a child that ended without answering (killed, out of memory) is `WorkerLost`, so that the caller can do
  the work itself;
- a child dies with its parent (Linux's parent-death signal): killing iectox, even with SIGKILL, leaves no
  process behind; Ctrl-C ends it quietly where it stops the caller (and where the caller ignores it, as a
  job started in the background does, the child ignores it too);
- `end()` (or leaving the `with` block) kills a child still running and reaps it, so that nothing writes
  into a folder once its owner has moved on (the report's new folder is deleted when a write fails).

Processes are forked only on Linux (`FORKS`): elsewhere, and within a process that has started threads, the
caller does the work itself (`Worker.start()` is None).
"""

from __future__ import annotations

import copyreg
import ctypes
import gc
import os
import pickle
import select
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from types import MappingProxyType
from typing import Any, BinaryIO

FORKS = sys.platform.startswith("linux") and hasattr(os, "fork")
END_WAIT_SECONDS = 10.0  # for a killed child's own children to die with it
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent ends


def _proxy(items: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(items)


# A study result holds read-only mappings (labels, finding values), which pickle cannot send as they are:
# each is sent as a copy of its mapping and read back as a read-only view of that copy.
copyreg.pickle(MappingProxyType, lambda proxy: (_proxy, (dict(proxy),)))


class WorkerLost(RuntimeError):
    """The child ended without an answer (killed by a signal, out of memory): the caller does the work."""


def can_fork() -> bool:
    """Whether a child can be forked here: Linux, and no other thread running (a thread holding a lock at
    the fork would leave that lock held for ever in the child)."""
    return FORKS and threading.active_count() == 1


class Child:
    """`function()` run in a process forked now; `outcome()` its return value, or its exception raised.

    `close` lists the file descriptors of this process that the child must not keep open (the ends of pipes
    it does not use, so that their reader sees the end)."""

    def __init__(self, function: Callable[[], Any], close: tuple[int, ...] = ()) -> None:
        answer, self._answered = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            os.close(answer)
            _run_child(function, parent, self._answered, close)
        os.close(self._answered)
        self.pid: int | None = pid
        self._answer: int | None = answer

    def outcome(self) -> Any:
        """Wait for the child's answer and reap it: its function's value, or its exception raised here.

        The processes the child forks inherit the end of the pipe it answers through, so that the answer's
        end is seen once they have all ended: a child lost with its own children still drawing is seen lost
        only once they are gone too (they die with it)."""
        if self._answer is None:
            raise RuntimeError("the child's answer has been read already")
        answer, self._answer = self._answer, None
        with os.fdopen(answer, "rb") as pipe:
            data = pipe.read()
        self._reap()
        if not data:
            raise WorkerLost("the worker process ended without an answer")
        ok, value = pickle.loads(data)
        if not ok:
            raise value
        return value

    def end(self) -> None:
        """Kill the child if it is still running, and reap it; nothing happens if it was reaped already.

        Returns once the processes the child forked have ended too (they die with it): the end of the
        answer pipe, which they hold, is seen then (waited for at most `END_WAIT_SECONDS`)."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)  # not reaped yet: the pid is still the child's
            self._reap()
        if self._answer is not None:
            _drain(self._answer)
            os.close(self._answer)
            self._answer = None

    def _reap(self) -> None:
        if self.pid is not None:
            with suppress(ChildProcessError):  # reaped by someone else (a SIGCHLD handler)
                os.waitpid(self.pid, 0)
            self.pid = None


def _drain(fd: int) -> None:
    """Read `fd` to its end: every process holding the other end of the pipe has ended."""
    deadline = time.monotonic() + END_WAIT_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready and not os.read(fd, 65536):
            return


def _run_child(function: Callable[[], Any], parent: int, answered: int, close: tuple[int, ...]) -> None:
    """The child's whole life: never returns into the caller's code, never runs its exit handlers."""
    code = 0
    try:
        # Ctrl-C, where it stops the parent, ends this process quietly; where it is ignored, it stays ignored
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        _die_with_parent(parent)
        for fd in close:
            os.close(fd)
        try:
            answer = (True, function())
        except BaseException as error:  # sent to the parent, raised there
            answer = (False, error)
        with os.fdopen(answered, "wb") as pipe:
            pipe.write(_dumps(answer))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _dumps(answer: tuple[bool, Any]) -> bytes:
    """The answer pickled; an exception that cannot be pickled travels as a RuntimeError with its text."""
    try:
        return pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        ok, value = answer
        if ok:
            raise
        text = "".join(traceback.format_exception(value)).strip()
        return pickle.dumps((False, RuntimeError(f"{type(value).__name__}: {value}\n{text}")))


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends (even by SIGKILL); end now if it already has."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: the parent's end closes the pipes, which ends the wait
        pass
    if os.getppid() != parent:
        os._exit(1)


class Worker:
    """A child forked now that prepares (`prepare()`), then runs the one job `run()` hands it; `send()` hands
    that job more input as the caller goes on, which the job reads with `inbox()`."""

    def __init__(self, child: Child, jobs: int) -> None:
        self._child = child
        self._jobs: int | None = jobs
        self._pipe: BinaryIO | None = None
        self._sending: threading.Thread | None = None
        self._unsent: BaseException | None = None

    @classmethod
    def start(cls, prepare: Callable[[], object] | None = None) -> Worker | None:
        """The worker, preparing; None where no process can be forked (`can_fork`)."""
        if not can_fork():
            return None
        waiting, jobs = os.pipe()
        child = Child(lambda: _serve(waiting, prepare), close=(jobs,))
        os.close(waiting)
        return cls(child, jobs)

    @property
    def pid(self) -> int | None:
        """The worker's process id; None once it has been reaped."""
        return self._child.pid

    def run(self, function: Callable[..., Any], *args: Any) -> None:
        """Hand the worker `function(*args)` (a module-level function: it is pickled by name, its arguments
        by value, streamed to the worker as they are pickled). Returns once the worker has the job;
        `WorkerLost` if it is gone or the job cannot be sent (the caller then ends it and does the work).
        The way stays open for `send()`."""
        if self._jobs is None:
            raise RuntimeError("the worker has been given its job already")
        jobs, self._jobs = self._jobs, None
        self._pipe = os.fdopen(jobs, "wb")
        try:
            pickle.dump((function, args), self._pipe, protocol=pickle.HIGHEST_PROTOCOL)
            self._pipe.flush()
        except (OSError, pickle.PicklingError, TypeError, AttributeError) as error:
            raise WorkerLost(f"the worker could not be given its job ({error})") from error

    def send(self, value: Any) -> None:
        """Hand the job `value`, which it reads with `inbox()`, then no more: returns at once (a thread writes
        it as the job reads, so that a job still busy never holds the caller up); `result()` says whether it
        could be sent. Pickled here, now: the caller may change its objects afterwards."""
        if self._pipe is None or self._sending is not None:
            raise RuntimeError("the worker has no job to send to, or has been sent its value already")
        try:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            raise WorkerLost(f"the worker could not be sent its value ({error})") from error
        pipe = self._pipe

        def write() -> None:
            try:
                pipe.write(data)
                pipe.close()
            except OSError as error:  # the worker is gone: `result()` says so
                self._unsent = error

        self._sending = threading.Thread(target=write, name="iectox-worker-send", daemon=True)
        self._sending.start()

    def result(self) -> Any:
        """The job's value, once done; its exception raised here; `WorkerLost` if the worker died, or if
        it could not be sent its value."""
        self._close()
        value = self._child.outcome()
        if self._unsent is not None:
            raise WorkerLost(f"the worker could not be sent its value ({self._unsent})")
        return value

    def end(self) -> None:
        """Stop the worker (killed if still running) and reap it."""
        if self._jobs is not None:
            os.close(self._jobs)
            self._jobs = None
        self._child.end()
        self._close()

    def _close(self) -> None:
        """No more for the job: a job waiting in `inbox()` then sees the end (EOFError). Waits for the value
        being sent, if any (at once if the worker is gone: the write fails)."""
        if self._sending is not None:
            self._sending.join()
        elif self._pipe is not None:
            with suppress(OSError):
                self._pipe.close()
        self._pipe = None


_INBOX: list[BinaryIO] = []  # in a worker: the way its job came, and more input comes (`inbox()`)


def inbox() -> Any:
    """In a worker's job: the value the caller sent (`Worker.send`); `EOFError` if it sent none and
    finished, or ended."""
    if not _INBOX:
        raise RuntimeError("inbox() is read by a worker's job")
    return pickle.load(_INBOX[0])


def _serve(waiting: int, prepare: Callable[[], object] | None) -> Any:
    """In the worker: prepare, wait for the job, run it. No job (the caller ended it) ends the worker."""
    if prepare is not None:
        gc.disable()  # as the command line imports its library (`iectox.cli.main`): no collection meanwhile
        try:
            prepare()
        finally:
            gc.freeze()
            gc.enable()
    with os.fdopen(waiting, "rb") as pipe:
        try:
            function, args = pickle.load(pipe)
        except EOFError:
            return None
        _INBOX.append(pipe)
        try:
            return function(*args)
        finally:
            _INBOX.clear()


@contextmanager
def worker(prepare: Callable[[], object] | None = None) -> Iterator[Worker | None]:
    """A worker started now and ended (killed if still running, reaped) when the block ends; None where no
    process can be forked."""
    started = Worker.start(prepare)
    try:
        yield started
    finally:
        if started is not None:
            started.end()


__all__ = ["FORKS", "Child", "Worker", "WorkerLost", "can_fork", "inbox", "worker"]
