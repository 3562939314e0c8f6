"""The sidebar's choices of what is in view: sources, languages, focus, dates, nationality words."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from geo.page.excerpts import escape_label, escape_markdown
from geo.page.facts import CorpusFacts
from geo.page.session import link
from geo.page.story import nationality_label
from geo.page.views import (
    colour_dot,
    date_filter,
    language_name,
    linked_dates,
    linked_dates_notice,
    paragraph_html,
)
from geo.store.read import Store, View

from .resources import Layer, corpus_facts


def sidebar_view(store: Store, layer: Layer, colours: dict[str, str]) -> View:
    """A checkbox per source with what is known of it (defaults from the URL), the dates, the focus, the toggles."""
    st.sidebar.header("Sources")
    facts = corpus_facts(store, store.generation, layer)
    every = [outlet for outlet, _ in facts.source_lines]
    wanted = st.query_params.get("sources")
    wanted = set(wanted.split("|")) if wanted else set(every)
    chosen = []
    for outlet, line in facts.source_lines:  # the lines written once per corpus, not per run
        # Labels are Markdown: escaped, an outlet's name shows as written and formats nothing.
        if st.sidebar.checkbox(escape_label(outlet), value=outlet in wanted, key=f"source:{outlet}"):
            chosen.append(outlet)
        st.sidebar.html(paragraph_html(colour_dot(colours.get(outlet)) + line, caption=True))
    link(st.query_params, "sources", None if set(chosen) == set(every) else "|".join(chosen))
    since, until = sidebar_dates(facts.dates)
    undated = True
    if facts.undated:
        label = "Include the undated article" if facts.undated == 1 else f"Include the {facts.undated:,} undated articles"
        undated = linked_toggle("undated", label, st.sidebar.toggle)
    focus = sidebar_focus(facts)
    languages = sidebar_languages(facts)
    st.sidebar.header("Show")
    demonyms = st.sidebar.toggle(nationality_label(facts.nationality_words), value=True, key="demonyms",
                                 help="Words like these name a country through its people; off, the map shows place names only.")
    return View(tuple(chosen), demonyms, since, until, undated, focus, languages)


def sidebar_languages(facts: CorpusFacts) -> tuple[str, ...]:
    """The languages in view, when the corpus has more than one (in the link as ``lang``); () for all."""
    if len(facts.languages) < 2:
        return ()
    st.session_state.setdefault(  # the link seeds it once, the reader moves it
        "languages", [code for code in (st.query_params.get("lang") or "").split("|") if code in facts.languages])
    labels = {code: f"{language_name(code)} ({count})" for code, count in facts.languages.items()}
    chosen = st.sidebar.multiselect("Languages", list(labels), format_func=labels.get, key="languages",
                                    placeholder="All languages")
    link(st.query_params, "lang", "|".join(chosen) or None)
    return tuple(chosen)


def countries_toggle() -> bool:
    """Country-level places on the map: off by default, kept in the link as ``countries=yes`` when on."""
    return linked_toggle("countries", "Country-level places on the map", st.sidebar.toggle, default=False)


def linked_toggle(name: str, label: str, widget, default: bool = True) -> bool:
    """A yes/no kept in the link only when it is not ``default``: ``name=no`` when off, or ``name=yes`` when on."""
    st.session_state.setdefault(name, st.query_params.get(name) == "yes" if not default
                                else st.query_params.get(name) != "no")
    on = widget(label, key=name)
    link(st.query_params, name, None if on == default else ("yes" if on else "no"))
    return on


def sidebar_focus(facts: CorpusFacts) -> str:
    """"Articles about": the places articles are mainly about (their dateline, else the place named most)."""
    about = facts.focus_counts
    if not about:
        return ""
    st.session_state.setdefault("about", st.query_params.get("about") if st.query_params.get("about") in about else None)
    labels = {place: f"{facts.names.get(place, place)} ({count})" for place, count in about.items()}
    chosen = st.sidebar.selectbox("Articles about", list(labels), format_func=labels.get, key="about",
                                  placeholder="Any place",
                                  help="Each article's focus: its dateline's place, else the specific place it names most.")
    link(st.query_params, "about", chosen or None)
    return chosen or ""


def sidebar_dates(bounds: tuple[dt.date, dt.date] | None) -> tuple[str, str]:
    """The publication dates in view (defaults from the URL); ("", "") for all of them, undated articles included."""
    if bounds is None:
        return "", ""
    first, last = bounds
    key = f"dates:{first}:{last}"
    st.session_state["dates_key"] = key  # for the timeline: a day clicked there is set here
    st.session_state["dates_bounds"] = (first, last)  # for the timeline's "All dates"
    # The link seeds the picker once, through its state rather than a default: the timeline sets it too, and a
    # widget given both a default and a state set elsewhere makes Streamlit warn. Say when the link asked for
    # dates the articles do not reach.
    if key not in st.session_state:
        since, until = st.query_params.get("since"), st.query_params.get("until")
        seeded = linked_dates(since, until, bounds)
        st.session_state["dates_notice"] = (linked_dates_notice(since, until, bounds), seeded)
        st.session_state[key] = seeded
    picked = st.sidebar.date_input("Published between", min_value=first, max_value=last, format="YYYY-MM-DD", key=key)
    notice, seeded = st.session_state.get("dates_notice", ("", ()))
    if notice and tuple(picked or ()) == seeded:  # until the reader moves the picker
        st.sidebar.info(escape_markdown(notice))
    since, until = date_filter(picked, bounds)
    for name, value in (("since", since), ("until", until)):
        link(st.query_params, name, value or None)
    return since, until
