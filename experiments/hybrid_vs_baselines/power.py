"""Power statement from a scorer report: per clean cell, paired per-query mAP differences base vs checkpoint."""
import json, sys, math
from statistics import stdev, mean
from scipy.stats import norm
r = json.load(open(sys.argv[1])); z = norm.ppf(0.975) + norm.ppf(0.8)
clean = [x for x in r["runs"] if x["attack"] is None]
models = sorted({x["model"] for x in clean})
by = {}
for x in clean:
    by.setdefault((x["setting"], x["query_lang"], x["corpus_lang"]), {})[x["model"]] = x["scores"]
out = {"z_sum": z, "cells": []}
for cell, d in sorted(by.items()):
    if len(d) < 2: continue
    a, b = (d[m]["map"] if isinstance(d[m], dict) and "map" in d[m] else None for m in models[:2])
    if a is None: continue
    qs = sorted(set(a) & set(b)); diff = [b[q] - a[q] for q in qs]
    sd = stdev(diff); n = len(qs)
    out["cells"].append({"cell": cell, "n": n, "mean_map": {models[0]: mean(a[q] for q in qs), models[1]: mean(b[q] for q in qs)},
                         "diff": mean(diff), "sd_diff": sd, "mde_80": z * sd / math.sqrt(n)})
print(json.dumps(out, indent=1))
