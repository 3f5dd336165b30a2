"""Training data: XQuAD-R and JSONL sources, fingerprints, group/article splits."""
from __future__ import annotations

import json

import pytest

from robustir.errors import DataError, RobustirError
from robustir.training.data import load_jsonl, load_training_data, load_xquad_r, split_data, write_jsonl_data


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _rows(n=20, langs=("en", "de")):
    return [
        {"group_id": f"g{i}", "lang": lang, "query": f"q {i} {lang}", "passage": f"p {i} {lang}", "article": f"a{i % 5}"}
        for i in range(n)
        for lang in langs
    ]


def test_jsonl_roundtrip_and_fingerprint_ignores_line_order(tmp_path):
    rows = _rows()
    a = load_jsonl(_write(tmp_path / "a.jsonl", rows))
    b = load_jsonl(_write(tmp_path / "b.jsonl", list(reversed(rows))))
    assert len(a) == 20 and a.langs == ("de", "en") and a.n_examples() == 40
    assert a.fingerprint() == b.fingerprint()
    write_jsonl_data(a, tmp_path / "c.jsonl")
    assert load_jsonl(tmp_path / "c.jsonl").fingerprint() == a.fingerprint()
    changed = rows[:-1] + [dict(rows[-1], passage="other")]
    assert load_jsonl(_write(tmp_path / "d.jsonl", changed)).fingerprint() != a.fingerprint()


def test_jsonl_errors_say_what_and_where(tmp_path):
    with pytest.raises(DataError, match=r"bad.jsonl:2: field 'query' must be a non-empty string"):
        load_jsonl(_write(tmp_path / "bad.jsonl", [_rows(1)[0], {"group_id": "x", "lang": "en", "passage": "p"}]))
    dup = _rows(1) + _rows(1)
    with pytest.raises(DataError, match="two examples in language"):
        load_jsonl(_write(tmp_path / "dup.jsonl", dup))
    with pytest.raises(DataError, match="no examples in language"):
        load_jsonl(_write(tmp_path / "ok.jsonl", _rows()), langs=["fr"])
    with pytest.raises(DataError, match="not found"):
        load_training_data(tmp_path / "missing.jsonl")


def test_split_by_group_and_article_is_disjoint_and_seeded(tmp_path):
    data = load_jsonl(_write(tmp_path / "a.jsonl", _rows(100)))
    s = split_data(data, by="group", validation=0.1, test=0.2, seed=3)
    ids = [set(x.group_ids) for x in (s.train, s.validation, s.test)]
    assert len(ids[2]) == 20 and len(ids[1]) == 10 and len(ids[0]) == 70
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert split_data(data, by="group", seed=3).test.group_ids == s.test.group_ids
    assert split_data(data, by="group", seed=4).test.group_ids != s.test.group_ids
    art = split_data(data, by="article", validation=0.2, test=0.2, seed=0)
    articles = [{g.article for g in x.groups} for x in (art.train, art.validation, art.test)]
    assert all(len(a) == 1 for a in articles[1:]) and len(articles[0]) == 3
    assert not (articles[0] & articles[2] or articles[1] & articles[2])
    with pytest.raises(RobustirError, match="accepted: group, article"):
        split_data(data, by="paragraph")
    with pytest.raises(DataError, match="cannot be split"):
        split_data(data.subset(["g0", "g1"]), by="group")


def test_xquad_r_pairs_are_parallel_questions_with_answer_sentences(xquad_dir):
    data = load_xquad_r(xquad_dir, ["en", "de"])
    assert len(data) == 1190 and data.langs == ("de", "en")
    g = next(g for g in data.groups if g.group_id == "56beb4343aeaaa14008c925b")
    assert g.items["en"][0] == "How many points did the Panthers defense surrender?"
    assert "308" in g.items["en"][1] and "308" in g.items["de"][1]  # the answer sentence, in both languages
    assert g.article == "article-0"
    s = split_data(data, by="article", seed=0)
    test_articles = {x.article for x in s.test.groups}
    assert test_articles and not test_articles & {x.article for x in s.train.groups}
    assert load_training_data(xquad_dir, ["de"]).langs == ("de",)
