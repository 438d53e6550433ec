#!/usr/bin/python3
"""Writes the PNG fixtures of Imaging/PngDecoderTests.cs into tests/Strata.Tests/fixtures/png/, built by hand
with zlib and struct (independently of Strata's encoder), plus expected.json with each image's decoded pixels.

Every valid fixture is also decoded with PIL as a check on the fixture itself (PIL is not needed by the tests).
Run with /usr/bin/python3. The C# tests only read the files; they never run Python.

  gray8            7x5 grayscale, rows use filters 0,1,2,3,4 (all five), IDAT split in two chunks
  gray_alpha       5x4 gray + alpha, filters 4,3,2,1
  rgb              6x5 RGB, filters 1,4,0,3,2, a tEXt chunk (ancillary, skipped), IDAT split in three chunks
  rgba             5x5 RGBA, filters 3,4,1,2,0
  palette          6x4 8-bit palette of 5 colours, no transparency -> decodes to RGB
  palette_trns     5x3 8-bit palette whose tRNS gives alpha to the first 3 entries -> decodes to RGBA
  palette_4bit     5x3 4-bit palette (odd width: the last byte of each row is half used), filters 2,4,1
  gray_1bit        11x3 1-bit grayscale (values 0/255), filters 0,2,4
Unsupported but valid, and broken, files (the tests check the error message):
  gray16           4x2 16-bit grayscale
  interlaced       4x4 Adam7-interlaced grayscale
  short_idat       4x4 RGB whose (correctly check-summed) zlib stream holds only 2 of the 4 rows
  bad_filter       3x2 grayscale whose second row uses filter type 7
"""
import json
import os
import struct
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "fixtures", "png")
rng = np.random.default_rng(20261125)


def chunk(kind, data):
    body = kind.encode("ascii") + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_row(kind, row, prev, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out[i] = (row[i] - pred) & 0xFF
    return bytes([kind]) + bytes(out)


def png(width, height, depth, color, rows, filters, bpp, extra=b"", before_idat=b"", idat_parts=1, interlace=0, raw_override=None):
    raw = b""
    prev = bytes(len(rows[0]))
    for y, row in enumerate(rows):
        raw += filter_row(filters[y % len(filters)], row, prev, bpp)
        prev = row
    comp = zlib.compress(raw_override if raw_override is not None else raw, 9)
    cut = [len(comp) * k // idat_parts for k in range(idat_parts + 1)]
    idats = b"".join(chunk("IDAT", comp[cut[k]:cut[k + 1]]) for k in range(idat_parts))
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, interlace)
    return b"\x89PNG\r\n\x1a\n" + chunk("IHDR", ihdr) + before_idat + extra + idats + chunk("IEND", b"")


def pixels(h, w, c):
    return rng.integers(0, 256, size=(h, w, c), dtype=np.uint8)


def rows_of(a):
    return [a[y].tobytes() for y in range(a.shape[0])]


expected = {}
files = {}


def add(name, data, pix=None, fmt=None):
    files[name] = data
    if pix is not None:
        expected[name] = {"width": int(pix.shape[1]), "height": int(pix.shape[0]), "format": fmt,
                          "pixels": [int(v) for v in pix.reshape(-1)]}


# Smooth gradients plus noise, so that every filter has something to predict.
g = (np.add.outer(np.arange(5) * 30, np.arange(7) * 11) + rng.integers(0, 9, size=(5, 7))).astype(np.uint8)[..., None]
add("gray8", png(7, 5, 8, 0, rows_of(g), [0, 1, 2, 3, 4], 1, idat_parts=2), g, "Gray8")
ga = pixels(4, 5, 2)
add("gray_alpha", png(5, 4, 8, 4, rows_of(ga), [4, 3, 2, 1], 2), ga, "GrayAlpha16")
rgb = pixels(5, 6, 3)
text = chunk("tEXt", b"Comment\x00fixture for Strata")
add("rgb", png(6, 5, 8, 2, rows_of(rgb), [1, 4, 0, 3, 2], 3, extra=text, idat_parts=3), rgb, "Rgb24")
rgba = pixels(5, 5, 4)
add("rgba", png(5, 5, 8, 6, rows_of(rgba), [3, 4, 1, 2, 0], 4), rgba, "Rgba32")

pal = pixels(1, 5, 3)[0]
idx = rng.integers(0, 5, size=(4, 6), dtype=np.uint8)
add("palette", png(6, 4, 8, 3, [r.tobytes() for r in idx], [0, 1, 2, 4], 1, before_idat=chunk("PLTE", pal.tobytes())),
    pal[idx], "Rgb24")

alpha = np.array([0, 128, 200], dtype=np.uint8)
idx2 = rng.integers(0, 5, size=(3, 5), dtype=np.uint8)
full_alpha = np.concatenate([alpha, np.full(2, 255, np.uint8)])
rgba_p = np.concatenate([pal[idx2], full_alpha[idx2][..., None]], axis=2)
add("palette_trns", png(5, 3, 8, 3, [r.tobytes() for r in idx2], [1, 3, 4], 1,
                        before_idat=chunk("PLTE", pal.tobytes()) + chunk("tRNS", alpha.tobytes())), rgba_p, "Rgba32")

idx4 = rng.integers(0, 5, size=(3, 5), dtype=np.uint8)


def pack(row, depth):
    bits = "".join(format(int(v), "0%db" % depth) for v in row)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


add("palette_4bit", png(5, 3, 4, 3, [pack(r, 4) for r in idx4], [2, 4, 1], 1, before_idat=chunk("PLTE", pal.tobytes())),
    pal[idx4], "Rgb24")
bits = rng.integers(0, 2, size=(3, 11), dtype=np.uint8)
add("gray_1bit", png(11, 3, 1, 0, [pack(r, 1) for r in bits], [0, 2, 4], 1), (bits * 255)[..., None], "Gray8")

add("gray16", png(4, 2, 16, 0, [bytes(8), bytes(8)], [0], 2))
add("interlaced", png(4, 4, 8, 0, [bytes(4)] * 4, [0], 1, interlace=1))
short = b"".join(b"\x00" + bytes(12) for _ in range(2))
add("short_idat", png(4, 4, 8, 2, [bytes(12)] * 4, [0], 3, raw_override=short))
add("bad_filter", png(3, 2, 8, 0, [bytes(3)] * 2, [0], 1, raw_override=b"\x00abc\x07def"))

os.makedirs(OUT, exist_ok=True)
for name, data in files.items():
    path = os.path.join(OUT, name + ".png")
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)
with open(os.path.join(OUT, "expected.json.tmp"), "w") as f:
    json.dump(expected, f)
os.replace(os.path.join(OUT, "expected.json.tmp"), os.path.join(OUT, "expected.json"))

# Check the fixtures themselves against an independent decoder.
from PIL import Image  # noqa: E402

for name, e in expected.items():
    im = Image.open(os.path.join(OUT, name + ".png"))
    mode = {"Gray8": "L", "GrayAlpha16": "LA", "Rgb24": "RGB", "Rgba32": "RGBA"}[e["format"]]
    got = np.asarray(im.convert(mode)).reshape(-1).tolist()
    assert got == e["pixels"], name
print("wrote", len(files), "fixtures to", OUT, "(PIL agrees on", len(expected), ")")
