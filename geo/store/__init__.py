"""The corpus store: Parquet tables written once by the build, read by the dashboard through DuckDB.

``schema`` (tables and fingerprints), ``engine`` (where articles are parsed: this machine's
cores or a Dask cluster), ``plan`` (what a build has to do), ``build`` (incremental builds,
committed by an atomic swap), ``verify`` (each file's hash, damage found and marked), ``read``
(opening a store and the queries the page makes) and ``lease`` (readers hold a generation).
"""
