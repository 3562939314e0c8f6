"""A corpus's and a view's facts: the same figures the store gives, computed once however many ask."""

import threading

from geo.page import facts as facts_module
from geo.page.facts import CorpusFacts, ViewFacts
from geo.store import read
from geo.store.read import View


def test_facts_corpus_matches_the_store(seed_store):
    facts = CorpusFacts(seed_store)
    assert list(facts.sources["outlet"]) == list(read.source_summaries(seed_store)["outlet"])
    assert facts.dates[0].isoformat() == read.date_range(seed_store)[0]
    assert len(facts.most_named) == 3 and all(name in facts.names.values() for name in facts.most_named)


def test_facts_view_follows_its_filter(seed_store):
    outlets = tuple(read.source_summaries(seed_store)["outlet"])
    everything, one = ViewFacts(seed_store, View(outlets)), ViewFacts(seed_store, View(outlets[:1]))
    assert set(one.figures[1]["outlet"]) == {outlets[0]}
    assert set(one.labels) <= set(everything.labels)
    assert list(everything.matrix.index) and set(everything.matrix.index) <= set(everything.labels)
    assert one.articles < everything.articles == read.articles_in_view(everything.store, everything.view)
    dated = ViewFacts(seed_store, View(outlets, since="2025-04-12", undated=False))
    assert 0 < dated.articles == read.articles_in_view(seed_store, dated.view) < everything.articles


def test_facts_are_computed_once_when_many_threads_ask_at_once(seed_store, monkeypatch):
    calls = []
    real = read.place_counts

    def counted(*args):
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(facts_module.read, "place_counts", counted)
    facts = ViewFacts(seed_store, View(tuple(read.source_summaries(seed_store)["outlet"])))
    results = []
    threads = [threading.Thread(target=lambda: results.append(facts.figures)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and all(result is results[0] for result in results)
