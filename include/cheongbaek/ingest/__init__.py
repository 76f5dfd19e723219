"""Extraction, parsing, validation and loading of the legacy systems."""
