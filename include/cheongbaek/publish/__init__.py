"""Disclosure: OPEN petitions and Clean Finance, published as files and tables.

``runner.publish(as_of)`` is the entry point (called by ``tasks.publish``).
"""
