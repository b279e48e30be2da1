"""server.gcpause: what start-up made is frozen out of the collector's walks; later garbage is
still collected. Run in a child interpreter, so the test process's own collector is untouched."""

from __future__ import annotations

import subprocess
import sys

CHILD = """
import gc
import server.__main__  # the server's modules, as python -m server has them
from server.gcpause import freeze_start_up
before = len(gc.get_objects())
frozen = freeze_start_up()
walked = len(gc.get_objects())  # what a full collection now walks
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a  # a cycle made after start-up ...
del a, b
print(before, frozen, walked, gc.collect())  # ... is still collected
"""


def test_start_up_objects_are_frozen_and_later_cycles_still_collected():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    before, frozen, walked, collected = map(int, out)
    assert frozen >= before * 0.9 and frozen > 10_000  # the modules, classes and functions
    assert walked < 1_000
    assert collected >= 2  # both objects of the cycle
