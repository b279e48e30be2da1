"""User modes and what hangs on them, at the wire: 221 for one's own modes, 501 and 502, +i,
+B with the bot tag on what a bot sends; STATUSMSG (`PRIVMSG @#chan`, `+#chan`), KICK of several
nicks (TARGMAX, 407) and the ISUPPORT tokens of modes."""

from __future__ import annotations

from tests.server.modewire import (
    PASSWORD,
    Connect,
    in_channel,
    logged_in,
    oper,
    sync,
    unique,
    verbs,
)


def isupport(connect: Connect) -> dict[str, str]:
    client = connect()
    client.send(f"NICK is{unique()}")
    client.send("USER is 0 * :is")
    tokens: dict[str, str] = {}
    for message in client.collect_until("376"):
        if message.command == "005":
            for token in message.params[1:-1]:
                key, _, value = token.partition("=")
                tokens[key] = value
    return tokens


def test_isupport_advertises_the_modes_and_their_limits(connect):
    tokens = isupport(connect)
    assert tokens["CHANMODES"] == "beI,k,l,imnst"
    assert (tokens["EXCEPTS"], tokens["INVEX"], tokens["MAXLIST"]) == ("e", "I", "beI:100")
    assert (tokens["BOT"], tokens["STATUSMSG"], tokens["EXTBAN"]) == ("B", "@+", "$,a")
    assert {"KICK:4", "WHOIS:4"} <= set(tokens["TARGMAX"].split(",")) and tokens["KEYLEN"] == "32"


def test_user_mode_query_set_and_errors(connect):
    n = unique()
    alice_nick, bob_nick = f"alice{n}", f"bob{n}"
    alice, _bob = connect(alice_nick), connect(bob_nick)
    alice.send(f"MODE {alice_nick}")
    assert alice.expect(command="221").params == (alice_nick, "+")
    alice.send(f"MODE {alice_nick} +iB")
    assert alice.expect(command="MODE").params == (alice_nick, "+iB")
    alice.send(f"MODE {alice_nick}")
    assert alice.expect(command="221").params == (alice_nick, "+Bi")
    alice.send(f"MODE {alice_nick} -xiy")  # the known ones apply, then one 501
    assert alice.expect(command="MODE", skip=False).params == (alice_nick, "-i")
    assert alice.expect(command="501", skip=False).params == (alice_nick, "Unknown MODE flag")
    assert verbs(sync(alice)) == []
    alice.send(f"MODE {bob_nick}")
    assert alice.expect(command="502").params == (alice_nick, "Cant change mode for other users")
    alice.send(f"MODE {bob_nick} +i")
    alice.expect(command="502")
    alice.send(f"MODE {alice_nick} +o")  # only OPER gives it
    assert "MODE" not in verbs(sync(alice))
    alice.send(f"MODE {alice_nick} -B")
    assert alice.expect(command="MODE").params == (alice_nick, "-B")


def test_a_bots_messages_carry_the_bot_tag_for_clients_with_message_tags(connect):
    n = unique()
    channel = f"#b{n}"
    bot, plain = in_channel(connect, channel, f"bot{n}", f"plain{n}")
    tagged = connect()
    tagged.send("CAP REQ message-tags")
    tagged.expect(command="CAP", params=["*", "ACK"])
    tagged.send("CAP END")
    tagged.register(f"tagged{n}")
    tagged.send(f"JOIN {channel}")
    tagged.expect(command="366", params=[f"tagged{n}", channel])
    bot.send(f"MODE bot{n} +B")
    bot.expect(command="MODE")
    bot.send(f"PRIVMSG {channel} :beep")
    assert "bot" in tagged.expect(command="PRIVMSG").tags
    assert "bot" not in plain.expect(command="PRIVMSG").tags
    bot.send(f"PART {channel}")  # user_message(): every message of a bot
    assert "bot" in tagged.expect(command="PART").tags
    bot.send(f"MODE bot{n} -B")
    bot.expect(command="MODE")
    bot.send(f"PRIVMSG tagged{n} :human now")
    assert "bot" not in tagged.expect(command="PRIVMSG").tags


def test_statusmsg_reaches_operators_or_voiced_only_and_is_not_in_history(connect):
    n = unique()
    channel = f"#s{n}"
    op, voiced, member = in_channel(connect, channel, f"op{n}", f"v{n}", f"m{n}")
    op.send(f"MODE {channel} +v v{n}")
    member.expect(command="MODE")
    member.send(f"PRIVMSG @{channel} :to the ops")
    assert op.expect(command="PRIVMSG").params == (f"@{channel}", "to the ops")
    member.send(f"PRIVMSG +{channel} :to voice and up")
    assert voiced.expect(command="PRIVMSG").params == (f"+{channel}", "to voice and up")
    assert op.expect(command="PRIVMSG").params == (f"+{channel}", "to voice and up")
    member.send(f"PRIVMSG @+{channel} :several prefixes: the lowest counts")
    assert voiced.expect(command="PRIVMSG").params == (f"+{channel}",
                                                       "several prefixes: the lowest counts")
    assert "PRIVMSG" not in verbs(sync(member)) and "PRIVMSG" not in verbs(sync(voiced))
    member.send(f"CHATHISTORY LATEST {channel} * 10")
    assert "PRIVMSG" not in verbs(sync(member))
    member.send(f"PRIVMSG @#nowhere{n} :x")
    member.expect(command="403")


def test_kick_of_several_nicks_sends_one_kick_each_and_407_past_targmax(connect):
    n = unique()
    channel = f"#k{n}"
    op, b, c, _d = in_channel(connect, channel, f"op{n}", f"b{n}", f"c{n}", f"d{n}")
    op.send(f"KICK {channel} b{n},c{n},ghost{n} :out")
    assert op.expect(command="KICK").params == (channel, f"b{n}", "out")
    assert op.expect(command="KICK").params == (channel, f"c{n}", "out")
    op.expect(command="401", params=[f"op{n}", f"ghost{n}"])
    b.expect(command="KICK", params=[channel, f"b{n}"])
    c.expect(command="KICK", params=[channel, f"c{n}"])
    op.send(f"KICK {channel} a,b,c,d,e")
    assert op.expect(command="407").params[1] == "a,b,c,d,e"


def test_user_modes_belong_to_the_identity_every_device_sees_them(server, connect):
    name = f"dev{unique()}"
    first = logged_in(server, connect, name)
    second = connect()
    second.log_in(name, name, PASSWORD)
    second.expect(command="366")
    first.send(f"MODE {name} +B")
    assert first.expect(command="MODE").params == (name, "+B")
    assert second.expect(command="MODE").params == (name, "+B")
    second.send(f"MODE {name}")
    assert second.expect(command="221").params == (name, "+B")


def test_kick_by_an_oper_from_outside_the_channel_is_seen_by_the_oper_too(server, connect):
    n = unique()
    channel = f"#ko{n}"
    _op, b = in_channel(connect, channel, f"op{n}", f"b{n}")
    root = oper(server, connect, f"root{n}")
    root.send(f"KICK {channel} b{n} :out")
    assert root.expect(command="KICK").params == (channel, f"b{n}", "out")
    b.expect(command="KICK", params=[channel, f"b{n}"])
