"""How the product says a count in English: "1 article", "14 articles", never "article(s)"."""

from __future__ import annotations

__all__ = ["counted"]


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``1 mention``, ``14 mentions``, ``1,200 countries`` (``plural`` when adding an s is wrong)."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"
