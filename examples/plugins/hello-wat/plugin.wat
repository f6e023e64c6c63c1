;; examples/hello-wat: a step plugin written by hand in WebAssembly text, turned into a WASI command module by
;; `arcade plugin build` (wasmtime's wat2wasm).
;;
;; The protocol: the request JSON {"action", "args", "config", "context"} arrives on stdin, the result
;; (one JSON object) goes to stdout, log lines go to stderr, and exit code 0 means success.
;; This plugin has one action, `hello`: it reads the whole request, logs its size and answers
;; {"message": "hello from examples/hello-wat", "request_bytes": N}.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))

  ;; Memory map: 0-7 an iovec, 8-11 a byte count, 16-47 digits, 64-1023 NUL-terminated texts,
  ;; 4096-69631 the buffer the request is read into (and discarded: a real plugin parses it).
  (memory (export "memory") 2)
  (global $iovec i32 (i32.const 0))
  (global $count i32 (i32.const 8))
  (global $digits i32 (i32.const 16))
  (global $buffer i32 (i32.const 4096))
  (global $buffer_size i32 (i32.const 65536))

  (data (i32.const 64) "read a request of \00")
  (data (i32.const 256) " bytes\0a\00")
  (data (i32.const 320) "{\"message\": \"hello from examples/hello-wat\", \"request_bytes\": \00")
  (data (i32.const 640) "}\0a\00")
  (data (i32.const 768) "cannot read the request from stdin\0a\00")

  ;; The length of the NUL-terminated text at $text.
  (func $strlen (param $text i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $text) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  ;; Write $length bytes at $data to $fd, looping over short writes; exit 1 if writing fails.
  (func $write_bytes (param $fd i32) (param $data i32) (param $length i32)
    (block $done
      (loop $more
        (br_if $done (i32.eqz (local.get $length)))
        (i32.store (global.get $iovec) (local.get $data))
        (i32.store (i32.add (global.get $iovec) (i32.const 4)) (local.get $length))
        (if (call $fd_write (local.get $fd) (global.get $iovec) (i32.const 1) (global.get $count))
          (then (call $proc_exit (i32.const 1))))
        (local.set $data (i32.add (local.get $data) (i32.load (global.get $count))))
        (local.set $length (i32.sub (local.get $length) (i32.load (global.get $count))))
        (br $more))))

  (func $write_text (param $fd i32) (param $text i32)
    (call $write_bytes (local.get $fd) (local.get $text) (call $strlen (local.get $text))))

  ;; Write $value in decimal to $fd.
  (func $write_number (param $fd i32) (param $value i32)
    (local $at i32)
    (local.set $at (i32.add (global.get $digits) (i32.const 32)))
    (loop $digit
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.rem_u (local.get $value) (i32.const 10))))
      (local.set $value (i32.div_u (local.get $value) (i32.const 10)))
      (br_if $digit (local.get $value)))
    (call $write_bytes (local.get $fd) (local.get $at)
      (i32.sub (i32.add (global.get $digits) (i32.const 32)) (local.get $at))))

  ;; Read stdin to its end; returns how many bytes it held.
  (func $read_request (result i32)
    (local $total i32)
    (block $eof
      (loop $more
        (i32.store (global.get $iovec) (global.get $buffer))
        (i32.store (i32.add (global.get $iovec) (i32.const 4)) (global.get $buffer_size))
        (if (call $fd_read (i32.const 0) (global.get $iovec) (i32.const 1) (global.get $count))
          (then
            (call $write_text (i32.const 2) (i32.const 768))
            (call $proc_exit (i32.const 1))))
        (br_if $eof (i32.eqz (i32.load (global.get $count))))
        (local.set $total (i32.add (local.get $total) (i32.load (global.get $count))))
        (br $more)))
    (local.get $total))

  (func (export "_start")
    (local $size i32)
    (local.set $size (call $read_request))
    ;; the log line, on stderr (fd 2)
    (call $write_text (i32.const 2) (i32.const 64))
    (call $write_number (i32.const 2) (local.get $size))
    (call $write_text (i32.const 2) (i32.const 256))
    ;; the result, on stdout (fd 1)
    (call $write_text (i32.const 1) (i32.const 320))
    (call $write_number (i32.const 1) (local.get $size))
    (call $write_text (i32.const 1) (i32.const 640))))
