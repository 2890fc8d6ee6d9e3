"""Shared library of the 2025 US-China trade negotiations report book."""
