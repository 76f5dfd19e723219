"""Auditor reporting: one HTML report built from registered sections."""
