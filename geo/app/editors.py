"""Who may change the map everyone sees: a signed-in editor on the allow-list, through Streamlit's own
``st.login``/``st.user`` (OpenID Connect, configured in secrets' ``[auth]``; Authlib does the protocol).

Secrets (``.streamlit/secrets.toml``, or the Community Cloud's secrets box)::

    [corrections]
    editors = ["ana@newsroom.example"]   # addresses whose corrections are saved for everyone

    [auth]                               # Streamlit's sign-in: see README, "Editors"
    redirect_uri = "https://YOUR-APP.streamlit.app/oauth2callback"
    cookie_secret = "a long random string"
    client_id = "…"
    client_secret = "…"
    server_metadata_url = "https://accounts.google.com/.well-known/openid-configuration"

The identity comes from the provider's signed token, which Streamlit keeps in a signed cookie;
nothing a visitor sends (a header, the peer address, a query parameter) makes them an editor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import streamlit as st

from geo.page.excerpts import escape_markdown

__all__ = ["Identity", "corrections_settings", "identity", "is_editor", "sign_in_controls"]


@dataclass(frozen=True)
class Identity:
    """The reader as far as corrections care: signed in or not, their address, whether an editor,
    and whether this deployment offers signing in at all (an ``[auth]`` section in secrets)."""

    signed_in: bool = False
    email: str = ""
    editor: bool = False
    can_sign_in: bool = False


def is_editor(claims: dict, editors: Iterable[str]) -> bool:
    """Whether a signed-in user's claims name an address on the allow-list. The address is compared
    without case (providers differ); a provider that says the address is not verified is refused."""
    email = str(claims.get("email") or "").strip().lower()
    if not claims.get("is_logged_in") or not email or claims.get("email_verified") is False:
        return False
    allowed = {str(address).strip().lower() for address in editors if isinstance(address, str)}
    return email in allowed


def _secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name, {})
    except (FileNotFoundError, OSError, ValueError):  # no secrets file, or one that does not parse
        return {}
    return dict(section) if hasattr(section, "keys") else {}


def corrections_settings() -> dict:
    """Secrets' ``[corrections]`` table (``mode``, ``editors``), empty without one."""
    return _secrets_section("corrections")


def identity(settings: dict) -> Identity:
    """This run's reader (``st.user``), checked against ``settings["editors"]``."""
    can_sign_in = bool(_secrets_section("auth"))
    claims = st.user.to_dict() if hasattr(st.user, "to_dict") else dict(st.user)
    editors = settings.get("editors")
    editors = [editors] if isinstance(editors, str) else (editors if isinstance(editors, list) else [])
    signed_in = bool(claims.get("is_logged_in"))
    return Identity(signed_in, str(claims.get("email") or "") if signed_in else "", is_editor(claims, editors),
                    can_sign_in)


def sign_in_controls(reader: Identity) -> None:
    """Sign in (to save corrections for everyone, if on the allow-list) or out; nothing when there is no sign-in."""
    if not reader.can_sign_in:
        return
    if not reader.signed_in:
        if st.button("Sign in as an editor", key="sign_in", help="Editors' corrections are saved for every reader."):
            st.login()
        return
    if not reader.editor:
        st.caption(escape_markdown(f"Signed in as {reader.email or 'an account without an address'}, who is not an "
                                   "editor here: your corrections stay in your session."))
    if st.button("Sign out", key="sign_out"):
        st.logout()
