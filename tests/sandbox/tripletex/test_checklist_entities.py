"""Brief §9 items 7-8 over real HTTP: customers (with contacts and products), orders."""

from .flows import DAY, customer, vat


def _ids(tx, path, **params):
    return [row["id"] for row in tx.get(tx.u(path), params=params).json()["values"]]


def test_07_a_customer_needs_a_name_and_gets_number_display_name_and_addresses(tx):
    missing = tx.post(tx.u("/v2/customer"), json={"email": "x@y.no"}).json()
    assert missing["validationMessages"] == [
        {"field": "name", "message": "Feltet må fylles ut.", "path": "name", "rootId": None}
    ]
    first = customer(tx, name="Første AS")
    second = customer(tx, name="Andre AS", postalAddress={"addressLine1": "Gata 2"})
    assert (first["customerNumber"], second["customerNumber"]) == (10001, 10002)
    assert first["displayName"] == "Første AS (10001)"
    assert first["physicalAddress"]["url"].startswith(f"{tx.api.host}/v2/address/")
    assert second["physicalAddress"] is not None and second["deliveryAddress"] is None
    # Unset text is "", unset references null, unset numbers 0.
    assert (first["email"], first["accountManager"], first["supplierNumber"]) == ("", None, 0)
    assert first["currency"]["id"] == 1 and first["isCustomer"] is True


def test_07_inactive_customers_are_hidden_unless_asked_for(tx):
    active = customer(tx, name="Aktiv AS")
    inactive = customer(tx, name="Sovende AS", isInactive=True)
    assert _ids(tx, "/v2/customer") == [active["id"]]
    assert _ids(tx, "/v2/customer", isInactive="true") == [inactive["id"]]
    assert _ids(tx, "/v2/customer", isInactive="false") == [active["id"]]
    both = f"{active['id']},{inactive['id']}"
    assert _ids(tx, "/v2/customer", id=both) == [active["id"]]
    assert _ids(tx, "/v2/customer", id=both, isInactive="true") == [inactive["id"]]


def test_07_customer_search_filters(tx):
    one = customer(tx, name="Fjord AS", organizationNumber="923609016", email="post@fjord.no")
    two = customer(tx, name="Fjell AS", email="post@fjell.no")
    assert _ids(tx, "/v2/customer", organizationNumber="923609016") == [one["id"]]
    assert _ids(tx, "/v2/customer", email="post@fjell.no") == [two["id"]]
    assert _ids(tx, "/v2/customer", customerName="fj") == [one["id"], two["id"]]
    assert _ids(tx, "/v2/customer", customerAccountNumber="10002,10009") == [two["id"]]


def test_07_changed_since_returns_what_changed(tx):
    old, touched = customer(tx, name="Gammel AS"), customer(tx, name="Endret AS")
    tx.api.advance(60)
    tx.put(tx.u(f"/v2/customer/{touched['id']}"), json={"description": "endret"})
    assert _ids(tx, "/v2/customer", changedSince="2026-11-24T10:00:30Z") == [touched["id"]]
    assert _ids(tx, "/v2/customer", changedSince="2026-11-24T11:00:00+01:00") == [
        old["id"],
        touched["id"],
    ]


def test_07_changed_since_can_be_ignored_like_the_test_environment(make_sandbox):
    api = make_sandbox(ignore_changed_since=True)
    tx = api.login()
    made = customer(tx, name="Alle AS")
    assert _ids(tx, "/v2/customer", changedSince="2030-09-09T18:00:00Z") == [made["id"]]


def test_07_contacts_belong_to_customers_and_are_deleted_in_batches(tx):
    owner = customer(tx)
    made = tx.post(
        tx.u("/v2/contact/list"),
        json=[
            {"firstName": "Ola", "lastName": "Nordmann", "customer": {"id": owner["id"]}},
            {"firstName": "Kari", "lastName": "Nordmann"},
        ],
    )
    assert made.status_code == 201
    ola, kari = made.json()["values"]
    assert ola["displayName"] == "Ola Nordmann" and ola["customer"]["id"] == owner["id"]
    assert _ids(tx, "/v2/contact", customerId=owner["id"]) == [ola["id"]]
    assert _ids(tx, "/v2/contact", firstName="ar") == [kari["id"]]
    assert tx.delete(tx.u(f"/v2/contact/{ola['id']}")).status_code == 405  # no single DELETE
    unknown = tx.delete(tx.u("/v2/contact/list"), params={"ids": f"{ola['id']},1"})
    assert unknown.status_code == 404 and len(_ids(tx, "/v2/contact")) == 2
    gone = tx.delete(tx.u("/v2/contact/list"), params={"ids": f"{ola['id']},{kari['id']}"})
    assert gone.status_code == 204 and _ids(tx, "/v2/contact") == []


def test_07_products_price_by_vat_type_and_keep_numbers_unique(tx):
    def post(**body):
        return tx.post(tx.u("/v2/product"), json={"name": "Vare", **body})

    plain = post(number="1001", priceExcludingVatCurrency=24900).json()["value"]
    assert plain["number"] == "1001"
    assert plain["priceIncludingVatCurrency"] == 31125
    assert plain["vatType"] == vat(tx, "3") | {"url": plain["vatType"]["url"]}
    food = post(number="1002", priceIncludingVatCurrency=115, vatType=vat(tx, "31")).json()
    assert food["value"]["priceExcludingVatCurrency"] == 100
    food = food["value"]
    duplicate = post(number="1001").json()
    assert (duplicate["status"], duplicate["validationMessages"][0]["field"]) == (422, "number")
    retired = post(number="1003", isInactive=True).json()["value"]
    assert _ids(tx, "/v2/product", productNumber=["1001", "1003"]) == [plain["id"], retired["id"]]
    assert _ids(tx, "/v2/product", isInactive="false") == [plain["id"], food["id"]]
    batch = tx.put(tx.u("/v2/product/list"), json=[{"id": food["id"], "name": "Mat"}])
    assert batch.json()["values"][0]["name"] == "Mat"


