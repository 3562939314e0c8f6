import pandas as pd

from geo.page.silence import silent_outlets


def test_the_silent_outlets_say_what_they_named_instead():
    counts = pd.DataFrame({"place_id": ["curated:t4-air-base", "curated:palmyra"], "outlet": ["Kurdistan24", "The Cradle"],
                           "mentions": [2, 3]})
    silent = silent_outlets(["The Cradle", "Kurdistan24", "Al Mayadeen English"], {"The Cradle"},
                            ["curated:t4-air-base"], counts, {"curated:t4-air-base": "T4 (Tiyas) air base"})
    assert silent == [("Kurdistan24", "names T4 (Tiyas) air base 2 times"), ("Al Mayadeen English", "")]
