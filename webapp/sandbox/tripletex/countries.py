"""The countries `/v2/country` lists, for addresses and contacts' mobile numbers.

The 2.74 spec's Country has a name and ISO 3166 codes (alpha-2, alpha-3, numeric); the brief
(§5.8) says `code` is looked up by ISO code. Tripletex's own ids for countries are not on the
record: these are the sandbox's, from a base of their own, so that code confusing an id with
the ISO numeric code (578 for Norway) fails here as it would there (UNCONFIRMED: third parties
give Norway as 161).
"""

from __future__ import annotations

ID_BASE = 2000
# alpha-2, alpha-3, numeric, Norwegian name (Tripletex's own language)
COUNTRIES = [
    ("NO", "NOR", "578", "Norge"),
    ("SE", "SWE", "752", "Sverige"),
    ("DK", "DNK", "208", "Danmark"),
    ("FI", "FIN", "246", "Finland"),
    ("IS", "ISL", "352", "Island"),
    ("DE", "DEU", "276", "Tyskland"),
    ("GB", "GBR", "826", "Storbritannia"),
    ("NL", "NLD", "528", "Nederland"),
    ("FR", "FRA", "250", "Frankrike"),
    ("ES", "ESP", "724", "Spania"),
    ("IT", "ITA", "380", "Italia"),
    ("PL", "POL", "616", "Polen"),
    ("AT", "AUT", "040", "Østerrike"),
    ("CH", "CHE", "756", "Sveits"),
    ("EE", "EST", "233", "Estland"),
    ("LT", "LTU", "440", "Litauen"),
    ("LV", "LVA", "428", "Latvia"),
    ("IE", "IRL", "372", "Irland"),
    ("BE", "BEL", "056", "Belgia"),
    ("US", "USA", "840", "USA"),
    ("CA", "CAN", "124", "Canada"),
    ("CN", "CHN", "156", "Kina"),
]
