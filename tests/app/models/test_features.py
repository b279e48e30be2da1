"""ServerFeatures tests: ISUPPORT tokens as a server sends them, one at a time."""

from app.models.features import ServerFeatures
from app.models.users import DEFAULT_PREFIXES
from ircproto.casemap import DEFAULT_CASEMAPPING


def applied(*tokens: str) -> ServerFeatures:
    features = ServerFeatures()
    for token in tokens:
        features.apply(token)
    return features


def test_features_default_to_what_a_silent_server_means():
    features = ServerFeatures()
    assert (features.casemapping, features.prefixes, features.history_limit) == (
        DEFAULT_CASEMAPPING, DEFAULT_PREFIXES, 0)
    assert features.is_channel("#lobby") and not features.is_channel("bob")


def test_features_read_every_token_we_use():
    features = applied("CASEMAPPING=ascii", "CHANTYPES=#&", "NICKLEN=9", "CHATHISTORY=100",
                       "NETWORK=Home", "CHANMODES=b,k,l,imnt,extra", "PREFIX=(qov)~@+")
    assert (features.casemapping, features.chantypes, features.nicklen) == ("ascii", "#&", 9)
    assert (features.history_limit, features.network) == (100, "Home")
    assert features.chanmodes == ("b", "k", "l", "imnt")
    assert (features.prefix_modes, features.prefixes) == ("qov", "~@+")


def test_features_token_names_are_case_insensitive():
    assert applied("nicklen=12").nicklen == 12


def test_features_ignore_values_they_cannot_read():
    features = applied("CASEMAPPING=klingon", "CHANTYPES=", "NICKLEN=lots", "CHATHISTORY=-1",
                       "CHANMODES=b,k", "PREFIX=(ov)@", "PREFIX=ov@+", "SAFELIST")
    assert features == ServerFeatures()


def test_features_key_folds_under_the_casemapping():
    assert ServerFeatures().key("Bob[]") == "bob{}"
    assert applied("CASEMAPPING=ascii").key("Bob[]") == "bob[]"


def test_features_is_channel_follows_chantypes():
    features = applied("CHANTYPES=&")
    assert features.is_channel("&local") and not features.is_channel("#lobby")


def test_features_prefix_for_a_prefix_mode():
    features = applied("PREFIX=(ov)@+")
    assert (features.prefix_for("o"), features.prefix_for("v")) == ("@", "+")
    assert (features.prefix_for("b"), features.prefix_for("")) == ("", "")
