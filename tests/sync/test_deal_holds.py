"""A won deal that cannot be invoiced yet is held, says why on the deal, and is released by the
fix; the portal's policies for missing products, companies and lines; sending, and a send
Tripletex refuses after charging. Over real HTTP against both sandboxes."""

from __future__ import annotations

from decimal import Decimal

from tests.sync.test_deal_lines import a_company, a_product
from tests.sync.test_deals import (
    deals,
    invoices,
    invoices_of,
    move,
    new_deal,
    orders_of,
    settle,
    win_and_run,
)
from tests.sync.test_live import delivered, run
from webapp.collaborators import Collaborators

COURSE = {"name": "Kurs", "quantity": "1", "price": "200"}  # a free-text line, 200 excl. VAT


def course_deal(synced, name: str, **who) -> str:
    """A deal with one free-text line, for a demo company unless `who` names a contact."""
    return new_deal(synced, name, lines=(COURSE,), **(who or {"company": a_company(synced)}))


def product_deal(synced, product: str, quantity: str) -> str:
    """A deal with one line of this HubSpot product, for a demo company."""
    return new_deal(
        synced,
        "Ny vare",
        company=a_company(synced),
        lines=({"hs_product_id": product, "quantity": quantity},),
    )


def held(synced, deal_id: str, *words: str) -> dict:
    """The deal is held, with a reason naming `words`, and nothing is in Tripletex for it."""
    shown = deals(synced)[deal_id]
    assert shown["tripletex_sync_status"] == "held", shown
    for word in words:
        assert word in shown["tripletex_sync_error"], shown["tripletex_sync_error"]
    assert orders_of(synced, deal_id) == []
    return shown


def invoiced(synced, deal_id: str) -> dict:
    (order,) = orders_of(synced, deal_id)
    (invoice,) = invoices_of(synced, [order["id"]])
    shown = deals(synced)[deal_id]
    assert shown["tripletex_sync_status"] == "synced"
    assert shown.get("tripletex_sync_error", "") == ""
    assert shown["tripletex_invoice_number"] == str(invoice["invoiceNumber"])
    return invoice


def tripletex_products(synced) -> list[dict]:
    with Collaborators.opened(synced.stack.app.config) as c:
        return list(
            c.tripletex(synced.portal_id).list(
                "/product", fields="id,number,name", params={"isInactive": "false"}
            )
        )


def test_a_missing_delivery_date_holds_the_deal_until_it_is_filled_in(live):
    deal_id = new_deal(
        live,
        "Uten dato",
        company=a_company(live),
        lines=({"name": "X", "quantity": "1", "price": "10"},),
    )
    # The person clears the close date as they win the deal.
    win_and_run(live, deal_id, closedate="")
    held(live, deal_id, "Close date")

    live.hubspot_control(
        "PATCH", f"objects/deals/{deal_id}", {"properties": {"closedate": "2026-11-28"}}
    )
    delivered(live)
    run(live)

    invoice = invoiced(live, deal_id)
    assert invoice["invoiceDate"] == "2026-11-28"


def new_product(synced, sku: str) -> str:
    """A HubSpot product Tripletex does not have (the sync leaves it unmatched)."""
    settle(synced, unmatched_products="leave")
    made = synced.hubspot_control(
        "POST",
        "objects/products",
        {"properties": {"name": f"Produkt {sku}", "hs_sku": sku, "price": "400"}},
    )
    return made["id"]


def test_a_line_whose_product_tripletex_lacks_holds_the_deal_by_default(live):
    product = new_product(live, "NY-1")
    deal_id = product_deal(live, product, "1")
    win_and_run(live, deal_id)

    held(live, deal_id, "NY-1")
    assert "NY-1" not in {p["number"] for p in tripletex_products(live)}
    assert live.rows(
        "select state from mappings where hubspot_type = 'deals' and tripletex_kind = 'order' "
        "and hubspot_id = ?",
        [deal_id],
    ) == [{"state": "failed"}]


