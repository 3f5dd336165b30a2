"""The built-in metric families, each one ir_measures measure (computed by pytrec_eval).

Registration order is the order the error for an unknown metric lists them in.
"""
from __future__ import annotations

from robustir.benchmark.metrics import MetricFamily, register_family

for _family in (
    MetricFamily("ndcg", "nDCG", examples=("ndcg@10",)),
    MetricFamily("map", "AP", aliases=("ap",), examples=("map",)),
    MetricFamily("recall", "R", needs_cutoff=True, aliases=("r",), examples=("recall@1", "recall@10", "recall@100")),
    MetricFamily("mrr", "RR", aliases=("rr", "recip_rank"), examples=("mrr@10",)),
    MetricFamily("p", "P", needs_cutoff=True, aliases=("precision",), examples=("p@10",)),
):
    register_family(_family)
