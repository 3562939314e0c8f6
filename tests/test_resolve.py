import pytest

from conftest import parse_text


@pytest.mark.parametrize("article_id", ["000_fb80890b4044597b", "002_0195888066891744", "004_12aca03efa784089"])
def test_resolve_damascus_is_the_syrian_capital(gazetteer, seed_docs, article_id):
    places = {gazetteer.place(m.place_id).country_code for m in seed_docs[article_id].mentions if m.surface == "Damascus"}
    assert places == {"SY"}


def test_resolve_palmyra_is_the_syrian_city(gazetteer, seed_docs):
    mentions = [m for doc in seed_docs.values() for m in doc.mentions if m.surface == "Palmyra"]
    assert mentions and {gazetteer.place(m.place_id).country_code for m in mentions} == {"SY"}


def test_resolve_a_qualifier_picks_the_us_town(gazetteer, parser):
    mention = parse_text(parser, "The fair opened in Damascus, Maryland, on Saturday.").mentions[0]
    place = gazetteer.place(mention.place_id)
    assert (place.country_code, place.admin1) == ("US", "MD")


def test_resolve_context_picks_the_us_town(gazetteer, parser):
    text = "Montgomery County, Maryland, schools closed. Residents of Damascus said roads were icy."
    mention = next(m for m in parse_text(parser, text).mentions if m.surface == "Damascus")
    assert gazetteer.place(mention.place_id).country_code == "US"


def test_resolve_every_mention_says_how_and_how_sure(seed_docs):
    for doc in seed_docs.values():
        for m in doc.mentions:
            assert m.method in {"curated", "geonames", "event"} and 0 < m.confidence <= 1


def test_resolve_skips_a_hamlet_abroad_named_bare(parser):
    # "Omar" is a hamlet in West Virginia; the article names no place in the US.
    assert parse_text(parser, "(AP Photo/Omar Sanadiki) Damascus, Syria.").mentions[0].surface == "Damascus"


def _places(gazetteer, parser, text):
    return {m.surface: gazetteer.place(m.place_id) for m in parse_text(parser, text).mentions}


def test_resolve_the_neighbouring_towns_name_the_country(gazetteer, parser):
    places = _places(gazetteer, parser, "Floods hit Karachi, Hyderabad and Thatta after the rains.")
    assert places["Hyderabad"].country_code == "PK"


def test_resolve_the_story_s_region_picks_the_region_of_that_country(gazetteer, parser):
    places = _places(gazetteer, parser, "Floods hit Karachi and Sukkur in Sindh. Punjab was spared.")
    assert places["Punjab"].country_code == "PK"


def test_resolve_an_abbreviation_after_a_town_picks_the_town(gazetteer, parser):
    place = _places(gazetteer, parser, "LEXINGTON, Ky. (AP) - The council met.")["LEXINGTON"]
    assert (place.country_code, place.admin1) == ("US", "KY")


def test_resolve_a_bracketed_state_picks_the_county(gazetteer, parser):
    place = _places(gazetteer, parser, "The Walker County (Ga.) sheriff asked for help.")["Walker County"]
    assert (place.kind, place.country_code, place.admin1) == ("district", "US", "GA")


def test_resolve_a_name_after_town_comma_is_its_state(gazetteer, parser):
    place = _places(gazetteer, parser, "A bakery in Tacoma, Washington shares its recipes.")["Washington"]
    assert place.place_id == "region:US-WA"


def test_resolve_the_words_around_say_the_kind(gazetteer, parser):
    places = _places(gazetteer, parser, "Shelling hit the Syrian cities of Homs and Hama, and Aleppo province.")
    assert (places["Homs"].kind, places["Hama"].kind, places["Aleppo"].kind) == ("city", "city", "region")


def test_resolve_second_level_divisions_are_places(gazetteer, parser):
    place = _places(gazetteer, parser, "Schools in Laurel County closed on Monday.")["Laurel County"]
    assert (place.kind, place.country_code, place.admin1) == ("district", "US", "KY")
    assert 36.8 < place.lat < 37.4 and -84.5 < place.lon < -83.8  # London, Ky. and its neighbours


def test_resolve_physical_features_are_places(gazetteer, parser):
    places = _places(gazetteer, parser, "The Euphrates rose and Lake Manchar overflowed into the Indus.")
    assert {p.kind for p in places.values()} == {"river", "lake"}


def test_resolve_names_written_with_ayn_and_the_article(gazetteer, parser):
    places = _places(gazetteer, parser, "In Syria, Kurdish fighters left Afrin and Qamishli.")
    assert {places["Afrin"].country_code, places["Qamishli"].country_code} == {"SY"}


def test_resolve_country_points_sit_where_geonames_puts_them(gazetteer):
    from geo.gazetteer.build import haversine_km

    united_states = gazetteer.place("country:US")  # GeoNames 6252001: 39.76, -98.5
    assert haversine_km(united_states.lat, united_states.lon, 39.76, -98.5) < 161


