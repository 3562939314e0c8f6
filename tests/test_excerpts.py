from geo.page.excerpts import escape_html, escape_label, escape_markdown, highlighted_html, isolated


def test_excerpts_escape_markdown_and_html():
    escaped = escape_markdown("**x** [a](javascript:alert(1)) <script>$x$</script>")
    assert "**" not in escaped.replace("\\*", "") and "\\<script\\>" in escaped and "\\$" in escaped


def test_excerpts_html_escapes_markup_and_quotes():
    text = "<img src=x onerror='a'> in \"Damascus\" & co"
    assert highlighted_html(text, 0, len(text), [(28, 36)]) == (
        "&lt;img src=x onerror=&#x27;a&#x27;&gt; in &quot;<strong>Damascus</strong>&quot; &amp; co")


def test_excerpts_isolated_text_is_escaped_inside_bdi():
    assert isolated("\u202eRTL <b>") == "<bdi>\u202eRTL &lt;b&gt;</bdi>"
    assert escape_html("a\"b'c") == "a&quot;b&#x27;c"


def test_excerpts_bold_only_the_mention():
    text = "Strikes hit Damascus, Syria."
    assert highlighted_html(text, 0, len(text), [(12, 20)]) == "Strikes hit <strong>Damascus</strong>, Syria."


def test_excerpts_mark_every_mention_of_one_sentence_once():
    text = "Bases in Palmyra (Tadmor) area."
    marked = "Bases in <strong>Palmyra</strong> (<strong>Tadmor</strong>) area."
    assert highlighted_html(text, 0, len(text), [(18, 24), (9, 16)]) == marked


def test_excerpts_overlapping_spans_are_not_marked_twice():
    text = "In Tel Aviv today"
    assert highlighted_html(text, 0, len(text), [(3, 11), (7, 11)]) == "In <strong>Tel Aviv</strong> today"


def test_excerpts_label_keeps_ordinary_punctuation_for_screen_readers():
    assert escape_label("Reuters (republished) - A. & B.") == "Reuters (republished) - A. & B."


def test_excerpts_label_escapes_what_would_format_or_decode():
    assert escape_label("**x** [l](u) $m$ &lt; # :red[n]") == r"\*\*x\*\* \[l\](u) \$m\$ \&lt; # \:red\[n\]"
    assert escape_label("# Heading").startswith("\\#")
