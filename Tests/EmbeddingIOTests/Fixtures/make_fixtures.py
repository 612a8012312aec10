#!/usr/bin/env python3
"""Regenerates the small .npy / .safetensors fixtures of EmbeddingIOTests.

Run from this directory: python3 make_fixtures.py  (needs numpy; safetensors optional).
Every matrix is the same 3 x 4 array so the Swift tests can check one formula:
    a[i, j] = (i * 4 + j) / 8 - 0.75   (exact in float16, float32 and float64)
"""
import numpy as np

a = (np.arange(12, dtype=np.float64).reshape(3, 4) / 8.0) - 0.75


def write(name, array, version=None):
    with open(name, "wb") as f:
        if version is None:
            np.save(f, array)
        else:
            np.lib.format.write_array(f, array, version=version)


write("f4_v1.npy", a.astype("<f4"))
write("f2_v1.npy", a.astype("<f2"))
write("f8_v1.npy", a.astype("<f8"))
write("f4_v2.npy", a.astype("<f4"), version=(2, 0))
write("f4_v3.npy", a.astype("<f4"), version=(3, 0))
write("f8_v2.npy", a.astype("<f8"), version=(2, 0))
write("f4_fortran.npy", np.asfortranarray(a.astype("<f4")))
write("f4_vector.npy", a[0].astype("<f4"))          # shape (4,): -0.75 -0.625 -0.5 -0.375
write("f4_big_endian.npy", a.astype(">f4"))          # refused: big-endian
write("i4.npy", np.arange(12, dtype="<i4").reshape(3, 4))  # refused: integer dtype
write("b1.npy", np.ones((2, 2), dtype="|b1"))        # refused: bool dtype
write("f4_3d.npy", np.zeros((2, 2, 2), dtype="<f4"))  # refused where a matrix is needed

try:
    from safetensors.numpy import save_file
    save_file({"weight": a.astype("<f4"), "bias": a[0].astype("<f8"), "half": a[1].astype("<f2")},
              "python.safetensors", metadata={"source": "make_fixtures.py", "model": "test"})
except ImportError:
    print("safetensors not installed: python.safetensors not regenerated")
