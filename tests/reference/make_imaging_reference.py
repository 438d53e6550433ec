#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/imaging_reference.json: PIL's grayscale conversion and bilinear resizes
of a small random RGB image, for Imaging/ImageTests.cs.

Run with /usr/bin/python3 (numpy, PIL). The C# tests only read the JSON; they never run Python.
PIL rounds its horizontal pass to 8 bits before the vertical one while Strata keeps doubles until the end, so
the resizes agree to within 1 grey level; the grayscale conversion agrees exactly.
"""
import json
import os

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "imaging_reference.json")
rng = np.random.default_rng(20261126)

h, w = 10, 13
# A smooth pattern with a sharp edge and some noise: exercises both interpolation and the shrink filter.
yy, xx = np.mgrid[0:h, 0:w]
base = np.stack([xx * 19, yy * 25, (xx + yy) * 9], axis=2) + rng.integers(0, 30, size=(h, w, 3))
base[:, 6:, 0] = 255 - base[:, 6:, 0]
src = np.clip(base, 0, 255).astype(np.uint8)
im = Image.fromarray(src, "RGB")
out = {"width": w, "height": h, "pixels": src.reshape(-1).tolist(),
       "gray": np.asarray(im.convert("L")).reshape(-1).tolist(), "resized": []}
for (tw, th) in [(5, 4), (29, 17), (13, 3), (4, 10)]:
    r = np.asarray(im.resize((tw, th), Image.BILINEAR))
    out["resized"].append({"width": tw, "height": th, "pixels": r.reshape(-1).tolist()})
with open(OUT + ".tmp", "w") as f:
    json.dump(out, f)
os.replace(OUT + ".tmp", OUT)
print("wrote", OUT)
