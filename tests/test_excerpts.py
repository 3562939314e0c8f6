from geo.excerpts import escape_markdown, highlighted_sentence


def test_excerpts_escape_markdown_and_html():
    escaped = escape_markdown("**x** [a](javascript:alert(1)) <script>$x$</script>")
    assert "**" not in escaped.replace("\\*", "") and "\\<script\\>" in escaped and "\\$" in escaped


def test_excerpts_bold_only_the_mention():
    text = "Strikes hit Damascus, Syria."
    assert highlighted_sentence(text, 0, len(text), 12, 20) == "Strikes hit **Damascus**, Syria\\."
