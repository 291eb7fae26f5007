#!/usr/bin/env python3
"""Resolves git conflict blocks by keeping both sides (ours, then theirs): for files where two
branches appended at the same place (feature registrations, doc sections). Review the result."""
import sys
for path in sys.argv[1:]:
    out, side = [], None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("<<<<<<< "): side = "ours"; continue
        if line.startswith("=======") and side == "ours": side = "theirs"; continue
        if line.startswith(">>>>>>> ") and side == "theirs": side = None; continue
        out.append(line)
    open(path, "w", encoding="utf-8").write("\n".join(out))
