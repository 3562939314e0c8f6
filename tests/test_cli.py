import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "articles" / "002_0195888066891744.txt"


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "geo", *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_cli_extract_prints_json_lines_with_the_documented_fields():
    done = run("extract", str(SEED))
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    fields = {"article", "start", "end", "surface", "sentence_index", "sentence", "place_id", "name", "kind",
              "country_code", "lat", "lon", "type", "method", "confidence"}
    assert done.returncode == 0 and rows and fields <= set(rows[0])
    assert any(r["place_id"] == "curated:t4-air-base" and r["article"] == SEED.stem for r in rows)


def test_cli_extract_offsets_round_trip():
    text = SEED.read_text(encoding="utf-8")
    for line in run("extract", str(SEED)).stdout.splitlines():
        row = json.loads(line)
        assert text[row["start"]:row["end"]] == row["surface"]


def test_cli_extract_writes_csv():
    assert run("extract", str(SEED), "--format", "csv").stdout.startswith("article,outlet,sentence_index")


def test_cli_extract_writes_geojson():
    collection = json.loads(run("extract", str(SEED), "--format", "geojson").stdout)
    assert collection["type"] == "FeatureCollection" and collection["features"][0]["geometry"]["type"] == "Point"


def test_cli_extract_reports_a_missing_file_and_fails():
    done = run("extract", "no-such-file.txt", str(SEED))
    assert done.returncode == 1 and "no-such-file.txt" in done.stderr and done.stdout


def test_cli_bad_format_is_a_usage_error():
    done = run("extract", str(SEED), "--format", "xml")
    assert done.returncode == 2 and "invalid choice" in done.stderr


