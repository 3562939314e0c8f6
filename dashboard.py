"""News geoparsing map: where a story's articles place it, and what each outlet wrote there.

A thin Streamlit layer over ``geo``: ``streamlit run dashboard.py``. The page reads the corpus
store (``geo.store``): it opens it, builds it first when it is missing or out of date, and asks
it for what is in view; it never holds every mention. Article text is data: it reaches the page
only as escaped HTML or escaped Markdown, never the map.

The page's parts are the modules of ``geo.app`` (the sidebar, the map and panel, the comparison,
search, review and corrections, the tables below, uploads), each drawing its part from the
store, the view and the session; this file is the entry.
"""

from __future__ import annotations

import streamlit as st

from geo.app.page import main

st.set_page_config(page_title="News geoparsing map", page_icon="🗺️", layout="wide")

if __name__ == "__main__":  # Streamlit runs the page as __main__; a worker process importing it does nothing
    main()
