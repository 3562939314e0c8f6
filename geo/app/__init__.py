"""The page, a part a module: the only package that draws with Streamlit."""