def test_cli_build_writes_a_store_readable_with_pandas_and_geopandas(tmp_path):
    import geopandas
    import pandas

    done = run("build", "--store", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "5 new, 0 changed, 0 removed, 0 unchanged" in done.stderr
    mentions = pandas.read_parquet(tmp_path / "mentions.parquet")
    places = geopandas.read_parquet(tmp_path / "places.parquet")
    assert len(mentions) > 100 and "curated:palmyra" in set(places["place_id"]) and places.crs.to_epsg() == 4326
    again = run("build", "--store", str(tmp_path))
    assert again.returncode == 0 and "0 new, 0 changed, 0 removed, 5 unchanged" in again.stderr


def test_cli_build_scheduler_needs_the_dask_engine(tmp_path):
    done = run("build", "--store", str(tmp_path), "--scheduler", "tcp://127.0.0.1:1")
    assert done.returncode == 2 and "--engine dask" in done.stderr


def test_cli_build_reports_an_unreachable_scheduler(tmp_path):
    done = run("build", "--store", str(tmp_path), "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert done.returncode == 1 and "127.0.0.1:9" in done.stderr and "Traceback" not in done.stderr


def test_cli_build_reports_a_missing_folder(tmp_path):
    done = run("build", "--articles", str(tmp_path / "nope"), "--store", str(tmp_path))
    assert done.returncode == 2 and "no such folder" in done.stderr


def test_cli_every_command_has_help():
    for command in ("extract", "build"):
        done = run(command, "--help")
        assert done.returncode == 0 and "usage:" in done.stdout


def test_cli_build_on_a_dask_local_cluster(tmp_path):
    done = run("build", "--store", str(tmp_path), "--engine", "dask", "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "5 new" in done.stderr and "dask, LocalCluster of 1 worker" in done.stderr


def test_cli_extract_lists_each_mention_s_alternatives():
    rows = [json.loads(line) for line in run("extract", str(SEED)).stdout.splitlines()]
    with_alternatives = [r for r in rows if r["alternatives"]]
    assert with_alternatives and all(len(r["alternatives"]) <= 3 for r in rows)
    assert set(with_alternatives[0]["alternatives"][0]) == {"place_id", "name", "kind", "admin1", "country_code", "score"}


def test_cli_extract_on_many_files_parses_on_every_core_and_prints_the_same(tmp_path):
    # Past EXTRACT_PARALLEL_FROM files the work goes to worker processes: same lines, same order.
    from geo.__main__ import EXTRACT_PARALLEL_FROM

    seeds = sorted((ROOT / "data" / "articles").glob("*.txt"))
    files = []
    for i in range(EXTRACT_PARALLEL_FROM):
        path = tmp_path / f"copy_{i:03d}_{seeds[i % len(seeds)].name}"
        path.write_bytes(seeds[i % len(seeds)].read_bytes())
        files.append(str(path))
    many = run("extract", *files)
    assert many.returncode == 0, many.stderr
    one_by_one = [run("extract", f).stdout for f in files[:len(seeds)]]
    lines = many.stdout.splitlines()
    assert "".join(one_by_one).splitlines() == lines[:sum(len(o.splitlines()) for o in one_by_one)]
    assert [json.loads(line)["article"] for line in lines] == sorted((json.loads(line)["article"] for line in lines),
                                                                     key=lambda a: int(a.split("_")[1]))


def test_cli_extract_and_build_apply_corrections_and_report_those_that_do_not_hold(tmp_path):
    corrections = tmp_path / "corrections.toml"
    corrections.write_text(f'[[correction]]\nsurface = "Palmyra"\nplace = "none"\n\n[[correction]]\nsurface = "Tadmor"\n'
                           f'article = "{SEED.stem}"\nstart = 0\nplace = "curated:palmyra"\n', encoding="utf-8")
    done = run("extract", str(SEED), "--corrections", str(corrections))
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert done.returncode == 0 and rows and not [r for r in rows if r["surface"] == "Palmyra"]
    assert f"{corrections}: entry 2 ('Tadmor'): offset 0 of '{SEED.stem}' no longer holds the name" in done.stderr
    built = run("build", "--store", str(tmp_path / "store"), "--corrections", str(corrections))
    assert built.returncode == 0 and "entry 2 ('Tadmor')" in built.stderr
    mentions = pd.read_parquet(tmp_path / "store" / "mentions.parquet")
    assert not (mentions["surface"] == "Palmyra").any() and (mentions["surface"] == "Tadmor").any()


def test_cli_extract_marks_a_corrected_mention(tmp_path):
    corrections = tmp_path / "corrections.toml"
    corrections.write_text('[[correction]]\nsurface = "Tadmor"\nplace = "region:SY-HI"\nnote = "the governorate"\n',
                           encoding="utf-8")
    rows = [json.loads(line) for line in run("extract", str(SEED), "--corrections", str(corrections)).stdout.splitlines()]
    tadmor = [r for r in rows if r["surface"] == "Tadmor"]
    assert tadmor and all(r["method"] == "corrected" and r["place_id"] == "region:SY-HI" and r["note"] == "the governorate"
                          and r["alternatives"][0]["place_id"] == "curated:palmyra" for r in tadmor)


def in_project() -> dict:
    """The environment for ``python -m geo`` run from another folder."""
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_cli_extract_reads_a_file_named_like_an_option_after_the_separator(tmp_path):
    (tmp_path / "-x.txt").write_text("Talks were held in Damascus.", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "geo", "extract", "--", "-x.txt"], cwd=tmp_path, env=in_project(),
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["surface"] for line in done.stdout.splitlines()] == ["Damascus"]


def test_cli_extract_names_and_skips_a_fifo_and_a_device_instead_of_hanging(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    # A child process with a timeout: were the FIFO opened for reading, this would wait for ever.
    done = subprocess.run([sys.executable, "-m", "geo", "extract", "pipe.txt", "zero.txt", str(SEED)], cwd=tmp_path,
                          env=in_project(), capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and done.stdout  # the good file is still printed
    assert "pipe.txt: a named pipe (FIFO), not a regular file; skipped" in done.stderr
    assert "zero.txt: a link to a character device (/dev/zero), not a regular file; skipped" in done.stderr
