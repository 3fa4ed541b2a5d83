"""Won deals from before the app, at the first sync: linked when Tripletex has their order
(by its marker), otherwise left out, all invoiced, or invoiced from a date on, as the person
chose. Over real HTTP against both sandboxes."""

from __future__ import annotations

from datetime import date, timedelta

from tests.sync.test_deals import deals, invoices_of, orders_of, settle, win_and_run
from tests.sync.test_live import delivered, run
from webapp.collaborators import Collaborators
from webapp.sync.mapping.order import marker

WON = {"closedwon", "1001003"}


def won_deals(synced) -> list[str]:
    return sorted((i for i, p in deals(synced).items() if p["dealstage"] in WON), key=int)


def earlier_order(synced, deal_id: str) -> tuple[dict, dict]:
    """An order and its invoice an earlier install made for the deal (its marker on it)."""
    with Collaborators.opened(synced.stack.app.config) as c:
        client = c.tripletex(synced.portal_id)
        customer = next(client.list("/customer", fields="id"))["id"]
        made = client.create(
            "/order",
            {
                "customer": {"id": customer},
                "orderDate": "2026-10-01",
                "deliveryDate": "2026-10-01",
                "reference": marker(deal_id),
                "orderLines": [
                    {"description": "Før", "count": 1, "unitPriceExcludingVatCurrency": 100}
                ],
            },
        )
        invoice = client.action(
            f"/order/{made['id']}/:invoice",
            {"invoiceDate": "2026-10-01", "sendToCustomer": "false"},
        )
    return made, invoice


def test_by_default_old_won_deals_are_left_out_and_later_edits_do_not_invoice_them(synced):
    synced.backfill()
    old = won_deals(synced)
    assert len(old) == 5
    assert all(orders_of(synced, d) == [] for d in old)
    assert synced.rows("select distinct state from mappings where hubspot_type = 'deals'") == [
        {"state": "left_out"}
    ]

    synced.hubspot_control("PATCH", f"objects/deals/{old[0]}", {"properties": {"amount": "1"}})
    delivered(synced)
    run(synced)
    assert orders_of(synced, old[0]) == []
    assert not deals(synced)[old[0]].get("tripletex_sync_status")  # not held either

    # Moved off its won stage and back, it is won anew, and invoiced.
    win_and_run(synced, old[1], "contractsent")
    win_and_run(synced, old[1], "closedwon")
    (order,) = orders_of(synced, old[1])
    assert len(invoices_of(synced, [order["id"]])) == 1


def test_an_old_deal_whose_order_tripletex_has_is_linked_with_its_invoice(synced):
    synced.connect()
    deal_id = next(i for i, p in deals(synced).items() if p["dealstage"] == "closedwon")
    made, invoice = earlier_order(synced, deal_id)

    synced.backfill()

    assert [o["id"] for o in orders_of(synced, deal_id)] == [made["id"]]
    assert [i["id"] for i in invoices_of(synced, [made["id"]])] == [invoice["id"]]
    shown = deals(synced)[deal_id]
    assert shown["tripletex_invoice_id"] == str(invoice["id"])
    assert shown["tripletex_order_id"] == str(made["id"])


def test_the_person_may_invoice_every_old_won_deal(synced):
    synced.connect()
    settle(synced, won_deal_history="invoice")
    with Collaborators.opened(synced.stack.app.config) as c:
        c.installations.set_plan(synced.portal_id, "standard")

    synced.backfill()

    for deal_id in won_deals(synced):
        (order,) = orders_of(synced, deal_id)
        assert len(invoices_of(synced, [order["id"]])) == 1


def test_the_person_may_invoice_those_closed_from_a_date_on(synced):
    synced.connect()
    since = date.today() - timedelta(days=20)
    settle(synced, won_deal_history="invoice_since", history_since=since.isoformat())

    synced.backfill()

    shown = deals(synced)
    for deal_id in won_deals(synced):
        closed = date.fromisoformat(shown[deal_id]["closedate"][:10])
        assert bool(orders_of(synced, deal_id)) == (closed >= since), (deal_id, closed)
    assert sum(1 for d in won_deals(synced) if orders_of(synced, d)) == 3


def test_the_nightly_full_run_leaves_a_held_deal_held_and_a_fix_still_invoices_it(synced):
    from tests.sync.test_deal_lines import a_company
    from tests.sync.test_deals import association, new_deal
    from webapp.jobs import sync as jobs

    synced.backfill()
    deal_id = new_deal(synced, "Holdt", company=a_company(synced), amount="10")
    win_and_run(synced, deal_id)
    assert deals(synced)[deal_id]["tripletex_sync_status"] == "held"

    with Collaborators.opened(synced.stack.app.config) as c:
        jobs.full(c, synced.portal_id)  # what the 01:43 task runs

    assert synced.rows(
        "select state from mappings where hubspot_id = ? and tripletex_kind = 'order'", [deal_id]
    ) == [{"state": "failed"}]  # still held, not left out
    synced.hubspot_control(
        "POST",
        "objects/line_items",
        {
            "properties": {"name": "Time", "quantity": "1", "price": "10"},
            "associations": [association(deal_id, 20)],
        },
    )
    delivered(synced)
    run(synced)
    (order,) = orders_of(synced, deal_id)
    assert len(invoices_of(synced, [order["id"]])) == 1


def test_invoicing_old_won_deals_dates_them_today_and_finding_one_does_not_count_on_the_plan(
    synced,
):
    from webapp.portal.plans import invoices_this_month

    synced.connect()
    old = next(i for i, p in deals(synced).items() if p["dealstage"] == "closedwon")
    earlier_order(synced, old)
    with Collaborators.opened(synced.stack.app.config) as c:
        c.installations.set_plan(synced.portal_id, "standard")
    settle(synced, won_deal_history="invoice")

    synced.backfill()

    today = date.today().isoformat()
    for deal_id in won_deals(synced):
        (order,) = orders_of(synced, deal_id)
        (invoice,) = invoices_of(synced, [order["id"]])
        if deal_id != old:
            assert invoice["invoiceDate"] == today  # "as if they were won today"
    with Collaborators.opened(synced.stack.app.config) as c:
        assert invoices_this_month(c, synced.portal_id) == len(won_deals(synced)) - 1
