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


def test_attacked_set_manifest_records_the_resource_files_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A set names each lexicon file it was made from, with its checksum and where it came from,
    so two sets that differ because one machine had another release of a thesaurus say so."""
    import hashlib
    import json

    from robustir.attacks.runner import run_attacks

    folder = tmp_path / "res" / "muse"
    folder.mkdir(parents=True)
    body = "".join(f"{de}\t{en}\n" for de, en in [("haus", "house"), ("hund", "dog"), ("katze", "cat"), ("baum", "tree")])
    (folder / "de-en.txt").write_text(body, encoding="utf-8")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def files_of(out: Path) -> list[dict]:
        return json.loads((out / "manifest.json").read_text(encoding="utf-8"))["resources"]

    try:
        run_attacks("mldr-sample", ["code_switch(rate=1.0)"], ["de"], 0, tmp_path / "a1", resources=tmp_path / "res", progress=False)
        got = files_of(tmp_path / "a1")
        assert {"collection": "muse", "file": "de-en.txt", "origin": "folder", "bytes": len(body.encode()),
                "sha256": hashlib.sha256(body.encode()).hexdigest()} in got
        assert all(e["origin"] in {"folder", "cache", "system"} and len(e["sha256"]) == 64 for e in got)
        assert "path" not in got[0]  # machine paths only for a distribution's copy
        # Later runs in the same process (a leaderboard submission makes many): character noise
        # reads no lexicon, though the process located one before; the same attack again, served
        # from the parsed-lexicon caches, names the same files as the first time.
        run_attacks("mldr-sample", ["typo.char(rate=0.2)"], ["de"], 0, tmp_path / "a2", progress=False)
        assert files_of(tmp_path / "a2") == []
        run_attacks("mldr-sample", ["code_switch(rate=1.0)"], ["de"], 1, tmp_path / "a3", progress=False)
        assert files_of(tmp_path / "a3") == got
    finally:
        set_resource_dir(None)


def test_tracked_cache_reports_files_on_every_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache over a cache over a lexicon: a hit of the outer one still names the file."""
    (tmp_path / "muse").mkdir()
    (tmp_path / "muse" / "de-en.txt").write_text("haus house\n", encoding="utf-8")
    set_resource_dir(tmp_path)
    try:
        calls = []

        @resources.tracked_cache()
        def inner() -> int:
            calls.append("inner")
            return len(resources.muse("de", "en"))

        @resources.tracked_cache()
        def outer(n: int) -> int:
            calls.append("outer")
            return inner() + n

        with resources.recording() as first:
            assert outer(1) == 2
        with resources.recording() as second, resources.recording() as nested:
            assert outer(1) == 2 and inner() == 1
        with resources.recording() as none:
            pass
        assert calls == ["outer", "inner"]  # each computed once
        assert first == second == nested == {("muse", "de-en.txt")} and none == set()
        assert [e["file"] for e in resources.located_files(second)] == ["de-en.txt"]
    finally:
        set_resource_dir(None)


def test_system_copy_is_recorded_with_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sysdir = tmp_path / "mythes"
    sysdir.mkdir()
    data = b"UTF-8\nHaus|1\n-|Geb\xc3\xa4ude\n"
    (sysdir / "th_de_DE_v2.dat").write_bytes(data)
    monkeypatch.setitem(resources.SYSTEM_DIRS, "libreoffice-thesauri", (sysdir,))
    monkeypatch.setattr(resources, "_LOCATED", {})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    set_resource_dir(tmp_path)  # an empty resource folder: the system copy is the fallback
    try:
        assert locate("libreoffice-thesauri", "de/th_de_DE_v2.dat") == sysdir / "th_de_DE_v2.dat"
        (entry,) = resources.located_files()
        assert (entry["origin"], entry["path"], entry["bytes"]) == ("system", str(sysdir / "th_de_DE_v2.dat"), len(data))
    finally:
        set_resource_dir(None)
