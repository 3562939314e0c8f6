"""Load articles and their source metadata; one bad file never fails the corpus."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import stat
import tomllib
from dataclasses import fields
from pathlib import Path

from ..types import Article, LoadProblem, Source, Story
from .body import parseable_html
from .outlet import NOT_STATED, stated_outlet

__all__ = ["ARTICLE_SUFFIXES", "article_files", "decode_text", "load_articles", "load_corpus", "load_sources", "load_story",
           "read_article", "read_article_file", "toml_kind", "unattributed_source", "valid_colour"]

ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm")
# The largest article file read (20 MB, a hundred times a long feature): a file's size is
# checked before any of it is read, so a bigger one (a 30 GB dump) is refused, not loaded.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024

# Magic numbers of formats people rename to .txt by mistake.
_BINARY_SIGNATURES = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF",
)
_SOURCE_FIELDS = {f.name for f in fields(Source)}
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def valid_colour(text) -> str | None:
    """``#rrggbb`` in lower case, or None for anything else (a colour is data: it goes into styles)."""
    return text.lower() if isinstance(text, str) and _HEX_COLOUR.fullmatch(text) else None


class ArticleError(ValueError):
    """A file that cannot become an article; the message names the problem."""


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes; return (text, caveat) where caveat is "" for clean UTF-8.

    Order: UTF-16 with BOM, UTF-8 (with or without BOM), cp1252, then UTF-8 with
    replacement characters, so that every file yields some text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "decoded as UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; decoded as cp1252"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "not UTF-8; undecodable bytes replaced"


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_SIGNATURES):
        return True
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes by design
    sample = data[:4096]
    return b"\x00" in sample


def _html_to_text(html: str) -> str:
    import trafilatura  # only needed for HTML articles

    return trafilatura.extract(html, include_comments=False, include_tables=False) or ""


UNATTRIBUTED_TITLE_CHARS = 80


def unattributed_source(article_id: str, text: str, html: str | None = None) -> Source:
    """The source of an article the sources file says nothing about: the outlet it states, or "Source not stated".

    The outlet is the one the page or text names (``geo.text.outlet``: its site name, its URL's
    domain, a byline's paper, a dateline's agency), attribution "inferred" and the note saying
    how; a dateline's agency is also kept as the article's ``wire`` origin. Articles naming no
    outlet share the one source ``NOT_STATED`` (attribution "unknown"), never a source each: a
    folder of them is one entry in the sources list, not hundreds. Either way the title is the
    article's own (the page's title, else its first line, else its file name), so the panel
    still tells its articles apart.
    """
    meta = None
    if html is not None:
        import trafilatura

        try:
            meta = trafilatura.extract_metadata(html)
        except Exception:  # noqa: BLE001 - metadata is a nicety: a page trafilatura cannot read has none
            meta = None

    def field(name: str) -> str:
        return " ".join(str(getattr(meta, name, "") or "").split())

    title = field("title") or " ".join(next((line for line in text.splitlines() if line.strip()), "").split())
    if len(title) > UNATTRIBUTED_TITLE_CHARS:
        title = title[: UNATTRIBUTED_TITLE_CHARS - 1].rstrip() + "…"
    published = field("date")
    url = field("url")
    stated = stated_outlet(text, site_name=field("sitename"), url=url, domain=field("hostname"), author=field("author"))
    if stated.outlet:
        outlet, attribution, note = stated.outlet, "inferred", f"no sources entry; inferred from {stated.how}"
    else:
        outlet, attribution, note = NOT_STATED, "unknown", "no sources entry, and the text names no outlet"
    if stated.wire and stated.wire != outlet:  # a paper's copy of an agency's story stays the paper's
        note += f"; {stated.wire} copy, as its dateline says"
    return Source(outlet=outlet, title=title or article_id, published=published if not _check_date(published) else "",
                  url=url, attribution=attribution, attribution_note=note, wire=stated.wire)


