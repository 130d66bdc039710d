"""Basildon Borough Council for engagekit.

Carries the Connected Communities Strategy 2021–2026 (its focus areas, policy priorities,
outcomes and action plan, governance and review dates) and, as an earlier programme, the
Strengthening Communities Policy of March 2016. Everything is in ``basildon.yaml``; this
module only registers it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import engagekit

DEFINITION = Path(__file__).with_name("basildon.yaml")


@engagekit.hookimpl
def engagekit_register_councils(register: Callable[[Any], None]) -> None:
    register(DEFINITION)