def test_08_an_order_needs_customer_and_dates_and_embeds_priced_lines(tx):
    buyer = customer(tx)
    missing = tx.post(tx.u("/v2/order"), json={"orderDate": DAY}).json()
    assert {m["field"] for m in missing["validationMessages"]} == {"customer", "deliveryDate"}
    order = tx.post(
        tx.u("/v2/order"),
        params={"fields": "*,orderLines(*)"},
        json={
            "customer": {"id": buyer["id"]},
            "orderDate": DAY,
            "deliveryDate": DAY,
            "orderLines": [
                {
                    "description": "Rådgivning",
                    "count": 2,
                    "unitPriceExcludingVatCurrency": 1000,
                    "vatType": vat(tx, "3"),
                },
                {
                    "description": "Bok",
                    "count": 1,
                    "unitPriceExcludingVatCurrency": 100,
                    "vatType": vat(tx, "33"),
                    "discount": 10,
                },
            ],
        },
    ).json()["value"]
    assert isinstance(order["number"], str) and order["customerName"] == "Faktura AS"
    first, second = order["orderLines"]
    totals = lambda line: (line["amountExcludingVatCurrency"], line["amountIncludingVatCurrency"])
    assert totals(first) == (2000, 2500)
    assert first["unitPriceIncludingVatCurrency"] == 1250
    assert totals(second) == (90, 100.8)
    assert first["order"]["id"] == order["id"]


def test_08_orders_priced_including_vat_want_prices_including_vat(tx):
    buyer = customer(tx)
    base = {
        "customer": {"id": buyer["id"]},
        "orderDate": DAY,
        "deliveryDate": DAY,
        "isPrioritizeAmountsIncludingVat": True,
    }
    incl = tx.post(
        tx.u("/v2/order"),
        params={"fields": "*,orderLines(*)"},
        json=dict(
            base,
            orderLines=[{"count": 1, "unitPriceIncludingVatCurrency": 125, "vatType": vat(tx)}],
        ),
    ).json()["value"]
    assert incl["orderLines"][0]["amountExcludingVatCurrency"] == 100
    wrong = tx.post(
        tx.u("/v2/order"),
        json=dict(base, orderLines=[{"count": 1, "unitPriceExcludingVatCurrency": 100}]),
    ).json()
    assert wrong["validationMessages"][0]["message"] == (
        "The unit price must be inclusive VAT since the unit price on the order is inclusive VAT."
    )
    project = tx.post(
        tx.u("/v2/order"), json=dict(base, orderLines=[{"count": 1, "project": {"id": 1}}])
    ).json()
    assert project["status"] == 422


def test_08_listing_orders_needs_the_date_range_and_orders_come_in_batches(tx):
    buyer = customer(tx)
    batch = tx.post(
        tx.u("/v2/order/list"),
        json=[
            {
                "customer": {"id": buyer["id"]},
                "orderDate": day,
                "deliveryDate": day,
                "orderLines": [{"count": 1, "unitPriceExcludingVatCurrency": 10}],
            }
            for day in ("2026-11-23", DAY)
        ],
    )
    assert batch.status_code == 201
    made = batch.json()["values"]
    assert all(len(o["orderLines"]) == 1 for o in made)
    refused = tx.get(tx.u("/v2/order")).json()
    assert {m["field"] for m in refused["validationMessages"]} == {"orderDateFrom", "orderDateTo"}
    # From and including, to and excluding.
    assert _ids(tx, "/v2/order", orderDateFrom=DAY, orderDateTo="2026-11-25") == [made[1]["id"]]
    assert _ids(tx, "/v2/order", orderDateFrom="2026-11-23", orderDateTo=DAY) == [made[0]["id"]]


def test_08_put_on_an_order_saves_lines_only_when_asked(make_sandbox):
    """PUT /order/{id} with orderLines and the default updateLinesAndGroups=false saves none of
    them; with true the lines sent replace the others. Spec, PUT /order/{id}: "Should order
    lines and order groups be saved and not included lines/groups be removed?" (the sandbox
    setting put_order_lines_need_flag; fidelity-findings A6, E15)."""
    for need_flag in (True, False):
        api = make_sandbox(put_order_lines_need_flag=need_flag)
        tx = api.login()
        order = tx.post(
            tx.u("/v2/order"),
            json={
                "customer": {"id": customer(tx)["id"]},
                "orderDate": DAY,
                "deliveryDate": DAY,
                "orderLines": [{"description": "A", "count": 1}],
            },
        ).json()["value"]
        url = tx.u(f"/v2/order/{order['id']}")
        put = tx.put(url, json={"orderLines": [{"description": "B", "count": 1}]})
        assert put.status_code == 200
        added = put.json()["value"]
        assert len(added["orderLines"]) == (1 if need_flag else 2)
        replaced = tx.put(
            url,
            params={"updateLinesAndGroups": "true"},
            json={"orderLines": [{"description": "C", "count": 1}]},
        ).json()["value"]
        assert len(replaced["orderLines"]) == 1 and replaced["version"] > added["version"]
        (kept,) = replaced["orderLines"]
        assert (
            tx.get(tx.u(f"/v2/order/orderline/{kept['id']}")).json()["value"]["description"] == "C"
        )