def read_article(
    article_id: str, data: bytes, suffix: str, source: Source | None = None, path: str = ""
) -> tuple[Article, str]:
    """Turn raw bytes into an Article; raise ArticleError with a clear reason.

    Returns the article and a caveat ("" when none) to report alongside it.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(_too_large(len(data)))
    if not data.strip():
        raise ArticleError("empty file")
    if _looks_binary(data):
        raise ArticleError("binary file, not text")
    text, caveat = decode_text(data)
    is_html = suffix.lower() in (".html", ".htm")
    page = parseable_html(text) if is_html else None  # a page too deep or a bare fragment, made readable
    if is_html:
        text = _html_to_text(page)
        if not text.strip():
            raise ArticleError("HTML without any main text")
    if not text.strip():
        raise ArticleError("no text")
    if source is None:  # no sources entry: the outlet the article states, else "Source not stated"
        source = unattributed_source(article_id, text, page)
    article = Article(id=article_id, text=text, source=source, path=path, extracted_from_html=is_html)
    return article, caveat


def _too_large(size: int) -> str:
    shown = f"{size / 2**30:.1f} GB" if size >= 2**30 else f"{size / 2**20:.1f} MB"
    return f"too large ({shown}; the limit is {MAX_ARTICLE_BYTES // 2**20} MB)"


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _check_regular(path: Path, status: os.stat_result) -> None:
    """ArticleError unless ``status`` is a regular file's: a pipe would block the reader, a device never ends."""
    if stat.S_ISREG(status.st_mode):
        return
    kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a file")
    if path.is_symlink():  # say where the link leads: the name alone does not show it
        kind = f"a link to {kind} ({os.path.realpath(path)})"
    raise ArticleError(f"{kind}, not a regular file; skipped")


def article_files(folder: str | Path) -> tuple[list[Path], list[LoadProblem]]:
    """The article files of ``folder`` (sorted by name, one per id), and the problems found listing them.

    Only regular files (or links to them) are articles: a pipe, a device, a folder or a broken
    link with an article's suffix is reported by name and skipped.
    """
    folder = Path(folder)
    try:
        paths = sorted(folder.iterdir())
    except OSError as error:  # missing, not a folder, unreadable
        return [], [LoadProblem(str(folder), f"cannot read the articles folder: {error.strerror or error}")]
    files: list[Path] = []
    problems: list[LoadProblem] = []
    seen: dict[str, str] = {}
    for path in paths:
        if path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        try:
            _check_regular(path, os.stat(path))  # stat, not open: opening a pipe would wait for a writer
        except FileNotFoundError:  # listed a moment ago: a link to nothing
            problems.append(LoadProblem(str(path), f"a link to {os.readlink(path)}, which does not exist; skipped"
                                        if path.is_symlink() else "removed while the folder was read; skipped"))
            continue
        except (OSError, ArticleError) as error:
            problems.append(LoadProblem(str(path), _reason(error)))
            continue
        if path.stem in seen:
            problems.append(LoadProblem(str(path), f"duplicate article id {path.stem!r} (also {seen[path.stem]}); skipped"))
            continue
        seen[path.stem] = path.name
        files.append(path)
    return files, problems


def _reason(error: Exception) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)


def read_article_file(path: Path, source: Source | None) -> tuple[Article, str]:
    """One article file (its id is the file name's stem); ArticleError or OSError when it cannot be read.

    Its kind and size are checked before a byte is read: only a regular file is opened (never a
    device, even behind a link), a FIFO cannot block (non-blocking open, then ``fstat``), and a file
    past ``MAX_ARTICLE_BYTES`` is refused rather than read into memory.
    """
    _check_regular(path, os.stat(path))  # before open: opening some devices has effects (a tape rewinds)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    with open(os.open(path, flags), "rb") as handle:
        status = os.fstat(handle.fileno())
        _check_regular(path, status)  # what was opened: the name may have been swapped since the stat
        if status.st_size > MAX_ARTICLE_BYTES:
            raise ArticleError(_too_large(status.st_size))
        data = handle.read(MAX_ARTICLE_BYTES + 1)  # a file growing as it is read is still cut at the limit
    return read_article(path.stem, data, path.suffix, source, str(path))