def test_resolve_a_mention_lists_what_else_it_could_have_been(gazetteer, parser):
    mention = parse_text(parser, "He drove through Springfield on Sunday.").mentions[0]
    assert 1 <= len(mention.alternatives) <= 3
    shares = [share for _, share in mention.alternatives]
    assert shares == sorted(shares, reverse=True) and all(0 <= s <= mention.confidence for s in shares)
    assert all(place_id != mention.place_id for place_id, _ in mention.alternatives)


def test_resolve_pruning_chooses_as_scoring_every_candidate_would(parser):
    from collections import Counter

    from geo.resolution.scoring import Evidence, score_candidate

    resolver = parser.stage("resolver")
    doc = parse_text(parser, "Protesters marched in Washington, Springfield, Richmond and Columbus.")
    evidence = Evidence(countries=Counter({"US": 1}), states=Counter({("US", "OH"): 1}))
    for match in doc.matches:
        candidates = resolver._candidates(match)
        assert len(candidates) > 4
        cues = (None, False, "")
        chosen = resolver._resolve_one(match, candidates, evidence, cues)
        every = sorted(((score_candidate(c, f, evidence, weights=resolver.weights), c.place_id) for c, f, _ in candidates),
                       key=lambda item: (-item[0], item[1]))
        assert chosen.place_id == every[0][1]
        assert [place_id for place_id, _ in chosen.alternatives] == [place_id for _, place_id in every[1:4]]


@pytest.mark.parametrize("text", ["The team travelled to central Washington to set up camp.",
                                  "Jobs moved from western states such as California or Washington."])
def test_resolve_a_compass_adjective_or_a_list_of_states_says_region(gazetteer, parser, text):
    assert _places(gazetteer, parser, text)["Washington"].place_id == "region:US-WA"


def test_resolve_a_people_s_adjective_is_not_a_town(parser):
    assert [m.surface for m in parse_text(parser, "Arab leaders met in Cairo.").mentions] == ["Cairo"]


def test_resolve_st_is_the_town_s_own_name(gazetteer, parser):
    # "St. Petersburg" is how news writes Saint Petersburg: not an alternate name that loses to Florida's.
    place = _places(gazetteer, parser, "Russia will close the US consulate in St. Petersburg.")["St. Petersburg"]
    assert place.country_code == "RU"


def test_resolve_a_former_name_abroad_yields_to_the_towns_so_named(gazetteer, parser):
    # Salisbury was Harare's name; with no Zimbabwe in the story it is one of the Salisburys.
    place = _places(gazetteer, parser, "He lives in Salisbury.")["Salisbury"]
    assert place.name == "Salisbury" and place.country_code != "ZW"


@pytest.mark.parametrize(("text", "found"), [
    ("Kurdish fighters left Aleppo for Deir Hafer.", True),  # a town of Aleppo's governorate
    ("Kurdish fighters reached Deir Hafer.", False),  # no place of its country or province
    ("Kurdish fighters left Homs for Deir Hafer.", False),  # another governorate's town
])
def test_resolve_an_alternate_spelling_of_a_town_in_a_province_the_article_places(gazetteer, parser, text, found):
    # GeoNames' own name is "Dayr Ḩāfir"; "Deir Hafer" is an alternate name, kept beside a town of its province.
    places = _places(gazetteer, parser, text)
    assert ("Deir Hafer" in places and places["Deir Hafer"].place_id == "geonames:170785") is found


@pytest.mark.parametrize("text", ["Shelling hit Marjayoun in Lebanon on Monday.",
                                  "Protesters in Jordan gathered in Mafraq and Ramtha."])
def test_resolve_a_country_named_by_a_name_towns_share_is_named(gazetteer, parser, text):
    # Lebanon, Ohio and Jordan, Minnesota share the countries' names, so the name alone lent nothing; placed as
    # the country in the first pass, it says the article is there, and a small town of it named bare counts.
    places = _places(gazetteer, parser, text)
    assert {place.country_code for place in places.values()} == {"LB" if "Lebanon" in text else "JO"}
    assert len(places) == (2 if "Lebanon" in text else 3)


def test_resolve_a_city_s_alternate_spelling_beside_a_town_of_its_country(gazetteer, parser):
    # GeoNames' own name is "Ar Raqqah"; a city of 100,000 or more keeps news's spelling beside Aleppo.
    places = _places(gazetteer, parser, "Power was cut to parts of Aleppo and Raqqa.")
    assert places["Raqqa"].place_id == "geonames:172955"


def test_resolve_the_white_house_is_the_building_in_washington(gazetteer, parser):
    place = _places(gazetteer, parser, "Trump wants to run the White House like a company.")["White House"]
    assert place.place_id == "curated:white-house"


