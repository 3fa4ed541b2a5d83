"""The sync's settings page, reachable from the Done step: what the first part of the sync
may choose (matching, organisation numbers, currency, products, VAT, deletions, pausing),
and the manual product mapping.

Three short calls fill its choices (the portal's company and product properties, the
company's outgoing VAT codes), within the one deadline a page has; without them the page
still shows and saves what is stored, and says the lists could not be read. A product
mapping is checked with at most a few bounded lookups on each side.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from wtforms import BooleanField, Form, RadioField, SelectField, StringField

from ..clients.errors import ApiError
from ..portal.problems import as_text, explain
from ..sync import product_choices
from ..sync.context import NotConnected, SyncContext
from ..sync.settings import KEY, SyncSettings
from .auth import current_installation, portal_required
from .collaborators import collaborators
from .fragments import is_htmx, render_page, reshown_by
from .i18n import gettext as _
from .sessions import redirect_to

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
    currency_property = SelectField(validate_choice=True)
    product_number_property = SelectField(validate_choice=True)
    invalid_org_number = RadioField(choices=["create_without", "hold"])
    unmatched_products = RadioField(choices=["create", "leave"])
    vat_code = SelectField(validate_choice=True)
    on_deletion = RadioField(choices=["unlink", "deactivate"])
    paused = BooleanField()

    def offer(
        self,
        properties: list[dict],
        product_properties: list[dict],
        vat_codes: list[dict],
        stored: SyncSettings,
    ) -> None:
        """Fill the choices; what is stored stays choosable even when a list could not be read."""
        names = _names(
            properties,
            (stored.org_number_property, stored.email_property, stored.currency_property),
        )
        self.org_number_property.choices = names
        self.email_property.choices = [(NONE, _("None: compare e-mail domains")), *names]
        self.currency_property.choices = [
            (NONE, _("None: Tripletex's default, the company's own currency")),
            *names,
        ]
        self.product_number_property.choices = _names(
            product_properties, (stored.product_number_property,)
        )
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
                currency_property=self.currency_property.data,
                product_number_property=self.product_number_property.data,
                invalid_org_number=self.invalid_org_number.data,
                unmatched_products=self.unmatched_products.data,
                vat_code=self.vat_code.data,
                on_deletion=self.on_deletion.data,
                paused=bool(self.paused.data),
            )
        )


class ProductChoiceForm(Form):
    hubspot_product = StringField()
    tripletex_product = StringField()

    def check(self) -> bool:
        """Both products named, briefly (messages in the person's language, at request time)."""
        for field, missing in (
            (self.hubspot_product, _("Name the HubSpot product: its ID, SKU or name.")),
            (self.tripletex_product, _("Name the Tripletex product: its number or name.")),
        ):
            field.data = (field.data or "").strip()
            if not field.data:
                field.errors = [missing]
            elif len(field.data) > 200:
                field.errors = [_("At most 200 characters.")]
            else:
                field.errors = []
        return not (self.hubspot_product.errors or self.tripletex_product.errors)


def _names(properties: list[dict], stored: tuple[str, ...]) -> list[tuple[str, str]]:
    names = [(p["name"], p.get("label") or p["name"]) for p in properties]
    for value in stored:
        if value and value not in dict(names):
            names.append((value, value))
    return names


def _stored(portal_id: int) -> SyncSettings:
    return SyncSettings.from_stored(collaborators().installations.setting(portal_id, KEY))


def _choices(portal_id: int) -> tuple[list[dict], list[dict], list[dict], object]:
    """The portal's company and product properties and the company's outgoing VAT codes, or
    a problem."""
    c = collaborators()
    try:
        hubspot = c.hubspot(portal_id)
        properties = [
            p
            for p in hubspot.list_properties("companies")
            if p.get("type") in ("string", "number")
            and not p.get("hidden")
            and not str(p.get("name", "")).startswith(HIDDEN)
        ]
        # HubSpot's SKU, and the portal's own text properties of a product.
        product_properties = [
            p
            for p in hubspot.list_properties("products")
            if p.get("type") == "string"
            and not p.get("hidden")
            and (p.get("name") == "hs_sku" or not str(p.get("name", "")).startswith(HIDDEN))
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
        return [], [], [], explain(exc)
    return _sorted(properties), _sorted(product_properties), vat, None


HIDDEN = ("tripletex_", "hs_")  # our own write-back properties, and HubSpot's internal ones


def _sorted(properties: list[dict]) -> list[dict]:
    return sorted(properties, key=lambda p: str(p.get("label") or p["name"]).lower())


def _render(form: SyncSettingsForm, *, status: int = 200, saved: bool = False, problem=None):
    portal_id = current_installation()["portal_id"]
    return render_page(
        "settings/page.html",
        "settings/_form.html",
        status=status,
        form=form,
        saved=saved,
        problem=problem,
        installation=current_installation(),
        choice_form=ProductChoiceForm(),
        chosen=collaborators().product_choices.all(portal_id),
    )


@bp.get("/sync")
@portal_required
def show():
    portal_id = current_installation()["portal_id"]
    stored = _stored(portal_id)
    properties, product_properties, vat, problem = _choices(portal_id)
    form = SyncSettingsForm(
        data={
            "match_rules": ",".join(stored.match_rules),
            "org_number_property": stored.org_number_property,
            "email_property": stored.email_property,
            "currency_property": stored.currency_property,
            "product_number_property": stored.product_number_property,
            "invalid_org_number": stored.invalid_org_number,
            "unmatched_products": stored.unmatched_products,
            "vat_code": stored.vat_code,
            "on_deletion": stored.on_deletion,
            "paused": stored.paused,
        }
    )
    form.offer(properties, product_properties, vat, stored)
    return _render(form, problem=problem)


@bp.post("/sync")
@reshown_by("sync_settings.show")
@portal_required
def save():
    portal_id = current_installation()["portal_id"]
    stored = _stored(portal_id)
    properties, product_properties, vat, problem = _choices(portal_id)
    form = SyncSettingsForm(request.form)
    form.offer(properties, product_properties, vat, stored)
    if not form.validate():
        return _render(form, status=422, problem=problem)
    collaborators().installations.set_setting(portal_id, KEY, form.settings(stored).stored())
    if stored.paused and not form.paused.data:
        # Resumed: what HubSpot sent meanwhile is acted on now.
        current_app.extensions["tasks"].sync_pending(portal_id)
    return _render(form, saved=True, problem=problem)


# The manual product mapping, its own section of the page (and its own forms).


def _render_choices(form: ProductChoiceForm, *, status: int = 200, **context):
    portal_id = current_installation()["portal_id"]
    return render_page(
        "settings/page_products.html",
        "settings/_products.html",
        status=status,
        choice_form=form,
        chosen=collaborators().product_choices.all(portal_id),
        installation=current_installation(),
        **context,
    )


def _context(portal_id: int) -> SyncContext | None:
    try:
        return SyncContext.for_portal(collaborators(), portal_id)
    except NotConnected:
        return None


@bp.post("/sync/products")
@reshown_by("sync_settings.show")
@portal_required
def choose_product():
    portal_id = current_installation()["portal_id"]
    form = ProductChoiceForm(request.form)
    if not form.check():
        return _render_choices(form, status=422)
    ctx = _context(portal_id)
    if ctx is None:
        return _render_choices(form, status=409, failure=_("Connect Tripletex first."))
    try:
        choice = product_choices.choose(ctx, form.hubspot_product.data, form.tripletex_product.data)
    except product_choices.NotChosen as refused:
        getattr(form, refused.field).errors = [as_text(refused.problem, _)]
        return _render_choices(form, status=422)
    except ApiError as exc:
        current_app.logger.info("product mapping of portal %s not made: %s", portal_id, exc)
        return _render_choices(form, status=503, choice_problem=explain(exc))
    current_app.extensions["tasks"].sync_pending(portal_id)
    if not is_htmx():
        return redirect_to("sync_settings.show")
    return _render_choices(ProductChoiceForm(), added=choice)


@bp.post("/sync/products/remove")
@reshown_by("sync_settings.show")
@portal_required
def remove_product_choice():
    portal_id = current_installation()["portal_id"]
    hubspot_id = (request.form.get("hubspot_id") or "").strip()
    ctx = _context(portal_id)
    if ctx is None:
        return _render_choices(
            ProductChoiceForm(), status=409, failure=_("Connect Tripletex first.")
        )
    if not hubspot_id.isdigit() or not product_choices.unchoose(ctx, hubspot_id):
        return _render_choices(
            ProductChoiceForm(), status=404, failure=_("That product mapping does not exist.")
        )
    current_app.extensions["tasks"].sync_pending(portal_id)
    if not is_htmx():
        return redirect_to("sync_settings.show")
    return _render_choices(ProductChoiceForm(), removed=True)
