"""Interop tier: real IRC programs from Debian (irssi, WeeChat, ngircd) against LocalChat."""
