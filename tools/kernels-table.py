#!/usr/bin/env python3
# Turns the output of `unclip4j bench kernels` (gpu-check's kernels.txt) into the Markdown table rows of
# docs/KERNELS.md: family, site and shape, variant, median ms, throughput, % peak, % library, check.
#   python3 tools/kernels-table.py bench/results/<run>/kernels.txt > rows.md
import re
import sys

rows, family, site, unit = [], None, None, None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    m = re.match(r"^(\w+)  (.*?)  (NVIDIA .*)$", line)
    if m and not line.startswith("variant"):
        family, site = m.group(1), re.sub(r"\s{2,}", ", ", m.group(2))
        continue
    if line.startswith("variant"):
        unit = "GFLOP/s" if "GFLOP/s" in line else "GB/s"
        continue
    m = re.match(r"^(\S+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)\s+(\S+)\s+(\S+)\s+(ok|FAIL)\s*(.*)$", line)
    if m and family:
        variant, median, _, _, through, peak, lib, ok, rest = m.groups()
        check = (ok + " " + rest.replace("max |err|", "max abs err")).strip()
        rows.append(f"| {family} | {site} | {variant} | {median} | {through} {unit} | {peak} | {lib} | {check} |")
    elif line and family and re.match(r"^\S+\s+(unavailable|FAIL)", line):
        variant, why = line.split(None, 1)
        rows.append(f"| {family} | {site} | {variant} | | | | | {why} |")
print("| family | site, shape | variant | median ms | throughput | % peak | % library | check |")
print("|---|---|---|---:|---:|---:|---:|---|")
print("\n".join(rows))
