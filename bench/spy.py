"""`--profile DIR`: py-spy records the LocalChat server during each bench phase (raw collapsed
stacks, one file per phase), and each phase's top functions by self and inclusive time.

py-spy samples with --nonblocking: by default it stops the process for every sample, which
with a thousand client threads let it take ~150 samples in 6 s where --nonblocking took ~730
(rate 250), and slowed the server more than twice as much. --gil keeps the GIL holder only.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RATE = 250  # samples a second
START_DEADLINE = 15.0
STOP_DEADLINE = 60.0
TOP = 15
NO_FRAME = "(no Python frame)"
# frames under nearly every sample of a thread-per-client server; they say nothing inclusive
SCAFFOLDING = ("(threading.py)", "(socketserver.py)")
EVERYWHERE = 0.85
_COUNTS = re.compile(r"Samples: \d+ Errors: \d+")
_FRAME = re.compile(r"^(?P<name>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")


class SpyError(RuntimeError):
    """py-spy is missing, did not attach, or did not write its file."""


@dataclass
class StackSummary:
    """Samples per function (file and name, lines merged): where they were the innermost frame
    (self), and where they were anywhere on the stack (inclusive, once per sample)."""

    total: int
    self_samples: Counter[str]
    inclusive: Counter[str]


def function_of(frame: str) -> str:
    """'Reader.serve (server/reader.py:94)' -> 'Reader.serve (server/reader.py)'."""
    match = _FRAME.match(frame.strip())
    return f"{match['name']} ({match['file']})" if match else frame.strip()


def summarise(lines: Iterable[str]) -> StackSummary:
    """Read py-spy's raw format: 'frame;frame;...;frame COUNT' per record, outermost first. A
    frame name read while the thread ran on (--nonblocking) may hold a newline: a record then
    spans lines, up to the one that ends with its count."""
    self_samples: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    pending = ""
    read = 0
    for line in lines:
        read += 1
        record = pending + line.rstrip("\n")
        stack, _, count_text = record.rpartition(" ")
        if not count_text.isdigit():
            pending = record + " "
            continue
        pending = ""
        count = int(count_text)
        # an empty stack: the GIL holder had no Python frame (starting or ending a thread)
        frames = stack.split(";") if stack.strip() else [NO_FRAME]
        functions = [function_of(frame) for frame in frames]
        total += count
        self_samples[functions[-1]] += count
        for function in set(functions):
            inclusive[function] += count
    if pending.strip():
        raise ValueError(f"the last record (to line {read}) has no count: {pending[:80]!r}")
    return StackSummary(total, self_samples, inclusive)


def format_top(summary: StackSummary, top: int = TOP) -> str:
    """The top functions by self time, then by inclusive time, as percentages of all samples.
    The inclusive list leaves out thread start-up frames and names on one line the functions on
    nearly every sample (a thread-per-client server's read loop), then ranks the rest."""
    if not summary.total:
        return "    (no samples: the server held no GIL-holding Python frames meanwhile)"
    lines = [f"    {summary.total} samples", "    -- by self time"]
    lines.extend(_percent(n, summary.total, function)
                 for function, n in summary.self_samples.most_common(top))
    everywhere = EVERYWHERE * summary.total
    inclusive = Counter({function: n for function, n in summary.inclusive.items()
                         if not function.endswith(SCAFFOLDING)})
    common = [function for function, n in inclusive.most_common() if n >= everywhere]
    lines.append("    -- by inclusive time (thread start-up frames left out)")
    if common:
        lines.append(f"    on >= {EVERYWHERE:.0%} of samples: " + ", ".join(
            f"{function} {100 * inclusive[function] / summary.total:.0f}%" for function in common))
    lines.extend(_percent(n, summary.total, function)
                 for function, n in inclusive.most_common(len(common) + top)[len(common):])
    return "\n".join(lines)


def _percent(count: int, total: int, function: str) -> str:
    return f"    {100 * count / total:5.1f}%  {function}"


def summary_data(summary: StackSummary, top: int = TOP) -> dict[str, Any]:
    """The summary's top entries as plain data (for the JSON file)."""
    return {"samples": summary.total,
            "self": summary.self_samples.most_common(top),
            "inclusive": summary.inclusive.most_common(top)}


def py_spy_path() -> str:
    """py-spy next to this Python (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    found = str(beside) if beside.exists() else shutil.which("py-spy")
    if not found:
        raise SpyError("py-spy not found: `pip install -e '.[bench]'` (make bench does)")
    return found


class PhaseProfiler:
    """Starts py-spy on one pid for each phase (`with profiler.phase(name):`) and prints the
    phase's summary after it. A profiler without a directory does nothing."""

    def __init__(self, directory: Path | None, pid: int) -> None:
        self.directory = directory
        self.pid = pid
        self.summaries: dict[str, StackSummary] = {}
        if directory is not None:
            directory.mkdir(parents=True, exist_ok=True)
            self.executable = py_spy_path()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.directory is None:
            yield
            return
        raw = self.directory / f"{name}.raw"
        spy = self._start(raw)
        try:
            yield
        finally:
            report = self._stop(spy, raw)
        summary = summarise(raw.read_text(encoding="utf-8", errors="replace").splitlines())
        self.summaries[name] = summary
        text = format_top(summary)
        (self.directory / f"{name}.txt").write_text(f"{report}\n{text}\n", encoding="utf-8")
        print(f"  profile of {name} ({raw}; py-spy: {report}):\n{text}", flush=True)

    def _start(self, raw: Path) -> subprocess.Popen[str]:
        spy = subprocess.Popen(
            [self.executable, "record", "--pid", str(self.pid), "--gil", "--nonblocking",
             "--format", "raw", "-r", str(RATE), "-o", str(raw)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        assert spy.stdout is not None
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:  # readline blocks, but py-spy prints or exits
            line = spy.stdout.readline()
            if "Sampling process" in line:
                return spy
            if not line and spy.poll() is not None:
                break
        spy.kill()
        spy.wait()
        raise SpyError(f"py-spy did not start sampling pid {self.pid} (needs ptrace: root or "
                       "kernel.yama.ptrace_scope=0)")

    def _stop(self, spy: subprocess.Popen[str], raw: Path) -> str:
        """Stop py-spy; its own count of samples and errors ('Samples: N Errors: M')."""
        spy.send_signal(signal.SIGINT)
        try:
            output, _ = spy.communicate(timeout=STOP_DEADLINE)
        except subprocess.TimeoutExpired:
            spy.kill()
            spy.communicate()
            raise SpyError(f"py-spy did not stop within {STOP_DEADLINE} s") from None
        if not raw.exists():
            raise SpyError(f"py-spy wrote no {raw} (exit status {spy.returncode})")
        found = _COUNTS.search(output or "")
        return found.group(0) if found else "no sample count"
