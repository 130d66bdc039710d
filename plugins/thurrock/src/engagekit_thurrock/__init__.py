"""Thurrock Council for engagekit: Collaborative Communities (Corporate Overview and Scrutiny
Committee, 3 September 2019) with its nine clustered neighbourhoods, community forums' meeting
commitment and ABCD approach. Everything is in ``thurrock.yaml``; this module registers it.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import Any

import engagekit

DEFINITION = files(__name__) / "thurrock.yaml"


@engagekit.hookimpl
def engagekit_register_councils(register: Callable[[Any], None]) -> None:
    register(DEFINITION)
