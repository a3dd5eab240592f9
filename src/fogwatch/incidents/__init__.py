"""fogwatch incidents stage: link claims into incidents and reconcile what they say.

* `linker`     - `link_claims`, `build_incidents`, `IncidentLinker` (store-backed, incremental)
* `reconcile`  - figures (ACLED minimum, UCDP low/best/high), origins, blame, flags, grade
* `truces`     - ceasefires declared in the claims, and violations inside them
* `profiles`   - how each outlet and claimant reports
* `reference`  - claims checked against trusted datasets (store/reference.py imports them)
* `cli`        - the `incidents`, `incident`, `link`, `sources`, `source`, `reference`
                 and `check` commands

Rules and tolerances: `fogwatch/data/incident_rules.yaml`; prose: docs/incidents.md.
"""
