"""The names of a release's files, shared by the build that writes them and the service
that serves them (``manifest.json`` and the checksum listings have theirs in ``inuse`` and
``integrity``)."""

from __future__ import annotations

DESCRIPTION = "description.ttl"  # VoID + DCAT-AP; also the store's graph/catalogue
VALIDATION_REPORT = "validation-report.ttl"  # bomay's shapes on the data
DCAT_AP_REPORT = "dcat-ap-report.ttl"  # the official DCAT-AP shapes on the description
DATASET_QUADS = "bomay.nq.gz"  # every graph: what the next build compares with
CHANGES = "changes.json"  # what changed since the previous release, in words
CHANGES_ADDED = "changes-added.nq.gz"
CHANGES_REMOVED = "changes-removed.nq.gz"
COMMUNES_JSON = "crosswalk-2025.json"  # old units → units of 2025, which /lookup reads
