"""The simulator's business days: the shared :mod:`cheongbaek.calendar` (one rule for every component)."""

from __future__ import annotations

from cheongbaek.calendar import add_bdays, business_days, is_bday, payday, prev_or_same_bday

__all__ = ["add_bdays", "business_days", "is_bday", "payday", "prev_or_same_bday"]
