"""Tests for the client models."""
