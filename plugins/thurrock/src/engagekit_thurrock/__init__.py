"""Thurrock Council for engagekit: Collaborative Communities (Corporate Overview and Scrutiny
Committee, 3 September 2019) with its nine clustered neighbourhoods, community forums' meeting
commitment and ABCD approach. Everything is in ``thurrock.yaml``; this module registers it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import engagekit

DEFINITION = Path(__file__).with_name("thurrock.yaml")


@engagekit.hookimpl
def engagekit_register_councils(register: Callable[[Any], None]) -> None:
    register(DEFINITION)
