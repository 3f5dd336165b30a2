"""``robustir export``: attacked sets written as BEIR folders load back through the BEIR loader
with the attacked queries and the original judgements; TREC topics hold the same texts."""
from __future__ import annotations

import json
import re

import pytest

from robustir.attacks.export import export_attacked
from robustir.attacks.runner import run_attacks
from robustir.cli import main
from robustir.datasets import load_dataset
from robustir.errors import RobustirError

SPECS = ["noise.ocr(rate=0.3)", "noise.punct"]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    out = tmp_path_factory.mktemp("attacked")
    run_attacks("mldr-sample", SPECS, ["de", "ja"], 7, out, limit=6, progress=False)
    return out


def test_beir_round_trip(attacked, tmp_path):
    from robustir.attacked_set import read_attacked

    coll = read_attacked(attacked)
    folders = export_attacked(attacked, "beir", tmp_path / "beir")
    assert len(folders) == len(coll.sets) == 4
    for s, folder in zip(coll.sets, folders):
        orig = load_dataset("mldr-sample", lang=s.lang, split=coll.manifest["split"])
        back = load_dataset("beir", lang=s.lang, split=coll.manifest["split"], data_dir=folder)
        assert back.queries.to_dict() == s.texts
        assert back.qrels.to_dict() == {q: dict(orig.qrels[q]) for q in s.texts}
        assert back.corpus.ids == orig.corpus.ids and back.corpus.full_texts() == orig.corpus.full_texts()
        assert (folder / "corpus.jsonl").is_symlink()
        record = json.loads((folder / "robustir-export.json").read_text(encoding="utf-8"))
        assert record["spec"] == s.spec and record["seed"] == 7 and record["mean_chrf"] == s.entry["mean_chrf"]
    readme = (tmp_path / "beir" / "README.md").read_text(encoding="utf-8")
    assert "seed `7`" in readme and all(s.spec in readme for s in coll.sets)
    with pytest.raises(RobustirError, match="not empty"):
        export_attacked(attacked, "beir", tmp_path / "beir")


def test_copy_corpus_and_trec_via_cli(attacked, tmp_path, capsys):
    main(["export", str(attacked), "--format", "beir", "--out", str(tmp_path / "copy"), "--copy-corpus"])
    copied = sorted((tmp_path / "copy").glob("*/corpus.jsonl"))
    assert copied and not any(p.is_symlink() for p in copied)
    main(["export", str(attacked), "--format", "trec", "--out", str(tmp_path / "trec")])
    assert "wrote 4 trec set(s)" in capsys.readouterr().out
    from robustir.attacked_set import read_attacked

    for s in read_attacked(attacked).sets:
        folder = next(p for p in (tmp_path / "trec").iterdir() if p.is_dir() and p.name.endswith(f".{s.lang}")
                      and json.loads((p / "robustir-export.json").read_text(encoding="utf-8"))["spec"] == s.spec)
        topics = (folder / "topics.trec").read_text(encoding="utf-8")
        nums = re.findall(r"<num> Number: (\S+)", topics)
        assert nums == list(s.texts)
        tsv = dict(line.split("\t", 1) for line in (folder / "topics.tsv").read_text(encoding="utf-8").splitlines())
        assert tsv == {q: " ".join(t.split()) for q, t in s.texts.items()}
        qrels = [line.split() for line in (folder / "qrels.trec").read_text(encoding="utf-8").splitlines()]
        assert {q for q, *_ in qrels} == set(s.texts)
    with pytest.raises(SystemExit) as exc:
        main(["export", str(tmp_path / "nothing-here"), "--format", "beir", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2
