"""Persistence on SQLite, and the only place with SQL: the tables are in migrations.py."""
