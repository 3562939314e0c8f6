"""The language of an article: stated in its source, else detected offline."""

from geo.text.language import detect_language, set_language
from geo.types import Article, Document, Source, Span


def test_language_detects_the_region_s_languages_and_english():
    assert detect_language("التقى مسؤولون أتراك وإسرائيليون في باكو يوم الأربعاء لبحث الوضع.") == "ar"
    assert detect_language("נציגים מטורקיה ומישראל נפגשו בבאקו לשיחות טכניות על סוריה.") == "he"
    assert detect_language("Türk ve İsrailli heyetler Bakü'de bir araya geldi ve durumu görüştü.") == "tr"
    assert detect_language("Turkish and Israeli officials met in Baku to discuss Syria.") == "en"
    assert detect_language("Hi") == ""


def test_language_a_stated_language_wins_over_the_detector():
    text = "Turkish and Israeli officials met in Baku to discuss Syria."
    stated = Document(Article("a", text, Source(language="tr")), body=Span(0, len(text)))
    assert set_language(stated).language == "tr"
    detected = Document(Article("a", text), body=Span(0, len(text)))
    assert set_language(detected).language == "en"
