"""Local simulators of HubSpot and Tripletex, held to their official specs.

Each is a Flask app with its own in-memory state; neither imports the product's sync or
storage code, so the product talks to them exactly as it would to the real services.
"""