def load_articles(
    folder: str | Path, sources: dict[str, Source] | None = None
) -> tuple[list[Article], list[LoadProblem]]:
    """Load every article file in ``folder`` (sorted by name).

    Files that cannot be read are reported as LoadProblems and skipped; the others load.
    An article without a sources entry takes the outlet it states (``unattributed_source``).
    """
    sources = sources or {}
    paths, problems = article_files(folder)
    articles: list[Article] = []
    for path in paths:
        try:
            article, caveat = read_article_file(path, sources.get(path.stem))
        except (OSError, ArticleError) as error:
            problems.append(LoadProblem(str(path), _reason(error)))
            continue
        if caveat:
            problems.append(LoadProblem(str(path), caveat, loaded=True))
        articles.append(article)
    return articles, problems


def _check_date(value: str) -> str:
    """Return "" for a valid ISO date (or empty), else a problem description."""
    if not value:
        return ""
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return f"bad date {value!r} (expected YYYY-MM-DD)"
    return ""


def toml_kind(value) -> str:
    """What a parsed TOML (or CSV) value is, in words, for a message: "a whole number (5)", "a date (2025-04-10)"."""
    kinds = ((bool, "a true/false value"), (int, "a whole number"), (float, "a decimal number"), (dt.datetime, "a date and time"),
             (dt.date, "a date"), (dt.time, "a time of day"), (str, "text"), (list, "a list"), (dict, "a table"))
    kind = next((name for cls, name in kinds if isinstance(value, cls)), type(value).__name__)
    shown = str(value).lower() if isinstance(value, bool) else str(value)[:40]  # as TOML writes it: true, not True
    return kind if isinstance(value, list | dict) else f"{kind} ({shown})"


def _source_from_row(row: dict) -> tuple[Source, list[str]]:
    problems = []
    if None in row:  # csv.DictReader files a row's cells past the header under None
        problems.append(f"{len(row.pop(None))} more cells than the header has columns; the extra ignored")
    extra = sorted(set(row) - _SOURCE_FIELDS - {"id", "file"})
    if extra:
        problems.append(f"unknown fields {', '.join(extra)} ignored")
    values = {}
    for key, value in row.items():
        if key not in _SOURCE_FIELDS or value is None:
            continue
        if key == "published" and isinstance(value, dt.date):  # a TOML date (published = 2025-04-10) is a date too
            value = (value.date() if isinstance(value, dt.datetime) else value).isoformat()
        if not isinstance(value, str):
            expected = "a date (YYYY-MM-DD)" if key == "published" else "text"
            problems.append(f"{key} must be {expected}, not {toml_kind(value)}; left empty")
            continue
        values[key] = value.strip()
    date_problem = _check_date(values.get("published", ""))
    if date_problem:
        problems.append(date_problem + "; date left empty")
        values["published"] = ""
    if values.get("attribution") not in (None, "stated", "inferred", "unknown"):
        problems.append(f"attribution {values['attribution']!r} is not stated/inferred/unknown")
        values["attribution"] = "unknown"
    language = values.get("language", "").lower()
    if language and not re.fullmatch(r"[a-z]{2}", language):
        problems.append(f"language {values['language']!r} is not a two-letter code (ar, he, tr, en…); detected instead")
        language = ""
    values["language"] = language
    values.setdefault("outlet", "unknown")
    values["outlet"] = values["outlet"] or "unknown"
    return Source(**values), problems


