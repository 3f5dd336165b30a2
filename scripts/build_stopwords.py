"""Build robustir's conservative stopword lists (function words only) for the 16 languages.

    python scripts/build_stopwords.py --iso STOPWORDS_ISO_JSON --spacy-lang SPACY_LANG_DIR
        --lucene-jar ANSERINI_OR_LUCENE_ANALYSIS_JAR --pythainlp PYTHAINLP_STOPWORDS_TH
        --jieba-dict JIEBA_DICT_TXT [--out src/robustir/text/data/stopwords]

Stopwords ISO alone is far too broad (its Russian list has "война", "мир", "год", "жизнь"), so
each language is built from curated lists, checked against a second source, minus a short,
reviewed list of content words (`DENY`). The method per language (see SOURCES.md there):

- de en es fr it pt ru: the Snowball stop list (Martin Porter et al., as shipped in Lucene's
  analysis jar, snowball/<language>_stop.txt); ar hi: Jacques Savoy's lists; el tr th ja:
  Lucene's Greek, Turkish, Thai and Japanese lists. Each is also present in Stopwords ISO (all
  but 29 Arabic spellings); the ISO and spaCy spellings of the same words are added where
  they differ only by accents (Greek tonos) or ё/е (Russian), since Lucene normalises those
  away.
  Thai entries must also be in PyThaiNLP's list (all are).
- zh: Stopwords ISO ∩ spaCy, keeping only words that jieba's dictionary tags as a function
  part of speech (`ZH_TAGS`: pronoun, conjunction, preposition, adverb, particle, ...).
- ko: Stopwords ISO entries that Kiwi (kiwipiepy) analyses as one morpheme with a function
  tag (`KO_TAGS`: pronoun, determiner, conjunctive/general adverb, bound noun, particle).
- vi: Stopwords ISO ∩ spaCy, single syllables only (robustir splits Vietnamese at spaces, so a
  multi-syllable entry could never match a word).
Then `DENY` removes numerals and content words found by review; French and Italian get their
elided forms ("l'", "dell'") and apostrophe entries get a U+2019 twin. Output: one file per
language, NFC, case-folded, sorted, one word per line.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path

LANGS = ("ar", "de", "el", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "ru", "th", "tr", "vi", "zh")
_A = "org/apache/lucene/analysis/"
LUCENE = {
    "de": "snowball/german_stop.txt", "en": "snowball/english_stop.txt", "es": "snowball/spanish_stop.txt",
    "fr": "snowball/french_stop.txt", "it": "snowball/italian_stop.txt", "pt": "snowball/portuguese_stop.txt",
    "ru": "snowball/russian_stop.txt", "ar": "ar/stopwords.txt", "hi": "hi/stopwords.txt",
    "el": "el/stopwords.txt", "tr": "tr/stopwords.txt", "th": "th/stopwords.txt", "ja": "ja/stopwords.txt",
}
# jieba dictionary tags of function words: c conjunction, r pronoun, d adverb, p preposition,
# u* particles, y modal particle, e interjection, f locative, q classifier, k suffix, zg bound
# morpheme (mostly classical particles; the lexical ones are in DENY), mq.
ZH_TAGS = frozenset("c r d p u ud ug uj ul uv uz y e f q k zg mq".split())
ZH_AUX = frozenset("是 有 会 能 可 要".split())  # copula and modal verbs (tag v in jieba)
# Kiwi (Sejong) tags: NP pronoun, MM determiner, MAJ conjunctive adverb, MAG general adverb,
# NNB bound noun, JKB/JX particles, EC connective ending.
KO_TAGS = frozenset("NP MM MAJ MAG NNB JKB JX EC".split())
KO_EXTRA = frozenset("이 그 저".split())  # demonstratives, which Kiwi tags IC when alone

# Reviewed removals: numerals, and nouns, lexical verbs and adjectives (see module docstring).
DENY: dict[str, str] = {
    "ru": "говорил жизнь сказал сказала сказать человек раз один два три сегодня хорошо лучше",
    "de": "machen weg",
    "en": "",
    "es": "estado estados",
    "fr": "",
    "it": "",
    "pt": "",
    "ar": "",
    "hi": "घर वर्ग वरग कहा कहते बनी बनि रखें पूरा पुरा साबुत कुल एक दो रवासा ऱ्वासा",
    "el": "",
    "tr": (
        "altmış altı beş bin bir doksan dokuz dört elli iki katrilyon kırk milyar milyon on otuz sekiz seksen "
        "trilyon yedi yetmiş yirmi yüz üç şey şeyden şeyi şeyler yapmak yaptı yapacak yapılan yapılması "
        "yapıyor yaptığı yaptığını yaptıkları"
    ),
    "th": (
        "กล่าว จัด ตั้ง ทำ ทำให้ นำ ผล พบ รับ ร่วม ส่ง วัน เปิด เปิดเผย เริ่ม เห็น แรก หนึ่ง ด้าน ช่วง ราย นัก ลง "
        "ออก อยาก"
    ),
    "ja": "",
    "zh": "今 往 腾 论 嗡 嘻 啐 本地 此地 旁人 鄙人",
    "ko": (
        "까악 꽈당 끙끙 끼익 둥둥 딩동 뚝뚝 붕붕 삐걱 엉엉 우르르 윙윙 졸졸 좍좍 주룩주룩 콸콸 쿵 탕탕 툭 퉤 팍 퍽 "
        "헉헉 헐떡헐떡 휘익 마음대로 혼자 진짜로 년"
    ),
    "vi": (
        "biết bài bông bản cao cha chuyện cây cần dì dữ hỏi lớn muốn ngày ngọt người nhà nhận nói năm nơi nóc "
        "số tháng thấy tanh thanh việc vở xuống làm ngôi ngọn con cô chú bà ông cậu thím mợ bộ căn tấn toà pho nền một"
    ),
}
# Elided articles, pronouns and prepositions (the tokenizer splits "l'homme" into "l'" + "homme").
ELIDED = {
    "fr": "c d j l m n s t qu jusqu lorsqu puisqu quoiqu",
    "it": "l d c un dell all dall nell sull coll quell quest",
}


def norm(word: str) -> str:
    return unicodedata.normalize("NFC", word).strip().strip("\ufeff").casefold()


def _key(word: str, lang: str) -> str:
    """Spelling key under which Lucene lists a word (it drops Greek accents and Russian ё)."""
    if lang == "ru":
        return word.replace("ё", "е")
    if lang == "el":
        return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    if lang == "th":  # Lucene writes SARA AM decomposed (U+0E4D U+0E32); running text uses U+0E33
        return word.replace("\u0e4d\u0e32", "\u0e33")
    return word


def read_lucene(jar: zipfile.ZipFile, lang: str) -> set[str]:
    name = LUCENE[lang]
    out: set[str] = set()
    for line in jar.read(_A + name).decode("utf-8").splitlines():
        line = line.split("|")[0] if name.startswith("snowball/") else ("" if line.lstrip().startswith("#") else line)
        out.update(_key(norm(w), lang) for w in line.split())
    return out


def read_spacy(lang_dir: Path, lang: str) -> set[str]:
    """Words of spaCy's `lang/<xx>/stop_words.py`, read with `ast` (the file is never run)."""
    tree = ast.parse((lang_dir / lang / "stop_words.py").read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "\n" in node.value:
            out.update(norm(w).replace("_", " ") for w in node.value.split())
    return {w for w in out if w}


def zh_words(iso: set[str], spacy: set[str], jieba_dict: Path) -> set[str]:
    tags: dict[str, str] = {}
    for line in jieba_dict.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            tags[parts[0]] = parts[2]
    return {w for w in iso & spacy if tags.get(w) in ZH_TAGS or w in ZH_AUX}


def ko_words(iso: set[str]) -> set[str]:
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    out = set(KO_EXTRA & iso)
    for w in iso:
        toks = kiwi.tokenize(w)
        if len(toks) == 1 and toks[0].form == w and toks[0].tag in KO_TAGS:
            out.add(w)
    return out


def build(lang: str, iso: set[str], spacy: set[str], jar: zipfile.ZipFile, thai: set[str], jieba_dict: Path) -> set[str]:
    if lang in LUCENE:
        curated = read_lucene(jar, lang)
        words = curated | {w for w in iso | spacy if _key(w, lang) in curated}
        if lang == "th":
            words = {_key(w, lang) for w in words} & thai
    elif lang == "zh":
        words = zh_words(iso, spacy, jieba_dict)
    elif lang == "ko":
        words = ko_words(iso)
    else:  # vi
        words = {w for w in iso & spacy if " " not in w}
    deny = set(DENY[lang].split())
    if deny - words:  # a DENY entry that matches nothing is a typo or a stale review
        raise SystemExit(f"{lang}: DENY entries not in the list: {sorted(deny - words)}")
    words -= deny
    words |= {w + "'" for w in ELIDED.get(lang, "").split()}
    words |= {w.replace("'", "\u2019") for w in words if "'" in w}
    return words


def _write(path: Path, words: set[str]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(w + "\n" for w in sorted(words)))
    os.replace(tmp, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iso", type=Path, required=True, help="stopwordsiso/stopwords-iso.json (stopwordsiso 0.7.1)")
    ap.add_argument("--spacy-lang", type=Path, required=True, help="spacy/lang directory (spacy 3.8)")
    ap.add_argument("--lucene-jar", type=Path, required=True, help="a jar holding Lucene analysis-common + kuromoji")
    ap.add_argument("--pythainlp", type=Path, required=True, help="pythainlp/corpus/stopwords_th.txt")
    ap.add_argument("--jieba-dict", type=Path, required=True, help="jieba/dict.txt")
    ap.add_argument("--out", type=Path, default=Path("src/robustir/text/data/stopwords"))
    args = ap.parse_args()
    iso_all = json.loads(args.iso.read_text(encoding="utf-8"))
    thai = {_key(norm(w), "th") for w in args.pythainlp.read_text(encoding="utf-8").splitlines()} - {""}
    with zipfile.ZipFile(args.lucene_jar) as jar:
        for lang in LANGS:
            iso = {norm(w) for w in iso_all[lang]} - {""}
            spacy = read_spacy(args.spacy_lang, lang)
            words = build(lang, iso, spacy, jar, thai, args.jieba_dict)
            _write(args.out / f"{lang}.txt", words)
            print(f"{lang}\tiso={len(iso)}\tspacy={len(spacy)}\tout={len(words)}")


if __name__ == "__main__":
    main()
