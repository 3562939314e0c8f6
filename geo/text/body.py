"""Find the story body of an article and mark page furniture around and inside it.

General rules only, never per-file offsets:
- a *tail marker* ("Read next", "No comments", "Post a Comment", "What is your opinion on
  this topic?"…) in the latter part of the text starts furniture that runs to the end;
- a trailing *headline list* (lines stamped with times, dates or view counts, plus the
  headline-shaped line right before them) is furniture;
- *line markers* (advertisements, share and sign-up prompts) are furniture on their own;
- a line repeating an earlier line word for word (a repeated standfirst or caption) is
  furniture the second time;
- an outlet's imprint or postal address in the latter part (a company form or street number
  and a postal code before a town) is furniture;
- a copyright notice, "All rights reserved", a "Published by …," imprint or a contact line
  ("Tel:", "Email:", "Contact us") is furniture wherever it stands.

Before that, ``parseable_html`` makes an HTML page one trafilatura can read whole (one nested
10,000 deep, or a bare fragment); the body is then found in the text it extracts.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

from ..types import Document, Furniture, Span

__all__ = ["HTML_MAX_DEPTH", "find_body", "parseable_html", "split_lines"]

_TAIL_MARKER = re.compile(
    r"^\W*(read next|read more|read also|also read|related( articles| stories| news| posts| coverage)?"
    r"|more (stories|news|from [\w ]{1,30})|recommended( for you| stories)?|you (may|might) also like"
    r"|most (read|popular|viewed)|trending( now)?|latest (news|stories)|see also|editor'?s picks"
    r"|no comments|\d+ comments?|comments?|post a comment|leave (a|the first) comment"
    r"|add (a |your )?comment|be the first to comment|join the (conversation|discussion)"
    r"|what is your opinion( on this( topic| story)?)?|what do you think( about this)?)\W*$",
    re.IGNORECASE,
)
_LINE_MARKER = re.compile(
    r"\b(advertisement|advertisment|advertising|sponsored( content)?|share (this|on)\b.*"
    r"|sign up\b.*|subscribe\b.*|follow us\b.*|newsletter|click here\b.*)\W*$",
    re.IGNORECASE,
)
# A related-headline entry carries a time, a date or "Yesterday" near its start.
_STAMP = re.compile(
    r"^\W*\d*\s*(\d{1,2}:\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|yesterday|today|\d+\s+(minutes?|hours?|days?) ago)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?؟…\"”’»)]\s*$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")

_COMPANY = re.compile(r"\b(GmbH|AG|Ltd\.?|Limited|Inc\.?|LLC|plc|S\.A\.|S\.p\.A\.|B\.V\.|Verlag|Media Group|Holdings)\b")
_STREET_NUMBER = re.compile(  # "Hellerhofstraße 2–4", "Via Solferino 28", "12 Main Street"
    r"\b(\w+(straße|strasse|str\.|gasse|weg|platz|allee)|(Rue|Via|Calle|Avenida)\s+[\w' ]+?)"
    r"\s+\d{1,4}(\s*[-–]\s*\d{1,4})?[a-z]?\b"
    r"|\b\d{1,5}\s+([A-Z]\w+\s+){1,3}(Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Square|Sq|Place|Pl"
    r"|Way|Court|Ct|Parkway|Pkwy|Highway|Hwy|Suite)\b\.?")
_POSTCODE_TOWN = re.compile(r"(^|,\s*)(\w{1,3}-)?\d{4,6}\s+[A-ZÄÖÜ]\w+"  # 60327 Frankfurt, D-10117 Berlin
                            r"|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"  # SE1 9GF
                            r"|\b[A-Z]{2}\s+\d{5}(-\d{4})?\b")  # IL 62701
_MAX_IMPRINT_LINE = 200
# A copyright notice, a rights reservation, an imprint's "Published by" or a contact line
# ("© 2025 The Daily, London EC1A", "All rights reserved.", "Tel: +44 20 …", "Contact us at …")
# is the outlet's, never the story's, wherever it stands; the phrases of other languages come
# from data/languages.toml (``imprint``).
_IMPRINT_LINE = re.compile(
    r"^\W*(?:©|\(c\)\s*\d{4}|copyright\s*(?:©|\(c\)|\d{4})|(?:published|printed|produced) by\b.*,"
    r"|(?:tel|tel\.|telephone|phone|fax|e-?mail|contact(?: us)?)\s*:"
    r"|contact us\b)"
    r"|©|\ball rights reserved\b",
    re.IGNORECASE,
)

# Markers count as tail markers only past this share of the text, so a story that quotes
# "comments" early on keeps its body.
_TAIL_FROM = 0.4
_MAX_MARKER_LINE = 80
_MIN_REPEAT = 25


def split_lines(text: str) -> list[tuple[int, int]]:
    """Return (start, end) of each line, line break excluded; handles LF, CRLF and CR."""
    lines = []
    for match in _LINE.finditer(text):
        if match.start() == len(text) and lines:
            break
        line = match.group()
        end = match.start() + len(line.rstrip("\r\n"))
        lines.append((match.start(), end))
    return lines


def _is_blank(text: str, line: tuple[int, int]) -> bool:
    return not text[line[0]:line[1]].strip()


def _is_marker(line: str) -> bool:
    return len(line) <= _MAX_MARKER_LINE and bool(_TAIL_MARKER.match(line) or _other_languages_marker().match(line))


def _tail_marker_cut(text: str, lines: list[tuple[int, int]]) -> int | None:
    for index, (start, end) in enumerate(lines):
        if start < len(text) * _TAIL_FROM:
            continue
        if _is_marker(text[start:end].strip()) and _story_resumes(text, lines, index) is None:
            return start
    return None


# A paragraph of story text: this long and ending a sentence (a related headline is neither).
_PROSE_LINE = 150
_MAX_LINKED_HEADLINES = 3
_MAX_HEADLINE = 160
_INLINE_LINK = re.compile(r"^\W*(read (next|more|also)|also read|see also)\s*[:\-–—|]\s*\S", re.IGNORECASE)


def _is_prose(line: str) -> bool:
    return len(line) >= _PROSE_LINE and bool(_SENTENCE_END.search(line))


def _story_resumes(text: str, lines: list[tuple[int, int]], marker: int) -> int | None:
    """Where the link block opened by the marker line ``lines[marker]`` ends when the story goes on
    after it (a "Read also" inside an agency story), else None (the marker opens the page's tail).

    The block is the marker and up to three headline-shaped lines under it (short, no full stop).
    The story goes on when at least two paragraphs of prose follow before the next marker, and
    they outnumber the headline-shaped lines three to one: a list of teasers alternates headlines and prose.
    """
    content = [ln for ln in lines[marker + 1:] if not _is_blank(text, ln)]
    block_end = lines[marker][1]
    taken = 0
    for start, end in content[:_MAX_LINKED_HEADLINES]:
        line = text[start:end].strip()
        if _is_marker(line) or len(line) > _MAX_HEADLINE or _SENTENCE_END.search(line):
            break
        block_end, taken = end, taken + 1
    prose = other = 0
    for start, end in content[taken:]:
        line = text[start:end].strip()
        if _is_marker(line):
            break
        if _is_prose(line):
            prose += 1
        elif not _SENTENCE_END.search(line):
            other += 1  # headline-shaped (a short quote or a one-line paragraph counts for neither)
    return block_end if prose >= 2 and other * 3 <= prose else None


def _related_links(text: str, lines: list[tuple[int, int]], body_end: int) -> list[Furniture]:
    """Links to other stories inside the story: a marker line with the headlines under it when the
    story goes on after them, and a marker with its headline on one line ("Read also: …", "اقرأ أيضاً: …")."""
    found = []
    for index, (start, end) in enumerate(lines):
        if end > body_end:
            break
        line = text[start:end].strip()
        if _is_marker(line):
            if (block_end := _story_resumes(text, lines, index)) is not None:
                found.append(Furniture(start, block_end, "a link to another story inside the story"))
        elif len(line) <= _MAX_HEADLINE and _inline_link().match(line):
            found.append(Furniture(start, end, "a link to another story inside the story"))
    return found


LANGUAGES = Path(__file__).resolve().parents[2] / "data" / "languages.toml"


@lru_cache(maxsize=2)
def _language_phrases(key: str) -> tuple[str, ...]:
    """The phrases listed under ``key`` for every language of data/languages.toml, longest first."""
    try:
        languages = tomllib.loads(LANGUAGES.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        languages = {}
    return tuple(sorted({p for table in languages.values() for p in table.get(key, [])}, key=len, reverse=True))


def _phrase_alternation(key: str) -> str:
    """``_language_phrases(key)`` as one regex alternation, longest first ("" when there are none): the markers
    under ``furniture`` ("اقرأ أيضا", "İlgili Haberler"), the rights reservations under ``imprint``."""
    return "|".join(re.escape(p) for p in _language_phrases(key))


@lru_cache(maxsize=1)
def _other_languages_marker() -> re.Pattern:
    """A line that is one of the other languages' tail markers and nothing else."""
    phrases = _phrase_alternation("furniture")
    if not phrases:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(r"^\W*(?:" + phrases + r")\W*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _inline_link() -> re.Pattern:
    """A marker and its headline on one line: English "Read also: …" and the other languages' markers."""
    other = _phrase_alternation("furniture")
    return re.compile(_INLINE_LINK.pattern + (rf"|^\W*(?:{other})\s*[:\-–—|]\s*\S" if other else ""), re.IGNORECASE)


def _headline_list_cut(text: str, lines: list[tuple[int, int]]) -> int | None:
    """Start of a trailing run of time-stamped headline lines, or None."""
    content = [ln for ln in lines if not _is_blank(text, ln)]
    stamped = 0
    cut = None
    for index in range(len(content) - 1, -1, -1):
        start, end = content[index]
        if _STAMP.match(text[start:end]):
            stamped += 1
            cut = start
            continue
        line = text[start:end].strip()
        follows_stamp = index + 1 < len(content) and _STAMP.match(text[slice(*content[index + 1])])
        if follows_stamp and len(line) <= 160 and not _SENTENCE_END.search(line):
            cut = start  # a headline of the list: its stamp follows on the next line
            continue
        break
    return cut if stamped >= 2 else None


@lru_cache(maxsize=1)
def _other_languages_imprint() -> re.Pattern:
    """Rights reservations of Arabic, Hebrew and Turkish pages ("جميع الحقوق محفوظة", "כל הזכויות
    שמורות", "Tüm hakları saklıdır"), from data/languages.toml (``imprint``), anywhere in a line."""
    return re.compile(_phrase_alternation("imprint") or r"(?!)", re.IGNORECASE)


def _is_notice(line: str) -> bool:
    """A copyright, rights, imprint or contact line (see ``_IMPRINT_LINE``), in any language."""
    return bool(_IMPRINT_LINE.search(line) or _other_languages_imprint().search(line))


def _is_imprint(line: str) -> bool:
    """A publisher's imprint or postal address ("… GmbH, Hellerhofstraße 2–4, 60327 Frankfurt
    am Main"): a company form or a street number, and a postal code before a town, in a line
    of comma-separated parts."""
    if line.count(",") < 1:
        return False
    return bool(_POSTCODE_TOWN.search(line)) and bool(_COMPANY.search(line) or _STREET_NUMBER.search(line))


def _line_furniture(text: str, lines: list[tuple[int, int]], body_end: int) -> list[Furniture]:
    found = []
    seen: set[str] = set()
    for start, end in lines:
        if end > body_end:
            break
        line = text[start:end].strip()
        if not line:
            continue
        if len(line) <= _MAX_MARKER_LINE and _LINE_MARKER.search(line):
            found.append(Furniture(start, end, "advertisement or share/sign-up line"))
        elif len(line) <= _MAX_IMPRINT_LINE and (
                _is_notice(line) or (start >= len(text) * _TAIL_FROM and _is_imprint(line))):
            found.append(Furniture(start, end, "the outlet's imprint or address"))
        elif len(line) >= _MIN_REPEAT and line in seen:
            found.append(Furniture(start, end, "repeats an earlier line"))
        seen.add(line)
    return found


def find_body(doc: Document) -> Document:
    """Set ``doc.body`` and ``doc.furniture``."""
    text = doc.text
    lines = split_lines(text)
    cuts = [c for c in (_tail_marker_cut(text, lines), _headline_list_cut(text, lines)) if c is not None]
    tail = min(cuts) if cuts else len(text)
    furniture = _line_furniture(text, lines, tail)
    taken = {(f.start, f.end) for f in furniture}
    furniture += [f for f in _related_links(text, lines, tail) if (f.start, f.end) not in taken]
    if tail < len(text) and text[tail:].strip():
        furniture.append(Furniture(tail, len(text), "related headlines or comment prompts after the story"))
    # The body runs from the first to the last character of story text.
    kept = [
        (s, e) for s, e in lines
        if e <= tail and text[s:e].strip() and not any(f.start <= s and e <= f.end for f in furniture)
    ]
    if not kept:
        return dataclasses.replace(doc, body=Span(0, 0), furniture=tuple(furniture))
    first, last = kept[0], kept[-1]
    start = first[0] + (len(text[first[0]:first[1]]) - len(text[first[0]:first[1]].lstrip()))
    end = last[0] + len(text[last[0]:last[1]].rstrip())
    inner = tuple(f for f in furniture if start <= f.start and f.end <= end)
    outer = tuple(f for f in furniture if f not in inner)
    return dataclasses.replace(doc, body=Span(start, end), furniture=inner + outer)


# libxml2 (under lxml, under trafilatura) stops parsing a page at 256 nested elements (2,048
# with huge_tree) and drops everything after that point, so a page nested 10,000 deep loses
# its story. Past this depth (with room for html, body and what trafilatura adds) the extra
# element tags are dropped and their content kept.
HTML_MAX_DEPTH = 200
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
                   "source", "track", "wbr"})
