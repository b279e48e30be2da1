"""CapNegotiation tests: replay the server's CAP lines and check our answers."""

from app.models.capabilities import WANTED_CAPS, CapNegotiation
from ircproto.message import parse


def answers(negotiation: CapNegotiation, line: str) -> list[str]:
    return [message.format() for message in negotiation.reply(parse(line))]


def test_capabilities_opening_asks_for_ls_302_unless_disabled():
    assert [m.format() for m in CapNegotiation().opening()] == ["CAP LS 302"]
    assert CapNegotiation(enabled=False).opening() == []


def test_capabilities_wait_for_the_last_ls_line_then_request_wanted_ones():
    negotiation = CapNegotiation()
    assert answers(negotiation, ":srv CAP * LS * :account-tag server-time") == []
    assert answers(negotiation, ":srv CAP * LS :batch labeled-response") == [
        "CAP REQ :batch server-time"]
    assert negotiation.offered == {"account-tag", "server-time", "batch", "labeled-response"}


def test_capabilities_keep_each_value_and_read_the_sasl_mechanisms():
    negotiation = CapNegotiation()
    answers(negotiation, ":srv CAP * LS :sasl=PLAIN,SCRAM-SHA-256 draft/account-registration"
                         "=before-connect batch")
    assert negotiation.values["draft/account-registration"] == "before-connect"
    assert negotiation.sasl_mechanisms == ["PLAIN", "SCRAM-SHA-256"]
    assert CapNegotiation().sasl_mechanisms == []


def test_capabilities_end_when_nothing_wanted_is_offered():
    assert answers(CapNegotiation(), ":srv CAP * LS :account-tag setname") == ["CAP END"]


def test_capabilities_ack_grants_and_ends_nak_just_ends():
    negotiation = CapNegotiation()
    assert answers(negotiation, ":srv CAP * ACK :echo-message batch draft/chathistory") == [
        "CAP END"]
    assert negotiation.granted == {"echo-message", "batch", "draft/chathistory"}
    assert negotiation.echoes and negotiation.has_history
    refused = CapNegotiation()
    assert answers(refused, ":srv CAP * NAK :batch") == ["CAP END"]
    assert refused.granted == set() and not refused.echoes and not refused.has_history


def test_capabilities_history_needs_both_chathistory_and_batch():
    negotiation = CapNegotiation()
    negotiation.reply(parse(":srv CAP * ACK :draft/chathistory"))
    assert not negotiation.has_history


def test_capabilities_ignore_new_and_del():
    negotiation = CapNegotiation()
    assert answers(negotiation, ":srv CAP me NEW :away-notify") == []
    assert answers(negotiation, ":srv CAP me DEL :batch") == []


def test_capabilities_wanted_are_the_ircv3_caps_the_client_reads():
    assert {"server-time", "echo-message", "batch", "draft/chathistory"} <= WANTED_CAPS
