"""The deal sync's settings page: which stage of each pipeline makes an order or an invoice,
how invoices are dated, due and sent, the policies for what a deal lacks; and the held deals,
with Retry.

Two short calls fill its choices (the portal's pipelines and its deal date properties), and a
default product is checked in Tripletex with one more, within the page's one deadline. Without
the pipelines the page still shows and saves the rest, and keeps the stored stage rules.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request
from wtforms import BooleanField, Form, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from ..clients.errors import ApiError
from ..portal.problems import explain
from ..sync import held, stages
from ..sync.settings import (
    DEAL_WITHOUT_COMPANY,
    DEAL_WITHOUT_LINES,
    DUE,
    INVOICE_DATES,
    KEY,
    SEND_TYPES,
    UNMATCHED_LINE_PRODUCTS,
    SyncSettings,
)
from .auth import current_installation, portal_required
from .collaborators import collaborators
from .fragments import is_htmx, render_page, reshown_by
from .i18n import gettext as _
from .sessions import redirect_to

bp = Blueprint("deal_settings", __name__, url_prefix="/settings")

DATE_TYPES = ("date", "datetime")


class DealSettingsForm(Form):
    """The deal settings; each pipeline's stage and action are added per portal (`for_`)."""

    send_to_customer = BooleanField()
    send_type = SelectField(validate_choice=True)
    invoice_date = RadioField(choices=list(INVOICE_DATES))
    due = RadioField(choices=list(DUE))
    due_days = IntegerField(validators=[InputRequired(), NumberRange(0, 365)])
    prices_include_vat = BooleanField()
    delivery_date_property = SelectField(validate_choice=True)
    deal_without_company = RadioField(choices=list(DEAL_WITHOUT_COMPANY))
    unmatched_line_products = RadioField(choices=list(UNMATCHED_LINE_PRODUCTS))
    deal_without_lines = RadioField(choices=list(DEAL_WITHOUT_LINES))
    default_product = StringField(validators=[Length(max=100)])

    pipelines: list[stages.Pipeline] = []

    @classmethod
    def for_(cls, pipelines: list[stages.Pipeline], formdata=None, data=None) -> DealSettingsForm:
        """The form with a stage and an action field for each of the portal's pipelines."""

        class PortalForm(cls):
            pass

        for pipeline in pipelines:
            setattr(PortalForm, f"stage_{pipeline.id}", SelectField(validate_choice=True))
            setattr(PortalForm, f"action_{pipeline.id}", RadioField(choices=list(stages.ACTIONS)))
        form = PortalForm(formdata, data=data)
        form.pipelines = pipelines
        for pipeline in pipelines:
            # Set after binding: choices as (value, label) pairs are only accepted so.
            form[f"stage_{pipeline.id}"].choices = [(s.id, s.label) for s in pipeline.stages]
        labels = {
            "EMAIL": _("E-mail"),
            "EHF": _("EHF (Peppol e-invoice)"),
            "EFAKTURA": _("eFaktura (the customer's online bank)"),
            "AVTALEGIRO": _("AvtaleGiro"),
            "VIPPS": _("Vipps"),
            "PAPER": _("Paper, by post"),
            "MANUAL": _("Manually, from Tripletex"),
        }
        form.send_type.choices = [(value, labels[value]) for value in SEND_TYPES]
        return form

    def rule_fields(self, pipeline: stages.Pipeline):
        return self[f"stage_{pipeline.id}"], self[f"action_{pipeline.id}"]

    def settings(self, stored: SyncSettings) -> SyncSettings:
        rules = dict(stored.stage_rules)
        for pipeline in self.pipelines:
            stage, action = self.rule_fields(pipeline)
            rules[pipeline.id] = {"stage": stage.data, "action": action.data}
        return SyncSettings.from_stored(
            dict(
                stored.stored(),
                stage_rules=rules,
                send_to_customer=bool(self.send_to_customer.data),
                send_type=self.send_type.data,
                invoice_date=self.invoice_date.data,
                due=self.due.data,
                due_days=self.due_days.data,
                prices_include_vat=bool(self.prices_include_vat.data),
                delivery_date_property=self.delivery_date_property.data,
                deal_without_company=self.deal_without_company.data,
                unmatched_line_products=self.unmatched_line_products.data,
                deal_without_lines=self.deal_without_lines.data,
                default_product=(self.default_product.data or "").strip(),
            )
        )


def _data(stored: SyncSettings, pipelines: list[stages.Pipeline]) -> dict:
    data = {
        name: getattr(stored, name)
        for name in (
            "send_to_customer",
            "send_type",
            "invoice_date",
            "due",
            "due_days",
            "prices_include_vat",
            "delivery_date_property",
            "deal_without_company",
            "unmatched_line_products",
            "deal_without_lines",
            "default_product",
        )
    }
    for pipeline in pipelines:
        rule = stages.rule_for(pipeline, stored.stage_rules.get(pipeline.id, {}))
        won = pipeline.won_stage
        data[f"stage_{pipeline.id}"] = rule.stage or (won.id if won else pipeline.stages[0].id)
        data[f"action_{pipeline.id}"] = rule.action
    return data


