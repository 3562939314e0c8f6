"""Which outlet an article says it comes from, when no sources entry says so.

In this order: the page's site name (``og:site_name`` and the like), the domain of its URL,
a byline naming a known paper ("By Jane Doe, The Washington Post March 31", "— The
Guardian"), a dateline naming an agency ("BEIRUT (AP) —"). The outlets, their domains, the
names bylines use and the agencies' dateline abbreviations are data (``data/outlets.toml``).
A dateline's agency is also the article's wire origin, whichever outlet published it: a
paper's copy of an AP story stays that paper's, and says it is AP copy.

Only the head and tail of a text are read (a few hundred characters, each pattern bounded
and anchored), so a 20 MB one-line file costs no more than a short one.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["NOT_STATED", "OUTLETS", "StatedOutlet", "stated_outlet"]

# The one source every article naming no outlet shares (they stay listed one by one, by title).
NOT_STATED = "Source not stated"
OUTLETS = Path(__file__).resolve().parents[2] / "data" / "outlets.toml"

# How far into a text a dateline may start: a headline, a standfirst, a photo caption and a
# byline often come first; a quoted "(AP)" further on is not this article's dateline.
DATELINE_WINDOW = 600
# Bylines stand at the head of a story ("By …") or end it ("— The Guardian").
BYLINE_HEAD, BYLINE_TAIL, BYLINE_CHARS = 600, 300, 160
NAME_CHARS = 80  # a site name longer than this is cut (it is the page's text: data, not a label)

_DASH = r"[—–-]{1,2}"
# After an outlet's name in a byline: the line's end, punctuation, or a capital or digit ("… Post March 31");
# not a lower-case word ("Reuters poll shows" is a headline, not a byline).
_NAME_END = r"(?!\w)(?=[^\S\n]*(?:$|[,.;:|·(]|[A-Z0-9]))"
_BY = re.compile(r"[^\S\n]*(?:written[^\S\n]+)?by[^\S\n]", re.IGNORECASE)
_HOST = re.compile(r"(?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,63}", re.IGNORECASE)


@dataclass(frozen=True)
class StatedOutlet:
    """The outlet an article states ("" for none), how it was found, and the agency whose copy it is ("" for none)."""

    outlet: str
    how: str = ""  # "the page's site name", "the URL's domain (x.com)", "the byline", "the dateline (AP)"
    wire: str = ""


@dataclass(frozen=True)
class _Outlets:
    by_name: dict[str, str]  # casefolded name or alias -> name
    by_domain: dict[str, str]  # domain -> name
    by_code: dict[str, tuple[str, bool]]  # casefolded dateline abbreviation -> (name, is an agency)
    byline_by: re.Pattern  # a known name anywhere in a "By …" line
    byline_dash: re.Pattern  # a known name right after a dash ("— The Guardian", "News Desk - The Cradle")
    dateline: re.Pattern  # "CITY, Month Day (CODE) —" at a line's start


def _alternatives(names) -> str:
    # Longest first: "The Washington Post" before "Washington Post" before "Post".
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True)) or "(?!)"


@lru_cache(maxsize=1)
def _outlets() -> _Outlets:
    """The outlets of data/outlets.toml; none when it is missing or broken (then only site names and domains count)."""
    try:
        rows = tomllib.loads(OUTLETS.read_text(encoding="utf-8")).get("outlet", [])
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        rows = []
    by_name: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    by_code: dict[str, tuple[str, bool]] = {}
    written: list[str] = []  # names as a byline writes them, capitals included
    for row in rows if isinstance(rows, list) else []:
        name = row.get("name") if isinstance(row, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        name = name.strip()
        aliases = [a.strip() for a in row.get("aliases", []) if isinstance(a, str) and a.strip()]
        for alias in (name, *aliases):
            by_name.setdefault(alias.casefold(), name)
            written.append(alias)
        for domain in row.get("domains", []):
            if isinstance(domain, str) and domain.strip():
                by_domain.setdefault(domain.strip().lower(), name)
        for code in row.get("dateline", []):
            if isinstance(code, str) and code.strip():
                by_code.setdefault(code.strip().casefold(), (name, row.get("agency") is True))
    names = _alternatives(written)
    codes = _alternatives(by_code)
    return _Outlets(
        by_name, by_domain, by_code,
        byline_by=re.compile(rf"(?<!\w)({names}){_NAME_END}"),
        byline_dash=re.compile(rf"(?:^|\s){_DASH}[^\S\n]*({names}){_NAME_END}"),
        # The place and date before the parentheses hold no parenthesis and no line break, so the
        # lazy run stops at the first "(": at most 60 steps from each line start.
        dateline=re.compile(rf"^[^\S\n]*(?:[^\W\d_][^\n()]{{0,60}}?)?\([^\S\n]?({codes})[^\S\n]?\)[^\S\n]*(?:{_DASH}|:)",
                            re.IGNORECASE | re.MULTILINE),
    )


def _clean(value: str, limit: int = NAME_CHARS) -> str:
    value = " ".join(str(value or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _host(url: str) -> str:
    """The host of a URL ("www.example.com"), "" for none or a malformed one."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:  # "http://[::1" and the like
        return ""
    return host.lower() if _HOST.fullmatch(host) else ""


