"""Flask extensions, created unbound here and bound in create_app.

Authlib's OAuth registry is made per app in web/install.py instead: it caches clients by
name, and each app (each test) talks to its own HubSpot.
"""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