def test_resolve_a_list_is_not_a_town_and_its_state(gazetteer, parser):
    places = _places(gazetteer, parser, "After stops in Washington, New York and Boston, the prince flew home.")
    assert (places["Washington"].country_code, places["Washington"].admin1) == ("US", "DC")


def test_resolve_no_place_where_the_abbreviated_state_has_none_so_named(parser):
    # No Murray in GeoNames' Washington: any other Murray would be a wrong marker.
    mentions = parse_text(parser, "CAMP MURRAY, Wash. - The colonel jokes that he never left.").mentions
    assert [m.surface for m in mentions] == ["Wash."]


def test_resolve_a_delta_is_its_river_s(gazetteer, parser):
    place = _places(gazetteer, parser, "Oil spills hit the Niger Delta again.")["Niger Delta"]
    assert place.place_id == "physical:niger-river"


def test_resolve_a_people_s_name_is_the_people_its_adjective_the_country(parser):
    # GeoWebNews's scheme, and a reader's: "Syrians" names a people, "Syrian forces" the country.
    mentions = parse_text(parser, "Many Syrians fled while Syrian forces advanced.").mentions
    assert [(m.surface, m.type, m.place_id) for m in mentions] == [("Syrians", "people", "country:SY"),
                                                                   ("Syrian", "demonym", "country:SY")]


@pytest.mark.parametrize(("text", "name", "kind"), [
    ("Troops entered Hama on Monday.", "Hama", "city"),
    ("Fighting in Homs killed ten.", "Homs", "city"),
    ("Troops entered the governorate of Hama.", "Hama", "region"),
    ("Fighting spread across Hama governorate.", "Hama governorate", "region"),  # the governorate's own name
    ("Shelling hit Homs province on Monday.", "Homs province", "region"),
])
def test_resolve_a_province_named_for_its_capital_is_the_town_unless_the_text_says_province(
        gazetteer, parser, text, name, kind):
    place = _places(gazetteer, parser, text)[name]
    assert (place.kind, place.country_code) == (kind, "SY")


@pytest.mark.parametrize(("text", "name", "kind", "country"), [
    # Provinces GeoNames' divisions do not hold (Halabja, made a governorate in 2014; England's metropolitan
    # boroughs), placed at their seat town: named bare, the town; the text saying so, the province.
    ("Halabja marked the anniversary of the attack.", "Halabja", "city", "IQ"),
    ("Halabja governorate marked the anniversary.", "Halabja", "region", "IQ"),
    ("Fans packed the streets of Liverpool.", "Liverpool", "city", "GB"),
])
def test_resolve_a_province_placed_at_a_town_of_its_name_is_the_town_unless_the_text_says_province(
        gazetteer, parser, text, name, kind, country):
    place = _places(gazetteer, parser, text)[name]
    assert (place.kind, place.country_code) == (kind, country)


@pytest.mark.parametrize(("text", "place_id"), [
    ("Protests in Atlanta and Savannah spread across Georgia.", "region:US-GA"),
    ("Russia and Georgia fought over South Ossetia; Tbilisi was calm.", "country:GE"),
    ("Troops left Georgia.", "country:GE"),
])
def test_resolve_a_state_named_as_a_country_is_the_state_where_the_article_s_places_are(
        gazetteer, parser, text, place_id):
    assert _places(gazetteer, parser, text)["Georgia"].place_id == place_id


@pytest.mark.parametrize(("text", "name", "place_id"), [
    ("Fighting in the Democratic Republic of Congo displaced thousands.", "Democratic Republic of Congo", "country:CD"),
    ("Fighting in the DRC displaced thousands.", "DRC", "country:CD"),
    ("Talks in the Republic of Congo ended.", "Republic of Congo", "country:CG"),
    # "Congo" alone is the Democratic Republic, as news writes it; after "Brazzaville, " the country Brazzaville is in.
    ("Ebola spread in Congo and Uganda.", "Congo", "country:CD"),
    ("BRAZZAVILLE, Congo (AP) — Officials said the vote was calm.", "Congo", "country:CG"),
])
def test_resolve_a_country_named_without_the_article_after_of(gazetteer, parser, text, name, place_id):
    assert _places(gazetteer, parser, text)[name].place_id == place_id


def test_resolve_a_capital_of_a_named_country_beats_the_namesakes_of_the_article_s_country(gazetteer, parser):
    text = "Leaders met in Washington and Chicago, then flew to Athens for talks with the Greek government."
    assert _places(gazetteer, parser, text)["Athens"].country_code == "GR"


