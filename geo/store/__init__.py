"""The corpus store: Parquet tables written once by the build, read by the dashboard through DuckDB.

``schema`` (tables and fingerprints), ``engine`` (where articles are parsed: this machine's
cores or a Dask cluster), ``build`` (incremental builds, committed by an atomic swap) and
``read`` (opening a store and the queries the page makes).
"""
