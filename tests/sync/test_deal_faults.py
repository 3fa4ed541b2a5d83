"""Exactly once: a won deal gets one order and at most one invoice, whatever goes wrong.

Tripletex has no idempotency key. Lost answers (the sandbox's fault commits the write and drops
the connection), a worker that dies between a write and its link, duplicate webhooks and two
workers at once must each end with one order and one invoice, over real HTTP.
"""

from __future__ import annotations

import threading

import requests

from tests.sync.test_deals import (
    deals,
    invoices_of,
    move,
    open_deal,
    orders_of,
    settle,
    win_and_run,
)
from tests.sync.test_live import delivered, event, post_events, run
from webapp.collaborators import Collaborators
from webapp.storage.mappings import Mappings
from webapp.sync import invoicing
from webapp.sync.runner import PortalBusy, run_pending


def one_of_each(synced, deal_id: str) -> dict:
    orders = orders_of(synced, deal_id)
    assert len(orders) == 1, orders
    made = invoices_of(synced, [orders[0]["id"]])
    assert len(made) == 1, made
    assert synced.rows(
        "select tripletex_kind, state from mappings where hubspot_type = 'deals' "
        "and hubspot_id = ? order by tripletex_kind",
        [deal_id],
    ) == [
        {"tripletex_kind": "invoice", "state": "linked"},
        {"tripletex_kind": "note", "state": "linked"},  # its timeline note, written once
        {"tripletex_kind": "order", "state": "linked"},
    ]
    return made[0]


def test_a_lost_answer_to_the_order_create_is_found_by_its_marker(live):
    deal_id = open_deal(live)
    live.tripletex_control("POST", "faults", {"lost_responses": 1, "path_prefix": "/v2/order/list"})

    win_and_run(live, deal_id)

    invoice = one_of_each(live, deal_id)
    assert deals(live)[deal_id]["tripletex_invoice_number"] == str(invoice["invoiceNumber"])
    found = live.rows(
        "select hubspot_id from sync_log where action = 'found_after_lost_answer' "
        "and object_type = 'order'"
    )
    assert found == [{"hubspot_id": deal_id}]


def order_first(synced, deal_id: str) -> int:
    """The deal's order made by an order-only rule; then the rule invoices."""
    settle(synced, stage_rules={"default": {"stage": "closedwon", "action": "order"}})
    win_and_run(synced, deal_id)
    (order,) = orders_of(synced, deal_id)
    assert invoices_of(synced, [order["id"]]) == []
    assert deals(synced)[deal_id]["tripletex_invoice_status"] == "ordered"
    settle(synced, stage_rules={})
    return order["id"]


def test_a_lost_answer_to_invoice_is_found_among_the_customers_invoices(live):
    deal_id = open_deal(live)
    order_id = order_first(live, deal_id)
    live.tripletex_control(
        "POST", "faults", {"lost_responses": 1, "path_prefix": f"/v2/order/{order_id}/:invoice"}
    )

    post_events(live, [event(live, deal_id, prop="dealstage", objectTypeId="0-3")])
    run(live)

    invoice = one_of_each(live, deal_id)
    assert deals(live)[deal_id]["tripletex_invoice_id"] == str(invoice["id"])
    found = live.rows(
        "select hubspot_id from sync_log where action = 'found_after_lost_answer' "
        "and object_type = 'invoice'"
    )
    assert found == [{"hubspot_id": deal_id}]


def test_a_worker_killed_after_the_order_create_finds_it_on_the_retry(live, monkeypatch):
    deal_id = open_deal(live)
    real = Mappings.link

    def killed(self, portal_id, hubspot_type, kind, links):
        if kind == "order":
            raise SystemExit("killed")  # the order exists; its link was never written
        return real(self, portal_id, hubspot_type, kind, links)

    monkeypatch.setattr(Mappings, "link", killed)
    move(live, deal_id, "closedwon")
    delivered(live)
    assert live.runner.invoke(args=["sync", "run", str(live.portal_id)]).exit_code != 0
    monkeypatch.setattr(Mappings, "link", real)
    assert len(orders_of(live, deal_id)) == 1
    assert live.rows(
        "select state from mappings where hubspot_type = 'deals' and tripletex_kind = 'order' "
        "and hubspot_id = ?",
        [deal_id],
    ) == [{"state": "reserved"}]

    run(live)  # the queue's retry: the events were never marked done

    one_of_each(live, deal_id)
    assert live.rows(
        "select hubspot_id from sync_log where action = 'found_after_interruption'"
    ) == [{"hubspot_id": deal_id}]