def load_sources(path: str | Path) -> tuple[dict[str, Source], list[LoadProblem]]:
    """Read data/sources.toml (``[[article]]`` tables) or a CSV with the same columns.

    Returns {article id: Source} and the problems found; a broken file yields no sources
    and one problem, never an exception. A value of the wrong type (``outlet = 5``) is
    reported with its entry and key and left empty; an entry without a usable id is skipped.
    """
    path = Path(path)
    problems: list[LoadProblem] = []
    try:
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        else:
            rows = tomllib.loads(path.read_text(encoding="utf-8-sig")).get("article", [])
    except FileNotFoundError:
        return {}, [LoadProblem(str(path), "no such sources file; each article's outlet is the one it states, if any")]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, csv.Error) as error:
        return {}, [LoadProblem(str(path), f"cannot read sources file: {error}")]
    if not isinstance(rows, list):  # article = 5, or [article] for [[article]]
        return {}, [LoadProblem(str(path), f"article must be a list of [[article]] tables, not {toml_kind(rows)}; "
                                           "no sources read")]
    sources: dict[str, Source] = {}
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(LoadProblem(str(path), f"entry {number} must be a table ([[article]]), not "
                                                   f"{toml_kind(row)}; skipped"))
            continue
        if "id" in row and not isinstance(row["id"], str):
            problems.append(LoadProblem(str(path), f"entry {number}: id must be text (the article file's name "
                                                   f"without its extension), not {toml_kind(row['id'])}; skipped"))
            continue
        if not (row.get("id") or "").strip():
            problems.append(LoadProblem(str(path), f"entry {number} has no id; skipped"))
            continue
        article_id = row["id"].strip()
        source, row_problems = _source_from_row(row)
        problems.extend(LoadProblem(str(path), f"entry {article_id!r}: {p}", loaded=True) for p in row_problems)
        if article_id in sources:
            problems.append(LoadProblem(str(path), f"entry {article_id!r} appears twice; the first is kept", loaded=True))
            continue
        sources[article_id] = source
    return sources, problems


STORY_FIELD_CHARS = 300


def load_story(path: str | Path | None) -> tuple[Story | None, dict[str, str], list[LoadProblem]]:
    """The sources file's ``[story]`` table and its ``[[outlet]]`` colours.

    ``(story or None, {outlet: "#rrggbb"}, problems)``; a CSV sources file, a missing file or
    one without these tables gives ``(None, {}, [])`` (``load_sources`` reports a file it
    cannot read). Never raises: a bad table is reported and left out, the rest still counts.
    """
    if path is None or Path(path).suffix.lower() == ".csv":
        return None, {}, []
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None, {}, []
    problems: list[LoadProblem] = []
    story = None
    table = data.get("story")
    if isinstance(table, dict):
        values = {}
        for name in ("title", "dates", "summary"):
            value = table.get(name, "")
            if not isinstance(value, str):
                problems.append(LoadProblem(str(path), f"[story] {name} is not text; left out", loaded=True))
                value = ""
            value = " ".join(value.split())
            if len(value) > STORY_FIELD_CHARS:
                problems.append(LoadProblem(str(path), f"[story] {name} is longer than {STORY_FIELD_CHARS} characters; "
                                                       "cut", loaded=True))
                value = value[:STORY_FIELD_CHARS]
            values[name] = value
        story = Story(**values) if any(values.values()) else None
    elif table is not None:
        problems.append(LoadProblem(str(path), "story is not a table ([story]); left out", loaded=True))
    colours: dict[str, str] = {}
    rows = data.get("outlet", [])
    for number, row in enumerate(rows if isinstance(rows, list) else [rows], start=1):
        name = row.get("name") if isinstance(row, dict) else None
        colour = row.get("colour") if isinstance(row, dict) else None
        if not isinstance(name, str) or not name.strip():
            problems.append(LoadProblem(str(path), f"outlet entry {number} has no name; skipped", loaded=True))
        elif not valid_colour(colour.strip() if isinstance(colour, str) else colour):
            problems.append(LoadProblem(str(path), f"outlet {name.strip()!r}: colour {colour!r} is not #rrggbb; "
                                                   "a colour is chosen for it", loaded=True))
        else:
            colours[name.strip()] = valid_colour(colour.strip())
    return story, colours, problems


def check_sources_cover(sources: dict[str, Source], articles: list[Article], path: str) -> list[LoadProblem]:
    """Report sources entries that name no loaded article."""
    ids = {a.id for a in articles}
    return [
        LoadProblem(path, f"entry {article_id!r} names no article file", loaded=True)
        for article_id in sorted(set(sources) - ids)
    ]


def load_corpus(articles_dir: str | Path, sources_path: str | Path | None = None) -> tuple[list[Article], list[LoadProblem]]:
    """Articles of a folder with their sources; every problem reported, none raised."""
    sources, problems = load_sources(sources_path) if sources_path else ({}, [])
    articles, article_problems = load_articles(articles_dir, sources)
    problems += article_problems
    if sources_path:
        problems += check_sources_cover(sources, articles, str(sources_path))
    return articles, problems
