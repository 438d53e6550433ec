#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/metrics_reference.json: scikit-learn values of the classification,
ranking and regression metrics on small random data sets, for Metrics/SklearnReferenceTests.cs.

Run with /usr/bin/python3 (numpy, scikit-learn 1.2: `apt-get install -y python3-sklearn`). The C# tests only read
the JSON; they never run Python.

Data sets:
  multiclass  N=60, C=4 softmax scores (continuous, no ties) and integer labels (class 3 rare)
  binary      N=50 probabilities rounded to one decimal (many tied scores) and 0/1 labels
  regression  N=40, K=3 outputs

Values are stored with 17 significant digits (repr), so the tests can hold them to 1e-12.
roc_curve: scikit-learn 1.2 starts the thresholds at max score + 1; Strata (like scikit-learn >= 1.3) uses +inf,
so only thresholds[1:] are stored.
"""
import json
import os

import numpy as np
from sklearn import metrics as M
from sklearn.preprocessing import label_binarize

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "metrics_reference.json")
rng = np.random.default_rng(20261124)


def fl(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).reshape(-1)]


def ints(a):
    return [int(v) for v in np.asarray(a).reshape(-1)]


# ---- multiclass
N, C = 60, 4
logits = rng.normal(size=(N, C)) * 1.5
scores = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
y = rng.choice(C, size=N, p=[0.35, 0.3, 0.25, 0.1])
# Make the scores informative so the metrics are not all near chance.
scores[np.arange(N), y] += rng.uniform(0, 0.5, size=N)
scores = scores / scores.sum(axis=1, keepdims=True)
pred = scores.argmax(axis=1)
labels = list(range(C))
names = ["cat", "dog", "bird", "hedgehog"]
multi = {
    "n": N, "c": C, "scores": fl(scores), "labels": ints(y), "pred": ints(pred), "names": names,
    "accuracy": M.accuracy_score(y, pred),
    "top2": M.top_k_accuracy_score(y, scores, k=2, labels=labels),
    "confusion": ints(M.confusion_matrix(y, pred, labels=labels)),
    "roc_auc_ovr_macro": M.roc_auc_score(y, scores, multi_class="ovr", average="macro", labels=labels),
    "average_precision_macro": M.average_precision_score(label_binarize(y, classes=labels), scores, average="macro"),
    "report_names": M.classification_report(y, pred, labels=labels, target_names=names, zero_division=0),
    "report_digits3": M.classification_report(y, pred, zero_division=0, digits=3),
}
for avg in ["macro", "micro", "weighted", None]:
    key = avg or "none"
    multi["precision_" + key] = fl(M.precision_score(y, pred, labels=labels, average=avg, zero_division=0))
    multi["recall_" + key] = fl(M.recall_score(y, pred, labels=labels, average=avg, zero_division=0))
    multi["f1_" + key] = fl(M.f1_score(y, pred, labels=labels, average=avg, zero_division=0))

# ---- binary, with tied scores
NB = 50
yb = rng.integers(0, 2, size=NB)
pb = np.clip(np.round(0.35 * yb + rng.uniform(0, 0.65, size=NB), 1), 0, 1)
predb = (pb > 0.5).astype(int)
fpr, tpr, thr = M.roc_curve(yb, pb, drop_intermediate=False)
fpr_d, tpr_d, thr_d = M.roc_curve(yb, pb, drop_intermediate=True)
prec, rec, pthr = M.precision_recall_curve(yb, pb)
binary = {
    "scores": fl(pb), "labels": ints(yb),
    "accuracy": M.accuracy_score(yb, predb),
    "precision": M.precision_score(yb, predb), "recall": M.recall_score(yb, predb), "f1": M.f1_score(yb, predb),
    "roc_auc": M.roc_auc_score(yb, pb),
    "roc_fpr": fl(fpr), "roc_tpr": fl(tpr), "roc_thresholds_tail": fl(thr[1:]),
    "roc_drop_fpr": fl(fpr_d), "roc_drop_tpr": fl(tpr_d), "roc_drop_thresholds_tail": fl(thr_d[1:]),
    "pr_precision": fl(prec), "pr_recall": fl(rec), "pr_thresholds": fl(pthr),
    "average_precision": M.average_precision_score(yb, pb),
}

# ---- regression
NR, K = 40, 3
yt = rng.normal(size=(NR, K)) * np.array([1.0, 3.0, 0.5]) + np.array([0.0, 10.0, -2.0])
yp = yt + rng.normal(size=(NR, K)) * np.array([0.3, 2.0, 0.6])
regression = {
    "n": NR, "k": K, "y_true": fl(yt), "y_pred": fl(yp),
    "mse": M.mean_squared_error(yt, yp), "mae": M.mean_absolute_error(yt, yp),
    "r2": M.r2_score(yt, yp), "r2_first_output": M.r2_score(yt[:, 0], yp[:, 0]),
}

with open(OUT + ".tmp", "w") as f:
    json.dump({"multiclass": multi, "binary": binary, "regression": regression}, f, indent=1)
os.replace(OUT + ".tmp", OUT)
print("wrote", OUT)
