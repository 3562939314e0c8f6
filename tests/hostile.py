"""Hostile text for the "hostile text never executes" tests: payloads, and a corpus made of them.

Every payload that could run tries to set ``window.__pwned`` (and ``parent.__pwned``,
``top.__pwned``) or ``document.title = "pwned"``, so a browser test only has to look for
those flags. Each payload sits in a sentence that names Damascus (every third one Palmyra
too), so it becomes an excerpt; the source metadata (outlet, title, url, date) is hostile
as well, and only one URL is a real https link.

``write_corpus(folder)`` writes ``articles/`` and ``sources.toml`` for
``streamlit run dashboard.py -- --articles DIR --sources FILE``; ``article_bytes()`` is the
same text as a reader's upload.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import NamedTuple

FLAG = "__pwned"  # window.__pwned, parent.__pwned, top.__pwned: set only if a payload runs
PWNED_TITLE = "pwned"  # what payloads set document.title to


class Payload(NamedTuple):
    name: str
    text: str


PAYLOADS: tuple[Payload, ...] = (
    Payload("script-tag", "<script>window.__pwned=1;parent.__pwned=1;top.__pwned=1</script>"),
    Payload("script-close", "</script><script>top.__pwned=1</script>"),
    Payload("img-onerror", '<img src=x onerror="window.__pwned=1;top.__pwned=1">'),
    Payload("svg-onload", "<svg/onload=top.__pwned=1>"),
    Payload("iframe-srcdoc", '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>'),
    Payload("attribute-breakout", "\" onmouseover=\"top.__pwned=1\" x=' onfocus='top.__pwned=1' autofocus x='"),
    Payload("template-literal", "${document.title='pwned'}${top.__pwned=1}"),
    Payload("backticks", "`;top.__pwned=1;` ``code`` ```fence```"),
    Payload("js-string-breakout", "';top.__pwned=1;// \";top.__pwned=1;//"),
    Payload("json-breakout", '"}]});top.__pwned=1;//'),
    Payload("quotes", "'ascii' \"ascii\" ‘single’ “double” «guillemets» ‹angle›"),
    Payload("markdown-js-link", "[click me](javascript:top.__pwned=1) [ref][1]"),
    Payload("markdown-image", "![x](x) ![y](javascript:top.__pwned=1)"),
    Payload("markdown-autolink", "<javascript:top.__pwned=1> <https://evil.example/pwned> www.evil.example"),
    Payload("autolink-literals", "pwned@evil.example mailto:pwned@evil.example xmpp:pwned@evil.example"),
    Payload("markdown-emphasis", "**bold** __strong__ *em* _em_ ~~strike~~"),
    Payload("markdown-heading", "# pwned heading"),
    Payload("markdown-blocks", "> quote - item + item 1. item | a | b | --- ***"),
    Payload("typographic-arrows", "x -> y <- z <-> w -- v >= 1 <= 2 ~= 3"),
    Payload("latex", r"$x$ and $$\alpha$$ \(x\) \[y\] $\href{javascript:top.__pwned=1}{x}$"),
    Payload("streamlit-directives", ":red[red] :material/home: :smile: :blue-background[x] :streamlit:"),
    Payload("html-entities", "&amp;lt;script&amp;gt; &#x3C;script&#x3E;top.__pwned=1&#x3C;/script&#x3E; &lt;b&gt; &#60; &nbsp;"),
    Payload("bidi-controls", "\u202eevil\u202c and \u200fright-to-left\u200f and \u2067isolate\u2069"),
    Payload("zero-width", "zero\u200bwidth\ufeffno\u200dbreak\u2060join"),
    Payload("jinja-template", "{{ this.get_name() }} {% if true %}x{% endif %}"),
    Payload("data-url", "data:text/html,<script>top.__pwned=1</script>"),
    Payload("style-and-anchor", "<style>*{display:none}</style><a href=javascript:top.__pwned=1>link</a><!--"),
    Payload("backslashes", r"\<script\> \\ \$ \* \`"),
    Payload("csv-formula", '=HYPERLINK("https://evil.example","pwned") +1 -1 @SUM(1)'),
)

# The outlet of the main article and of each smaller one: each a source layer, a checkbox, a column.
OUTLET_MAIN = "<script>top.__pwned=1</script> ${top.document.title='pwned'} `Wire` <img src=x onerror=top.__pwned=1>"
OUTLET_MARKDOWN = "**Bold** [Desk](javascript:top.__pwned=1) $x$ # :red[News] _it_"
OUTLET_BIDI = "\u202eDaily \u200fRTL\u200b\ufeff &amp;lt; &#x3C;b&#x3E; ‘q’ “qq” «g»"
OUTLET_PLAIN = "Plain \"Quoted\" & 'Apostrophe' Post"
OUTLETS = (OUTLET_MAIN, OUTLET_MARKDOWN, OUTLET_BIDI, OUTLET_PLAIN)

SAFE_URL = 'https://example.org/news/story_(1)?a=1&b="two"'
UNSAFE_URLS = ("javascript:alert(1)", "JaVaScRiPt:window.__pwned=1", "data:text/html,<script>top.__pwned=1</script>",
               "\tjava\nscript:top.__pwned=1")

# The uploaded article: its file name, outlet and title are hostile too.
UPLOAD_FILENAME = "<img src=x onerror=top.__pwned=1>.txt"
UPLOAD_OUTLET = "<svg/onload=top.__pwned=1> ${top.__pwned=1} `Upload` « desk »"
UPLOAD_TITLE = "</script><script>top.__pwned=1</script> **title** $x$"

# Lines after "Read more" are page furniture: listed below the map, never geoparsed.
FURNITURE = ("<script>top.__pwned=1</script> furniture ${top.__pwned=1}", "<img src=x onerror=top.__pwned=1> `tick`")


class Entry(NamedTuple):
    """One [[article]] of sources.toml and its text."""

    article_id: str
    outlet: str
    title: str
    published: str
    url: str
    attribution: str
    text: str


def sentence(payload: Payload, number: int) -> str:
    """The payload inside a sentence naming Damascus (every third one Palmyra as well)."""
    if number % 3 == 2:
        return f"From Palmyra to Damascus, {payload.text} was posted."
    if number % 3 == 1:
        return f"{payload.text} was posted in Damascus."
    return f"Officials in Damascus wrote {payload.text} on Monday."


def article_text(payloads=PAYLOADS, furniture: bool = True) -> str:
    """One paragraph per payload sentence, then (optionally) furniture after "Read more"."""
    lines = ["Hostile test article about Syria.", ""]
    for number, payload in enumerate(payloads):
        lines += [sentence(payload, number), ""]
    if furniture:
        lines += ["Read more", *FURNITURE]
    return "\n".join(lines) + "\n"


def article_bytes() -> bytes:
    """The main article as an uploaded .txt file's bytes (no furniture)."""
    return article_text(furniture=False).encode("utf-8")


