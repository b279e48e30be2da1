"""The IRC wire format shared by the LocalChat server and client: no sockets, threads or Tk."""

from ircproto.message import Message, MessageError, parse

__all__ = ["Message", "MessageError", "parse"]
