"""Shared query samples for the attack tests: real XQuAD-R questions and inline examples."""
from __future__ import annotations

from pathlib import Path

import pytest

XQUAD_LANGS = ("ar", "de", "en", "hi", "zh")  # the languages present in ../shared/data/xquad-r

# Natural questions written for these tests, for the MLDR (and XQuAD-R) languages without
# real questions in ../shared/data.
EXAMPLE_QUERIES: dict[str, list[str]] = {
    "es": ["¿Quién escribió Don Quijote de la Mancha?", "¿Cuál es la capital de Argentina?", "¿En qué año llegó Colón a América?", "¿Cómo se fabrica el acero inoxidable?"],
    "fr": ["Où se trouve la tour Eiffel ?", "Qui a peint la Joconde ?", "Quelle est la population de Marseille ?", "Pourquoi le ciel est-il bleu pendant la journée ?"],
    "it": ["Chi ha scritto la Divina Commedia?", "Qual è il fiume più lungo d'Italia?", "Quando è stata fondata la città di Roma?", "Come funziona un motore a vapore?"],
    "ja": ["東京タワーの高さは何メートルですか", "日本で一番長い川はどこですか", "富士山が最後に噴火したのはいつですか", "源氏物語を書いたのは誰ですか"],
    "ko": ["한국의 수도는 어디입니까?", "세종대왕은 무엇을 만들었나요?", "제주도에서 가장 높은 산은 무엇입니까?", "김치는 어떻게 만드나요?"],
    "pt": ["Qual é a capital do Brasil?", "Quem descobriu o caminho marítimo para a Índia?", "Quantos habitantes tem Lisboa?", "Como se forma um arco-íris?"],
    "ru": ["Кто написал роман «Война и мир»?", "Какая самая длинная река в России?", "Когда был основан Санкт-Петербург?", "Сколько лет Московскому Кремлю?"],
    "th": ["ใครเป็นผู้ก่อตั้งกรุงเทพมหานคร", "แม่น้ำที่ยาวที่สุดในประเทศไทยคืออะไร", "ทำไมท้องฟ้าจึงเป็นสีฟ้า", "ประเทศไทยมีกี่จังหวัด"],
    "el": ["Ποια είναι η πρωτεύουσα της Ελλάδας;", "Ποιος έγραψε την Οδύσσεια;", "Πότε χτίστηκε ο Παρθενώνας;"],
    "tr": ["Türkiye'nin başkenti neresidir?", "İstanbul'un fethi hangi yılda gerçekleşti?", "Van Gölü ne kadar büyüktür?"],
    "vi": ["Thủ đô của Việt Nam là gì?", "Ai là người viết Truyện Kiều?", "Sông Mê Kông dài bao nhiêu cây số?"],
}


@pytest.fixture(scope="session")
def real_questions(xquad_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """(query id, text) of the first 300 XQuAD-R questions of every language present."""
    from robustir.datasets import load_dataset

    out = {}
    for lang in XQUAD_LANGS:
        qs = load_dataset("xquad-r", lang=lang, data_dir=xquad_dir).queries
        out[lang] = list(zip(qs.ids[:300], qs.texts[:300]))
    return out


@pytest.fixture(scope="session")
def samples(real_questions) -> dict[str, list[tuple[str, str]]]:
    """Per language: 15 real questions (XQuAD-R) or the inline examples."""
    out = {lang: qs[:15] for lang, qs in real_questions.items()}
    for lang, texts in EXAMPLE_QUERIES.items():
        out.setdefault(lang, [(f"{lang}-{i}", t) for i, t in enumerate(texts)])
    return out
