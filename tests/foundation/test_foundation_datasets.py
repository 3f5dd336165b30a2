"""Dataset loaders on files written here in each release format, and on real XQuAD-R."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from robustir.datasets import datasets, load_dataset
from robustir.errors import DataError, ResourceMissingError, RobustirError, UnknownNameError

DOCS = {
    "en": ["The Thames flows through London.", "The Rhine flows through Basel.", "Bread is baked."],
    "ja": ["東京は日本の首都です。", "大阪は食の都として知られています。", "富士山は日本一高い山です。"],
    "th": ["กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทย", "เชียงใหม่อยู่ทางภาคเหนือ", "ต้มยำกุ้งเป็นอาหารไทย"],
    "zh": ["长江是中国最长的河流。", "黄河被称为母亲河。", "北京是中国的首都。"],
}
QUERIES = {
    "en": ["which river runs through london", "river in basel"],
    "ja": ["日本の首都はどこ", "食の都と呼ばれる都市"],
    "th": ["เมืองหลวงของไทย", "เมืองทางภาคเหนือ"],
    "zh": ["中国最长的河", "母亲河是哪条河"],
}


def write_mldr(root: Path, lang: str, *, gz: bool = False, split: str = "test", queries=None, corpus=None) -> Path:
    folder = root / f"mldr-v1.0-{lang}"
    folder.mkdir(parents=True, exist_ok=True)
    corpus = corpus if corpus is not None else [{"docid": f"doc-{lang}-{i}", "text": t} for i, t in enumerate(DOCS[lang])]
    queries = queries if queries is not None else [
        {
            "query_id": f"q-{lang}-{i}",
            "query": q,
            "positive_passages": [{"docid": f"doc-{lang}-{i}", "text": DOCS[lang][i]}],
            "negative_passages": [{"docid": f"doc-{lang}-2", "text": DOCS[lang][2]}],
        }
        for i, q in enumerate(QUERIES[lang])
    ]
    for name, rows in (("corpus", corpus), (split, queries)):
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
        if gz:
            (folder / f"{name}.jsonl.gz").write_bytes(gzip.compress(data))
        else:
            (folder / f"{name}.jsonl").write_bytes(data)
    return folder


@pytest.mark.parametrize("lang", ["en", "ja", "th", "zh"])
@pytest.mark.parametrize("gz", [False, True])
def test_mldr_release_layout(tmp_path: Path, lang: str, gz: bool) -> None:
    write_mldr(tmp_path, lang, gz=gz)
    ds = load_dataset("mldr", lang=lang, data_dir=tmp_path)
    assert ds.split == "test" and ds.lang == lang
    assert len(ds.corpus) == 3 and len(ds.queries) == 2
    assert ds.qrels[f"q-{lang}-1"] == {f"doc-{lang}-1": 1}  # negatives are not judgements
    assert ds.queries.texts[0] == QUERIES[lang][0]
    assert ds.corpus.langs == (lang,) * 3
    assert ds.stats()["judged"] == 2


def test_mldr_all_13_languages_declared() -> None:
    info = datasets.get("mldr").info
    assert info.languages == ("ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "ru", "th", "zh")
    assert len(info.revision) == 40


def _bad(tmp_path: Path, **kw) -> Exception:
    write_mldr(tmp_path, "en", **kw)
    with pytest.raises(RobustirError) as info:
        load_dataset("mldr", lang="en", data_dir=tmp_path)
    return info.value


def test_malformed_json_line_names_file_and_line(tmp_path: Path) -> None:
    folder = write_mldr(tmp_path, "en")
    with open(folder / "corpus.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"docid": "x", "text": \n')
    with pytest.raises(DataError, match=r"corpus\.jsonl:4: malformed JSON"):
        load_dataset("mldr", lang="en", data_dir=tmp_path)


def test_missing_field(tmp_path: Path) -> None:
    err = _bad(tmp_path, corpus=[{"docid": "doc-en-0"}])
    assert "missing required field 'text'" in str(err) and "corpus.jsonl:1" in str(err)


def test_duplicate_ids(tmp_path: Path) -> None:
    err = _bad(tmp_path, corpus=[{"docid": "d", "text": "a"}, {"docid": "d", "text": "b"}])
    assert "duplicate docid 'd'" in str(err)
    q = {"query_id": "q", "query": "x", "positive_passages": [{"docid": "doc-en-0"}], "negative_passages": []}
    err = _bad(tmp_path / "2", queries=[q, q])
    assert "duplicate query_id 'q'" in str(err)


def test_qrels_naming_unknown_document(tmp_path: Path) -> None:
    q = {"query_id": "q", "query": "x", "positive_passages": [{"docid": "nope"}], "negative_passages": []}
    assert "unknown document 'nope'" in str(_bad(tmp_path, queries=[q]))


def test_empty_query_text(tmp_path: Path) -> None:
    q = {"query_id": "q", "query": "  ", "positive_passages": [{"docid": "doc-en-0"}], "negative_passages": []}
    assert "empty text" in str(_bad(tmp_path, queries=[q]))


def test_not_utf8(tmp_path: Path) -> None:
    folder = write_mldr(tmp_path, "en")
    (folder / "corpus.jsonl").write_bytes('{"docid": "d", "text": "café"}\n'.encode("latin-1"))
    with pytest.raises(DataError, match="not valid UTF-8"):
        load_dataset("mldr", lang="en", data_dir=tmp_path)


def test_truncated_gzip(tmp_path: Path) -> None:
    folder = write_mldr(tmp_path, "en", gz=True)
    data = (folder / "corpus.jsonl.gz").read_bytes()
    (folder / "corpus.jsonl.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="truncated|cannot read"):
        load_dataset("mldr", lang="en", data_dir=tmp_path)


def test_unknown_names_suggest(tmp_path: Path) -> None:
    with pytest.raises(UnknownNameError, match="did you mean 'mldr'"):
        load_dataset("mldrr", lang="en")
    with pytest.raises(UnknownNameError, match="language .* 'eng'"):
        load_dataset("mldr", lang="eng", data_dir=tmp_path)
    with pytest.raises(UnknownNameError, match="did you mean 'test'"):
        load_dataset("mldr", lang="en", split="tset", data_dir=tmp_path)


def test_missing_folder_or_split(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_dataset("mldr", lang="en", data_dir=tmp_path / "nowhere")
    write_mldr(tmp_path, "en")
    with pytest.raises(DataError, match="no dev.jsonl"):
        load_dataset("mldr", lang="en", split="dev", data_dir=tmp_path)
    with pytest.raises(DataError, match="no folder mldr-v1.0-de"):
        load_dataset("mldr", lang="de", data_dir=tmp_path)


def test_mldr_hub_offline_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ResourceMissingError, match="--data-dir"):
        load_dataset("mldr", lang="en")


def test_errors_leave_no_partial_cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    home = tmp_path / "home"
    monkeypatch.setenv("ROBUSTIR_HOME", str(home))
    write_mldr(tmp_path / "d", "en", corpus=[{"docid": "d"}])
    with pytest.raises(DataError):
        load_dataset("mldr", lang="en", data_dir=tmp_path / "d")
    monkeypatch.setenv("ROBUSTIR_OFFLINE", "1")
    with pytest.raises(ResourceMissingError):
        load_dataset("xquad-r", lang="en")
    leftovers = [os.path.join(r, f) for r, _, fs in os.walk(home) for f in fs] if home.exists() else []
    assert leftovers == []


def test_beir_folder(tmp_path: Path) -> None:
    (tmp_path / "qrels").mkdir()
    (tmp_path / "corpus.jsonl").write_text(
        '{"_id": "d1", "title": "Rivers", "text": "The Thames."}\n{"_id": "d2", "title": "", "text": "Bread."}\n', encoding="utf-8"
    )
    (tmp_path / "queries.jsonl").write_text('{"_id": "q1", "text": "thames"}\n{"_id": "q2", "text": "unjudged"}\n', encoding="utf-8")
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n", encoding="utf-8")
    ds = load_dataset("beir", lang="en", data_dir=tmp_path)
    assert ds.queries.ids == ("q1",)
    assert ds.corpus.full_texts()[0] == "Rivers The Thames."
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td9\t1\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown document 'd9'"):
        load_dataset("beir", lang="en", data_dir=tmp_path)
    (tmp_path / "qrels" / "test.tsv").write_text("q7\td1\t1\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown query 'q7'"):
        load_dataset("beir", lang="en", data_dir=tmp_path)


# --- real data -----------------------------------------------------------------------

XQ_CANDIDATES = {"ar": 1222, "de": 1276, "en": 1180, "hi": 1244, "zh": 1196}


def test_xquad_r_real_data(xquad_dir: Path) -> None:
    loader = datasets.get("xquad-r")
    langs = sorted(p.stem for p in xquad_dir.glob("*.json"))
    assert set(langs) >= set(XQ_CANDIDATES)
    parallel = loader.load_parallel(langs, data_dir=xquad_dir)
    ids = None
    for lang, ds in parallel.items():
        assert len(ds.queries) == 1190
        assert len(ds.corpus) == XQ_CANDIDATES[lang]
        assert all(len(ds.qrels[q]) == 1 for q in ds.queries.ids)
        assert all(next(iter(ds.qrels[q])).startswith(f"{lang}-") for q in ds.queries.ids)
        assert ds.queries.groups == ds.queries.ids
        ids = ids or ds.queries.ids
        assert ds.queries.ids == ids  # same question ids, same order, in every language


def test_xquad_relevant_sentence_holds_the_answer(xquad_dir: Path) -> None:
    import json as _json

    raw = _json.loads((xquad_dir / "en.json").read_text(encoding="utf-8"))
    ds = load_dataset("xquad-r", lang="en", data_dir=xquad_dir)
    text = dict(zip(ds.corpus.ids, ds.corpus.texts))
    answers = {qa["id"]: qa["answers"][0]["text"] for a in raw["data"] for p in a["paragraphs"] for qa in p["qas"]}
    hits = sum(answers[q] in text[next(iter(ds.qrels[q]))] for q in ds.queries.ids)
    assert hits / len(ds.queries) > 0.95  # answers spanning a sentence break are the rest


def test_xquad_malformed_file(tmp_path: Path) -> None:
    (tmp_path / "en.json").write_text('{"data": [{"title": "t", "paragraphs": [{"context": "x", "qas": []}]}]}', encoding="utf-8")
    with pytest.raises(DataError, match="sentence_breaks"):
        load_dataset("xquad-r", lang="en", data_dir=tmp_path)
    with pytest.raises(DataError, match="has no de.json"):
        load_dataset("xquad-r", lang="de", data_dir=tmp_path)


def test_mlqa_r_local_only(tmp_path: Path) -> None:
    with pytest.raises(ResourceMissingError, match="--data-dir"):
        load_dataset("mlqa-r", lang="en")
    assert "NON-COMMERCIAL" in datasets.get("mlqa-r").info.license
