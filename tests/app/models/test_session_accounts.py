"""Session tests for accounts, replaying raw lines: SASL SCRAM-SHA-256 (against scramp's server
side) and PLAIN before CAP END, REGISTER when there is no password, refusals, the nick that
belongs to an account, and PASSWD."""

from __future__ import annotations

import base64

import scramp

from app.models import events as ev
from app.models.login import Login
from app.models.sasl import CHUNK, choose, chunks
from app.models.session import Session
from ircproto.message import parse

LS = ":srv CAP * LS :sasl=PLAIN,SCRAM-SHA-256 draft/account-registration=before-connect batch"
ACK = ":srv CAP me ACK :batch sasl"


def feed(session: Session, *lines: str) -> tuple[list[ev.Event], list[str]]:
    events, outgoing = [], []
    for line in lines:
        outcome = session.feed(parse(line))
        events.extend(outcome.events)
        outgoing.extend(message.format() for message in outcome.outgoing)
    return events, outgoing


def of_type(events, kind):
    return [e for e in events if isinstance(e, kind)]


def b64(data: str) -> str:
    return base64.b64encode(data.encode()).decode()


def unb64(line: str) -> str:
    return base64.b64decode(line.removeprefix("AUTHENTICATE ")).decode()


def test_scram_login_before_cap_end_against_a_real_scram_server():
    server_side = scramp.ScramMechanism("SCRAM-SHA-256")
    salt, stored, server_key, iterations = server_side.make_auth_info("right-pw")
    server = server_side.make_server(lambda name: (salt, stored, server_key, iterations))
    session = Session("me", login=Login("right-pw", name="me", register=False))
    _, out = feed(session, LS, ACK)
    assert out == ["CAP REQ :batch sasl", "AUTHENTICATE SCRAM-SHA-256"]  # no CAP END yet
    _, out = feed(session, "AUTHENTICATE +")
    server.set_client_first(unb64(out[0]))
    _, out = feed(session, f"AUTHENTICATE {b64(server.get_server_first())}")
    server.set_client_final(unb64(out[0]))  # raises when the proof is wrong
    _, out = feed(session, f"AUTHENTICATE {b64(server.get_server_final())}")
    assert out == ["AUTHENTICATE +"]
    events, out = feed(session, ":srv 900 me me!u@h me :You are now logged in as me",
                       ":srv 903 me :SASL authentication successful")
    assert of_type(events, ev.LoggedIn) == [ev.LoggedIn("me")]
    assert out == ["CAP END"] and session.account == "me"


def test_scram_refuses_a_server_whose_final_proof_is_wrong():
    server_side = scramp.ScramMechanism("SCRAM-SHA-256")
    info = server_side.make_auth_info("other-pw")
    server = server_side.make_server(lambda name: info)
    session = Session("me", login=Login("right-pw", register=False))
    feed(session, LS, ACK)
    _, out = feed(session, "AUTHENTICATE +")
    server.set_client_first(unb64(out[0]))
    _, out = feed(session, f"AUTHENTICATE {b64(server.get_server_first())}")
    fake_final = "v=" + base64.b64encode(b"x" * 32).decode()
    events, out = feed(session, f"AUTHENTICATE {b64(fake_final)}")
    assert out == ["AUTHENTICATE *"]
    [refused] = of_type(events, ev.LoginRefused)
    assert "SCRAM" in refused.reason and session.account == ""


def test_plain_over_tls_sends_the_account_and_password_and_waits_for_903():
    session = Session("me_", login=Login("pw", name="me", register=False, tls=True))
    feed(session, ":srv CAP * LS :sasl=PLAIN", ":srv CAP me_ ACK :sasl")
    _, out = feed(session, "AUTHENTICATE +")
    assert base64.b64decode(out[0].split()[1]) == b"\0me\0pw"


def test_a_refused_login_holds_registration_and_says_why():
    session = Session("me", login=Login("stale", register=False))
    feed(session, LS, ACK, "AUTHENTICATE +")
    events, out = feed(session, ":srv 904 me :SASL authentication failed")
    assert of_type(events, ev.LoginRefused) == [
        ev.LoginRefused("904", "SASL authentication failed")]
    assert out == []  # no CAP END: the controller brings the dialog back


def test_mechanism_choice_prefers_scram_and_sends_plain_in_the_clear_only_without_choice():
    assert choose(["PLAIN", "SCRAM-SHA-256"], tls=False) == "SCRAM-SHA-256"
    assert choose(["PLAIN", "EXTERNAL"], tls=True) == "PLAIN"
    assert choose(["PLAIN", "EXTERNAL"], tls=False) is None
    assert choose(["PLAIN"], tls=False) == "PLAIN"
    assert choose(["EXTERNAL"], tls=True) is None


