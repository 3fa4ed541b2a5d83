"""API clients, one module per service, each knowing only its own API (and http.py, which they
share). They import nothing of ours outside this package: no storage, no mapping, no Flask."""
