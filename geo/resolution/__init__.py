"""From names to places: matching names in text, resolving each to one place, inferred venues."""
