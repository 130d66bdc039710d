"""Organisation identifiers in the org-id.guide form: a register's code, then a code in it.

``GB-LAE-BAI`` is Basildon Borough Council in ``GB-LAE``, the register of local authorities in
England. A register's code is a country (or area) code and a list code (``GB-LAE``, ``GB-COH``),
so the organisation's own code is whatever follows the second hyphen. Open data such as Open
Referral UK publishes the register as ``identifier_scheme`` and the code as ``identifier``.
"""

from __future__ import annotations

import re
from typing import Any

ORG_ID = re.compile(r"(?P<scheme>[A-Z]{2}-[A-Z0-9]+)-(?P<identifier>[A-Za-z0-9][A-Za-z0-9.-]*)")
"""An org-id identifier: ``XX-LIST-CODE``."""


def split_org_id(org_id: str) -> tuple[str, str]:
    """``GB-LAE-BAI`` → ``("GB-LAE", "BAI")``: the register and the code in it."""
    match = ORG_ID.fullmatch(org_id)
    if match is None:
        raise ValueError(problem(org_id))
    return match["scheme"], match["identifier"]


def check_org_id(_instance: Any, _attribute: Any, value: str | None) -> None:
    """An attrs validator: ``None``, or an identifier of the form ``GB-LAE-BAI``."""
    if value is not None and (not isinstance(value, str) or ORG_ID.fullmatch(value) is None):
        raise ValueError(problem(value))


def problem(value: object) -> str:
    """Why ``value`` is not an org-id identifier, in one line."""
    return (
        f"org_id {value!r} is not an org-id.guide identifier: the register's code, a hyphen and the "
        "council's code in it, such as GB-LAE-BAI"
    )
