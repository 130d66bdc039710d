"""Open data of a council's definition, in published standards.

Open Referral UK, the UK profile of HSDS 3.0:

- :mod:`engagekit.opendata.openreferral` maps community hubs to services;
- :mod:`engagekit.opendata.api` builds the documents of the profile's API (``/``,
  ``/services`` as a page, ``/services/{id}``), or all of them as a static tree, without I/O;
- :mod:`engagekit.opendata.tree` writes such a tree to a folder, whole or not at all;
- :mod:`engagekit.opendata.schemas` loads the profile's schemas, copied with their licence
  under ``schema/``, for checking the documents.
"""
