"""Background work run by the Huey worker (`flask --app wsgi worker`)."""
