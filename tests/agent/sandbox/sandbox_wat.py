"""Hand-written WAT guests for the sandbox tests and bench: one well-behaved action and the hostile ones."""

from __future__ import annotations

from pathlib import Path

import wasmtime

PRELUDE = """
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
"""

# Reads the request from stdin, logs one line, answers {"echo": <request>}.
ECHO = """
(module
  %(prelude)s
  (data (i32.const 1024) "{\\"echo\\":")
  (data (i32.const 1100) "}")
  (data (i32.const 1200) "echo: got request\\n")
  (func (export "_start") (local $n i32) (local $total i32)
    (block $done
      (loop $more
        (i32.store (i32.const 16) (i32.add (i32.const 4096) (local.get $total)))
        (i32.store (i32.const 20) (i32.sub (i32.const 60000) (local.get $total)))
        (i32.store (i32.const 24) (i32.const 0))
        (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
        (local.set $n (i32.load (i32.const 24)))
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $total (i32.add (local.get $total) (local.get $n)))
        (br $more)))
    (call $write (i32.const 2) (i32.const 1200) (i32.const 18))
    (call $write (i32.const 1) (i32.const 1024) (i32.const 8))
    (call $write (i32.const 1) (i32.const 4096) (local.get $total))
    (call $write (i32.const 1) (i32.const 1100) (i32.const 1))))
"""

# Answers {} and nothing else: the bench's no-op action.
NOOP = """
(module
  %(prelude)s
  (data (i32.const 1024) "{}")
  (func (export "_start") (call $write (i32.const 1) (i32.const 1024) (i32.const 2))))
"""

# Logs its whole environment block (NUL-separated KEY=VALUE) as one stderr line, answers {}.
ENV = """
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $get (param i32 i32) (result i32)))
  %(prelude)s
  (data (i32.const 1024) "{}")
  (data (i32.const 1100) "\\n")
  (func (export "_start")
    (drop (call $sizes (i32.const 32) (i32.const 36)))
    (drop (call $get (i32.const 256) (i32.const 4096)))
    (call $write (i32.const 2) (i32.const 4096) (i32.load (i32.const 36)))
    (call $write (i32.const 2) (i32.const 1100) (i32.const 1))
    (call $write (i32.const 1) (i32.const 1024) (i32.const 2))))
"""

SPIN = """(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))"""

# poll_oneoff on one relative clock subscription of 1000 s: blocked in the host, epochs cannot stop it.
SLEEP = """
(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i64.store (i32.const 0) (i64.const 1))
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 1000000000000))
    (i64.store (i32.const 32) (i64.const 0))
    (i32.store16 (i32.const 40) (i32.const 0))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 200)))))
"""

# Grows memory 1 MiB at a time until refused, then traps.
MEMORY_BOMB = """
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $l
      (br_if $l (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable))
"""

STACK_OVERFLOW = """
(module (memory (export "memory") 1)
  (func $down (param i32) (call $down (i32.add (local.get 0) (i32.const 1))))
  (func (export "_start") (call $down (i32.const 0))))
"""

# path_open(dirfd 3, PATH, oflags, rights); on failure prints `open SHOWN: <strerror>` the wasi-libc way and
# exits with the errno; answers {} when it opened.
OPEN = """
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  %(prelude)s
  (data (i32.const 1024) "%(path)s")
  (data (i32.const 1536) "%(shown)s")
  (data (i32.const 2048) "{}")
  (data (i32.const 2100) "open ")
  (data (i32.const 2200) ": ")
  (data (i32.const 2300) "\\n")
  %(strerror_data)s
  (func (export "_start") (local $errno i32)
    (local.set $errno (call $open (i32.const 3) (i32.const 0) (i32.const 1024) (i32.const %(length)d)
      (i32.const %(oflags)d) (i64.const %(rights)d) (i64.const 0) (i32.const 0) (i32.const 512)))
    (if (local.get $errno)
      (then
        (call $write (i32.const 2) (i32.const 2100) (i32.const 5))
        (call $write (i32.const 2) (i32.const 1536) (i32.const %(shown_length)d))
        (call $write (i32.const 2) (i32.const 2200) (i32.const 2))
        %(strerror_code)s
        (call $write (i32.const 2) (i32.const 2300) (i32.const 1))
        (call $proc_exit (local.get $errno))))
    (call $write (i32.const 1) (i32.const 2048) (i32.const 2))))
"""

# wasi-libc's strerror for the errnos a refused path_open returns.
STRERROR = {
    2: "Permission denied",
    8: "Bad file descriptor",
    44: "No such file or directory",
    63: "Operation not permitted",
    69: "Read-only file system",
    76: "Capabilities insufficient",
}


# Writes the same 64 KiB to stdout 16384 times: 1 GiB.
FLOOD = """
(module
  %(prelude)s
  (func (export "_start") (local $i i32)
    (loop $l
      (call $write (i32.const 1) (i32.const 0) (i32.const 65536))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 16384))))))
"""

MISSING_IMPORT = """
(module (import "env" "foo" (func $foo)) (memory (export "memory") 1) (func (export "_start") (call $foo)))
"""

NOT_JSON = """
(module
  %(prelude)s
  (data (i32.const 1024) "not json")
  (func (export "_start") (call $write (i32.const 1) (i32.const 1024) (i32.const 8))))
"""

FAIL = """
(module
  %(prelude)s
  (data (i32.const 1024) "boom: config.url is required\\n")
  (func (export "_start")
    (call $write (i32.const 2) (i32.const 1024) (i32.const 29))
    (call $proc_exit (i32.const 3))))
"""

O_CREAT = 1
RIGHT_FD_READ = 1 << 1
RIGHT_FD_WRITE = 1 << 6


def wasm(template: str, **values: object) -> bytes:
    return bytes(wasmtime.wat2wasm(template % {"prelude": PRELUDE, **values}))


def open_module(path: str, *, write: bool, shown: str | None = None) -> bytes:
    """`path` is relative to fd 3; `shown` is the path as the program named it (what libc would print)."""
    shown = shown or path
    data, code = [], []
    for i, (errno, text) in enumerate(STRERROR.items()):
        at = 3000 + 100 * i
        data.append(f'(data (i32.const {at}) "{text}")')
        code.append(
            f"(if (i32.eq (local.get $errno) (i32.const {errno}))"
            f" (then (call $write (i32.const 2) (i32.const {at}) (i32.const {len(text)}))))"
        )
    return wasm(
        OPEN,
        path=path,
        length=len(path),
        shown=shown,
        shown_length=len(shown),
        oflags=O_CREAT if write else 0,
        rights=RIGHT_FD_WRITE if write else RIGHT_FD_READ,
        strerror_data="\n  ".join(data),
        strerror_code="\n        ".join(code),
    )


def save(folder: Path, name: str, data: bytes) -> Path:
    path = folder / f"{name}.wasm"
    path.write_bytes(data)
    return path
