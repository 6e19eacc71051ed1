"""generator/processes.py: temporary folders outlive no process that could still use them, and no more."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from generator import processes


def test_a_temporary_folder_clears_the_folders_of_processes_that_are_gone():
    finished = subprocess.Popen(["true"])
    finished.wait()  # its pid names no process now
    base = Path(tempfile.gettempdir())
    stale = base / f"shopdir-unittest-{finished.pid}-abc"
    live = base / f"shopdir-unittest-{os.getppid()}-def"  # the process that started the tests runs
    for folder in (stale, live):
        (folder / "site").mkdir(parents=True, exist_ok=True)
    made = None
    try:
        made = processes.temporary_folder("unittest")
        assert made.is_dir() and made.name.startswith(f"shopdir-unittest-{os.getpid()}-")
        assert not stale.exists(), "the folder of a process that is gone is removed"
        assert live.exists(), "the folder of a running process is left alone"
        assert processes.temporary_folder("unittest") != made and made.exists(), "its own are kept"
    finally:
        for folder in base.glob("shopdir-unittest-*"):
            shutil.rmtree(folder, ignore_errors=True)
