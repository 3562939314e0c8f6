from geo.text.body import find_body
from geo.text.sentences import split_sentences
from geo.types import Article, Document


def sentences_of(text: str) -> list[str]:
    doc = split_sentences(find_body(Document(Article("t", text))))
    return [text[s.start:s.end] for s in doc.sentences]


def test_sentences_split_the_long_paragraph_of_003(seed_docs):
    doc = seed_docs["003_22012ba6c0e5393d"]
    assert len(doc.sentences) >= 12


def test_sentences_offsets_point_into_the_original_text(seed_docs):
    for doc in seed_docs.values():
        for sentence in doc.sentences:
            piece = doc.text[sentence.start:sentence.end]
            assert piece == piece.strip() and piece


def test_sentences_a_headline_line_is_its_own_sentence():
    assert sentences_of("Talks in Baku\nOfficials met on Wednesday. They talked.")[0] == "Talks in Baku"


def test_sentences_keep_abbreviations_together():
    assert sentences_of("The U.S. envoy met Gen. Smith in Damascus. He left.") == [
        "The U.S. envoy met Gen. Smith in Damascus.", "He left."]


def test_sentences_offsets_survive_non_ascii():
    text = "Zeki Aktürk said “no.” Then Türkiye’s envoy left. Done."
    assert sentences_of(text) == ["Zeki Aktürk said “no.”", "Then Türkiye’s envoy left.", "Done."]


def test_sentences_are_numbered_in_order(seed_docs):
    doc = seed_docs["002_0195888066891744"]
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))
