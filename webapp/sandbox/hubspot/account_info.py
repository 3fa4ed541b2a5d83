"""Account information: a portal's account settings, and in the 2027-03 beta also its name."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, g, jsonify

from .gateway import api, sandbox
from .state import Portal

bp = Blueprint("hubspot_account_info", __name__)
# The spec's security section asks for the `oauth` scope, which every install grants.
SCOPES = ["oauth"]

# Every sandbox portal is a Norwegian account hosted in HubSpot's EU data centre; its
# currencies are its own (NOK unless seeded otherwise).
ACCOUNT = {
    "accountType": "STANDARD",
    "timeZone": "Europe/Oslo",
    "uiDomain": "app-eu1.hubspot.com",
    "dataHostingLocation": "eu1",
}


def utc_offset(zone: str, now: float) -> tuple[str, int]:
    """Return the zone's offset at `now` as HubSpot writes it ("+02:00") and in milliseconds."""
    offset = datetime.fromtimestamp(now, timezone.utc).astimezone(ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}", minutes * 60_000


def details(portal: Portal) -> dict:
    """Return the PortalInformationResponse of the 2026-03 spec for a portal."""
    # The offset follows daylight saving on the sandbox clock, as HubSpot's does on real time.
    offset, offset_ms = utc_offset(ACCOUNT["timeZone"], sandbox().clock.now())
    return {
        "portalId": portal.id,
        "accountType": ACCOUNT["accountType"],
        "timeZone": ACCOUNT["timeZone"],
        "companyCurrency": portal.currencies[0],
        "additionalCurrencies": portal.currencies[1:],
        "uiDomain": ACCOUNT["uiDomain"],
        "dataHostingLocation": ACCOUNT["dataHostingLocation"],
        "utcOffset": offset,
        "utcOffsetMilliseconds": offset_ms,
    }


@bp.get('/account-info/<any("2026-03", "v3"):version>/details')
@api(SCOPES)
def read_details(version: str):
    """Answer the account's details: type, time zone, currencies, UI domain, hosting."""
    return jsonify(details(g.portal))


@bp.get("/account-info/2027-03-beta/details")
@api(SCOPES)
def read_beta_details():
    """Answer the details as the 2027-03 beta does, which adds the account's name."""
    return jsonify(dict(details(g.portal), portalName=g.portal.name))
