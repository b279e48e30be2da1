"""What the C allocators under the server hold, for bench.memtrace: glibc malloc (mallinfo2,
malloc_info's arena count) and SQLite's own allocator (sqlite3_memory_used), via ctypes.

Linux with glibc 2.33+ only; elsewhere summary() says what it could not read.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import sqlite3  # noqa: F401  (loads libsqlite3 so the handle below is the server's own)
from pathlib import Path

MB = 2**20


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    return libc


def _sqlite() -> ctypes.CDLL:
    name = ctypes.util.find_library("sqlite3") or "libsqlite3.so.0"
    lib = ctypes.CDLL(name)
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.restype = ctypes.c_int64
    lib.sqlite3_memory_highwater.argtypes = [ctypes.c_int]
    return lib


def arenas(xml_path: Path) -> int:
    """How many malloc arenas the process has (malloc_info writes one <heap> per arena)."""
    libc = _libc()
    stream = libc.fopen(str(xml_path).encode(), b"w")
    if not stream:
        raise OSError(f"cannot write {xml_path}")
    try:
        libc.malloc_info(0, stream)
    finally:
        libc.fclose(stream)
    return len(re.findall(r"<heap nr=", xml_path.read_text()))


def summary(xml_path: Path) -> str:
    """One line: malloc's heap in use / free / mmapped, its arenas, and SQLite's memory."""
    try:
        info = _libc().mallinfo2()
        count = arenas(xml_path)
        lite = _sqlite()
    except (OSError, AttributeError) as error:
        return f"allocator figures unavailable: {error}"
    return (f"malloc in use {info.uordblks / MB:.1f} MB, free {info.fordblks / MB:.1f} MB, "
            f"mmapped {info.hblkhd / MB:.1f} MB, {count} arenas; sqlite "
            f"{lite.sqlite3_memory_used() / MB:.1f} MB "
            f"(highest {lite.sqlite3_memory_highwater(0) / MB:.1f} MB)")