def test_resolve_a_name_without_a_cue_is_a_place_in_a_country_the_article_names(gazetteer, parser):
    # Arabic writes no capitals: "قصفت القنيطرة" (bombed Quneitra) has no "في" before the name, so it counts
    # only in a country the article names. It is then the Syrian Quneitra, not the largest so named (Kenitra,
    # Morocco), which the article never names.
    text = "قالت مصادر محلية في سوريا إن الطائرات قصفت القنيطرة يوم الأحد واستمر القصف ساعات."
    assert _places(gazetteer, parser, text)["القنيطرة"].country_code == "SY"


@pytest.mark.parametrize("text, name, country", [
    ("قصفت الطائرات مدينة القنيطرة في سوريا يوم الأحد، وقالت مصادر محلية إن القصف استمر ساعات.", "القنيطرة", "SY"),
    ("قصفت الطائرات مدينة ماوت، العراق، يوم الأحد، وقالت مصادر محلية إن القصف استمر ساعات.", "ماوت", "IQ"),
])
def test_resolve_an_arabic_qualifier_after_the_name_says_its_country(gazetteer, parser, text, name, country):
    # "X في سوريا" (X in Syria) and "X، العراق" qualify X as "Damascus, Syria" does in English.
    assert _places(gazetteer, parser, text)[name].country_code == country


@pytest.mark.parametrize(("text", "name"), [
    ("Deprem Hatay ilinde de hissedildi, yetkililer açıkladı.", "Hatay"),
    ("Yardımlar Adana iline ulaştı, valilik açıkladı.", "Adana"),
    ("Adana ili genelinde okullar tatil edildi.", "Adana"),
])
def test_resolve_a_turkish_name_before_the_word_for_province_is_the_province(gazetteer, parser, text, name):
    # "il" (province) with its possessive and case endings after a name (data/languages.toml ``region_after``), as
    # "province" after one in English: the province, not the town of its name.
    place = _places(gazetteer, parser, text)[name]
    assert (place.kind, place.country_code) == ("region", "TR")



def test_resolve_a_name_after_the_word_for_countryside_is_a_place(gazetteer, parser):
    # "ريف" (the countryside of) says a place follows, as "in" does (data/languages.toml ``cues``, with "و" and "ب"
    # written onto it): "إدلب" after "وريف", held before for want of a cue, is Idlib. The countryside of a town is
    # placed at the town, as the language fixtures' gold places "ريف حلب".
    text = "قالت مصادر في سوريا إن الطائرات قصفت قرى في ريف حلب الشمالي وريف إدلب الجنوبي."
    places = _places(gazetteer, parser, text)
    assert (places["إدلب"].country_code, places["حلب"].country_code) == ("SY", "SY")


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Pilgrims travelled to Mecca for the hajj.", "Mecca", "SA"),
    ("He was buried in Medina after prayers, his family said.", "Medina", "SA"),
    # Each held the other in the United States before: Medina, Ohio lent Mecca, California its country.
    ("Pilgrims moved from Mecca to Medina on Sunday.", "Mecca", "SA"),
    ("Millions of people live in Bombay and Calcutta.", "Calcutta", "IN"),
])
def test_resolve_a_world_city_s_foreign_name_beats_its_small_namesakes(gazetteer, parser, text, name, country):
    # GeoNames files them as Makkah, Madinah, Mumbai, Kolkata; the English name is an alternate one.
    assert _places(gazetteer, parser, text)[name].country_code == country


def test_resolve_a_world_city_s_foreign_name_yields_to_a_namesake_the_article_places(gazetteer, parser):
    text = "Police in Canton said the fire started late Tuesday. Firefighters from Akron helped, officials in Ohio said."
    place = _places(gazetteer, parser, text)["Canton"]
    assert (place.country_code, place.admin1) == ("US", "OH")


@pytest.mark.parametrize(("text", "name", "place_id"), [
    ("Wildfires burned across Ontario and Quebec, forcing evacuations.", "Quebec", "region:CA-QC"),
    ("Water is shared among Tamil Nadu, Karnataka, Kerala and Puducherry.", "Puducherry", "region:IN-PY"),
    ("Fighting raged in Idlib and Hama provinces.", "Idlib", "region:SY-ID"),
    ("Fighting raged in Idlib and Hama provinces.", "Hama", "region:SY-HM"),
    # "and" written onto the next name: in Idlib governorate and Hama (governorate).
    ("قصفت الطائرات قرى في محافظة إدلب وحماة يوم الأحد، وقالت مصادر محلية إن القصف استمر.", "حماة", "region:SY-HM"),
    # A town beside it, or a region named for its town (London), says nothing: the town stays.
    ("Flights from Toronto and Quebec resumed.", "Quebec", "geonames:6325494"),
    ("After Paris, London is the second destination of the train.", "Paris", "geonames:2988507"),
])
def test_resolve_names_in_a_list_are_of_one_kind(gazetteer, parser, text, name, place_id):
    assert _places(gazetteer, parser, text)[name].place_id == place_id
