import pytest

from geo.text.textnorm import fold


@pytest.mark.parametrize("text", ["Türkiye’s", "İstanbul", "straße", "Zeki Aktürk", "Tel Aviv–Yafo", "ÆØÅ łódź", "x\u00a0y"])
def test_fold_keeps_every_offset(text):
    assert len(fold(text)) == len(text)


def test_fold_strips_accents_and_case():
    assert fold("Türkiye") == "turkiye"


def test_fold_unifies_apostrophes():
    assert fold("Syria’s") == "syria's"
