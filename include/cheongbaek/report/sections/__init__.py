"""Sections of the auditor report: every module here is one section.

A section module exposes ``title: str`` and ``render(conn, as_of) -> str``
(an HTML fragment, all values escaped), and may set ``order: int`` (default
100; lower comes first). Adding a section is adding a module: the report
finds it by itself (see :func:`cheongbaek.report.auditor.sections`).
"""
