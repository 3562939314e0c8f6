"""The gazetteer: the compiled name index, how it is built, and the optional online geocoder."""
