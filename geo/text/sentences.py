"""Split the story body into sentences with offsets into the original text.

Bling Fire's rule-based sentence breaker (a compiled finite-state model, no download)
finds the boundaries, and every line break ends a sentence too, so headlines, captions
and datelines are sentences of their own. We call its C entry point
directly: the package's Python helper maps byte offsets to characters one byte at a
time, which costs more than the segmentation itself.
"""

from __future__ import annotations

import ctypes
import dataclasses

from ..types import Document, Sentence
from .body import split_lines

__all__ = ["sentence_spans", "split_sentences"]


def _blingfire_spans(line: str) -> list[tuple[int, int]]:
    import blingfire

    data = line.encode("utf-8")
    capacity = len(data) * 2 + 16
    out = ctypes.create_string_buffer(capacity)
    starts = (ctypes.c_int32 * capacity)()
    ends = (ctypes.c_int32 * capacity)()
    length = blingfire.blingfire.TextToSentencesWithOffsets(
        ctypes.c_char_p(data), ctypes.c_int(len(data)), ctypes.byref(out),
        ctypes.byref(starts), ctypes.byref(ends), ctypes.c_int(capacity),
    )
    if length <= 0 or length > capacity:
        return [(0, len(line))]
    count = out.value.count(b"\n") + 1
    spans = [(starts[i], ends[i] + 1) for i in range(count)]  # blingfire's ends are inclusive
    if len(data) == len(line):
        return spans  # ASCII: bytes are characters

    # Byte offsets to characters, decoding each stretch between offsets once (linear time).
    chars: dict[int, int] = {}
    previous_byte = previous_char = 0
    for offset in sorted({o for span in spans for o in span}):
        previous_char += len(data[previous_byte:offset].decode("utf-8", errors="ignore"))
        chars[offset] = previous_char
        previous_byte = offset
    return [(chars[s], chars[e]) for s, e in spans]


def sentence_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of the sentences of text[start:end], trimmed; a line break always ends one.

    One Bling Fire call for the whole stretch (it joins lines), then cuts at line breaks.
    """
    spans = []
    for s, e in _blingfire_spans(text[start:end]):
        s, e = s + start, e + start
        piece = text[s:e]
        lines = split_lines(piece) if "\n" in piece or "\r" in piece else [(0, len(piece))]  # most have none
        for line_start, line_end in lines:
            line = piece[line_start:line_end]
            if line.strip():
                lead = len(line) - len(line.lstrip())
                spans.append((s + line_start + lead, s + line_start + len(line.rstrip())))
    return spans


def split_sentences(doc: Document) -> Document:
    """Set ``doc.sentences``: the body's sentences outside furniture, numbered from 0."""
    if doc.body is None:
        raise ValueError("split_sentences needs find_body to run first")
    spans = [
        (s, e) for s, e in sentence_spans(doc.text, doc.body.start, doc.body.end) if doc.in_body(s, e)
    ]
    sentences = tuple(Sentence(i, s, e) for i, (s, e) in enumerate(spans))
    return dataclasses.replace(doc, sentences=sentences)
