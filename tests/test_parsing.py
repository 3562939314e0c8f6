"""The parse slot: a reader's articles parsed in a child process, within a time and memory budget, one at a time."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from hostile import one_sentence

from geo.page.parsing import ParseRefused, ParseSlot
from geo.types import Article

ROOT = Path(__file__).resolve().parent.parent
def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


@pytest.fixture
def slot():
    made = []

    def make(**budget) -> ParseSlot:
        made.append(ParseSlot(**budget))
        return made[-1]

    yield make
    for each in made:
        each.close()


def test_parsing_the_child_parses_as_this_process_does(slot, parser):
    article = Article("note", "Officials met in Palmyra, Syria, and later in Damascus.")
    [doc] = slot().parse([article])
    assert doc.mentions == parser(article).mentions and doc.article == article


def test_parsing_past_the_memory_budget_is_refused_and_the_next_parse_works(slot):
    parse = slot(memory_mb=40, max_mentions=10**9)  # the memory budget, not the mentions, stops it
    with pytest.raises(ParseRefused, match="more than 40 MB"):
        parse.parse([Article("hostile", one_sentence(400_000))])
    [doc] = parse.parse([Article("note", "Talks were held in Baku.")])
    assert [m.surface for m in doc.mentions] == ["Baku"]


def test_parsing_more_mentions_than_one_parse_may_keep_is_refused_and_the_next_parse_works(slot):
    parse = slot(max_mentions=500)
    with pytest.raises(ParseRefused, match=r"names places 1,\d{3} times, more than the 500"):
        parse.parse([Article("hostile", one_sentence(10_000))])  # every word a mention: ~1,300 of them
    [doc] = parse.parse([Article("note", "Talks were held in Baku.")])
    assert [m.surface for m in doc.mentions] == ["Baku"]


def test_parsing_past_the_time_budget_is_refused_and_the_child_killed(slot):
    parse = slot(seconds=0.3)
    parse.parse([Article("warm", "Talks were held in Baku.")])  # the child's start is not the parse's time
    child = parse._child.process.pid
    with pytest.raises(ParseRefused, match="longer than 0.3 s"):
        parse.parse([Article("hostile", one_sentence(300_000))])
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_parsing_one_parse_at_a_time_for_the_server(slot):
    parse = slot(wait_seconds=0.2)
    parse.parse([Article("warm", "Talks were held in Baku.")])
    answers: list = []

    def long_parse():
        answers.append(parse.parse([Article("long", one_sentence(150_000))]))

    worker = threading.Thread(target=long_parse)
    worker.start()
    time.sleep(0.1)
    with pytest.raises(ParseRefused, match="busy"):
        parse.parse([Article("second", "Talks were held in Baku.")])
    worker.join()
    assert len(answers) == 1 and len(answers[0][0].mentions) > 1000


def test_parsing_the_child_ends_with_the_page_s_process_even_on_kill_9_mid_parse(tmp_path):
    # Killed while the child is busy with a long parse: the child is not reading its requests then,
    # so only the watchdog pipe's thread can notice that the page is gone.
    script = textwrap.dedent("""
        import sys, threading, time
        sys.path.insert(0, "tests")
        from hostile import one_sentence
        from geo.page.parsing import ParseSlot
        from geo.types import Article
        slot = ParseSlot(seconds=120, memory_mb=2000)
        slot.parse([Article("a", "Talks were held in Baku.")])
        print(slot._child.process.pid, flush=True)
        threading.Thread(target=slot.parse, args=([Article("long", one_sentence(1_200_000))],)).start()
        time.sleep(60)
    """)
    page = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    child = None
    try:
        child = int(page.stdout.readline())
        time.sleep(1.0)  # the long parse is under way
        assert alive(child)
        page.kill()  # no handler, no finally: only the watchdog pipe can end the child
        page.wait(10)
        deadline = time.monotonic() + 2  # the parse itself needs several seconds more
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child)
    finally:
        page.kill()
        page.stdout.close()
        if child and alive(child):
            os.kill(child, 9)


def test_parsing_a_slot_dropped_without_close_leaves_no_child():
    parse = ParseSlot()
    parse.parse([Article("a", "Talks were held in Baku.")])
    child = parse._child.process.pid
    del parse
    deadline = time.monotonic() + 10
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
