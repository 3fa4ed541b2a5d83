"""HubSpot records to Tripletex payloads: pure functions, dicts in and dicts out."""
