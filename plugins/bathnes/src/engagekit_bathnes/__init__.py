"""Bath & North East Somerset Council for engagekit: Connecting Communities (Cabinet, 8 May 2013).

The definition (``bathnes.yaml``) carries the Public Services Board, the five commitments,
clusters and their phases, the core and local offers, the progress report the report asks
Cabinet to request and the Board's reports on individual clusters. This module also shows a
rule written in Python: recommendation 2.4 asks for the Connecting Communities Toolkit to be
kept up to date, with no interval, so the rule reports the last recorded update rather than a
deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import engagekit

if TYPE_CHECKING:
    from engagekit.model import Council
    from engagekit.rules import Rule

DEFINITION = Path(__file__).with_name("bathnes.yaml")


@engagekit.hookimpl
def engagekit_register_councils(register: Callable[[Any], None]) -> None:
    register(DEFINITION)


@engagekit.hookimpl
def engagekit_register_rules(council: Council, register: Callable[[Rule], None]) -> None:
    if council.id != "bathnes":
        return
    from engagekit_bathnes.rules import toolkit_rule

    register(toolkit_rule(council))
