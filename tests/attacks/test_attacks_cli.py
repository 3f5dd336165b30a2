"""`robustir attack` / `robustir attacks` and the attacked-set folder: format, byte-identical
output across PYTHONHASHSEED and argument order, one-line errors with no partial output."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from robustir.attacks.runner import FORMAT, read_attacked, run_attacks
from robustir.errors import RobustirError


def robustir(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    return subprocess.run([sys.executable, "-c", "from robustir.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=300)


def folder_bytes(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())}


def test_output_is_byte_identical_across_hashseed_and_order(xquad_dir, tmp_path):
    common = ["--dataset", "xquad-r", "--data-dir", str(xquad_dir), "--seed", "3", "--limit", "25"]
    a = robustir("attack", *common, "--lang", "de,zh", "--attack", "typo.keyboard", "--attack", "typo.char(rate=0.2)",
                 "--out", str(tmp_path / "a"), hashseed="1")
    b = robustir("attack", *common, "--lang", "zh,de", "--attack", "typo.char(rate=0.2)", "--attack", "typo.keyboard",
                 "--out", str(tmp_path / "b"), hashseed="4242")
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    fa, fb = folder_bytes(tmp_path / "a"), folder_bytes(tmp_path / "b")
    assert len(fa) == 5 and fa == fb
    assert "typo.keyboard" in a.stdout and "manifest.json" in a.stdout


def test_manifest_and_rows_follow_the_format(xquad_dir, tmp_path):
    col = run_attacks("xquad-r", ["typo.keyboard(rate=0.2)", "drop.stopwords"], ["en"], 0, tmp_path, data_dir=xquad_dir, limit=20, progress=False)
    m = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert m["format"] == FORMAT and m["dataset"] == "xquad-r" and m["split"] == "test" and m["seed"] == 0
    assert {"robustir_version", "revision", "sets"} <= set(m)
    for entry in m["sets"]:
        assert {"spec", "lang", "query_lang", "file", "queries", "changed", "unchanged", "dropped", "mean_chrf",
                "mean_edits", "mean_char_edit_distance", "victim"} <= set(entry)
        assert entry["queries"] == 20 and entry["changed"] + entry["unchanged"] + entry["dropped"] == 20
        assert entry["victim"] is None
        assert entry["seed"] == 0 and entry["rows"] == 20 - entry["dropped"] and len(entry["sha256"]) == 64
        assert "sim" not in json.dumps(entry) and "judge" not in m  # no judge: no meaning-similarity fields
    back = read_attacked(tmp_path)
    assert back.manifest == m
    s = back.get("typo.keyboard(rate=0.2)", "en")
    from robustir.attacks import build

    assert s.spec == str(build("typo.keyboard(rate=0.2)").spec) and s.query_lang == "en"
    assert s.spec.startswith("typo.keyboard(max_edits=10,min_edits=1,") and s.spec.endswith(",rate=0.2)")  # defaults spelled out
    row = s.rows[0]
    assert set(row) >= {"query_id", "lang", "query_lang", "original", "perturbed", "spec", "edits", "chrf", "char_edit_distance"}
    assert 0 <= row["chrf"] <= 100 and (row["chrf"] == 100) == (row["original"] == row["perturbed"])
    assert s.texts == col.get("typo.keyboard(rate=0.2)", "en").texts


def test_min_chrf_retries_then_drops_and_counts(xquad_dir, tmp_path):
    col = run_attacks("xquad-r", ["typo.char(rate=1.0)"], ["de"], 0, tmp_path, data_dir=xquad_dir, limit=30, min_chrf=99.9, retries=2, progress=False)
    entry = col.manifest["sets"][0]
    assert entry["dropped"] == 30 and entry["changed"] == 0  # every typo costs > 0.1 chrF
    assert col.sets[0].texts == {}
    loose = run_attacks("xquad-r", ["typo.char"], ["de"], 0, tmp_path / "loose", data_dir=xquad_dir, limit=30, min_chrf=60, progress=False)
    e = loose.manifest["sets"][0]
    assert e["dropped"] < 30 and all(r["chrf"] >= 60 for r in loose.sets[0].rows)


@pytest.mark.parametrize("args,message", [
    (["--attack", "typo.keybord"], "did you mean 'typo.keyboard'"),
    (["--attack", "noise.diacritics", "--lang", "en"], "does not support language 'en'"),
    (["--attack", "typo.keyboard(rate=0.1"], "unbalanced"),
    (["--attack", "typo.keyboard(rate=2)"], "above its maximum"),
    (["--attack", "typo.keyboard", "--lang", "xx"], "unknown language"),
])
def test_bad_input_is_one_line_error_without_output(xquad_dir, tmp_path, args, message):
    base = ["attack", "--dataset", "xquad-r", "--data-dir", str(xquad_dir), "--out", str(tmp_path / "out")]
    if "--lang" not in args:
        args = [*args, "--lang", "de"]
    r = robustir(*base, *args)
    assert r.returncode != 0
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_unsupported_pair_fails_before_any_work(xquad_dir, tmp_path):
    with pytest.raises(RobustirError, match="noise.diacritics"):
        run_attacks("xquad-r", ["typo.keyboard", "noise.diacritics"], ["de", "en"], 0, tmp_path / "x", data_dir=xquad_dir)
    assert not (tmp_path / "x").exists()


def test_read_attacked_rejects_bad_folders(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(RobustirError, match="robustir.attacked/1"):
        read_attacked(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"format": FORMAT, "sets": [{"file": "../evil.jsonl"}]}), encoding="utf-8")
    with pytest.raises(RobustirError, match="invalid set file name"):
        read_attacked(tmp_path)


def test_attacks_lists_every_generator():
    r = robustir("attacks")
    assert r.returncode == 0, r.stderr
    from robustir.attacks import names

    for name in names():
        assert name in r.stdout
    assert "near_pinyin" in r.stdout and "ar,de,el,en" in r.stdout


# -- meaning similarity (--judge / --min-sim) with a small deterministic judge ------------------


class WordOverlapJudge:
    """A stand-in for robustir.attacks.judge: Jaccard overlap of lower-cased word sets."""

    name, version = "word-overlap", "1"

    def __init__(self, floor: float = 0.5, langs=("en", "de")):
        self._floor, self.langs, self.calls = floor, set(langs), []

    def supports(self, lang):
        return lang in self.langs

    def floor(self, lang):
        return self._floor + (0.05 if lang == "de" else 0.0)

    def similarity(self, originals, perturbed, lang):
        import re

        self.calls.append((list(originals), list(perturbed), lang))
        out = []
        for a, b in zip(originals, perturbed):
            x, y = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
            out.append(len(x & y) / len(x | y))
        return out


@pytest.fixture()
def lexicons(resources_dir):
    from robustir.attacks import lexicons as lex, use_resources

    use_resources(resources_dir)
    yield resources_dir
    lex.set_resource_dir(None)


SYN = "synonym(rate=0.3)"


def _rows(col, spec):
    return {r["query_id"]: r for r in col.get(spec, "en").rows}


def test_judge_records_sim_on_word_substituting_sets_only(xquad_dir, tmp_path, lexicons):
    judge = WordOverlapJudge()
    col = run_attacks("xquad-r", [SYN, "typo.char"], ["en"], 0, tmp_path / "j", data_dir=xquad_dir, limit=30,
                      progress=False, judge=judge)
    assert col.manifest["judge"] == {"name": "word-overlap", "version": "1", "min_sim": None, "floor": {}}
    syn, typo = _rows(col, SYN), _rows(col, "typo.char")
    assert all("sim" not in r for r in typo.values())  # character noise is never judged
    assert all(0 <= r["sim"] <= 1 for r in syn.values())
    assert all(r["sim"] == 1.0 for r in syn.values() if r["perturbed"] == r["original"])
    assert len(judge.calls) == 1 and all(o != p for o, p in zip(*judge.calls[0][:2]))  # one batch, changed only
    entry = col.get(SYN, "en").entry
    assert entry["mean_sim"] == round(sum(r["sim"] for r in syn.values()) / len(syn), 4) and "dropped_sim" not in entry
    plain = run_attacks("xquad-r", [SYN], ["en"], 0, tmp_path / "p", data_dir=xquad_dir, limit=30, progress=False)
    assert {q: {k: v for k, v in r.items() if k != "sim"} for q, r in syn.items()} == _rows(plain, SYN)


def test_min_sim_retries_then_drops_and_counts(xquad_dir, tmp_path, lexicons):
    cs = "code_switch(rate=0.2)"  # a stochastic number of switched words: retries can pass
    run = dict(data_dir=xquad_dir, limit=30, progress=False)
    base = {r["query_id"]: r for r in run_attacks("xquad-r", [cs], ["de"], 0, tmp_path / "b", judge=WordOverlapJudge(), **run).sets[0].rows}
    judge = WordOverlapJudge()
    col = run_attacks("xquad-r", [cs], ["de"], 0, tmp_path / "f", judge=judge, min_sim=0.8, retries=2, **run)
    rows, entry = {r["query_id"]: r for r in col.sets[0].rows}, col.sets[0].entry
    assert all(r["sim"] >= 0.8 for r in rows.values())
    under = {q for q, r in base.items() if r["sim"] < 0.8}
    assert under and all(rows[q] == base[q] for q in set(base) - under)  # first tries that pass are kept as they were
    retried = {q for q in under if q in rows}
    assert retried and all(rows[q]["perturbed"] != base[q]["perturbed"] for q in retried)  # a later seed variant
    assert entry["dropped_sim"] == entry["dropped"] == len(under - retried) > 0
    assert len(judge.calls[0][0]) == sum(r["perturbed"] != r["original"] for r in base.values())  # one batch per round
    assert len(judge.calls[1][0]) <= len(under) and len(judge.calls) <= 3
    assert col.manifest["judge"]["floor"] == {"de": 0.8} and col.manifest["retries"] == 2


def test_calibrated_floor_is_the_judges_per_language(xquad_dir, tmp_path, lexicons):
    judge = WordOverlapJudge(floor=0.8)
    col = run_attacks("xquad-r", [SYN, "typo.char"], ["de", "en"], 0, tmp_path / "c", data_dir=xquad_dir, limit=20,
                      progress=False, judge=judge, min_sim="calibrated")
    assert col.manifest["judge"]["floor"] == pytest.approx({"de": 0.85, "en": 0.8})
    for lang, floor in (("de", 0.85), ("en", 0.8)):
        s = col.get(SYN, lang)
        assert all(r["sim"] >= floor for r in s.rows) and "dropped_sim" in s.entry
        assert "dropped_sim" not in col.get("typo.char", lang).entry  # not filtered


def test_character_noise_is_byte_identical_under_min_sim(xquad_dir, tmp_path):
    a = run_attacks("xquad-r", ["typo.keyboard"], ["en"], 0, tmp_path / "a", data_dir=xquad_dir, limit=20, progress=False)
    b = run_attacks("xquad-r", ["typo.keyboard"], ["en"], 0, tmp_path / "b", data_dir=xquad_dir, limit=20, progress=False,
                    judge=WordOverlapJudge(), min_sim=0.99)
    file = a.sets[0].entry["file"]
    assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    ma, mb = (json.loads((tmp_path / x / "manifest.json").read_text()) for x in "ab")
    assert mb.pop("judge")["floor"] == {} and mb.pop("retries") == 5 and ma.pop("retries") == 0
    assert ma == mb


@pytest.mark.parametrize("kwargs,message", [
    ({"min_sim": 1.5}, "min_sim must be between 0 and 1"),
    ({"min_sim": "loose"}, "min_sim must be a number between 0 and 1 or 'calibrated'"),
    ({"min_sim": 0.5, "langs": ["zh"]}, "judge word-overlap does not support language 'zh'"),
])
def test_bad_similarity_options_fail_before_any_work(xquad_dir, tmp_path, kwargs, message):
    judge = WordOverlapJudge()
    langs = kwargs.pop("langs", ["en"])
    with pytest.raises(RobustirError, match=message):
        run_attacks("xquad-r", ["code_switch" if langs != ["en"] else SYN], langs, 0, tmp_path / "x", data_dir=xquad_dir,
                    progress=False, judge=judge, **kwargs)
    assert not (tmp_path / "x").exists() and judge.calls == []


def test_cli_judge_and_min_sim(xquad_dir, tmp_path, resources_dir, monkeypatch):
    from click.testing import CliRunner

    import robustir.attacks.runner as runner
    from robustir.cli import cli

    names = []
    monkeypatch.setattr(runner, "_load_judge", lambda name: names.append(name) or WordOverlapJudge())
    base = ["attack", "--dataset", "xquad-r", "--data-dir", str(xquad_dir), "--resources", str(resources_dir),
            "--lang", "en", "--limit", "10", "--attack", SYN]
    res = CliRunner().invoke(cli, [*base, "--min-sim", "calibrated", "--out", str(tmp_path / "c")])
    assert res.exit_code == 0, res.output
    assert names == ["me5-small-f64"] and "dropped (sim)" in res.output  # the default judge under --min-sim
    m = json.loads((tmp_path / "c" / "manifest.json").read_text())
    assert m["judge"]["min_sim"] == "calibrated" and m["judge"]["floor"] == {"en": 0.5}
    res = CliRunner().invoke(cli, [*base, "--judge", "other", "--min-sim", "0.7", "--out", str(tmp_path / "c")])
    assert res.exit_code == 0 and names[-1] == "other"  # rewrites the attacked-set folder in place
    assert json.loads((tmp_path / "c" / "manifest.json").read_text())["judge"]["floor"] == {"en": 0.7}
    from robustir.attacks import lexicons as lex

    lex.set_resource_dir(None)


def test_cli_bad_min_sim_is_one_line(xquad_dir, tmp_path):
    r = robustir("attack", "--dataset", "xquad-r", "--data-dir", str(xquad_dir), "--lang", "en", "--attack", "typo.char",
                 "--min-sim", "strict", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "min_sim must be a number" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_attacks_declare_what_the_runner_needs():
    from robustir.attacks import attacks, build
    from robustir.attacks.families.adversarial import WORD_EDITS

    assert all(name in attacks for name in WORD_EDITS)  # typo.ime is not an attack
    words = {n for n in attacks.names() if attacks.get(n).substitutes_words}
    assert words == {"synonym", "code_switch", "paraphrase.pivot", "translate", "back_translation",
                     "adversarial.greedy", "adversarial.beam", "adversarial.random"}
    assert not build("adversarial.random(edits=typo.keyboard+typo.char)").substitutes_words  # typo edits only
    assert build("adversarial.random(edits=typo.char+synonym)").substitutes_words
    assert build("typo.char+synonym").substitutes_words and not build("typo.char").substitutes_words
    victims = {n for n in attacks.names() if attacks.get(n).needs_victim}
    assert victims == {"adversarial.greedy", "adversarial.beam"}


def test_a_model_attack_without_a_victim_is_not_given_one(tmp_path):
    """back_translation needs an MT model, not a victim retriever: --model is refused for it."""
    with pytest.raises(RobustirError, match="none of the attacks needs one"):
        run_attacks("xquad-r", ["back_translation"], ["de"], 0, tmp_path / "x", model="bm25")
    assert not (tmp_path / "x").exists()
