"""The page's heading and words: from the sources file's [story], else from the corpus itself."""


from geo.page.story import derived_story, nationality_label, story_caption, type_words
from geo.text.corpus import load_story
from geo.types import Story


def test_story_a_folder_without_one_is_described_by_its_places_and_dates():
    story = derived_story(["Sindh", "Karachi", "Indus"], ("2022-08-29", "2022-09-02"), 5, 5)
    assert story.title == "News naming Sindh, Karachi and Indus"
    assert story_caption(story) == "29 August 2022 to 2 September 2022 · 5 articles from 5 sources"


def test_story_the_sources_file_says_it_and_fixes_colours(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('[story]\ntitle = "Floods in Sindh"\ndates = "August 2022"\n\n[[outlet]]\nname = "Dawn"\n'
                    'colour = "#0072B2"\n\n[[outlet]]\nname = "Geo"\ncolour = "red"\n', encoding="utf-8")
    story, colours, problems = load_story(path)
    assert story == Story("Floods in Sindh", "August 2022", "") and colours == {"Dawn": "#0072b2"}
    assert len(problems) == 1 and "'Geo'" in problems[0].reason and problems[0].path == str(path)


def test_story_a_broken_story_table_is_reported_not_raised(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text('story = "not a table"\n[[outlet]]\ncolour = "#000000"\n', encoding="utf-8")
    story, colours, problems = load_story(path)
    assert story is None and colours == {} and len(problems) == 2


def test_story_mention_types_in_a_reader_s_words():
    assert type_words("demonym, toponym") == "nationality word, place name"
    assert nationality_label(["Turkish", "Israeli"]) == "Nationality words (Turkish, Israeli…)"
