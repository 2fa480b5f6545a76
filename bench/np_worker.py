"""Helper process of benchlib.NumpyWorker: NumPy sorts timed under other dispatch settings.

Reads one JSON object per line on stdin, answers one per line on stdout:
  {"cmd": "hello"}                         -> {"numpy": version, "simd": dispatch targets}
  {"cmd": "setup", "op": "sort"|"argsort", "src": path, "out": path, "shape": [r, n],
   "dtype": name}                          -> {}
  {"cmd": "run"}                           -> {"ns": time of the sort alone}
  {"cmd": "quit"}
The input is copied into a private buffer before each timed call (not timed); the first
call after a setup writes its output to `out` for the parent to check.
"""
import gc
import json
import sys
import time

import numpy as np

import benchlib as bl


def dtype_of(name):
    if name == "bfloat16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def main():
    gc.disable()
    state = {}
    for line in sys.stdin:
        msg = json.loads(line)
        cmd = msg["cmd"]
        try:
            if cmd == "hello":
                reply = {"numpy": np.__version__, "simd": bl.numpy_simd()}
            elif cmd == "setup":
                state.clear()
                shape = tuple(msg["shape"])
                dtype = dtype_of(msg["dtype"])
                src = np.array(np.memmap(msg["src"], dtype=dtype, mode="r", shape=shape))
                out_dtype = np.int64 if msg["op"] == "argsort" else dtype
                out = np.memmap(msg["out"], dtype=out_dtype, mode="r+", shape=shape)
                state.update(op=msg["op"], src=src, work=np.empty_like(src), out=out,
                             first=True)
                reply = {}
            elif cmd == "run":
                work = state["work"]
                np.copyto(work, state["src"])
                if state["op"] == "sort":
                    t0 = time.perf_counter_ns()
                    work.sort(axis=-1)
                    t1 = time.perf_counter_ns()
                    result = work
                else:
                    t0 = time.perf_counter_ns()
                    result = np.argsort(work, axis=-1, kind="stable")
                    t1 = time.perf_counter_ns()
                if state["first"]:
                    np.copyto(state["out"], result)
                    state["out"].flush()
                    state["first"] = False
                del result
                reply = {"ns": t1 - t0}
            elif cmd == "quit":
                break
            else:
                reply = {"error": f"unknown command {cmd!r}"}
        except Exception as e:  # reported to the parent, which raises
            reply = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