def _stored(portal_id: int) -> SyncSettings:
    return SyncSettings.from_stored(collaborators().installations.setting(portal_id, KEY))


def _choices(portal_id: int) -> tuple[list[stages.Pipeline], list[tuple[str, str]], object]:
    """The portal's pipelines (those with stages) and its deal date properties, or a problem."""
    try:
        hubspot = collaborators().hubspot(portal_id)
        pipelines = [
            p for p in stages.pipelines_of(hubspot.get_pipelines("deals")).values() if p.stages
        ]
        dates = [
            (p["name"], p.get("label") or p["name"])
            for p in hubspot.list_properties("deals")
            if p.get("type") in DATE_TYPES
            and not p.get("hidden")
            and not str(p.get("name", "")).startswith("tripletex_")
        ]
    except ApiError as exc:
        current_app.logger.info("deal settings of portal %s: lists not read: %s", portal_id, exc)
        return [], [], explain(exc)
    return pipelines, sorted(dates, key=lambda d: d[1].lower()), None


def _offer(form: DealSettingsForm, dates: list[tuple[str, str]], stored: SyncSettings) -> None:
    if stored.delivery_date_property not in dict(dates):
        dates = [*dates, (stored.delivery_date_property, stored.delivery_date_property)]
    form.delivery_date_property.choices = dates


def _check_default_product(form: DealSettingsForm, portal_id: int) -> bool:
    """A default product the policies use must be named, and exist in Tripletex."""
    uses = "default_product" in (form.unmatched_line_products.data, form.deal_without_lines.data)
    number = (form.default_product.data or "").strip()
    if not uses or form.default_product.errors:
        return not form.default_product.errors
    if not number:
        form.default_product.errors = [
            _("Name the default product (its Tripletex product number), or choose another policy.")
        ]
        return False
    client = collaborators().tripletex(portal_id)
    if client is None:
        return True  # checked when the deal is synced
    try:
        found = list(
            client.list("/product", fields="id,number", params={"productNumber": [number]})
        )
    except ApiError as exc:
        current_app.logger.info("default product of portal %s not checked: %s", portal_id, exc)
        return True  # checked when the deal is synced; the page says the lists were not read
    if not any(str(p.get("number")) == number for p in found):
        form.default_product.errors = [
            _("Tripletex has no product numbered {number}.", number=number)
        ]
        return False
    return True


def _render(form: DealSettingsForm, *, status: int = 200, **context):
    portal_id = current_installation()["portal_id"]
    return render_page(
        "settings/deals.html",
        "settings/_deals.html",
        status=status,
        form=form,
        installation=current_installation(),
        held=held.held_deals(collaborators(), portal_id),
        **context,
    )


@bp.get("/deals")
@portal_required
def show():
    portal_id = current_installation()["portal_id"]
    stored = _stored(portal_id)
    pipelines, dates, problem = _choices(portal_id)
    form = DealSettingsForm.for_(pipelines, data=_data(stored, pipelines))
    _offer(form, dates, stored)
    return _render(form, problem=problem)


@bp.post("/deals")
@reshown_by("deal_settings.show")
@portal_required
def save():
    portal_id = current_installation()["portal_id"]
    stored = _stored(portal_id)
    pipelines, dates, problem = _choices(portal_id)
    form = DealSettingsForm.for_(pipelines, formdata=request.form)
    _offer(form, dates, stored)
    valid = form.validate()
    if not (_check_default_product(form, portal_id) and valid):
        return _render(form, status=422, problem=problem)
    collaborators().installations.set_setting(portal_id, KEY, form.settings(stored).stored())
    return _render(form, saved=True, problem=problem)


# Held deals: listed on this page and on the Done step, each with Retry.


def _render_held(*, status: int = 200, **context):
    portal_id = current_installation()["portal_id"]
    return render_page(
        "settings/page_held.html",
        "settings/_held.html",
        status=status,
        held=held.held_deals(collaborators(), portal_id),
        installation=current_installation(),
        **context,
    )


@bp.post("/deals/retry")
@reshown_by("deal_settings.show")
@portal_required
def retry():
    portal_id = current_installation()["portal_id"]
    hubspot_id = (request.form.get("hubspot_id") or "").strip()
    waiting = {h.hubspot_id for h in held.held_deals(collaborators(), portal_id, limit=10_000)}
    if hubspot_id not in waiting:
        return _render_held(status=404, failure=_("That deal is not held."))
    held.retry(collaborators(), portal_id, [hubspot_id])
    current_app.extensions["tasks"].sync_pending(portal_id)
    if not is_htmx():
        return redirect_to("deal_settings.show")
    return _render_held(retried=hubspot_id)
