"""The store: tables, the engine and its sessions, migrations and the synthetic clinic.

Nothing in this package knows about screens or about scheduling rules.
"""