# Past the limit, the tags that shape the story's text are still kept, up to this many more
# levels: the page's deepest paragraphs and headings stay paragraphs and headings.
_CONTENT_ROOM = 40
_CONTENT = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd",
                      "table", "thead", "tbody", "tr", "td", "th", "a", "b", "i", "em", "strong"})
# A start tag of one of these closes an open one of its kind at the top ("<p>a<p>b", "<li>…<li>").
_SIBLING_CLOSES = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option"})
_TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
_HTML_TAG = re.compile(r"<html[\s>]", re.IGNORECASE)


class _Nesting:
    """The open elements as a browser would count them, in time linear in the tags: an end tag closes
    up to its open element (a count per name says at once whether there is one), a stray one nothing."""

    def __init__(self) -> None:
        self.stack: list[tuple[str, bool]] = []  # (tag, kept in the output)
        self.open: dict[str, int] = {}
        self.kept = 0
        self.deepest = 0

    def start(self, tag: str, limit: int) -> bool:
        """Open ``tag`` (closing an open sibling of its kind first); True when it is kept (within ``limit``)."""
        if tag in _VOID:
            return True
        if tag in _SIBLING_CLOSES and self.stack and self.stack[-1][0] == tag:
            self.end(tag)  # its implied end tag is not written: the parser after us infers it too
        keep = self.kept < limit or (tag in _CONTENT and self.kept < limit + _CONTENT_ROOM)
        self.stack.append((tag, keep))
        self.open[tag] = self.open.get(tag, 0) + 1
        self.kept += keep
        self.deepest = max(self.deepest, len(self.stack))
        return keep

    def end(self, tag: str) -> list[tuple[str, bool]]:
        """Close ``tag`` and what is open inside it; the elements closed, innermost first."""
        if not self.open.get(tag):
            return []
        closed = []
        while True:
            name, keep = self.stack.pop()
            self.open[name] -= 1
            self.kept -= keep
            closed.append((name, keep))
            if name == tag:
                return closed


