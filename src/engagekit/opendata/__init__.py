"""Open data exports of a council's definition, in published standards.

:mod:`engagekit.opendata.openreferral` writes a council's community hubs as Open Referral UK
services. The schema it validates against is copied, with its licence, under ``schema/``.
"""
