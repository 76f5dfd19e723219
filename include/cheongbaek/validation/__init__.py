"""Data-quality validation of staging batches (Great Expectations 1.x) and its Data Docs."""
