#!/usr/bin/python3
"""Writes the fortune-cookie text bundled in data/text/ (character language model and text classifier examples).

Source: Debian's `fortunes` package (fortune-mod 1.99.1, /usr/share/games/fortunes/), BSD licence (see
data/text/LICENSE.md). Six category files are copied whole: computers, science, politics, love, food, sports.
Each fortune is cleaned of terminal overstriking (char + backspace, used for bold/underline), tabs are expanded to
spaces, trailing blanks are cut, and non-ASCII and control characters (bells, stray backspaces) are dropped; fortunes that end up empty are skipped. The
output keeps the fortune format (entries separated by lines holding a single '%') and the original order, written
atomically with '\n' line ends, so reruns give identical bytes.

Usage: /usr/bin/python3 tools/make_text_sample.py [SOURCE_DIR] [OUT_DIR]
"""
import os
import re
import sys

CATEGORIES = ["computers", "science", "politics", "love", "food", "sports"]
SOURCE = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/games/fortunes"
OUT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "data", "text", "fortunes")


def clean(entry):
    entry = re.sub(r".\x08", "", entry)  # overstriking: "_\bX" or "X\bX" prints X
    entry = entry.encode("ascii", "ignore").decode("ascii")
    entry = entry.expandtabs(8)
    entry = re.sub(r"[^\n\x20-\x7e]", "", entry)  # other control characters (bells, stray backspaces)
    lines = [line.rstrip() for line in entry.split("\n")]
    text = "\n".join(lines).strip("\n")
    return text if text.strip() else None


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in CATEGORIES:
        with open(os.path.join(SOURCE, name), encoding="latin-1") as f:
            raw = f.read()
        entries = [clean(e) for e in re.split(r"^%$", raw, flags=re.M)]
        entries = [e for e in entries if e]
        path = os.path.join(OUT, name + ".txt")
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="ascii", newline="\n") as f:
            f.write("\n%\n".join(entries) + "\n")
        os.replace(tmp, path)
        print(f"{name}: {len(entries)} fortunes, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
