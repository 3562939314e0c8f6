from geo.excerpts import escape_label, escape_markdown, highlighted_sentence


def test_excerpts_escape_markdown_and_html():
    escaped = escape_markdown("**x** [a](javascript:alert(1)) <script>$x$</script>")
    assert "**" not in escaped.replace("\\*", "") and "\\<script\\>" in escaped and "\\$" in escaped


def test_excerpts_bold_only_the_mention():
    text = "Strikes hit Damascus, Syria."
    assert highlighted_sentence(text, 0, len(text), [(12, 20)]) == "Strikes hit **Damascus**, Syria\\."


def test_excerpts_mark_every_mention_of_one_sentence_once():
    text = "Bases in Palmyra (Tadmor) area."
    assert highlighted_sentence(text, 0, len(text), [(18, 24), (9, 16)]) == "Bases in **Palmyra** \\(**Tadmor**\\) area\\."


def test_excerpts_overlapping_spans_are_not_marked_twice():
    text = "In Tel Aviv today"
    assert highlighted_sentence(text, 0, len(text), [(3, 11), (7, 11)]) == "In **Tel Aviv** today"


def test_excerpts_label_keeps_ordinary_punctuation_for_screen_readers():
    assert escape_label("Reuters (republished) - A. & B.") == "Reuters (republished) - A. & B."


def test_excerpts_label_escapes_what_would_format_or_decode():
    assert escape_label("**x** [l](u) $m$ &lt; # :red[n]") == r"\*\*x\*\* \[l\](u) \$m\$ \&lt; # \:red\[n\]"
    assert escape_label("# Heading").startswith("\\#")
