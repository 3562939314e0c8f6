"""Articles in Arabic, Hebrew and Turkish: every gold mention found, nothing else, spans on the names themselves.

The articles in tests/fixtures/languages were written for these tests (made-up, no outlet's
text), with prefixes, suffixes, vowel marks and page furniture; gold.tsv lists their
mentions, hand-checked.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo.text.corpus import read_article

FIXTURES = Path(__file__).parent / "fixtures" / "languages"


def gold() -> dict[str, set[tuple]]:
    found: dict[str, set[tuple]] = {}
    with open(FIXTURES / "gold.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            found.setdefault(row["article"], set()).add((int(row["start"]), int(row["end"]), row["place_id"], row["type"]))
    return found


ARTICLES = sorted(path.stem for path in FIXTURES.glob("*.txt"))


@pytest.mark.parametrize("article_id", ARTICLES)
def test_languages_each_article_yields_its_gold_mentions_and_no_other(parser, article_id):
    path = FIXTURES / f"{article_id}.txt"
    article, _ = read_article(article_id, path.read_bytes(), path.suffix, None, str(path))
    doc = parser(article)
    assert doc.language == article_id.split("-")[0]
    found = {(m.start, m.end, m.place_id, m.type) for m in doc.mentions}
    expected = gold()[article_id]
    text = article.text
    assert found == expected, (sorted((text[s:e], p, t) for s, e, p, t in found - expected),
                               sorted((text[s:e], p, t) for s, e, p, t in expected - found))
    assert all(text[m.start:m.end] == m.surface for m in doc.mentions)


def test_languages_every_language_of_the_fixtures_is_covered():
    assert {a.split("-")[0] for a in ARTICLES} == {"ar", "he", "tr"} and len(gold()) == len(ARTICLES)


def test_languages_prefixes_stay_out_of_the_span_and_vowel_marks_are_read_over(parser):
    from conftest import parse_text

    doc = parse_text(parser, "وصل الوفد إلى دمشقَ، ثم توجه وبالقدس التقى مسؤولين. ובירושלים נפגשו.")
    surfaces = [(m.surface, m.place_id) for m in doc.mentions]
    assert ("دمشق", "curated:damascus") in surfaces  # the fatha after it is not part of the name
    assert ("القدس", "curated:jerusalem") in surfaces and ("ירושלים", "curated:jerusalem") in surfaces


def test_languages_a_frequent_word_is_no_town_without_evidence(parser):
    from conftest import parse_text

    doc = parse_text(parser, "وقال المسؤول إن الوضع هادئ وأشار إلى أن المحادثات مستمرة. לא פורטו פרטים נוספים.")
    assert doc.mentions == ()


def test_languages_a_nationality_word_is_its_country_not_a_town_of_that_name(parser):
    from conftest import parse_text

    doc = parse_text(parser, "قال مسؤول سوري إن الوضع هادئ. ואמר גורם ישראלי כי השיחות יימשכו.")
    assert [(m.surface, m.place_id, m.type) for m in doc.mentions] == [
        ("سوري", "country:SY", "demonym"), ("ישראלי", "country:IL", "demonym")]


LONG = FIXTURES / "long"


def long_places() -> dict[str, list[tuple]]:
    places: dict[str, list[tuple]] = {}
    with open(LONG / "places.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            places.setdefault(row["article"], []).append((int(row["start"]), int(row["end"]), row["note"]))
    return places


@pytest.mark.parametrize("article_id", sorted(path.stem for path in LONG.glob("*.txt")))
def test_languages_a_long_agency_article_keeps_its_places_to_the_end(parser, article_id):
    """Long Arabic agency stories (issue 24, item 3): a "read also" link halfway through, lists of places
    joined by "و", one sentence of 2,000 characters; every place the index holds is found, none in furniture."""
    path = LONG / f"{article_id}.txt"
    article, _ = read_article(article_id, path.read_bytes(), path.suffix, None, str(path))
    doc = parser(article)
    found = {(m.start, m.end) for m in doc.mentions if m.type == "toponym"}
    places = long_places()[article_id]
    missing = [article.text[s:e] for s, e, note in places if note != "gap" and (s, e) not in found]
    assert missing == []
    assert not [m.surface for m in doc.mentions if not doc.in_body(m.start, m.end)]


def test_languages_a_frequent_word_listed_after_a_place_is_a_place_too(parser):
    from conftest import parse_text

    doc = parse_text(parser, "وصلت القوافل إلى حلب وإدلب ودرعا، ثم إلى حمص أو الباب.")
    assert [m.surface for m in doc.mentions] == ["حلب", "إدلب", "درعا", "حمص", "الباب"]


@pytest.mark.parametrize(("text", "places"), [
    # "באזור" (in the area) is more frequent than "אזור" alone: a phrase, not "in Azor".
    ("כוחות הביטחון פעלו באזור במשך הלילה, כך נמסר מהצבא.", []),
    # "בצור" (in Tyre) is rarer than "צור" (flint; a rock): the "in" written onto it says a place follows.
    ("כוחות הממשלה פעלו בצור במשך הלילה, כך נמסר מביירות.", ["צור"]),
])
def test_languages_in_written_onto_a_word_that_is_a_phrase_with_it_is_no_cue(parser, text, places):
    from conftest import parse_text

    found = [m.surface for m in parse_text(parser, text).mentions if m.type == "toponym"]
    assert [s for s in found if s in ("אזור", "צור")] == places, found


@pytest.mark.parametrize(("text", "name"), [
    ("פועלים סיימו את בניין המגדל החדש בעיר, כך נמסר מהעירייה.", "ניין"),  # a building, not "in Nayn"
    ("הממשלה הקציבה מליון שקלים לפרויקט, כך נמסר מהמשרד.", "ליון"),  # a million, not "from Lyon"
    ("בקירוב מאה איש הגיעו לכיכר, כך נמסר מהמשטרה.", "קירוב"),  # approximately, not "in Kirov"
    ("ההפגנות נמשכו בצפון-מזרח המדינה, כך נמסר מהמשטרה.", "מדינה"),  # "the state", not Medina: names take no "the"
])
def test_languages_a_word_that_reads_as_a_prefix_and_a_town_is_the_word(parser, text, name):
    # Hebrew writes "in", "from" and "the" onto the next word; a word commoner whole than "in" + a town's name is
    # that word (data/languages.toml: prefixes, articles; PHRASE in geo/gazetteer/build.py).
    from conftest import parse_text

    assert name not in [m.surface for m in parse_text(parser, text).mentions]


def test_languages_in_cairo_written_with_its_article_stays_cairo(parser):
    # "بالقاهرة" (in Cairo) is rarer than "القاهرة": the name's own form carries the article the key lost.
    from conftest import parse_text

    assert "القاهرة" in [m.surface for m in parse_text(parser, "عقد الاجتماع بالقاهرة يوم الاثنين، وفق مصادر مصرية.").mentions]


@pytest.mark.parametrize(("text", "places"), [
    # Nationality words by vowel harmony from CLDR's Turkish names (data/languages.toml: demonym_suffixes).
    ("Iraklı yetkililer ve Ürdünlü askerler sınırda buluştu, Mısırlılar da katıldı.",
     ["country:IQ", "country:JO", "country:EG"]),
    ("ABD ile Irak arasındaki görüşmeler sürüyor, yetkililer açıklama yaptı.", ["country:US", "country:IQ"]),
    # A ministry of the country: the country is named ("Irak Dışişleri Bakanlığı"), unlike an adjective's.
    ("Irak Dışişleri Bakanlığı açıklama yaptı. Millî Savunma Bakanlığı da bir açıklama yayımladı.", ["country:IQ"]),
])
def test_languages_turkish_nationality_words_and_a_country_s_ministry(parser, text, places):
    from conftest import parse_text

    assert [m.place_id for m in parse_text(parser, text).mentions] == places


def test_languages_harmonic_demonyms_follow_the_last_vowel():
    from geo.gazetteer.build import harmonic_demonyms

    suffixes = {"a": ["lı"], "ü": ["lü"], "e": ["li"]}
    assert harmonic_demonyms("Irak", suffixes) == ["Iraklı"]
    assert harmonic_demonyms("Ürdün", suffixes) == ["Ürdünlü"]
    assert harmonic_demonyms("Güney Kore", suffixes) == ["Güney Koreli"]
    assert harmonic_demonyms("Amerika Birleşik Devletleri", suffixes) == []  # a plural takes no -li


@pytest.mark.parametrize(("text", "places"), [
    # The short names news writes, not CLDR's full ones (data/languages.toml: names)
    ("وصل الوفد إلى السعودية ثم إلى الإمارات وبريطانيا، وقالت أمريكا إنها ترحب.",
     ["country:SA", "country:AE", "country:GB", "country:US"]),
    ('נציגי ארה"ב וסעודיה נפגשו, ואיחוד האמירויות הצטרף לשיחות.', ["country:US", "country:SA", "country:AE"]),
    ("İngiltere ve Amerika ile görüşmeler sürüyor, yetkililer açıklama yaptı.", ["country:GB", "country:US"]),
    ("Iraqi and Jordanian officials met: העיראקים והירדנים נפגשו.", ["country:IQ", "country:JO", "country:IQ", "country:JO"]),
])
def test_languages_a_country_by_the_short_name_news_writes(parser, text, places):
    from conftest import parse_text

    assert [m.place_id for m in parse_text(parser, text).mentions] == places


@pytest.mark.parametrize(("text", "place"), [
    ("قصفت الطائرات قرى في ريف حلب الشرقي ليلة أمس، وفق مصادر محلية.", "region:SY-HL"),  # Aleppo's countryside
    ("قصفت الطائرات أحياء في مدينة حلب ليلة أمس، وفق مصادر محلية.", "geonames:170063"),  # the city
])
def test_languages_the_countryside_of_a_city_is_its_governorate(parser, text, place):
    from conftest import parse_text

    assert [m.place_id for m in parse_text(parser, text).mentions] == [place]
