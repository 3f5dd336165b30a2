"""Metric values against hand computations on a tiny fixture (ir_measures / pytrec_eval)."""
from __future__ import annotations

import math

import pytest

from robustir.benchmark.metrics import evaluate, parse_metric, parse_metrics
from robustir.errors import RobustirError, UnknownNameError
from robustir.types import Qrels, Run

QRELS = Qrels({"q1": {"d1": 1, "d3": 1}, "q2": {"d2": 1}, "q3": {"d9": 1}})
# q1 ranks d1, d2, d3; q2 ranks d5, d4, d2; q3 is missing from the run.
RUN = Run({"q1": {"d1": 3.0, "d2": 2.0, "d3": 1.0}, "q2": {"d5": 3.0, "d4": 2.0, "d2": 1.0}, "qx": {"d1": 1.0}})

# Hand computations:
#   q1: relevant at ranks 1 and 3. AP = (1/1 + 2/3) / 2. DCG@10 = 1/log2(2) + 1/log2(4) = 1.5;
#       IDCG = 1 + 1/log2(3). Recall@1 = 1/2, Recall@10 = 1, RR = 1.
#   q2: relevant at rank 3. AP = 1/3, nDCG@10 = (1/log2(4)) / 1 = 0.5, Recall@1 = 0, RR = 1/3.
#   q3: not retrieved: 0 everywhere.
EXPECTED = {
    "ndcg@10": {"q1": 1.5 / (1 + 1 / math.log2(3)), "q2": 0.5, "q3": 0.0},
    "map": {"q1": (1 + 2 / 3) / 2, "q2": 1 / 3, "q3": 0.0},
    "recall@1": {"q1": 0.5, "q2": 0.0, "q3": 0.0},
    "recall@10": {"q1": 1.0, "q2": 1.0, "q3": 0.0},
    "recall@100": {"q1": 1.0, "q2": 1.0, "q3": 0.0},
    "mrr@10": {"q1": 1.0, "q2": 1 / 3, "q3": 0.0},
}


def test_values_match_hand_computation() -> None:
    got = evaluate(QRELS, RUN, list(EXPECTED))
    assert set(got) == set(EXPECTED)
    for metric, per_query in EXPECTED.items():
        assert set(got[metric]) == {"q1", "q2", "q3"}, metric  # every qrels query, no run-only query
        for qid, value in per_query.items():
            assert got[metric][qid] == pytest.approx(value, abs=1e-9), (metric, qid)


def test_mrr_cutoff_applies() -> None:
    run = Run({"q2": {f"x{i}": 100.0 - i for i in range(10)} | {"d2": 1.0}})  # relevant at rank 11
    got = evaluate(Qrels({"q2": {"d2": 1}}), run, ["mrr@10", "mrr", "map"])
    assert got["mrr@10"]["q2"] == 0.0
    assert got["mrr"]["q2"] == pytest.approx(1 / 11)
    assert got["map"]["q2"] == pytest.approx(1 / 11)


def test_empty_run_scores_zero_for_every_query() -> None:
    got = evaluate(QRELS, Run({}), ["ndcg@10", "map"])
    assert got == {"ndcg@10": {"q1": 0.0, "q2": 0.0, "q3": 0.0}, "map": {"q1": 0.0, "q2": 0.0, "q3": 0.0}}


@pytest.mark.parametrize(
    "text, canon, measure",
    [("nDCG@10", "ndcg@10", "nDCG@10"), ("MAP", "map", "AP"), ("AP", "map", "AP"), ("recall@100", "recall@100", "R@100"),
     ("R@1", "recall@1", "R@1"), ("MRR@10", "mrr@10", "RR@10"), (" ndcg@20 ", "ndcg@20", "nDCG@20")],
)
def test_parse_names(text: str, canon: str, measure: str) -> None:
    m = parse_metric(text)
    assert str(m) == canon
    assert m.measure_name == measure


def test_parse_list_dedupes_and_keeps_order() -> None:
    assert [str(m) for m in parse_metrics("map, ndcg@10,MAP")] == ["map", "ndcg@10"]


@pytest.mark.parametrize("bad", ["ndgc@10", "bleu", "ndcg@x", "recall", "ndcg@0", ""])
def test_unknown_or_malformed_metric_is_a_clear_error(bad: str) -> None:
    with pytest.raises(RobustirError) as exc:
        parse_metrics([bad]) if bad else parse_metrics(bad)
    msg = str(exc.value)
    assert (repr(bad) in msg) or "no metric" in msg


def test_unknown_metric_suggests_close_match() -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'ndcg@10'"):
        parse_metric("ndgc@10")


def test_unknown_metric_message_lists_the_registered_families() -> None:
    with pytest.raises(UnknownNameError) as exc:
        parse_metric("bleu")
    assert str(exc.value) == (
        "unknown metric 'bleu' (known: ndcg@10, map, recall@1, recall@10, recall@100, mrr@10, p@10; "
        "any cutoff @N works for ndcg, map, recall, mrr, p)"
    )
    with pytest.raises(RobustirError, match=r"^metric 'precision' needs a cutoff, e.g. 'p@10'$"):
        parse_metric("precision")


def test_builtin_families_come_from_their_own_module() -> None:
    from robustir.benchmark.metrics import METRIC_FAMILIES, MetricFamily, metric_families, register_family

    assert dict(METRIC_FAMILIES) == {"ndcg": ("nDCG", False, True), "map": ("AP", False, True), "recall": ("R", True, True),
                                     "mrr": ("RR", False, True), "p": ("P", True, True)}
    assert type(metric_families.get("map")).__module__ == "robustir.benchmark.metrics"
    assert {str(parse_metric(a)) for a in ("ap", "r@5", "rr", "recip_rank", "precision@3")} == {"map", "recall@5", "mrr", "p@3"}
    with pytest.raises(RobustirError, match="alias 'ap' of 'avgp' is already taken"):
        register_family(MetricFamily("avgp", "AP", aliases=("ap",)))
    with pytest.raises(RobustirError, match="metric family 'ndcg' is already registered"):
        register_family(MetricFamily("ndcg", "nDCG"))
    assert "avgp" not in metric_families


def test_a_new_family_is_one_registration(tmp_path) -> None:
    """In a fresh interpreter (the registry is process-wide): Bpref via ir_measures, no cutoff."""
    import subprocess
    import sys

    code = (
        "from robustir.benchmark.metrics import MetricFamily, evaluate, parse_metric, register_family\n"
        "from robustir.types import Qrels, Run\n"
        "register_family(MetricFamily('bpref', 'Bpref', cutoff_allowed=False, examples=('bpref',)))\n"
        "qrels = Qrels({'q1': {'d1': 1, 'd2': 0}, 'q2': {'d1': 1, 'd2': 0}})\n"
        "got = evaluate(qrels, Run({'q1': {'d1': 2.0, 'd2': 1.0}, 'q2': {'d2': 2.0, 'd1': 1.0}}), ['BPREF'])\n"
        "assert got == {'bpref': {'q1': 1.0, 'q2': 0.0}}, got\n"
        "try:\n    parse_metric('bpref@5')\nexcept Exception as e:\n    print(e)\n"
        "try:\n    parse_metric('bprf')\nexcept Exception as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0] == "metric 'bpref@5' takes no cutoff; write 'bpref'"
    assert out[1].startswith("unknown metric 'bprf'; did you mean 'bpref'?") and out[1].endswith("works for ndcg, map, recall, mrr, p)")