def _domain_outlet(host: str, outlets: _Outlets) -> str:
    """The outlet of a host or of a domain it is under (edition.cnn.com: cnn.com), "" for none known."""
    labels = host.split(".")
    return next((outlets.by_domain[d] for d in (".".join(labels[i:]) for i in range(len(labels) - 1))
                 if d in outlets.by_domain), "")


def _bare_domain(host: str) -> str:
    # A page's own subdomain says nothing of the outlet (www., m., amp.); the rest is kept as written.
    return re.sub(r"^(?:www\d*|m|amp|mobile)\.", "", host)


def _from_page(site_name: str, url: str, domain: str, outlets: _Outlets) -> StatedOutlet | None:
    site = _clean(site_name)
    host = _host(url)
    if site and not _HOST.fullmatch(site):  # a name, not a host name trafilatura took from the title or the URL
        return StatedOutlet(outlets.by_name.get(site.casefold(), site), "the page's site name")
    if not (host or site):
        return None
    whose = "the URL's domain" if host else "the domain the page names"
    host = host or site.lower()
    shown = _bare_domain(domain.lower() if host == _host(url) and _HOST.fullmatch(domain or "") else host)
    return StatedOutlet(_domain_outlet(host, outlets) or shown, f"{whose} ({shown})")


def _lines(text: str) -> list[str]:
    """The lines a byline may be on: the short ones of the text's head and tail, whole lines only
    (a line cut at the window's edge could end on an outlet's name: "— The Guardian| view on …")."""
    head_end = min(len(text), BYLINE_HEAD)
    tail_start = max(head_end, len(text) - BYLINE_TAIL)
    head = text[:head_end].splitlines()
    if head and head_end < len(text) and text[head_end] not in "\r\n":
        head.pop()
    tail = text[tail_start:].splitlines()
    if tail and tail_start > 0 and text[tail_start - 1] not in "\r\n":
        tail.pop(0)
    return [line for line in (*head, *tail) if len(line) <= BYLINE_CHARS]


def _from_byline(text: str, author: str, outlets: _Outlets) -> str:
    """The known outlet a byline names: the page's author metadata (a byline itself), a "By …" line, or a dash's."""
    found = outlets.byline_by.search(_clean(author, BYLINE_CHARS))
    for line in _lines(text):
        if found:
            break
        found = (outlets.byline_by if _BY.match(line) else outlets.byline_dash).search(line)
    return outlets.by_name.get(found.group(1).casefold(), "") if found else ""


def _from_dateline(text: str, outlets: _Outlets) -> tuple[str, str, bool]:
    """(outlet, the abbreviation as written, whether it is an agency) of a dateline near the start, or ("", "", False)."""
    found = outlets.dateline.search(text[:DATELINE_WINDOW + 80])
    if not found or found.start() >= DATELINE_WINDOW:
        return "", "", False
    code = found.group(1)
    # Matched regardless of case, as Unicode folds it ("ſ" is "s"): a fold the table lacks names nothing.
    name, agency = outlets.by_code.get(code.casefold(), ("", False))
    return name, code if name else "", agency


def stated_outlet(text: str, site_name: str = "", url: str = "", domain: str = "", author: str = "") -> StatedOutlet:
    """The outlet ``text`` (an article's text, with its page's metadata when it was HTML) says it comes from.

    ``site_name``, ``url``, ``domain`` (the URL's registrable domain, when known) and ``author``
    are the page's metadata (trafilatura's); every one may be empty. ``StatedOutlet("")`` when
    nothing names an outlet.
    """
    outlets = _outlets()
    agency_name, code, agency = _from_dateline(text, outlets)
    wire = agency_name if agency else ""
    page = _from_page(site_name, url, domain, outlets)
    if page is not None:
        return StatedOutlet(page.outlet, page.how, wire)
    byline = _from_byline(text, author, outlets)
    if byline:
        return StatedOutlet(byline, "the byline", wire)
    if agency_name:
        return StatedOutlet(agency_name, f"the dateline ({code})", wire)
    return StatedOutlet("")
