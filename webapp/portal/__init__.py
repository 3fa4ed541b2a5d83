"""A portal's flows, free of Flask: install and uninstall, the Tripletex link and its check,
the HubSpot app's scopes and properties, plans, and the problems a user must fix.

The web pages, the worker and the CLI call these with their collaborators; nothing here
imports Flask, the web layer, the jobs or the sandbox (import-linter holds it to that).
"""
