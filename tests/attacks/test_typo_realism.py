"""Typos shaped like real ones: the fitted profiles, typo.keyboard's typist mix, typo.real.

The mixes are checked on real text (NTREX-128 sentences, ../shared/data) against the profiles
fitted on the real typo lists; see perf/typo_realism.py for the full table."""
from __future__ import annotations

import subprocess
import sys
import unicodedata
from collections import Counter

import pytest

from robustir.attacks import build
from robustir.attacks.base import query_rng
from robustir.attacks.families import _typo_profile as tp
from robustir.attacks.families.typo_keyboard import KeyboardTypo, _kind, word_spans
from robustir.text.segment import graphemes, tokenize

NTREX = {"en": "src.eng", "de": "ref.deu", "es": "ref.spa"}
# TV distance allowed between typo.keyboard's operation mix on 300 real sentences and the
# fitted profile (sampling noise alone is ~0.03-0.05 at 300 edits).
MAX_TV = 0.10


@pytest.fixture(scope="module")
def resources(resources_dir):
    from robustir.attacks import lexicons, use_resources

    use_resources(resources_dir)
    yield resources_dir
    lexicons.set_resource_dir(None)


def _sentences(resources_dir, lang: str, n: int = 300) -> list[str]:
    path = resources_dir / "ntrex-128" / "NTREX-128" / f"newstest2019-{NTREX[lang]}.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines[:n]


def _mix(spec: str, lang: str, texts: list[str]) -> Counter:
    pipe = build(spec)
    ops: Counter = Counter()
    for k, text in enumerate(texts):
        out = pipe.perturb(text, lang=lang, qid=f"s{k}", seed=0).perturbed
        edit = tp.classify(text.lower(), out.lower(), tp.LAYOUT_OF[lang])
        ops[edit.op if edit else "unchanged" if out == text else "other"] += 1
    return ops


def test_classify_reads_each_operation_position_and_kind():
    assert tp.classify("the", "teh", "en") == tp.Edit("transpose", "last", "")
    assert tp.classify("until", "untill", "en") == tp.Edit("insert", "last", "double")
    assert tp.classify("address", "adress", "en") == tp.Edit("delete", "middle", "double")
    assert tp.classify("cat", "vat", "en") == tp.Edit("substitute", "first", "neighbour")  # c, v adjacent
    assert tp.classify("cat", "pat", "en").kind == "other"
    assert tp.classify("café", "cafe", "fr").kind == "diacritic"
    assert tp.classify("world", "wolrd", "en").position == "middle"
    assert tp.classify("cat", "dog", "en") is None and tp.classify("cat", "cat", "en") is None
    assert tp.osa_distance("ca", "abc") == 3 and tp.osa_distance("teh", "the") == 1


def test_autocorrect_lists_are_filtered_to_word_typos(tmp_path):
    xml = ('<block-list:block-list xmlns:block-list="http://openoffice.org/2001/block-list">'
           '<block-list:block block-list:abbreviated-name="abotu" block-list:name="about"/>'
           '<block-list:block block-list:abbreviated-name=".*-&gt;.*" block-list:name="&#x2192;"/>'
           '<block-list:block block-list:abbreviated-name="THe" block-list:name="The"/>'
           '<block-list:block block-list:abbreviated-name="a lot" block-list:name="alot"/>'
           '<block-list:block block-list:abbreviated-name="k&#xF4;hng" block-list:name="kh&#xF4;ng"/></block-list:block-list>')
    path = tmp_path / "DocumentList.xml"
    path.write_text(xml, encoding="utf-8")
    assert tp._clean(tp.read_autocorrect(path)) == [("abotu", "about"), ("kôhng", "không")]


def test_shipped_profiles_cover_the_listed_languages():
    for lang in tp.LISTS:
        mix = tp.real_mix(lang)
        assert mix is not None and set(mix) == set(tp.OPS) and abs(sum(mix.values()) - 1) < 1e-3
    for lang in ("ar", "hi", "el", "zh"):
        assert tp.real_mix(lang) is None
    assert abs(sum(tp.default_mix()["mix"].values()) - 1) < 1e-3
    en = tp.real_mix("en")
    assert en["transpose"] > 0.3 and en["substitute"] < 0.3  # real typing typos: mostly not substitutions


