"""Produce the items of several iterables, one after the other, in a forked worker process.

The import reads, validates and prepares (blind index, AES-GCM, name key) its chunks in a child process
so that the parent, which writes them to the database, runs on the other core: a thread cannot do that
work beside the database writer without taking the interpreter from it.

``ProcessStreams(streams)`` forks one child that iterates ``streams[0]`` to its end, then ``streams[1]``,
and so on, sending each item (pickled) through a bounded queue, so the child is at most ``depth`` items
ahead. The parent takes them with ``stream(i)``, in order. An error raised in the child is raised in the
parent by ``stream(i)`` when it gets there. ``close()`` (or leaving the ``with`` block) stops the child.

The child is forked (it inherits the iterables, settings, keys and the active language); it must not
use the database: the parent's connection is shared with it at the socket level. It ends with
``os._exit`` (multiprocessing's fork start method), so nothing inherited is cleaned up twice. It never
outlives its parent: on Linux the kernel ends it when the parent dies (elsewhere its bounded puts notice).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import queue
import signal
import sys
import traceback
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils import translation

_END = "end"
_ITEM = "item"
_ERROR = "error"
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def available() -> bool:
    """True where a child can be forked (Linux, macOS): the process pipeline needs the fork start method."""
    return "fork" in multiprocessing.get_all_start_methods()


class ProcessStreams:
    def __init__(self, streams: Sequence[Iterable[Any]], depth: int = 2) -> None:
        context = multiprocessing.get_context("fork")
        self._queue: Any = context.Queue(maxsize=depth)
        self._ended = -1  # the last stream whose end the parent has seen
        self._process = context.Process(
            target=_produce,
            args=(streams, self._queue, translation.get_language(), os.getpid()),
            name="import-worker",
            daemon=True,
        )
        self._process.start()

    def stream(self, index: int) -> Iterator[Any]:
        """The items of ``streams[index]`` (the earlier streams must have been consumed)."""
        if index != self._ended + 1:
            raise RuntimeError("streams are consumed in order")
        while True:
            try:
                kind, payload = self._queue.get(timeout=1.0)
            except queue.Empty:
                if not self._process.is_alive() and self._queue.empty():
                    self._ended = index
                    raise RuntimeError(
                        f"the import worker process ended unexpectedly (exit code {self._process.exitcode})"
                    ) from None
                continue
            if kind == _ITEM:
                yield payload
            elif kind == _END:
                self._ended = index
                return
            else:
                self._ended = index
                raise payload

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()
        self._queue.join_thread()

    def __enter__(self) -> ProcessStreams:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _end_with(parent: int) -> None:
    """Have the kernel end this process when its parent dies (Linux: PR_SET_PDEATHSIG). The bounded puts
    below notice a dead parent by themselves, but the queue's last flush (``join_thread``) cannot: it
    blocks on a full pipe that this process, holding the pipe's other end as well, keeps open. (The signal
    follows the thread that forked: ProcessStreams is made by the thread that reads it, the importer's.)
    Where prctl is refused, the bounded puts remain."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


def _produce(streams: Sequence[Iterable[Any]], pipe: Any, language: str | None, parent: int) -> None:
    # The parent's database connections are left alone: used here they would interleave with the
    # parent's traffic, and closed here (even by garbage collection) they would end the parent's session.
    sys.setprofile(None)  # a profiler running in the parent is not this process's business
    _end_with(parent)

    def put(message: tuple[str, Any]) -> None:
        while True:
            try:
                pipe.put(message, timeout=1.0)
                return
            except queue.Full:
                if os.getppid() != parent:  # the parent is gone (killed): nobody will read this
                    os._exit(1)

    try:
        with translation.override(language):
            for items in streams:
                for item in items:
                    put((_ITEM, item))
                put((_END, None))
    except BaseException as error:  # handed to the parent, raised there
        put((_ERROR, _portable(error)))
    pipe.close()
    pipe.join_thread()


def _portable(error: BaseException) -> BaseException:
    """The error itself if it survives pickling, else a RuntimeError with its traceback."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301  -- our own bytes, just made
    except Exception:
        text = "".join(traceback.format_exception(error))
        return RuntimeError(f"the import worker process failed:\n{text}")
    return error
