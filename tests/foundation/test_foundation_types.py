from __future__ import annotations

import pytest

from robustir.errors import DataError, RobustirError
from robustir.types import AttackSpec, Corpus, Qrels, QuerySet, Run


@pytest.mark.parametrize(
    "text,canonical",
    [
        ("typo.keyboard", "typo.keyboard"),
        ("typo.keyboard( rate = 0.15 )", "typo.keyboard(rate=0.15)"),
        ("typo.keyboard(rate=0.1)+synonym(rate=0.2)", "typo.keyboard(rate=0.1)+synonym(rate=0.2)"),
        ("code_switch(target=en,rate=0.2)", "code_switch(rate=0.2,target=en)"),
        ("adversarial.greedy(edits=typo.char+synonym,max_edits=3)", "adversarial.greedy(edits=typo.char+synonym,max_edits=3)"),
        ('x(s="a b, c")', 'x(s="a b, c")'),
        ("x(flag=true,n=none)", "x(flag=true,n=none)"),
    ],
)
def test_attack_spec_canonical_round_trip(text: str, canonical: str) -> None:
    spec = AttackSpec.parse(text)
    assert str(spec) == canonical
    assert AttackSpec.parse(str(spec)) == spec
    assert hash(AttackSpec.parse(str(spec))) == hash(spec)


@pytest.mark.parametrize("bad", ["", "   ", "typo.keyboard(rate=0.1", "typo keyboard", "x(rate)", "x(a=1,a=2)", "x(a=__import__('os'))", "1abc"])
def test_attack_spec_rejects_bad_syntax(bad: str) -> None:
    with pytest.raises(RobustirError):
        AttackSpec.parse(bad)


def test_attack_spec_slug_is_filesystem_safe_and_distinct() -> None:
    a = AttackSpec.parse('x(s="a/b")').slug
    b = AttackSpec.parse('x(s="a_b")').slug
    assert "/" not in a and a != b


def test_corpus_and_queries_validate() -> None:
    with pytest.raises(DataError, match="duplicate document id"):
        Corpus(("d1", "d1"), ("a", "b"), ("en", "en"))
    with pytest.raises(DataError, match="empty text"):
        QuerySet.from_dict({"q1": "  "}, lang="en")
    qs = QuerySet.from_dict({"q1": "hello", "q2": "world"}, lang="en")
    attacked = qs.replace_texts({"q1": "helo"})
    assert qs.texts == ("hello", "world") and attacked.texts == ("helo", "world")
    with pytest.raises(DataError):
        qs.replace_texts({"q9": "x"})


def test_corpus_fingerprint_changes_with_text_and_language() -> None:
    a = Corpus.from_dict({"d": "text"}, lang="en")
    assert a.fingerprint() == Corpus.from_dict({"d": "text"}, lang="en").fingerprint()
    assert a.fingerprint() != Corpus.from_dict({"d": "text!"}, lang="en").fingerprint()
    assert a.fingerprint() != Corpus.from_dict({"d": "text"}, lang="de").fingerprint()


def test_qrels_are_immutable_and_checked() -> None:
    q = Qrels({"q1": {"d1": 1}})
    with pytest.raises(TypeError):
        q["q1"]["d2"] = 1  # type: ignore[index]
    with pytest.raises(DataError):
        Qrels({"q1": {"d1": 1.5}})  # type: ignore[dict-item]
    with pytest.raises(DataError, match="unknown document"):
        q.validate_against(QuerySet.from_dict({"q1": "x"}, lang="en"), Corpus.from_dict({"d2": "y"}, lang="en"))


def test_run_to_trec(tmp_path) -> None:
    run = Run({"q1": {"b": 0.5, "a": 0.5, "c": 0.9}})
    out = tmp_path / "run.trec"
    run.to_trec(out, tag="t")
    lines = out.read_text().splitlines()
    assert lines[0].split() == ["q1", "Q0", "c", "1", "0.900000", "t"]
    assert [l.split()[2] for l in lines] == ["c", "a", "b"]  # ties by docid
