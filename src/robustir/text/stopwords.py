"""Stopword lists (function words only) and closed-class words for the 16 languages robustir knows.

Stopwords ship as package data (`text/data/stopwords/{lang}.txt`: from Snowball, Lucene and Savoy
lists, Stopwords ISO and spaCy; see `text/data/stopwords/SOURCES.md`), NFC and case-folded.
`drop.stopwords` removes them.

`is_function_word` is wider: stopwords plus the closed-class words the stopword lists leave out
on purpose or by gap (copulas and auxiliaries that are also nouns, like French "est" = east;
interrogatives, like Arabic "متى" = when, also the name Matthew; cardinal numerals, which the
stopword lists drop so that drop.stopwords keeps them) and every token holding a digit. The
word-swap attacks never replace a function word: a synonym of a question word or of a copula
changes what is asked.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib.resources import files

from robustir.errors import unknown_name
from robustir.languages import LANGUAGES

__all__ = ["STOPWORD_LANGS", "CLOSED_CLASS", "is_function_word", "is_stopword", "stopwords", "function_words"]

STOPWORD_LANGS = frozenset(LANGUAGES)

# Closed-class words per language (hand-written from standard grammars): copula and auxiliary
# forms, modal verbs, interrogatives, cardinal numerals. Case-folded on load.
CLOSED_CLASS: dict[str, str] = {
    "ar": "أكثر اكثر أكبر متى ماذا أين اين كيف من هل ما لماذا لما كم أي اي أية ماهو ماهي هو هي كان كانت كانوا يكون تكون "
          "يكونون ليس ليست أصبح اصبح صار يوجد توجد هناك واحد واحدة اثنان اثنين اثنتان ثلاثة ثلاث أربعة "
          "اربعة أربع خمسة خمس ستة ست سبعة سبع ثمانية ثمان تسعة تسع عشرة عشر مائة مئة ألف الف آلاف مليون ملايين",
    "de": "mehr meist meisten sehr viel viele ist sind war waren wird werden wurde wurden worden sein bin bist seid gewesen hat haben hatte hatten "
          "habe hast kann können konnte konnten muss müssen musste mussten soll sollen sollte sollten will "
          "wollen wollte wollten darf dürfen durfte mag möchte gibt gab wer wen wem wessen was wo wann wie "
          "warum wieso weshalb welche welcher welches welchen welchem woher wohin wofür womit wodurch "
          "worüber wieviel wievielen eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf "
          "zwanzig hundert tausend million millionen milliarde milliarden",
    "el": "είναι ήταν είμαι είσαι είμαστε είστε έχει έχουν είχε είχαν θα μπορεί τι πότε πού πώς ποιος ποια "
          "ποιο ποιοι ποιες ποιου ποιας γιατί πόσο πόση πόσοι πόσα πόσες ένα ένας μία μια δύο δυο τρία τρεις "
          "τέσσερα πέντε έξι επτά εφτά οκτώ οχτώ εννέα δέκα εκατό χίλια εκατομμύριο",
    "en": "most more very less many much is are was were be been being am has have had do does did will would shall should can could may "
          "might must what when where who whom whose which why how one two three four five six seven eight "
          "nine ten eleven twelve twenty hundred thousand million billion",
    "es": "más menos muy tan es son fue fueron era eran ser sido sea está están estaba estaban estar estuvo ha han había habían "
          "hay haber hubo he has puede pueden podía pudo debe deben va van iba qué quién quiénes cuál cuáles "
          "cuándo dónde adónde cómo cuánto cuánta cuántos cuántas uno una dos tres cuatro cinco seis siete "
          "ocho nueve diez once doce veinte cien ciento mil millón millones",
    "fr": "plus moins très trop assez est sont était étaient été être suis es sommes êtes sera seront serait seraient fut furent soit "
          "ai as a avons avez ont avait avaient aura auront avoir eu peut peuvent pouvait doit doivent devait "
          "va vont allait faut fallait qui que quoi quel quelle quels quelles où quand comment pourquoi "
          "combien lequel laquelle lesquels lesquelles un une deux trois quatre cinq six sept huit neuf dix "
          "onze douze vingt cent cents mille million millions milliard milliards",
    "hi": "सबसे अधिक ज़्यादा ज्यादा बहुत क्या कब कहाँ कहां कैसे कैसा कैसी कौन कौनसा कौनसी किस किसने किसे किसको किसका किसकी किसके क्यों "
          "कितना कितने कितनी है हैं था थे थी थीं हो होता होती होते होगा होगी होंगे हुआ हुई हुए गया गई गए "
          "गयी किया की के एक दो तीन चार पांच पाँच छह छः सात आठ नौ दस सौ हज़ार हजार लाख करोड़",
    "it": "più meno molto troppo è sono era erano fu furono essere stato stata stati state sia ha hanno aveva avevano avere ho hai "
          "può possono poteva deve devono doveva chi che cosa quale quali quando dove come perché perchè "
          "quanto quanta quanti quante uno una due tre quattro cinque sei sette otto nove dieci undici "
          "dodici venti cento mille milione milioni miliardo miliardi",
    "ja": "一番 最も もっと とても です でした ます ました ある あり いる い する し なる だ な は が の を に で と も 何 なに なん "
          "いつ どこ どれ だれ 誰 どう どの なぜ いくつ いくら どちら どなた どんな 一 二 三 四 五 六 七 八 九 十 "
          "百 千 万 億",
    "ko": "가장 더 매우 무엇 무엇을 무엇이 무엇인가 언제 어디 어디에 어디서 누구 누가 왜 어떻게 어떤 얼마 얼마나 몇 무슨 "
          "어느 이다 입니다 있다 있습니다 없다 하다 합니다 되다 됩니다 하나 둘 셋 넷 다섯 여섯 일곱 여덟 "
          "아홉 열 백 천 만 억",
    "pt": "mais menos muito tão é são era eram foi foram ser sido seja está estão estava estavam estar esteve tem têm tinha tinham "
          "ter há houve pode podem podia deve devem vai vão ia que quem qual quais quando onde como porque "
          "porquê quanto quanta quantos quantas um uma dois duas três quatro cinco seis sete oito nove dez "
          "onze doze vinte cem cento mil milhão milhões",
    "ru": "самый самая самое самые самого более очень много это есть был была было были быть будет будут является являются являлся являлась может могут "
          "можно нужно должен должна должны что кто когда где как почему зачем какой какая какое какие "
          "каком какого какую каких сколько чей чья чьё куда откуда ли один одна одно два две три четыре "
          "пять шесть семь восемь девять десять сто тысяча тысяч миллион миллиона миллионов",
    "th": "ที่สุด มาก อะไร ที่ไหน ไหน เมื่อไร เมื่อไหร่ ใคร ทำไม อย่างไร ยังไง เท่าไร เท่าไหร่ กี่ คือ เป็น อยู่ มี ได้ "
          "จะ ไหม หรือไม่ หนึ่ง สอง สาม สี่ ห้า หก เจ็ด แปด เก้า สิบ ร้อย พัน หมื่น แสน ล้าน",
    "tr": "ne nerede nereye nereden neresi neresidir kim kime kimin nasıl neden niçin niye hangi kaç mi mı "
          "mu mü idi dır dir dur dür bir iki üç dört beş altı yedi sekiz dokuz on yüz bin milyon milyar",
    "vi": "là gì đâu nào ai sao bao nhiêu khi thế có được một hai ba bốn sáu bảy tám chín mười trăm nghìn "
          "ngàn triệu",
    "zh": "最 更 很 是 什么 哪 哪里 哪儿 哪个 哪些 哪一 谁 何时 何地 什么时候 为什么 为何 怎么 怎样 怎么样 如何 多少 几 "
          "吗 呢 有 会 能 可以 要 被 为 一 二 三 四 五 六 七 八 九 十 百 千 万 亿 两",
}


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


@lru_cache(maxsize=None)
def stopwords(lang: str) -> frozenset[str]:
    """The stopword set of `lang` (NFC, case-folded)."""
    if lang not in LANGUAGES:
        raise unknown_name("language", lang, LANGUAGES)
    path = files("robustir.text").joinpath("data", "stopwords", f"{lang}.txt")
    return frozenset(w for w in path.read_text(encoding="utf-8").split("\n") if w)


@lru_cache(maxsize=None)
def function_words(lang: str) -> frozenset[str]:
    """Stopwords plus the closed-class words of `lang` (NFC, case-folded)."""
    return stopwords(lang) | frozenset(_key(w) for w in CLOSED_CLASS.get(lang, "").split())


def is_stopword(word: str, lang: str) -> bool:
    """True if `word` (any case) is a stopword of `lang`; digits-only words count as stopwords."""
    key = _key(word)
    return key in stopwords(lang) or key.isdigit()


def is_function_word(word: str, lang: str) -> bool:
    """True for a stopword, a closed-class word (copula, auxiliary, interrogative, numeral) or a
    token holding a digit (2015年, 3D). Arabic: harakat and a leading conjunction و/ف are ignored
    (ومتى = and when)."""
    key = _key(word)
    if any(ch.isdigit() for ch in key):
        return True
    words = function_words(lang)
    if key in words:
        return True
    if lang == "ar":
        bare = "".join(ch for ch in key if not "\u064b" <= ch <= "\u0652")
        return bare in words or (len(bare) > 2 and bare[0] in "وف" and bare[1:] in words)
    return False
