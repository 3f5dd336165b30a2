"""synonym(revision=v3) and code_switch(revision=v3): the de/en/fr thesauri only when asked
(suite v2's specs give the same output on every machine), marked thesaurus entries dropped,
German nouns kept in gender and inflection, Arabic acronyms never switched.

The small thesauri here are written by the tests in MyThes format; the real-data test reads
OpenThesaurus as Debian's mythes-de installs it (scripts/setup.sh installs it as root)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from robustir.attacks import build, lexicons
from robustir.attacks.families.synonym import german_synonyms, synonyms, votes
from robustir.attacks.lexicons import read_mythes, read_mythes_senses, set_resource_dir, thesaurus
from robustir.text import german
from robustir.text.stopwords import is_function_word

# Entries as OpenThesaurus writes them (notes in parentheses after the word).
DE_THESAURUS = """UTF-8
karriere|1
-|Laufbahn|Werdegang|Berufsweg|Lebenslauf (Oberbegriff)|Vita (geh.)
alt|2
-|betagt|bejahrt|hochbetagt
-|ehemalig|vormalig|früher
spiel|1
-|Partie|Match|Begegnung|Game (ugs.)
"""


@pytest.fixture()
def de_resources(tmp_path: Path, resources_dir: Path):
    """A resource folder: the real wordnets and MUSE, and a German thesaurus written here."""
    for name in ("omw-data", "muse"):
        (tmp_path / name).symlink_to(resources_dir / name)
    thes = tmp_path / "libreoffice-thesauri"
    thes.mkdir()
    for sub in (resources_dir / "libreoffice-thesauri").iterdir():
        (thes / sub.name).symlink_to(sub)
    (thes / "de").mkdir()
    (thes / "de" / "th_de_DE_v2.dat").write_text(DE_THESAURUS, encoding="utf-8")
    set_resource_dir(tmp_path)
    yield tmp_path
    set_resource_dir(None)


def test_v2_never_reads_a_thesaurus_outside_its_set(de_resources: Path) -> None:
    # The German thesaurus is present, but suite v2's spec (revision left out) does not use it.
    assert str(build("synonym")) == "synonym(max_edits=10,min_edits=1,multiword=false,rate=0.1,source=any)"
    assert not any("thes" in v for v in votes("Karriere", "de").values())
    assert "thes" in votes("Karriere", "de", revision="v3")["Laufbahn"]
    assert "revision=v3" in str(build("synonym(revision=v3)"))


def test_marked_entries_are_dropped_in_v3_only(de_resources: Path) -> None:
    path = de_resources / "libreoffice-thesauri" / "de" / "th_de_DE_v2.dat"
    assert "Lebenslauf" in read_mythes(path)["karriere"] and "Vita" in read_mythes(path)["karriere"]
    plain = thesaurus("de", plain=True)["karriere"]
    assert "Lebenslauf" not in plain and "Vita" not in plain and "Laufbahn" in plain
    assert "Game" not in thesaurus("de", plain=True)["spiel"]
    assert read_mythes_senses(path)["alt"] == (("betagt", "bejahrt", "hochbetagt"), ("ehemalig", "vormalig", "früher"))


def test_read_mythes_is_the_flattened_senses(resources_dir: Path) -> None:
    for path in sorted((resources_dir / "libreoffice-thesauri").rglob("*.dat"))[:3]:
        flat = read_mythes(path)
        for word, senses in list(read_mythes_senses(path).items())[:500]:
            assert flat[word] == tuple(dict.fromkeys(s for sense in senses for s in sense))


def test_german_nouns_keep_gender_and_inflection() -> None:
    assert german.analyse("Karriere") == german.NounForm("Karriere", "f", german.analyse("Karriere").cells)
    assert german.genus("Werdegang") == "m" and german.genus("Laufbahn") == "f"
    assert german.analyse("Spiels").cells == frozenset({"genitiv singular"})
    assert german.inflect("Partie", frozenset({"dativ plural"})) == "Partien"
    assert german.inflect("Haus", german.analyse("Spiels").cells) == "Hauses"
    assert german.genus("Match") is None  # das/der Match: nouns of two genders are not used
    assert german.analyse("Karriere") is not None and german.analyse("karriere") is None  # case-sensitive
    assert german.inflect("Karriere", frozenset({"nominativ singular", "nominativ plural"})) is None


def test_german_noun_swaps_agree(de_resources: Path) -> None:
    # Werdegang and Berufsweg are masculine: "seiner Werdegang" would break the agreement.
    assert german_synonyms("Karriere") == ["Laufbahn"]
    for s in range(8):
        out = build("synonym(rate=1.0,revision=v3)").perturb(
            "Wie verlief die Karriere seiner Schwester?", lang="de", qid="q", seed=s).perturbed
        assert "Werdegang" not in out and "Berufsweg" not in out
    # A plural takes the synonym's plural; Spiel (neuter) has only feminine synonyms here
    # (Partie, Begegnung) and none of two genders (Match); an ambiguous form is left alone.
    assert german_synonyms("Karrieren") == ["Laufbahnen"]
    assert german_synonyms("Spiels") == [] and german_synonyms("Spiel") == []
    assert german_synonyms("Spielen") == []  # the dative plural of Spiel, and the noun das Spielen


def test_lower_case_german_words_take_lower_case_synonyms(de_resources: Path) -> None:
    assert "vormalig" in synonyms("alt", "de", revision="v3")
    got = german_synonyms("alt")
    assert got and all(c[:1].islower() for c in got)
    assert german_synonyms("Alt", first=True) == []  # not a listed noun form: left alone at the start


def test_system_thesaurus_is_the_offline_fallback(tmp_path: Path, monkeypatch) -> None:
    system = tmp_path / "mythes"
    system.mkdir()
    (system / "th_de_DE_v2.dat").write_text(DE_THESAURUS, encoding="utf-8")
    monkeypatch.setattr(lexicons, "SYSTEM_DIRS", {"libreoffice-thesauri": (system,)})
    monkeypatch.setenv("ROBUSTIR_OFFLINE", "1")
    monkeypatch.setenv("ROBUSTIR_HOME", str(tmp_path / "cache"))
    (tmp_path / "empty").mkdir()
    set_resource_dir(tmp_path / "empty")
    try:
        assert lexicons.available("libreoffice-thesauri", "de/th_de_DE_v2.dat")
        assert lexicons.locate("libreoffice-thesauri", "de/th_de_DE_v2.dat") == system / "th_de_DE_v2.dat"
        # A copy in the resource folder wins over the system's.
        (tmp_path / "empty" / "libreoffice-thesauri" / "de").mkdir(parents=True)
        mine = tmp_path / "empty" / "libreoffice-thesauri" / "de" / "th_de_DE_v2.dat"
        mine.write_text(DE_THESAURUS, encoding="utf-8")
        assert lexicons.locate("libreoffice-thesauri", "de/th_de_DE_v2.dat") == mine
        with pytest.raises(lexicons.ResourceMissingError, match="missing"):
            lexicons.locate("libreoffice-thesauri", "en/th_en_US_v2.dat")
    finally:
        set_resource_dir(None)


OPENTHESAURUS = Path("/usr/share/mythes/th_de_DE_v2.dat")


def test_real_german_questions_v3(xquad_dir: Path, resources_dir: Path) -> None:
    if not OPENTHESAURUS.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"OpenThesaurus missing under CI=true: {OPENTHESAURUS} (scripts/setup.sh installs mythes-de)")
        pytest.skip("OpenThesaurus not installed (apt install mythes-de)")
    # The first 100 German XQuAD-R questions: v3 changes more of them than v2 (measured: 29% ->
    # 44%), every noun swap keeps the gender, no function word or more than one word is swapped.
    from robustir.datasets import load_dataset

    set_resource_dir(resources_dir)
    try:
        texts = load_dataset("xquad-r", lang="de", data_dir=xquad_dir).queries.texts[:100]
        share = {}
        for spec in ("synonym", "synonym(revision=v3)"):
            res = [build(spec).perturb(t, lang="de", qid=f"de-{i}", seed=0) for i, t in enumerate(texts)]
            share[spec] = sum(r.changed for r in res) / len(res)
            for r in res:
                for op in r.ops:
                    old, new = op.split(":", 1)[1].split("->", 1)
                    assert not is_function_word(old, "de") and " " not in new, op
                    if spec != "synonym" and old[:1].isupper():
                        assert german.analyse(old).genus == german.analyse(new).genus, op
                        assert german.analyse(old).cells <= german.analyse(new).cells, op
        assert share["synonym(revision=v3)"] >= 0.4 > share["synonym"], share
    finally:
        set_resource_dir(None)


def test_code_switch_v3_keeps_arabic_acronyms(resources_dir: Path) -> None:
    # أيه بي سي = ABC, spelled in letter names; v2 translates the pieces (بي -> bea).
    from robustir.attacks.families.code_switch import acronym_words

    text = "ما لون شعار شبكة أيه بي سي في عام 2001؟"
    assert {"أيه", "بي", "سي", "شبكة", "في"} == acronym_words(text, "ar")
    assert acronym_words("Wer gründete ABC?", "de") == frozenset()
    set_resource_dir(resources_dir)
    try:
        v2 = [build("code_switch(rate=1.0)").perturb(text, lang="ar", qid="q", seed=s) for s in range(4)]
        v3 = [build("code_switch(rate=1.0,revision=v3)").perturb(text, lang="ar", qid="q", seed=s) for s in range(4)]
        assert any("أيه بي سي" not in r.perturbed for r in v2)
        for r in v3:
            assert "أيه بي سي" in r.perturbed and r.changed, r.ops
    finally:
        set_resource_dir(None)


def test_arabic_v3_looks_up_the_stem_and_keeps_the_prefix(resources_dir: Path) -> None:
    # The lexicons list bare stems (معلم "teacher" -> مدرس); queries write them with the article
    # and proclitics. A short remainder is no stem: والدين "parents" is not wa-al-din "religion".
    from robustir.attacks.families.synonym import arabic_synonyms

    set_resource_dir(resources_dir)
    try:
        assert synonyms("المعلم", "ar", revision="v3") == () and "مدرس" in synonyms("معلم", "ar", revision="v3")
        for prefix in ("ال", "لل", "وال", "بال"):
            assert prefix + "مدرس" in arabic_synonyms(prefix + "معلم"), prefix
        assert not any(c.endswith("ديانة") for c in arabic_synonyms("والدين"))
        assert all(not c.startswith("الال") for c in arabic_synonyms("الموسم"))
        text = "من هو المعلم الذي درّس الرياضيات في المدرسة؟"
        outs = {build("synonym(rate=1.0,revision=v3)").perturb(text, lang="ar", qid="q", seed=s).perturbed for s in range(4)}
        assert any("المدرس" in o.split() for o in outs), outs
        assert all("المعلم" in o.split() for o in {build("synonym(rate=1.0)").perturb(text, lang="ar", qid="q", seed=s).perturbed
                                                    for s in range(4)})  # v2 never finds it
    finally:
        set_resource_dir(None)


def test_pivot_v3_chinese_needs_a_wordnet_vote(resources_dir: Path) -> None:
    # MUSE zh is mostly Traditional: v3 also looks Simplified words up in Traditional (OpenCC),
    # which multiplies English homonyms (记录 record -> 唱片 vinyl record, 球员 player -> 玩家
    # gamer, 奖杯 trophy -> 战利品 spoils); a round trip is then kept only when a wordnet also
    # puts the two words in one synset.
    from robustir.attacks.families.translate import round_trips

    set_resource_dir(resources_dir)
    try:
        for word, homonym in (("记录", "唱片"), ("球员", "玩家"), ("奖杯", "战利品")):
            assert round_trips(word, "zh", "en") == []  # v2: no entry for the Simplified word
            assert homonym in round_trips(word, "zh", "en", variants=True)
            assert homonym not in round_trips(word, "zh", "en", variants=True, wordnet_vote=True)
        assert round_trips("记录", "zh", "en", variants=True, wordnet_vote=True) == ["纪录"]
        assert "年纪" in round_trips("年龄", "zh", "en", variants=True, wordnet_vote=True)
        assert "revision=v3" in str(build("paraphrase.pivot(revision=v3)"))
        text = "球队的年龄记录是多少？"
        outs = [build("paraphrase.pivot(rate=1.0,revision=v3)").perturb(text, lang="zh", qid="q", seed=s) for s in range(4)]
        assert any(r.changed for r in outs) and not any("唱片" in r.perturbed for r in outs)
    finally:
        set_resource_dir(None)
