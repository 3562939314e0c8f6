"""An article's focus: its dateline's place, else the specific place it names most."""

from conftest import parse_text
from geo.resolution.focus import article_focus


def test_focus_a_dateline_names_the_place_filed_from(parser):
    doc = parse_text(parser, "ANKARA, Turkey (AP) — Officials said talks on Damascus and Damascus would go on. "
                             "Damascus was calm.")
    assert article_focus(doc, parser.gazetteer) == ("curated:ankara", "dateline")


def test_focus_without_dateline_the_specific_place_named_most(parser):
    doc = parse_text(parser, "Turkey and Syria and Turkey again. Officials in Palmyra spoke; Palmyra was quiet. "
                             "Damascus said nothing.")
    assert article_focus(doc, parser.gazetteer) == ("curated:palmyra", "most named")


def test_focus_only_countries_then_the_country_named_most_and_none_without_places(parser):
    doc = parse_text(parser, "Syria and Turkey spoke. Turkey said more. Turkey will decide.")
    assert article_focus(doc, parser.gazetteer) == ("country:TR", "most named")
    assert article_focus(parse_text(parser, "Nothing here names a place at all."), parser.gazetteer) == ("", "")


def test_focus_nationality_words_do_not_count(parser):
    doc = parse_text(parser, "Turkish, Turkish and Turkish officials met in Damascus.")
    assert article_focus(doc, parser.gazetteer)[0] == "curated:damascus"