def test_the_create_policy_makes_the_product_and_invoices(live):
    product = new_product(live, "NY-2")
    settle(live, unmatched_line_products="create")
    deal_id = product_deal(live, product, "2")
    win_and_run(live, deal_id)

    invoice = invoiced(live, deal_id)
    (order,) = orders_of(live, deal_id)
    assert [line["product"]["number"] for line in order["orderLines"]] == ["NY-2"]
    assert Decimal(str(invoice["amountExcludingVatCurrency"])) == Decimal(800)


def test_the_default_product_policy_puts_the_line_on_the_default_product(live):
    product = new_product(live, "NY-3")
    default = a_product(live)["hs_sku"]  # in Tripletex since the first sync
    settle(live, unmatched_line_products="default_product", default_product=default)
    deal_id = product_deal(live, product, "1")
    win_and_run(live, deal_id)

    invoiced(live, deal_id)
    (order,) = orders_of(live, deal_id)
    (line,) = order["orderLines"]
    assert line["product"]["number"] == default
    assert Decimal(str(line["unitPriceExcludingVatCurrency"])) == Decimal(400)  # the line's price


def test_a_default_product_tripletex_lacks_holds_the_deal(live):
    product = new_product(live, "NY-4")
    settle(live, unmatched_line_products="default_product", default_product="FINNES-IKKE")
    deal_id = product_deal(live, product, "1")
    win_and_run(live, deal_id)

    held(live, deal_id, "FINNES-IKKE")


def test_a_deal_without_lines_is_held_or_invoiced_on_the_default_product(live):
    deal_id = new_deal(live, "Bare beløp", company=a_company(live), amount="1500")
    win_and_run(live, deal_id)
    held(live, deal_id, "line items")

    default = a_product(live)["hs_sku"]
    settle(live, deal_without_lines="default_product", default_product=default)
    move(live, deal_id, "contractsent")
    win_and_run(live, deal_id)

    invoice = invoiced(live, deal_id)
    assert Decimal(str(invoice["amountExcludingVatCurrency"])) == Decimal(1500)


def test_a_deal_with_only_a_contact_is_invoiced_to_the_contact_as_a_private_customer(live):
    person = live.hubspot_control(
        "POST",
        "objects/contacts",
        {"properties": {"firstname": "Kari", "lastname": "Privat", "email": "kari@privat.example"}},
    )
    deal_id = course_deal(live, "Privatsalg", contact=person["id"])
    win_and_run(live, deal_id)

    invoice = invoiced(live, deal_id)
    with Collaborators.opened(live.stack.app.config) as c:
        customer = c.tripletex(live.portal_id).get(
            f"/customer/{invoice['customer']['id']}", fields="name,email,isPrivateIndividual"
        )
    assert customer == {
        "name": "Kari Privat",
        "email": "kari@privat.example",
        "isPrivateIndividual": True,
    }
    # A second deal of hers is invoiced to the same customer, not a new one.
    again = course_deal(live, "Privatsalg 2", contact=person["id"])
    win_and_run(live, again)
    assert invoiced(live, again)["customer"]["id"] == invoice["customer"]["id"]


def test_a_deal_without_a_company_is_held_when_the_portal_says_so(live):
    settle(live, deal_without_company="hold")
    person = live.hubspot_control("POST", "objects/contacts", {"properties": {"firstname": "Ola"}})
    deal_id = course_deal(live, "Uten firma", contact=person["id"])
    win_and_run(live, deal_id)

    held(live, deal_id, "no company")


def test_a_send_refused_after_charging_gives_one_invoice_marked_unsent(live):
    settle(live, send_to_customer=True, send_type="EHF")  # no demo customer is in Peppol
    deal_id = course_deal(live, "EHF-kunde")
    win_and_run(live, deal_id)
    move(live, deal_id, "contractsent")
    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    (invoice,) = invoices_of(live, [order["id"]])
    assert invoice["sentToCustomer"] is False and invoice["sendFailure"] == "EHF"
    shown = deals(live)[deal_id]
    assert shown["tripletex_invoice_id"] == str(invoice["id"])
    assert shown["tripletex_invoice_status"] == "send_failed"
    assert "EHF" in shown["tripletex_sync_error"]


