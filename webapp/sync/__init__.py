"""The sync engine: HubSpot records into Tripletex, and what Tripletex says back onto them.

No Flask, no pages, no jobs: the worker's tasks and the CLI call it with a `SyncContext`.
Mapping and matching are pure functions (`mapping/`, `matching.py`); the modules named after
objects (`customers.py`, ...) run the write protocol of the binder (`storage/mappings.py`).
"""
