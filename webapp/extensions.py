"""Flask extensions, created unbound here and bound in create_app."""
from authlib.integrations.flask_client import OAuth
from flask_wtf.csrf import CSRFProtect

oauth = OAuth()
csrf = CSRFProtect()
