"""Persistence helpers on top of the SQLite database (see webapp/migrations.py for the tables)."""
