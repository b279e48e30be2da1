"""Tests for the client loopback."""
