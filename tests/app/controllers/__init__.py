"""Tests for the client controllers."""