def _depth(html: str) -> int:
    """How deep ``html`` nests, counted fast from its tags (a ``<`` inside a script may count too: only an upper bound)."""
    nesting = _Nesting()
    for match in _TAG.finditer(html):
        tag = match.group(2).lower()
        if match.group(1):
            nesting.end(tag)
        else:
            nesting.start(tag, HTML_MAX_DEPTH)
    return nesting.deepest


class _Flattener(HTMLParser):
    """Writes the page back, less the element tags past the depth limit (their text and children stay)."""

    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=False)  # entities written back as they were
        self.limit = limit
        self.nesting = _Nesting()
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if self.nesting.start(tag, self.limit):
            self.out.append(self.get_starttag_text() or f"<{tag}>")

    def handle_startendtag(self, tag, attrs) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag) -> None:
        self.out.extend(f"</{name}>" for name, keep in self.nesting.end(tag) if keep)

    def handle_data(self, data) -> None:
        self.out.append(data)

    def handle_entityref(self, name) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data) -> None:
        self.out.append(f"<![{data}]>")


def parseable_html(html: str, limit: int = HTML_MAX_DEPTH) -> str:
    """``html`` as trafilatura (lxml, libxml2) can read all of it; an ordinary page is returned as is.

    - Nested deeper than ``limit``: the element tags past that depth are left out (their text
      kept). The page is streamed once by Python's ``html.parser``, which has no depth limit and
      no recursion: time and memory linear in its length.
    - A bare fragment (no ``<html>`` tag) is put in an ``<html><body>``: trafilatura takes a
      fragment of one outer element for "not HTML at all" (no "html" in its first 50 characters
      and fewer than two elements at the top).
    """
    if _depth(html) > limit:
        flattener = _Flattener(limit)
        flattener.feed(html)
        flattener.close()
        html = "".join(flattener.out)
    return html if "html" in html[:50].lower() or _HTML_TAG.search(html) else f"<html><body>{html}</body></html>"