def test_an_invoice_is_sent_only_when_the_portal_chose_to_send(live):
    settle(live, send_to_customer=True, send_type="MANUAL")
    deal_id = course_deal(live, "Sendes")
    win_and_run(live, deal_id)

    (order,) = orders_of(live, deal_id)
    (invoice,) = invoices_of(live, [order["id"]])
    assert invoice["sentToCustomer"] is True and invoice["sendType"] == "MANUAL"
    assert deals(live)[deal_id]["tripletex_invoice_status"] == "sent"
    assert [i for i in invoices(live) if i["sentToCustomer"]] == [invoice]  # no other was sent


def test_lines_changed_after_invoicing_are_flagged_not_invoiced_again(live):
    deal_id = course_deal(live, "Endres")
    win_and_run(live, deal_id)
    invoice = invoiced(live, deal_id)

    live.hubspot_control("PATCH", f"objects/deals/{deal_id}", {"properties": {"amount": "999"}})
    delivered(live)
    run(live)

    (order,) = orders_of(live, deal_id)
    assert invoices_of(live, [order["id"]]) == [invoice]
    shown = deals(live)[deal_id]
    assert shown["tripletex_invoice_status"] == "changed_after_invoicing"
    assert "changed after it was invoiced" in shown["tripletex_sync_error"]


def test_the_plans_monthly_limit_holds_deals_over_it_and_raising_the_plan_releases_them(live):
    from webapp.sync import held as holds

    with Collaborators.opened(live.stack.app.config) as c:
        c.installations.set_plan(live.portal_id, "free")  # ten invoices a month
    made = [
        new_deal(
            live,
            f"Grense {n}",
            company=a_company(live),
            lines=({"name": "Kurs", "quantity": "1", "price": "100"},),
        )
        for n in range(11)
    ]
    for deal_id in made:
        move(live, deal_id, "closedwon")
    delivered(live)
    run(live)

    shown = deals(live)
    over = [d for d in made if shown[d].get("tripletex_sync_status") == "held"]
    assert len(over) == 1
    assert "plan" in shown[over[0]]["tripletex_sync_error"]
    assert orders_of(live, over[0]) == []  # nothing of it in Tripletex
    assert sum(1 for d in made if shown[d].get("tripletex_invoice_id")) == 10
    with Collaborators.opened(live.stack.app.config) as c:
        assert [h.hubspot_id for h in holds.held_deals(c, live.portal_id)] == over
        c.installations.set_plan(live.portal_id, "standard")
        assert holds.release_plan_holds(c, live.portal_id) == 1
    run(live)

    invoiced(live, over[0])
    with Collaborators.opened(live.stack.app.config) as c:
        assert holds.held_deals(c, live.portal_id) == []


def test_a_held_deal_moved_off_its_stage_waits_no_more(live):
    deal_id = new_deal(live, "Angret", company=a_company(live), amount="10")
    win_and_run(live, deal_id)
    held(live, deal_id, "line items")

    win_and_run(live, deal_id, "contractsent")

    shown = deals(live)[deal_id]
    assert not shown.get("tripletex_sync_status") and not shown.get("tripletex_sync_error")
    assert live.rows("select * from mappings where hubspot_id = ?", [deal_id]) == []


def test_a_deal_deleted_while_its_invoice_is_refused_leaves_the_held_list(live):
    from webapp.sync import held as holds

    deal_id = new_deal(
        live,
        "Avvist",
        company=a_company(live),
        lines=({"name": "K", "quantity": "1", "price": "9"},),
    )
    # Tripletex refuses to invoice: the company's invoice account lost its bank account.
    with Collaborators.opened(live.stack.app.config) as c:
        client = c.tripletex(live.portal_id)
        account = next(
            client.list("/ledger/account", fields="id,version,number", params={"number": "1920"})
        )
        client.update(f"/ledger/account/{account['id']}", {"bankAccountNumber": ""})
    win_and_run(live, deal_id)
    with Collaborators.opened(live.stack.app.config) as c:
        assert [h.hubspot_id for h in holds.held_deals(c, live.portal_id)] == [deal_id]

    live.hubspot_control("DELETE", f"objects/deals/{deal_id}")
    delivered(live)
    run(live)

    with Collaborators.opened(live.stack.app.config) as c:
        assert holds.held_deals(c, live.portal_id) == []
