"""Plain data types passed between pipeline stages.

Every ``start``/``end`` is a character offset into ``Article.text``, the original text
of the article, which no stage ever rewrites.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """What is known about where an article comes from (one row of data/sources.toml)."""

    outlet: str = "unknown"
    title: str = ""
    published: str = ""
    url: str = ""
    attribution: str = "unknown"  # "stated", "inferred" or "unknown"
    attribution_note: str = ""
    notes: str = ""
    language: str = ""  # ISO 639-1 ("ar", "he", "tr"); "" for "detect it"
    wire: str = ""  # the agency whose copy it is ("Associated Press"), as its dateline says; "" for none


@dataclass(frozen=True)
class Article:
    """One article: its id (the file stem), its original text and its source."""

    id: str
    text: str
    source: Source = field(default_factory=Source)
    path: str = ""
    extracted_from_html: bool = False


@dataclass(frozen=True)
class Story:
    """What the corpus is about, for the page's heading (the sources file's ``[story]`` table)."""

    title: str = ""
    dates: str = ""
    summary: str = ""


@dataclass(frozen=True)
class LoadProblem:
    """A file that could not be read, or was read with a caveat."""

    path: str
    reason: str
    loaded: bool = False  # True when the file loaded anyway (e.g. decoded as cp1252)


@dataclass(frozen=True)
class Span:
    """A stretch of the original text."""

    start: int
    end: int


@dataclass(frozen=True)
class Furniture:
    """Page furniture left out of the story body, and why."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class Sentence:
    """A sentence of the body, with its position in the article."""

    index: int
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry a name could refer to."""

    place_id: str
    name: str
    kind: str
    country_code: str
    lat: float
    lon: float
    population: int
    method: str  # "curated", "geonames" or "geocoder"
    priority: float = 0.0
    admin1: str = ""


@dataclass(frozen=True)
class Match:
    """A name found in the text, with the gazetteer records (entry, flags, case mask) it may refer to."""

    start: int
    end: int
    surface: str
    sentence_index: int
    records: tuple[tuple[int, int, int], ...]
    demonym: bool
    needs_context: bool  # counts only when the place's country is in the article's context
    after_cue: bool = False  # a locative preposition comes right before ("in Nice")
    people: bool = False  # a demonym naming the people ("Syrians"), not an adjective ("Syrian")


@dataclass(frozen=True)
class Mention:
    """A place name (or demonym) in the text, resolved to a place."""

    start: int
    end: int
    surface: str
    sentence_index: int
    place_id: str
    type: str  # "toponym", "demonym" (an adjective: "Syrian"), "people" ("Syrians") or "venue"
    method: str
    confidence: float
    note: str = ""
    alternatives: tuple[tuple[str, float], ...] = ()  # runners-up: (place_id, share of the softmax)


@dataclass(frozen=True)
class Correction:
    """A reader's correction of a name: in every article, one article, or at one offset (see geo.resolution.corrections)."""

    surface: str
    place: str  # a place id, or "none": not a place
    article: str = ""  # "": every article
    start: int | None = None  # with article: the one mention there
    note: str = ""
    created: str = ""


@dataclass(frozen=True)
class Document:
    """The shared object every stage takes and returns (spaCy's Doc, in small)."""

    article: Article
    body: Span | None = None
    furniture: tuple[Furniture, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    matches: tuple[Match, ...] = ()
    mentions: tuple[Mention, ...] = ()
    language: str = ""  # ISO 639-1, stated in the sources file or detected (geo.text.language)

    @property
    def text(self) -> str:
        return self.article.text

    def in_body(self, start: int, end: int) -> bool:
        """True when [start, end) lies in the body and outside every furniture span."""
        if self.body is None or start < self.body.start or end > self.body.end:
            return False
        return not any(f.start < end and start < f.end for f in self.furniture)
