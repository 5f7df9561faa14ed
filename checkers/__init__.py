"""Temporal-consistency checkers for video: identity drift, object permanence, physics sanity.

A standalone library: it imports neither vidgen nor diffusers (nor torch, except for the
optional LPIPS distance). Start with `checkers.runner.check_clip`.
"""

from checkers.base import Checker, CheckError, CheckResult, Event

__all__ = ["CheckError", "CheckResult", "Checker", "Event"]
