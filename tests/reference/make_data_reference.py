#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/data_reference.json for the Data tests (DataReferenceTests.cs).

Run with /usr/bin/python3 (torch 1.13, numpy, scikit-learn 1.2). The C# tests only read the JSON.

Cases:
  rotation      images rotated as torchvision's F.rotate does on tensors with bilinear interpolation: the output
                pixel grid, centred on the image, is mapped through the inverse rotation and sampled with
                grid_sample(mode="bilinear", padding_mode="zeros", align_corners=False). (torchvision itself also
                multiplies by a resampled validity mask when a fill value is given; Strata's RandomRotation is
                the plain zero-padded sampling, which is what is computed here.)
  tabular       a small CSV with missing values, fitted on the training rows and applied to held-out rows with
                scikit-learn: SimpleImputer(mean) + StandardScaler for numeric columns, SimpleImputer(most_frequent)
                + OneHotEncoder(handle_unknown="ignore") for categorical ones, in column order.
  fashion       facts about the bundled data/fashion-mnist sample: counts, per-class counts, first labels, and
                the mean pixel value (in [0, 1]) of each split.
"""
import gzip
import io
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "data_reference.json")


def flat(a, digits=9):
    return [float("%.*g" % (digits, v)) for v in np.asarray(a, dtype=np.float64).reshape(-1).tolist()]


def rotate(img, degrees):
    """torchvision.transforms.functional_tensor.rotate without the fill mask, in float64."""
    c, h, w = img.shape
    angle = -degrees  # F.rotate passes -angle to _get_inverse_affine_matrix
    rot = math.radians(angle)
    a, b, cc, d = math.cos(rot), -math.sin(rot), math.sin(rot), math.cos(rot)
    matrix = [d, -b, 0.0, -cc, a, 0.0]
    theta = torch.tensor(matrix, dtype=torch.float64).reshape(1, 2, 3)
    base = torch.empty(1, h, w, 3, dtype=torch.float64)
    base[..., 0].copy_(torch.linspace(-w * 0.5 + 0.5, w * 0.5 - 0.5, steps=w, dtype=torch.float64))
    base[..., 1].copy_(torch.linspace(-h * 0.5 + 0.5, h * 0.5 - 0.5, steps=h, dtype=torch.float64).unsqueeze(-1))
    base[..., 2].fill_(1)
    rescaled = theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h], dtype=torch.float64)
    grid = base.view(1, h * w, 3).bmm(rescaled).view(1, h, w, 2)
    out = F.grid_sample(torch.from_numpy(img).unsqueeze(0), grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    return out[0].numpy()


def rotation_cases(rng):
    cases = []
    for shape, degrees in (((2, 5, 7), 30.0), ((1, 6, 6), -17.5), ((1, 4, 4), 90.0), ((3, 3, 8), 5.0)):
        img = rng.random(shape).astype(np.float32)
        cases.append({"shape": list(shape), "degrees": degrees, "input": flat(img),
                      "output": flat(rotate(img.astype(np.float64), degrees), 8)})
    # Self-check of the convention: +90 degrees is torch.rot90 (counter-clockwise) on a square image.
    sq = rng.random((1, 4, 4))
    assert np.allclose(rotate(sq, 90.0), torch.rot90(torch.from_numpy(sq), 1, [1, 2]).numpy(), atol=1e-12)
    return cases


CSV = """id,age,colour,"size, cm",label
1,23,red,10.5,cat
2,,blue,12,dog
3,31,"red",?,cat
4,45,green,9.25,bird
5,NA,blue,11,dog
6,52,,14.5,cat
7,38,red,8,bird
8,29,blue,13.75,dog
9,61,purple,10,cat
10,33,green,,dog
"""
TRAIN_ROWS = [0, 1, 2, 3, 4, 5, 6, 7]
TEST_ROWS = [8, 9]


def tabular_case():
    import csv
    rows = list(csv.reader(io.StringIO(CSV)))
    header, body = rows[0], rows[1:]
    missing = {"", "NA", "?"}

    def column(rs, name, numeric):
        i = header.index(name)
        vals = [r[i].strip() for r in rs]
        if numeric:
            return [float(v) if v not in missing else np.nan for v in vals]
        return [v if v not in missing else None for v in vals]

    def frame(rs):
        return np.array([[a, c, s] for a, c, s in zip(column(rs, "age", True), column(rs, "colour", False), column(rs, "size, cm", True))], dtype=object)

    ct = ColumnTransformer([
        ("age", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), [0]),
        ("colour", make_pipeline(SimpleImputer(strategy="most_frequent", missing_values=None), OneHotEncoder(handle_unknown="ignore", sparse_output=False)), [1]),
        ("size", make_pipeline(SimpleImputer(strategy="mean"), StandardScaler()), [2]),
    ])
    train = [body[i] for i in TRAIN_ROWS]
    test = [body[i] for i in TEST_ROWS]
    xtr = ct.fit_transform(frame(train)).astype(np.float64)
    xte = ct.transform(frame(test)).astype(np.float64)
    classes = sorted({r[header.index("label")] for r in train})
    return {"csv": CSV, "train_rows": TRAIN_ROWS, "test_rows": TEST_ROWS,
            "feature_names": ["age"] + [f"colour={c}" for c in ct.named_transformers_["colour"][-1].categories_[0]] + ["size, cm"],
            "classes": classes,
            "train_x": flat(xtr, 8), "test_x": flat(xte, 8),
            "train_y": [classes.index(r[header.index("label")]) for r in train],
            "test_y": [classes.index(r[header.index("label")]) for r in test]}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_case():
    d = os.path.join(ROOT, "data", "fashion-mnist")
    out = {}
    for split in ("train", "t10k"):
        x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte.gz"))
        y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte.gz"))
        out[split] = {"count": int(len(y)), "class_counts": np.bincount(y, minlength=10).tolist(),
                      "first_labels": y[:20].tolist(), "mean_pixel": float("%.12g" % (x.astype(np.float64) / 255.0).mean()),
                      "first_image_sum": float("%.12g" % (x[0].astype(np.float64) / 255.0).sum())}
    return out


def main():
    rng = np.random.default_rng(20261123)
    doc = {"rotation": rotation_cases(rng), "tabular": tabular_case(), "fashion": fashion_case()}
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
