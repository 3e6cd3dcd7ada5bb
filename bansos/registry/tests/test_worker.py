"""The import's worker process (bansos.registry.worker) outlives nothing: its parent killed at any moment,
it ends too."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bansos.registry import worker

pytestmark = pytest.mark.skipif(not worker.available(), reason="the worker process needs fork")

# The parent takes one of two 1 MB items and is killed: the worker has put everything and is flushing the
# last item into a pipe nobody will read again.
PARENT = """
import os, sys, django
django.setup()
from bansos.registry.worker import ProcessStreams
streams = ProcessStreams([[b"x" * (1 << 20), b"y" * (1 << 20)]])
open(sys.argv[1], "w").write(str(streams._process.pid))
items = streams.stream(0)
next(items)
import time
time.sleep(1.0)
os.kill(os.getpid(), 9)
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed orphan may wait unreaped under a container's init)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_worker_ends_when_its_parent_is_killed_while_it_flushes(tmp_path: Path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    pid_file, errors = tmp_path / "worker.pid", tmp_path / "stderr.txt"
    with errors.open("wb") as stderr:  # not a pipe: the worker inherits it, and might hold it open
        parent = subprocess.run(
            [sys.executable, "-c", PARENT, str(pid_file)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=env,
            timeout=60,
            check=False,
        )
    assert parent.returncode == -9, errors.read_text()
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    alive = _running(child)
    if alive:
        os.kill(child, 9)
    assert not alive, "the worker was left running after its parent died"


def test_items_arrive_in_order_and_an_error_after_them() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("row 3 unreadable")

    with worker.ProcessStreams([[b"a", b"b"], failing()]) as streams:
        assert list(streams.stream(0)) == [b"a", b"b"]
        received = []
        with pytest.raises(ValueError, match="row 3 unreadable"):
            for item in streams.stream(1):
                received.append(item)
        assert received == [1, 2]
