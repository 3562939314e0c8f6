"""Property-based tests: any text at all, extraction holds its invariants."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import parse_text

PLACE_WORDS = ["Syria", "Damascus", "Türkiye’s", "southern Syria", "T4", "Israeli", "Times of Israel", "ERBIL",
               "Read next", "\n", "\r\n", ". ", "“", "${x}", "<script>", "\u200f", "\u200b", "Of", "Nice"]
texts = st.lists(st.one_of(st.text(max_size=30), st.sampled_from(PLACE_WORDS)), max_size=40).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_properties_offsets_sentences_and_body_hold(parser, text):
    doc = parse_text(parser, text)
    sentences = {s.index: s for s in doc.sentences}
    for m in doc.mentions:
        s = sentences[m.sentence_index]
        assert text[m.start:m.end] == m.surface
        assert s.start <= m.start and m.end <= s.end and doc.in_body(m.start, m.end)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=texts)
def test_properties_extraction_is_deterministic(parser, text):
    assert parse_text(parser, text).mentions == parse_text(parser, text).mentions


ADVERSARIAL = ["<script>window.x=1</script>", "</script>", "${document.title='x'}", "`", "'", '"', "«", "»",
               "javascript:alert(1)", "$x$", "**", "[a](b)", "&lt;", "&#x3C;", "\u202e", "\u200f", "\u200b", "\ufeff",
               "\r", "\r\n", "\x00", "Damascus", "Palmyra", "Tel Aviv", "T4"]
raw_bytes = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(ADVERSARIAL) | st.text(max_size=10), max_size=30).map(lambda parts: " ".join(parts).encode(
        "utf-8", errors="surrogatepass")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=raw_bytes, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_properties_any_bytes_load_or_are_refused_never_crash(parser, data, suffix):
    from geo.text.corpus import ArticleError, read_article

    try:
        article, _ = read_article("x", data, suffix)
    except ArticleError:
        return
    doc = parser(article)
    assert all(article.text[m.start:m.end] == m.surface for m in doc.mentions)