def test_a_worker_killed_after_invoicing_finds_the_invoice_on_the_retry(live, monkeypatch):
    deal_id = open_deal(live)

    def killed(*args, **kwargs):
        raise SystemExit("killed")  # the invoice exists; its link was never written

    real = invoicing.link_invoice
    monkeypatch.setattr(invoicing, "link_invoice", killed)
    move(live, deal_id, "closedwon")
    delivered(live)
    assert live.runner.invoke(args=["sync", "run", str(live.portal_id)]).exit_code != 0
    monkeypatch.setattr(invoicing, "link_invoice", real)
    (order,) = orders_of(live, deal_id)
    assert len(invoices_of(live, [order["id"]])) == 1
    assert live.rows(
        "select state from mappings where hubspot_type = 'deals' and tripletex_kind = 'invoice' "
        "and hubspot_id = ?",
        [deal_id],
    ) == [{"state": "reserved"}]

    run(live)

    invoice = one_of_each(live, deal_id)
    assert deals(live)[deal_id]["tripletex_invoice_number"] == str(invoice["invoiceNumber"])


def test_duplicate_webhooks_make_one_invoice(live):
    deal_id = open_deal(live)
    move(live, deal_id, "closedwon")
    delivered(live)
    again = event(live, deal_id, prop="dealstage", objectTypeId="0-3")
    assert post_events(live, [again, again]).ok
    run(live)
    assert post_events(live, [dict(again, occurredAt=again["occurredAt"] + 1)]).ok
    run(live)

    one_of_each(live, deal_id)


def test_two_workers_at_once_make_one_invoice(live):
    deal_id = open_deal(live)
    move(live, deal_id, "closedwon")
    delivered(live)
    busy, errors = [], []
    start = threading.Barrier(2)

    def worker():
        with Collaborators.opened(live.stack.app.config) as c:
            start.wait()
            try:
                run_pending(c, live.portal_id)
            except PortalBusy:
                busy.append(True)
            except Exception as exc:  # noqa: BLE001 (reported below)
                errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert busy == [True]  # the second found the portal taken, and left it to the first
    run(live)  # whichever was told "busy" is retried by the queue

    one_of_each(live, deal_id)


def test_a_deal_deleted_and_restored_keeps_its_one_order_and_invoice(live):
    deal_id = open_deal(live)
    win_and_run(live, deal_id)
    invoice = one_of_each(live, deal_id)
    live.hubspot_control("DELETE", f"objects/deals/{deal_id}")
    delivered(live)
    run(live)
    assert live.rows(
        "select state from mappings where hubspot_id = ? and tripletex_kind = 'order'", [deal_id]
    ) == [{"state": "unlinked"}]

    # Restored; and an edit whose event may come before the restore's (HubSpot does not
    # keep events in order) reads the deal as it is now.
    live.hubspot_control("POST", f"objects/deals/{deal_id}/restore")
    delivered(live)
    with Collaborators.opened(live.stack.app.config) as c:  # its event is late: not here yet
        c.db.execute("delete from sync_inbox where subscription_type = 'object.restore'")
        c.db.conn.commit()
    post_events(live, [event(live, deal_id, prop="amount", objectTypeId="0-3")])
    run(live)

    assert one_of_each(live, deal_id) == invoice
    assert deals(live)[deal_id]["tripletex_invoice_id"] == str(invoice["id"])


def test_a_deal_stopped_after_invoicing_gets_its_timeline_note_on_the_next_run(live):
    first, second = open_deal(live), None
    second = next(
        d
        for d in sorted(deals(live), key=int)
        if d != first
        and deals(live)[d]["dealstage"] not in ("closedwon", "closedlost", "1001003", "1001004")
        and deals(live)[d].get("pipeline") == "default"
    )
    move(live, first, "closedwon")
    move(live, second, "closedwon")
    delivered(live)
    # HubSpot takes the invoices' write-back and refuses the notes for a while.
    hubspot_faults = f"{live.stack.hubspot_url}/_sandbox/faults"
    made = requests.post(
        hubspot_faults, json={"status": 400, "path": "notes/batch/create"}, timeout=10
    )
    assert made.status_code == 201, made.text
    run(live)
    assert (
        live.rows("select state from mappings where tripletex_kind = 'note' order by hubspot_id")
        == [{"state": "reserved"}] * 2
    )  # owed

    requests.delete(hubspot_faults, timeout=10)
    post_events(live, [event(live, d, prop="amount", objectTypeId="0-3") for d in (first, second)])
    run(live)

    notes = live.hubspot_control("GET", "objects/notes")["results"]
    for deal_id in (first, second):
        number = deals(live)[deal_id]["tripletex_invoice_number"]
        body = f">{number}</a>"
        assert sum(body in (n["properties"].get("hs_note_body") or "") for n in notes) == 1
