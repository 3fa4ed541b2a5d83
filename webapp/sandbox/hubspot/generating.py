"""Fill a portal with a generated world (demo_data.generate): big portals for the sync benchmarks.

The records go through the same validation, computed properties and associations as the API's
writes, so a generated portal is one the API could have built. They are history by the time
anyone looks: searchable at once, and made before the app was installed, so they fire no
webhooks (a portal with the app installed is refused, rather than flooded with events). All or
nothing: if any record is refused (or anything else fails), the portal is left as it was.
"""

from __future__ import annotations

from . import index, pipelines_data, records
from .errors import invalid
from .state import Portal, iso
from .uniques import holders

SOURCE = ("IMPORT", "")
ORG_NUMBER = {
    "name": "orgnr",
    "label": "Organisasjonsnummer",
    "type": "string",
    "fieldType": "text",
    "groupName": "companyinformation",
    "description": "Norwegian organisation number (nine digits)",
    "hasUniqueValue": False,
}
# Primary associations (each brings the unlabelled one with it, as in HubSpot).
CONTACT_TO_COMPANY, DEAL_TO_COMPANY, DEAL_TO_CONTACT, LINE_ITEM_TO_DEAL = 1, 5, 3, 20
DAY = 86400


def populate(sandbox, portal: Portal, world: dict) -> dict:
    """Create `world`'s records in `portal`; return how many of each were made."""
    if portal.installed:
        raise invalid(
            f"Portal {portal.id} has the app installed: generate a world before installing "
            "(generated records are history and fire no webhooks)"
        )
    _check_free(portal, world)
    stages = _stages(portal)
    before = {kind: set(table) for kind, table in portal.records.items()}
    associations = {
        key: {k: set(v) for k, v in t.items()} for key, t in portal.associations.items()
    }
    unique_values = {
        key: {value: set(ids) for value, ids in t.items()}
        for key, t in portal.unique_values.items()
    }
    id_mark = sandbox.state.id_mark()
    had_org_number = "orgnr" in portal.custom_properties["companies"]
    try:
        if not had_org_number:
            portal.custom_properties["companies"]["orgnr"] = dict(
                ORG_NUMBER, createdAt=iso(sandbox.clock.now())
            )
        made = _create(sandbox, portal, world, stages)
    except BaseException:
        # Whatever stopped it (a refusal, a bug, an interrupt), the portal is left as it was.
        for kind, ids in before.items():
            for new_id in set(portal.records[kind]) - ids:
                del portal.records[kind][new_id]
        portal.associations = associations
        portal.unique_values = unique_values
        # The ids the world took are free again (the caller holds the state's lock, and
        # nothing outside the portal kept them: it has no app installed, so no webhooks).
        sandbox.state.rewind_ids(id_mark)
        if not had_org_number:
            portal.custom_properties["companies"].pop("orgnr", None)
        raise
    for kind, ids in made.items():
        index.settle_records(portal.records[kind][i] for i in ids)
    return {kind: len(ids) for kind, ids in made.items()}


def _create(sandbox, portal: Portal, world: dict, stages: dict) -> dict[str, list[str]]:
    create = records.create
    now = sandbox.clock.now()
    companies = [
        create(
            sandbox,
            portal,
            "companies",
            {
                "name": c["name"],
                "domain": c["domain"],
                "city": c["city"],
                "phone": c["phone"],
                "country": "Norway",
                "orgnr": c["org_number"],
            },
            source=SOURCE,
        ).id
        for c in world["companies"]
    ]
    contacts = [
        create(
            sandbox,
            portal,
            "contacts",
            {
                "firstname": c["firstname"],
                "lastname": c["lastname"],
                "email": c["email"],
                "phone": c["phone"],
            },
            _to(companies, c["company"], CONTACT_TO_COMPANY),
            SOURCE,
        ).id
        for c in world["contacts"]
    ]
    products = [
        create(
            sandbox,
            portal,
            "products",
            {"name": p["name"], "hs_sku": p["sku"], "price": p["price"]},
            source=SOURCE,
        ).id
        for p in world["products"]
    ]
    deals, line_items = [], []
    for number, d in enumerate(world["deals"]):
        closed = d["stage"] != "open"
        days = -abs(d["close_in_days"]) if closed else abs(d["close_in_days"]) + 1
        choices = stages[d["stage"]]
        deal = create(
            sandbox,
            portal,
            "deals",
            {
                "dealname": d["name"],
                "pipeline": stages["pipeline"],
                "dealstage": choices[number % len(choices)],
                "closedate": iso(now + days * DAY),
            },
            _to(companies, d["company"], DEAL_TO_COMPANY)
            + _to(contacts, d["contact"], DEAL_TO_CONTACT),
            SOURCE,
        )
        total = 0.0
        for line in d["lines"]:
            values = {"hs_product_id": products[line["product"]], "quantity": line["quantity"]}
            if "percentage" in line:
                values["hs_discount_percentage"] = str(line["percentage"])
            item = create(
                sandbox,
                portal,
                "line_items",
                values,
                _to([deal.id], 0, LINE_ITEM_TO_DEAL),
                SOURCE,
            )
            total += float(item.properties["amount"])
            line_items.append(item.id)
        # The amount its owner typed: here the lines' total (HubSpot does not roll them up).
        records.update(sandbox, portal, "deals", deal, {"amount": round(total, 2)}, SOURCE)
        deals.append(deal.id)
    return {
        "companies": companies,
        "contacts": contacts,
        "products": products,
        "deals": deals,
        "line_items": line_items,
    }


def _check_free(portal: Portal, world: dict) -> None:
    """Refuse, before anything is made, a world whose unique values the portal already holds."""
    for contact in world["contacts"]:
        if holders(portal, "contacts", "email", contact["email"]):
            raise invalid(
                f"The portal already has a contact {contact['email']}: generate with another "
                "seed, or into an empty portal"
            )


def _stages(portal: Portal) -> dict:
    """The stages deals go to: those of the `default` pipeline (or the first one)."""
    live = pipelines_data.live(portal)
    pipeline = next((p for p in live if p["id"] == "default"), live[0] if live else None)
    if pipeline is None:
        raise invalid(f"Portal {portal.id} has no deal pipeline")
    stages = pipelines_data.live_stages(pipeline)
    closed = [s for s in stages if s["metadata"]["isClosed"] == "true"]
    won = [s["id"] for s in closed if float(s["metadata"]["probability"]) == 1.0]
    lost = [s["id"] for s in closed if float(s["metadata"]["probability"]) == 0.0]
    open_ = [s["id"] for s in stages if s["metadata"]["isClosed"] != "true"]
    if not (won and lost and open_):
        raise invalid(f"Pipeline {pipeline['id']} needs an open stage, a won one and a lost one")
    return {"pipeline": pipeline["id"], "open": open_, "won": won[:1], "lost": lost[:1]}


def _to(ids: list[str], position: int | None, type_id: int) -> list[dict]:
    if position is None:
        return []
    return [
        {
            "to": {"id": ids[position]},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
        }
    ]
