#!/usr/bin/python3
"""Writes the class-balanced Fashion-MNIST sample bundled in data/fashion-mnist/.

Source: Debian's dataset-fashion-mnist package (/usr/share/datasets/fashion-mnist/). The sample keeps
1,000 training images per class from the official training set and 200 test images per class from the
official test set, chosen with a fixed seed and kept in their original order. Output uses the official
IDX gz format and file names, written with a fixed gzip mtime so reruns give identical bytes.

Usage: /usr/bin/python3 tools/make_fashion_sample.py [SOURCE_DIR] [OUT_DIR]
"""
import gzip
import os
import struct
import sys

import numpy as np

SEED = 20240601
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "data", "fashion-mnist")


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype_code == 0x08, f"{path}: expected an unsigned-byte IDX file"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as f:
            f.write(header + array.astype(np.uint8).tobytes())
    os.replace(tmp, path)


def balanced(labels, per_class, rng):
    chosen = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in range(10)]
    return np.sort(np.concatenate(chosen))


def main():
    rng = np.random.default_rng(SEED)
    os.makedirs(OUT, exist_ok=True)
    for split, per_class in (("train", 1000), ("t10k", 200)):
        images = read_idx(os.path.join(SOURCE, f"{split}-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(SOURCE, f"{split}-labels-idx1-ubyte.gz"))
        keep = balanced(labels, per_class, rng)
        write_idx(os.path.join(OUT, f"{split}-images-idx3-ubyte.gz"), images[keep])
        write_idx(os.path.join(OUT, f"{split}-labels-idx1-ubyte.gz"), labels[keep])
        print(f"{split}: {len(keep)} images, counts per class {np.bincount(labels[keep]).tolist()}")


if __name__ == "__main__":
    main()
