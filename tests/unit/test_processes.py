"""generator/processes.py: temporary folders outlive no process that could still use them, and no more."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def test_the_folders_of_killed_processes_are_set_aside_at_once_and_removed_a_few_entries_a_step(tmp_path, monkeypatch):
    """serve no longer waits, before its first build, for the removal of a killed serve's folder."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    left = tmp_path / f"shopdir-serve-{dead}-abc" / "site" / "shops"
    for n in range(50):
        (left / f"shop-{n}").mkdir(parents=True)
        (left / f"shop-{n}" / "index.html").write_text("x")
    (left / "link").symlink_to(left / "shop-0")
    stale: list = []
    mine = processes.temporary_folder("serve", stale)
    assert mine.is_dir() and str(os.getpid()) in mine.name
    assert not (tmp_path / f"shopdir-serve-{dead}-abc").exists(), "set aside at once"
    assert len(stale) == 1 and stale[0].is_dir() and str(os.getpid()) in stale[0].name
    steps = processes.removing(stale, budget=0)
    assert next(steps, False) is None and stale[0].exists(), "a few entries a step"
    assert len(list(steps)) >= 100, "with no time to spend, a step an entry (50 files, 50 folders, a link, ...)"
    assert not stale[0].exists() and mine.is_dir()