def test_shipped_profile_is_the_fit_half_of_the_real_list(resources):
    for lang in ("de", "es"):
        fit = [p for p in tp.typo_pairs(lang, typing_only=True) if tp.split_half(p) == "fit"]
        fresh = tp.mix_of(tp.measure(fit, tp.LAYOUT_OF[lang])["ops"], smooth=1.0)
        assert all(abs(fresh[op] - tp.real_mix(lang)[op]) < 1e-3 for op in tp.OPS), lang
        assert tp.held_out_tv(tp.real_mix(lang), lang) < 0.1
        assert tp.held_out_tv({"substitute": 1.0}, lang) > 0.5  # the old keyboard's mix is far off


@pytest.mark.parametrize("lang", ["en", "de", "es"])
def test_keyboard_mix_on_real_sentences_is_close_to_the_real_profile(resources, lang):
    texts = _sentences(resources, lang)
    ops = _mix("typo.keyboard(max_edits=1)", lang, texts)
    assert ops["other"] == 0 and ops["unchanged"] <= 3, ops  # one clean edit per sentence
    counts = {op: ops[op] for op in tp.OPS}
    assert all(counts.values()), counts  # every kind of slip appears
    distance = tp.tv(tp.mix_of(counts), tp.real_mix(lang))
    assert distance <= MAX_TV, (lang, counts, distance)
    old = _mix("typo.keyboard(mode=substitute,max_edits=1)", lang, texts)
    assert set(old) <= {"substitute", "unchanged"}
    assert tp.tv(tp.mix_of({op: old[op] for op in tp.OPS}), tp.real_mix(lang)) > distance + 0.4


def test_substitute_mode_only_substitutes_neighbour_keys_as_before():
    attack = KeyboardTypo(rate=0.3, mode="substitute")
    # outputs of the implementation before mode=typist existed (same seed, spec and query id)
    pinned = {
        "en": ("How many interceptions are the Panthers defense credited with in 2015?",
               "How maby intercwptions zre the Panthers defense crefited with in 2015?"),
        "de": ("Wie viele Bälle fing Josh Norman ab?", "Wie viele Bälpe fing Josh Normsn ag?"),
        "fr": ("Où se trouve la tour Eiffel ?", "Où se ttouve la tour Eiffrl ?"),
    }
    for lang, (text, expected) in pinned.items():
        assert attack(text, lang=lang, rng=query_rng(0, "typo.keyboard", "q1")).perturbed == expected
    for seed in range(30):
        text = "the quick brown fox jumps over the lazy dog"
        out = build("typo.keyboard(mode=substitute,rate=0.5)").perturb(text, lang="en", qid="q", seed=seed).perturbed
        for a, b in zip(text.split(), out.split()):
            if a != b:
                edit = tp.classify(a, b, "en")
                assert edit is not None and edit.op == "substitute" and edit.kind == "neighbour", (a, b)


def _well_formed(cluster: str) -> bool:
    """A base letter with marks, at most one of each kind (vowel sign, tone mark, each sign)."""
    if not cluster[0].isalpha() and unicodedata.category(cluster[0])[0] == "M":
        return False
    kinds = [_kind(c) for c in cluster[1:] if unicodedata.category(c)[0] == "M"]
    return len(kinds) == len(set(kinds))


