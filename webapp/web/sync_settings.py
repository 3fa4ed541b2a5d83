"""The sync's settings page, reachable from the Done step: what the first part of the sync
may choose (matching, organisation numbers, products, VAT, deletions, pausing).

Two short calls fill its choices (the portal's company properties, the company's outgoing
VAT codes), within the one deadline a page has; without them the page still shows and saves
what is stored, and says the lists could not be read.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from wtforms import BooleanField, Form, RadioField, SelectField

from ..clients.errors import ApiError
from ..portal.problems import explain
from ..sync.settings import KEY, SyncSettings
from .auth import current_installation, portal_required
from .collaborators import collaborators
from .fragments import render_page, reshown_by
from .i18n import gettext as _

bp = Blueprint("sync_settings", __name__, url_prefix="/settings")

RULE_ORDERS = {
    "org_number,email,name": ("org_number", "email", "name"),
    "org_number,name": ("org_number", "name"),
    "org_number,email": ("org_number", "email"),
    "org_number": ("org_number",),
}
NONE = ""


class SyncSettingsForm(Form):
    match_rules = RadioField(choices=list(RULE_ORDERS), default="org_number,email,name")
    org_number_property = SelectField(validate_choice=True)
    email_property = SelectField(validate_choice=True)
    invalid_org_number = RadioField(choices=["create_without", "hold"])
    unmatched_products = RadioField(choices=["create", "leave"])
    vat_code = SelectField(validate_choice=True)
    on_deletion = RadioField(choices=["unlink", "deactivate"])
    paused = BooleanField()

    def offer(self, properties: list[dict], vat_codes: list[dict], stored: SyncSettings) -> None:
        """Fill the choices; what is stored stays choosable even when a list could not be read."""
        names = [(p["name"], p.get("label") or p["name"]) for p in properties]
        for value in (stored.org_number_property, stored.email_property):
            if value and value not in dict(names):
                names.append((value, value))
        self.org_number_property.choices = names
        self.email_property.choices = [(NONE, _("None: compare e-mail domains")), *names]
        codes = [
            (str(v["number"]), f"{v['number']} – {v.get('name') or ''}".strip(" –"))
            for v in vat_codes
        ]
        if stored.vat_code not in dict(codes):
            codes.append((stored.vat_code, stored.vat_code))
        self.vat_code.choices = codes

    def settings(self, stored: SyncSettings) -> SyncSettings:
        return SyncSettings.from_stored(
            dict(
                stored.stored(),
                match_rules=list(RULE_ORDERS[self.match_rules.data]),
                org_number_property=self.org_number_property.data,
                email_property=self.email_property.data,
                invalid_org_number=self.invalid_org_number.data,
                unmatched_products=self.unmatched_products.data,
                vat_code=self.vat_code.data,
                on_deletion=self.on_deletion.data,
                paused=bool(self.paused.data),
            )
        )


def _stored(portal_id: int) -> SyncSettings:
    return SyncSettings.from_stored(collaborators().installations.setting(portal_id, KEY))


def _choices(portal_id: int) -> tuple[list[dict], list[dict], object]:
    """The portal's company properties and the company's outgoing VAT codes, or a problem."""
    c = collaborators()
    try:
        properties = [
            p
            for p in c.hubspot(portal_id).list_properties("companies")
            if p.get("type") in ("string", "number")
            and not p.get("hidden")
            and not str(p.get("name", "")).startswith(("tripletex_", "hs_"))
        ]
        client = c.tripletex(portal_id)
        vat = (
            list(
                client.list(
                    "/ledger/vatType",
                    fields="id,number,name",
                    params={"typeOfVat": "OUTGOING", "vatDate": c.clock.today().isoformat()},
                )
            )
            if client
            else []
        )
    except ApiError as exc:
        current_app.logger.info("sync settings of portal %s: lists not read: %s", portal_id, exc)
        return [], [], explain(exc)
    return sorted(properties, key=lambda p: str(p.get("label") or p["name"]).lower()), vat, None


def _render(form: SyncSettingsForm, *, status: int = 200, saved: bool = False, problem=None):
    return render_page(
        "settings/page.html",
        "settings/_form.html",
        status=status,
        form=form,
        saved=saved,
        problem=problem,
        installation=current_installation(),
    )


@bp.get("/sync")
@portal_required
def show():
    portal_id = current_installation()["portal_id"]
    stored = _stored(portal_id)
    properties, vat, problem = _choices(portal_id)
    form = SyncSettingsForm(
        data={
            "match_rules": ",".join(stored.match_rules),
            "org_number_property": stored.org_number_property,
            "email_property": stored.email_property,
            "invalid_org_number": stored.invalid_org_number,
            "unmatched_products": stored.unmatched_products,
            "vat_code": stored.vat_code,
            "on_deletion": stored.on_deletion,
            "paused": stored.paused,
        }
    )
    form.offer(properties, vat, stored)
    return _render(form, problem=problem)


@bp.post("/sync")
@reshown_by("sync_settings.show")
@portal_required
def save():
    portal_id = current_installation()["portal_id"]
    stored = _stored(portal_id)
    properties, vat, problem = _choices(portal_id)
    form = SyncSettingsForm(request.form)
    form.offer(properties, vat, stored)
    if not form.validate():
        return _render(form, status=422, problem=problem)
    collaborators().installations.set_setting(portal_id, KEY, form.settings(stored).stored())
    if stored.paused and not form.paused.data:
        # Resumed: what HubSpot sent meanwhile is acted on now.
        current_app.extensions["tasks"].sync_pending(portal_id)
    return _render(form, saved=True, problem=problem)
