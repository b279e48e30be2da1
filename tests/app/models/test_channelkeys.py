"""Pure tests for reading a channel's key out of MODE changes (app.models.channelkeys)."""

import pytest

from app.models.channelkeys import ChannelKeys, key_change
from app.models.features import ServerFeatures


@pytest.mark.parametrize(("modestring", "args", "expected"), [
    ("+k", ["door"], "door"),
    ("-k", ["*"], ""),
    ("-k", [], ""),
    ("+ok", ["bob", "door"], "door"),             # a prefix mode's argument comes first
    ("+bk", ["*!*@bad", "door"], "door"),         # so does a list mode's
    ("+lk", ["10", "door"], "door"),              # and +l's, when set
    ("-lk", ["door"], ""),                        # -l has no argument
    ("+k-k", ["a", "b"], ""),                     # the last change wins
    ("+k", ["*"], None),                          # a key the server hides is no key we know
    ("+it", [], None),
    ("+o", ["bob"], None),
])
def test_key_change_follows_chanmodes(modestring, args, expected):
    assert key_change(ServerFeatures(), modestring, args) == expected


def test_channel_keys_remember_and_forget():
    keys = ChannelKeys()
    keys.set("#ops", "door")
    assert keys.get("#ops") == "door"
    keys.set("#ops", "")
    assert keys.get("#ops") == ""
    assert keys.get("#never") == ""
