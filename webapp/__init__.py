"""Tripletex Sync for HubSpot. The application factory is webapp.app.create_app.

Nothing is imported here, so that importing one layer (a flow, a client, a simulator) loads
that layer alone, not the whole app.
"""
