"""Builds scan_kernel.c with gcc into a cache folder (once per source version) and loads it."""
import ctypes
import hashlib
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "scan_kernel.c")
CACHE = os.environ.get("JAMBA_TRAIN_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "jamba-train"))
THREADS = [1]   # OpenMP threads for the scan; train.py sets it from --threads
_lib = None


def kernel():
    global _lib
    if _lib is None:
        src = open(SOURCE, "rb").read()
        flags = ["-O3", "-march=native", "-ffast-math", "-fopenmp", "-shared", "-fPIC"]
        tag = hashlib.sha256(src + " ".join(flags).encode()).hexdigest()[:16]
        so = os.path.join(CACHE, f"scan_kernel_{tag}.so")
        if not os.path.exists(so):
            os.makedirs(CACHE, exist_ok=True)
            tmp = so + f".{os.getpid()}.tmp"
            subprocess.run([os.environ.get("CC", "gcc"), *flags, SOURCE, "-o", tmp, "-lm"], check=True)
            os.replace(tmp, so)
        lib = ctypes.CDLL(so)
        i, p = ctypes.c_int, ctypes.c_void_p
        lib.scan_forward.argtypes = [i, i, i, i, p, p, p, p, p, p, i]
        lib.scan_backward.argtypes = [i, i, i, i, p, p, p, p, p, p, p, p, p, p, p, i]
        _lib = lib
    return _lib


def ptr(t):
    assert t.is_contiguous() and t.dtype.is_floating_point
    return ctypes.c_void_p(t.data_ptr())