def _by_name(*names: str) -> tuple[Payload, ...]:
    return tuple(p for p in PAYLOADS if p.name in names)


ENTRIES: tuple[Entry, ...] = (
    Entry("hostile-main", OUTLET_MAIN, "</script><img src=x onerror=top.__pwned=1> **Title** $x$ `t`", "2025-04-10",
          UNSAFE_URLS[0], "stated", article_text()),
    Entry("hostile-markdown", OUTLET_MARKDOWN, "# « Guillemets » “curly” ‘single’ & <b>bold</b> [a](b)", "2025-04-11",
          UNSAFE_URLS[1], "inferred",
          article_text(_by_name("markdown-js-link", "latex", "streamlit-directives"), furniture=False)),
    Entry("hostile-bidi", OUTLET_BIDI, "<svg/onload=top.__pwned=1> \u202etitle\u200b", "<img src=x onerror=top.__pwned=1>",
          UNSAFE_URLS[2], "<script>top.__pwned=1</script>",
          article_text(_by_name("bidi-controls", "zero-width", "html-entities"), furniture=False)),
    Entry("hostile-plain", OUTLET_PLAIN, "An ordinary title", "2025-04-12", SAFE_URL, "stated",
          article_text(_by_name("quotes", "template-literal"), furniture=False)),
    Entry("hostile-plain-2", OUTLET_PLAIN, "A second ordinary title", "2025-04-13", UNSAFE_URLS[3], "stated",
          article_text(_by_name("img-onerror"), furniture=False)),
)
TITLES = tuple(e.title for e in ENTRIES)
# Metadata that only sources.toml carries; the loader reports the bad date and attribution by value.
BAD_DATE, BAD_ATTRIBUTION = ENTRIES[2].published, ENTRIES[2].attribution
UNKNOWN_FIELD = "<script>top.__pwned=1</script>"