@pytest.mark.parametrize("lang,text", [
    ("th", "แม่น้ำที่ยาวที่สุดในประเทศไทยคืออะไร"),
    ("th", "ใครเป็นผู้ก่อตั้งบริษัทแอปเปิลคอมพิวเตอร์"),
    ("hi", "लूथर के अंतिम कथन का कौन सा भाग जर्मन में था?"),
    ("hi", "2015 में पैंथर्स डिफ़ेंस ने कितने इंटर्सेप्शन पुरे किए?"),
])
def test_thai_and_hindi_slips_keep_well_formed_clusters(lang, text):
    pipe = build("typo.keyboard(rate=0.5)")
    changed = 0
    for seed in range(60):
        out = pipe.perturb(text, lang=lang, qid="q", seed=seed).perturbed
        changed += out != text
        for cluster in graphemes(out):
            assert _well_formed(cluster), (out, cluster)
    assert changed >= 55


def test_word_spans_are_tokenize_words():
    texts = {"en": "Don't stop: 2015's U.S. data, e-mail!", "de": "Wie viele Bälle fing Josh Norman ab?",
             "ar": "كم عدد الاعتراضات التي سُجلت لصالح دفاع البانثرز في 2015؟", "ru": "Кто написал роман «Война и мир»?",
             "fr": "L'homme qu'il a vu aujourd'hui", "hi": "लूथर के अंतिम कथन का कौन सा भाग", "th": "ประเทศไทยมีกี่จังหวัด",
             "ko": "한국의 수도는 어디입니까?", "vi": "Thủ đô của Việt Nam là gì?"}
    for lang, text in texts.items():
        assert word_spans(text, lang) == tuple((t.start, t.end) for t in tokenize(text, lang) if t.is_word), lang


def test_typo_real_replays_a_listed_misspelling(resources):
    from robustir.attacks.families.typo_real import misspellings

    table = misspellings("en")
    assert "teh" in table["the"]
    text = "The government of France"
    pipe = build("typo.real(rate=1.0)")
    outs = {pipe.perturb(text, lang="en", qid="q", seed=s).perturbed for s in range(20)}
    for out in outs:
        for a, b in zip(text.split(), out.split()):
            if a != b:
                assert b.lower() in table[a.lower()] and b[0].isupper() == a[0].isupper(), (a, b)
    assert len(outs) > 5
    assert build("typo.real").perturb("Qxzv 2015", lang="en", qid="q", seed=0).changed is False
    de = build("typo.real(rate=1.0)").perturb("Danke", lang="de", qid="q", seed=0).perturbed
    assert de.lower() in misspellings("de")["danke"]
    th = build("typo.real").perturb("คุณชอบคุกกี้ไหม", lang="th", qid="q", seed=0).perturbed
    assert th != "คุณชอบคุกกี้ไหม"


def test_same_seed_gives_byte_identical_outputs_across_processes(resources):
    code = ("import sys; from robustir.attacks import build, use_resources; use_resources(sys.argv[1]);"
            "print(repr([build(s).perturb(t, lang=l, qid='q7', seed=3).perturbed for s in ('typo.keyboard(rate=0.5)', 'typo.real')"
            " for l, t in (('en', 'the definitely separate government of France'), ('de', 'Wie viele Bälle fing er ab?'),"
            " ('th', 'แม่น้ำที่ยาวที่สุดในประเทศไทย'))]))")
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}  # another hash seed than ours
    r = subprocess.run([sys.executable, "-c", code, str(resources)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    outs = {r.stdout}
    local = [build(s).perturb(t, lang=l, qid="q7", seed=3).perturbed for s in ("typo.keyboard(rate=0.5)", "typo.real")
             for l, t in (("en", "the definitely separate government of France"), ("de", "Wie viele Bälle fing er ab?"),
                          ("th", "แม่น้ำที่ยาวที่สุดในประเทศไทย"))]
    assert outs == {repr(local) + "\n"}


def test_attacks_listing_says_which_languages_lack_a_real_list():
    from click.testing import CliRunner

    from robustir.cli.attack import attacks_cmd

    out = CliRunner().invoke(attacks_cmd, []).output
    line = next(row for row in out.splitlines() if row.startswith("typo.keyboard"))
    assert "ar el hi: no real list" in line and "mode='typist'" in line
    assert any(row.startswith("typo.real") and "libreoffice-autocorrect" in row for row in out.splitlines())
