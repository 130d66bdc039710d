"""Hostile text recorded by a person reaches the HTML report escaped, never as markup."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import engagekit
from engagekit.records import EngagementEvent, EventKind, open_store
from engagekit.report import council_report
from engagekit.report.html import render_html

HOSTILE = "<script>alert('x')</script> & \"quotes\" </style>"


def test_a_hostile_consultation_title_is_escaped(tmp_path: Path) -> None:
    host = engagekit.get_plugin_host(environ={})
    council = host.council("thurrock")
    with open_store(f"sqlite:///{tmp_path / 'records.db'}") as store:
        store.add(
            council,
            [
                EngagementEvent(
                    council_id="thurrock",
                    date=dt.date(2025, 1, 6),
                    end_date=dt.date(2025, 4, 6),
                    recorded_by=HOSTILE,
                    event_kind=EventKind.CONSULTATION,
                    title=HOSTILE,
                    note=HOSTILE,
                    cluster_id="aveley",
                )
            ],
        )
        page = render_html(council_report(council, dt.date(2025, 6, 1), host=host, evidence=store.evidence(council)))
    assert "<script>" not in page
    assert "</style> &" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quotes&#34; &lt;/style&gt;" in page