# Payloads Streamlit's Markdown renderer would rewrite even after backslash-escaping: icon shortcodes
# (:material/home:, :streamlit:) and typographic arrows and dashes (->, --, >=). Likewise GFM autolink
# literals ("markdown-autolink", "autolink-literals", "csv-formula": www., https:// and e-mail addresses)
# would become links. Article text therefore goes out as escaped HTML; tests/e2e/test_hostile.py checks it.
REWRITTEN_BY_STREAMLIT = ("streamlit-directives", "typographic-arrows")

# The hostile metadata values, by where they go (the article-text payloads are PAYLOADS).
METADATA: tuple[Payload, ...] = (
    *(Payload(f"outlet-{e.article_id}", e.outlet) for e in ENTRIES[:3]),
    *(Payload(f"title-{e.article_id}", e.title) for e in ENTRIES[:3]),
    *(Payload(f"url-{n}", url) for n, url in enumerate(UNSAFE_URLS, start=1)),
    Payload("published", BAD_DATE), Payload("attribution", BAD_ATTRIBUTION), Payload("unknown-field", UNKNOWN_FIELD),
    *(Payload(f"furniture-{n}", line) for n, line in enumerate(FURNITURE, start=1)),
    Payload("upload-filename", UPLOAD_FILENAME), Payload("upload-outlet", UPLOAD_OUTLET), Payload("upload-title", UPLOAD_TITLE),
)

PAYLOAD_COUNT = len(PAYLOADS)  # the README states "N hostile payloads tried" (article text; METADATA besides)


def _toml(value: str) -> str:
    """A TOML basic string: JSON's escapes are a subset TOML reads the same way."""
    return json.dumps(value, ensure_ascii=True)


def write_corpus(folder: str | Path) -> tuple[Path, Path]:
    """Write ``articles/*.txt`` and ``sources.toml`` into ``folder``; return both paths."""
    folder = Path(folder)
    articles = folder / "articles"
    articles.mkdir(parents=True, exist_ok=True)
    blocks = ["# Hostile sources: every field tries to run or format itself."]
    for entry in ENTRIES:
        (articles / f"{entry.article_id}.txt").write_text(entry.text, encoding="utf-8")
        fields = {"id": entry.article_id, "outlet": entry.outlet, "title": entry.title, "published": entry.published,
                  "url": entry.url, "attribution": entry.attribution,
                  "attribution_note": "<script>top.__pwned=1</script>", "notes": "${top.__pwned=1}"}
        lines = ["[[article]]", *(f"{key} = {_toml(value)}" for key, value in fields.items())]
        if entry.article_id == "hostile-bidi":
            lines.append(f"{_toml(UNKNOWN_FIELD)} = 1")
        blocks.append("\n".join(lines))
    sources = folder / "sources.toml"
    sources.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return articles, sources


PLACE_WORDS = ("Damascus", "Aleppo", "Homs", "Syria", "Turkey", "Israel", "Palmyra", "Baku", "Ankara", "Beirut")


def one_sentence(characters: int) -> str:
    """The hostile upload of issue 31: one long "sentence" of place names, every word a mention, the text one sentence."""
    words, size = [], 0
    for name in itertools.cycle(PLACE_WORDS):
        words.append(name)
        size += len(name) + 1
        if size >= characters:
            return " ".join(words) + "."
    raise AssertionError("unreachable")
