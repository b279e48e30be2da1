"""Several devices, one identity: connections logged into the same account share its nick.

The first connection of an account's nick is the identity: it is the one in State.nicks and in
the members of its channels, and it lists the others in `devices`; each of those is a connection
only (its `primary` names the identity). Whatever is sent to the identity reaches every device
(server.delivery expands it); what a device sends speaks for the identity. When the identity's
own connection leaves while devices remain, the first device takes its place (promote), so
nobody else sees a QUIT until the last device has gone. Call everything here with the lock held.
"""

from __future__ import annotations

from server.state import Client, State, fold

IDENTITY_FIELDS = ("nick", "nick_key", "user", "host", "realname", "account", "away", "modes")


def can_attach(holder: Client | None, newcomer: Client) -> bool:
    """Whether newcomer (logged in, registering) may join holder as a device of its identity:
    holder is registered, and both are logged into the same account."""
    return (
        holder is not None and holder is not newcomer and holder.registered
        and holder.account is not None and newcomer.account is not None
        and fold(holder.account) == fold(newcomer.account)
    )


def attach(state: State, identity: Client, device: Client) -> None:
    """Make device (a connection completing registration) a device of identity."""
    device.primary = identity
    device.registered = True
    device.nick, device.nick_key = identity.nick, identity.nick_key
    identity.devices.append(device)
    state.device_count += 1


def detach(state: State, device: Client) -> None:
    """A device leaves its identity, which stays (and keeps every channel)."""
    identity = device.primary
    assert identity is not None
    identity.devices.remove(device)
    device.primary = None
    device.channels = {}
    state.device_count -= 1
    state.clients.discard(device)
    device.gone = True


def promote(state: State, leaving: Client) -> Client:
    """leaving (an identity with devices) goes; its first device becomes the identity, in its
    nick, its channels (with the same membership modes) and everything else it was. Returns
    the new identity."""
    heir, *others = leaving.devices
    for name in IDENTITY_FIELDS:
        setattr(heir, name, getattr(leaving, name))
    heir.modes = set(leaving.modes)
    state.census.replaced(leaving, heir)
    heir.primary, heir.devices = None, others
    for device in others:
        device.primary = heir
    heir.channels = leaving.channels
    for channel in heir.channels.values():
        channel.members = {
            (heir if member is leaving else member): modes
            for member, modes in channel.members.items()
        }
        channel.names.clear()  # the same entries (heir has leaving's nick), built afresh
    if state.nicks.get(leaving.nick_key) is leaving:
        state.nicks[leaving.nick_key] = heir
    for channel in state.channels.values():  # pending invites (server.chanmodes) go along
        if leaving.id in channel.settings.invited:
            channel.settings.invited.discard(leaving.id)
            channel.settings.invited.add(heir.id)
    leaving.devices, leaving.channels = [], {}
    state.device_count -= 1
    state.clients.discard(leaving)
    leaving.gone = True
    return heir


def leave_quietly(state: State, connection: Client) -> bool:
    """connection closes; True when its identity stays (other devices remain), so nobody is
    told of a QUIT."""
    if connection.primary is not None:
        detach(state, connection)
        return True
    if connection.devices:
        promote(state, connection)
        return True
    return False


def rename(identity: Client) -> None:
    """After identity's nick changed: its devices carry the same nick."""
    for device in identity.devices:
        device.nick, device.nick_key = identity.nick, identity.nick_key