def test_no_usable_mechanism_means_a_guest_with_a_line_saying_so():
    session = Session("me", login=Login("pw", register=False))
    events, out = feed(session, ":srv CAP * LS :sasl=PLAIN,EXTERNAL", ":srv CAP me ACK :sasl")
    assert out[-1] == "CAP END"
    assert any("no SASL mechanism" in e.entry.text for e in events
               if isinstance(e, ev.MessageReceived))


def test_without_a_password_the_nick_is_registered_with_a_long_random_one():
    session = Session("me")
    _, out = feed(session, LS, ACK)
    assert out[-1].startswith("REGISTER * * ") and "CAP END" not in out
    password = out[-1].split()[-1]
    assert len(password) >= 40 and session.credential == password
    events, out = feed(session, ":srv REGISTER SUCCESS me :Account created",
                       ":srv 900 me me!u@h me :You are now logged in as me")
    assert of_type(events, ev.AccountCreated) == [ev.AccountCreated("me")]
    assert of_type(events, ev.LoggedIn) == [ev.LoggedIn("me")] and out == ["CAP END"]
    assert Session("me").credential == ""  # each session its own password, made when needed


def test_register_fail_account_exists_says_the_nick_is_owned_and_holds_registration():
    session = Session("bob")
    feed(session, LS, ":srv CAP bob ACK :batch sasl")
    events, out = feed(session, ":srv FAIL REGISTER ACCOUNT_EXISTS bob :That account name is taken")
    assert of_type(events, ev.NickOwned) == [ev.NickOwned("bob", "That account name is taken")]
    assert out == [] and session.credential == ""


def test_other_register_failures_go_on_as_a_guest():
    session = Session("bob")
    feed(session, LS, ":srv CAP bob ACK :batch sasl")
    events, out = feed(session, ":srv FAIL REGISTER TEMPORARILY_UNAVAILABLE bob :closed")
    assert out == ["CAP END"] and not of_type(events, ev.NickOwned)


def test_no_registration_offered_and_no_password_is_a_guest_as_before():
    _, out = feed(Session("me"), ":srv CAP * LS :batch sasl=PLAIN", ":srv CAP me ACK :batch sasl")
    assert out[-1] == "CAP END" and not any(line.startswith(("REGISTER", "AUTH")) for line in out)
    _, out = feed(Session("me", login=Login(register=False)), LS, ACK)
    assert out[-1] == "CAP END"


def test_433_saying_registered_is_the_nick_owned_not_a_fallback():
    session = Session("bob", fallback_nicks=("bob_",))
    events, out = feed(session, ":srv 433 * bob :Nickname is registered to an account; log in "
                                "with SASL to use it")
    assert of_type(events, ev.NickOwned) and out == []
    _, out = feed(Session("bob", fallback_nicks=("bob_",)),
                  ":srv 433 * bob :Nickname is already in use")
    assert out == ["NICK bob_"]


def test_passwd_success_and_the_command_built():
    session = Session("me")
    assert session.change_password("old-pw", "new-pw").format() == "PASSWD old-pw new-pw"
    events, _ = feed(session, ":srv PASSWD SUCCESS :Password changed")
    assert of_type(events, ev.PasswordChanged) == [ev.PasswordChanged()]


def test_authenticate_chunks_are_400_bytes_with_a_plus_after_a_full_last_one():
    assert chunks(b"") == ["+"]
    pieces = chunks(b"x" * 300)  # 400 base64 characters exactly
    assert [len(piece) for piece in pieces] == [CHUNK, 1] and pieces[-1] == "+"


def test_a_fallback_nick_is_never_registered():
    session = Session("me", fallback_nicks=("me_",), login=Login(name="me"))
    _, out = feed(session, ":srv 433 * me :Nickname is already in use", LS,
                  ":srv CAP me_ ACK :batch sasl")
    assert out[-1] == "CAP END" and not any(line.startswith("REGISTER") for line in out)


def test_a_password_for_a_server_without_sasl_says_we_are_a_guest():
    session = Session("me", login=Login("pw", register=False))
    events, out = feed(session, ":srv CAP * LS :batch", ":srv CAP me ACK :batch")
    assert out[-1] == "CAP END"
    assert any("does not offer SASL" in e.entry.text for e in events
               if isinstance(e, ev.MessageReceived))


def test_a_433_registered_while_we_are_about_to_log_in_waits_for_the_login():
    session = Session("bob", login=Login("bobs-pw", name="bob", register=False))
    events, out = feed(session, ":srv 433 * bob :Nickname is registered to an account; log in "
                                "with SASL to use it", LS, ":srv CAP * ACK :batch sasl")
    assert not of_type(events, ev.NickOwned) and out[-1] == "AUTHENTICATE SCRAM-SHA-256"
    session.feed(parse(":srv 900 * *!u@h bob :You are now logged in as bob"))
    _, out = feed(session, ":srv 903 * :SASL authentication successful")
    assert out == ["NICK bob", "CAP END"] and session.nick == "bob"
