"""Reconcile: the staged systems into one conformed ``core`` model (see engine.py)."""
