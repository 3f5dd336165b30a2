"""Resource locator and readers (MUSE, OMW tab files, MyThes) on the real files."""
from __future__ import annotations

from pathlib import Path

import pytest

from robustir.attacks import build
from robustir.attacks import lexicons as resources
from robustir.attacks.lexicons import (
    locate,
    muse,
    read_muse,
    read_mythes,
    set_resource_dir,
    thesaurus,
    wordnet,
)
from robustir.errors import DataError, ResourceMissingError, UnknownNameError


@pytest.fixture()
def real_resources(resources_dir: Path):
    set_resource_dir(resources_dir)
    yield resources_dir
    set_resource_dir(None)


@pytest.fixture()
def no_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv(resources.ENV_VAR, raising=False)
    set_resource_dir(tmp_path)
    yield tmp_path
    set_resource_dir(None)


def test_muse_reader(real_resources: Path) -> None:
    en_de = muse("en", "de")
    assert len(en_de) > 50_000
    assert "die" in en_de["the"]
    assert "points" in muse("de", "en")["punkte"]
    assert "年" in muse("zh", "en")


def test_muse_reader_rejects_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "xx-en.txt"
    path.write_text("hund dog\nthree words here\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"xx-en.txt:2"):
        read_muse(path)
    path.write_text("hund dog\nhund hound\n\n", encoding="utf-8")
    assert read_muse(path) == {"hund": ("dog", "hound")}


def test_mythes_iso_8859_1_spanish(real_resources: Path) -> None:
    es = thesaurus("es")
    assert len(es) > 20_000
    # Decoded with the declared ISO-8859-1: accents survive, no mojibake.
    assert "habitación" in es["casa"]
    assert not any("Ã" in s for syns in list(es.values())[:2000] for s in syns)


def test_mythes_bom_antonyms_and_notes(real_resources: Path) -> None:
    ru = thesaurus("ru")
    assert "америка" in ru  # first entry, after a UTF-8 BOM on the encoding line
    assert "безусловный" in ru["абсолютный"]
    assert "относительный" not in ru["абсолютный"]  # an (антоним) sense
    assert all("(" not in s for syns in ru.values() for s in syns)
    for lang, word in (("ar", "تحاب"), ("it", "abate"), ("pt", "a esmo"), ("th", "ธง")):
        assert thesaurus(lang).get(word), lang


def test_mythes_reader_on_a_written_file(tmp_path: Path) -> None:
    path = tmp_path / "th_xx.dat"
    path.write_bytes("ISO8859-1\ncanción|2\n-|tema|copla (generic term)\n(antonym)|silencio\n".encode("latin-1"))
    assert read_mythes(path) == {"canción": ("tema", "copla")}


def test_omw_wordnets(real_resources: Path) -> None:
    en = wordnet("en")
    assert "automobile" in en.synonyms("car")
    assert "car" not in en.synonyms("Car")
    zh = wordnet("zh")
    assert any("cow" in f for f in zh.files)  # the hand-built Chinese Open Wordnet joins wikt
    for lang in ("ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "ru", "th", "zh"):
        assert len(wordnet(lang).synsets) > 1000, lang


def test_env_variable_points_at_resources(resources_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_resource_dir(None)
    monkeypatch.setenv(resources.ENV_VAR, str(resources_dir))
    try:
        assert locate("muse", "en-de.txt") == resources_dir / "muse" / "en-de.txt"
    finally:
        resources.clear_caches()


def test_missing_offline_is_a_clear_error(no_resources: Path) -> None:
    with pytest.raises(ResourceMissingError) as err:
        locate("muse", "en-de.txt")
    msg = str(err.value)
    assert "muse/en-de.txt" in msg and "--resources" in msg
    assert "https://dl.fbaipublicfiles.com/arrival/dictionaries/en-de.txt" in msg
    with pytest.raises(ResourceMissingError, match="omw-data/wns/wikt/wn-wikt-deu.tab"):
        build("synonym").perturb("Wie heißt die Hauptstadt", lang="de", qid="q", seed=0)
    with pytest.raises(ResourceMissingError, match="muse"):
        build("code_switch").perturb("Wie heißt die Hauptstadt", lang="de", qid="q", seed=0)


def test_bad_resource_dir_and_names(tmp_path: Path) -> None:
    with pytest.raises(ResourceMissingError, match="does not exist"):
        set_resource_dir(tmp_path / "nope")
    with pytest.raises(UnknownNameError, match="did you mean 'muse'"):
        locate("mus", "en-de.txt")
    with pytest.raises(UnknownNameError):
        wordnet("xx")
