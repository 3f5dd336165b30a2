"""Example queries (written for these tests) in the MLDR languages absent from XQuAD-R."""
from __future__ import annotations

QUERIES: dict[str, list[str]] = {
    "es": [
        "¿Cuál es la capital de Francia?",
        "historia de la música clásica en Europa",
        "¿Quién escribió la novela Cien años de soledad?",
        "efectos del cambio climático en los océanos",
        "¿Cómo funciona un motor eléctrico?",
        "Receta tradicional de la paella valenciana",
    ],
    "fr": [
        "Quelle est la plus grande ville du Canada ?",
        "histoire de la révolution française",
        "Qui a peint la célèbre peinture de la Joconde ?",
        "les effets du sucre sur la santé",
        "Comment fonctionne une centrale nucléaire ?",
        "Pourquoi le ciel est-il bleu pendant la journée ?",
    ],
    "it": [
        "Qual è il fiume più lungo d'Italia?",
        "storia dell'impero romano d'occidente",
        "Chi ha scritto la Divina Commedia?",
        "effetti del caffè sulla salute del cuore",
        "Come si prepara la pasta fresca in casa?",
        "Quando è stata costruita la torre di Pisa?",
    ],
    "pt": [
        "Qual é a maior floresta do mundo?",
        "história do futebol brasileiro",
        "Quem descobriu o caminho marítimo para a Índia?",
        "benefícios do exercício físico para a saúde",
        "Como se forma a chuva nas montanhas?",
        "Qual é a língua oficial de Moçambique?",
    ],
    "ru": [
        "Какая самая высокая гора в России?",
        "история русской литературы девятнадцатого века",
        "Кто написал роман Война и мир?",
        "влияние сахара на здоровье человека",
        "Как работает электрический двигатель?",
        "Когда была основана Москва?",
    ],
    "ja": [
        "日本で一番高い山は何ですか",
        "東京の人口はどのくらいですか",
        "日本の歴史について教えてください",
        "地球温暖化の原因は何ですか",
        "新幹線はいつ開業しましたか",
        "有名な小説家の作品を読みたい",
    ],
    "ko": [
        "한국에서 가장 높은 산은 무엇입니까",
        "서울의 인구는 얼마나 됩니까",
        "한국 전쟁의 역사",
        "커피가 건강에 미치는 영향",
        "세종대왕은 어떤 업적을 남겼습니까",
        "지구 온난화의 주요 원인",
    ],
    "th": [
        "ภูเขาที่สูงที่สุดในประเทศไทยคืออะไร",
        "ประวัติศาสตร์ของกรุงเทพมหานคร",
        "อาหารไทยที่มีชื่อเสียงที่สุด",
        "ผลกระทบของการเปลี่ยนแปลงสภาพภูมิอากาศ",
        "แม่น้ำเจ้าพระยาไหลผ่านจังหวัดใดบ้าง",
        "วิธีการเรียนภาษาอังกฤษให้เก่ง",
    ],
}
