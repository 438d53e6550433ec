#!/usr/bin/python3
"""Writes data/timeseries/co2_monthly.csv, the monthly Mauna Loa CO2 series of the forecasting example.

Source: Debian's python3-statsmodels package (statsmodels 0.13.5), file statsmodels/datasets/co2/co2.csv: weekly
CO2 concentrations (ppmv) at Mauna Loa, March 1958 - December 2001 (Keeling and Whorf, SIO/CDIAC; public domain,
see data/timeseries/README.md). Each calendar month's value is the mean of its weekly readings; the few months with
no reading at all are linearly interpolated between their neighbours (flagged in the 'interpolated' column).

Usage: /usr/bin/python3 tools/make_co2_sample.py [CO2_CSV] [OUT_CSV]
"""
import csv
import os
import sys

SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/statsmodels/datasets/co2/co2.csv"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "data", "timeseries", "co2_monthly.csv")


def main():
    sums = {}
    with open(SOURCE, newline="") as f:
        for row in csv.DictReader(f):
            month = (int(row["date"][:4]), int(row["date"][4:6]))
            s = sums.setdefault(month, [0.0, 0])
            if row["co2"].strip():
                s[0] += float(row["co2"])
                s[1] += 1
    first, last = min(sums), max(sums)
    months = []
    y, m = first
    while (y, m) <= last:
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    values = [sums[k][0] / sums[k][1] if k in sums and sums[k][1] else None for k in months]
    filled = list(values)
    for i, v in enumerate(values):
        if v is None:
            lo = max(j for j in range(i) if values[j] is not None)
            hi = min(j for j in range(i + 1, len(values)) if values[j] is not None)
            filled[i] = values[lo] + (values[hi] - values[lo]) * (i - lo) / (hi - lo)
    tmp = OUT + ".tmp"
    with open(tmp, "w", newline="\n") as f:
        f.write("month,co2_ppmv,interpolated\n")
        for (y, m), v, orig in zip(months, filled, values):
            f.write(f"{y:04d}-{m:02d},{v:.3f},{0 if orig is not None else 1}\n")
    os.replace(tmp, OUT)
    print(f"{len(months)} months {months[0]} - {months[-1]}, {sum(v is None for v in values)} interpolated")


if __name__ == "__main__":
    main()
