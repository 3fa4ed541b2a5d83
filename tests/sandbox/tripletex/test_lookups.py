"""Finding customers and products as Tripletex's parameters are typed: isInactive a boolean,
exact equals, productNumber an array, number integers only, and /list errors naming the item
(issue "Sandboxes, round 2", item 4; fidelity-findings A1, A4, A16)."""

from .flows import customer


def _ids(tx, path, **params):
    response = tx.get(tx.u(path), params=params)
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["values"]]


def test_an_empty_is_inactive_reads_as_false_so_everyone_takes_two_queries(tx):
    """isInactive is "boolean, default false, Equals" (spec); a Java Boolean reads an empty
    value as false, so `isInactive=` finds the active customers only (the stricter reading of
    an UNCONFIRMED point, fidelity-findings A1 and E10)."""
    active = customer(tx, name="Aktiv AS")
    inactive = customer(tx, name="Sovende AS", isInactive=True)
    assert _ids(tx, "/v2/customer", isInactive="") == [active["id"]]
    everyone = _ids(tx, "/v2/customer", isInactive="false") + _ids(
        tx, "/v2/customer", isInactive="true"
    )
    assert everyone == [active["id"], inactive["id"]]
    assert _ids(tx, "/v2/customer", isInactive="yes") == [active["id"]]  # only "true" is true


def test_organisation_number_and_email_match_exactly_as_stored(tx):
    """organizationNumber and email are "Equals" (spec): no normalising of spaces or case, so
    a sync normalises before it compares (fidelity-findings A1)."""
    made = customer(tx, name="Presis AS", organizationNumber="923609016", email="Post@Presis.no")
    assert _ids(tx, "/v2/customer", organizationNumber="923609016") == [made["id"]]
    assert _ids(tx, "/v2/customer", organizationNumber="923 609 016") == []
    assert _ids(tx, "/v2/customer", email="Post@Presis.no") == [made["id"]]
    assert _ids(tx, "/v2/customer", email="post@presis.no") == []
    assert _ids(tx, "/v2/customer", invoiceEmail="Post@Presis.no") == []


def test_product_number_is_an_array_and_number_takes_integers_only(tx):
    """productNumber is `type: array` of strings, sent as repeated parameters; the deprecated
    number is a "List of product numbers (Integer only)" (spec, GET /product); comma lists of
    integers OR (OBSERVED, tripletex-api.md §4.2)."""
    made = {}
    for number in ("CONS-HOUR", "SUPP-MONTH", "1001", "1003"):
        response = tx.post(tx.u("/v2/product"), json={"name": number, "number": number})
        made[number] = response.json()["value"]["id"]
    both = _ids(tx, "/v2/product", productNumber=["CONS-HOUR", "SUPP-MONTH"])
    assert both == [made["CONS-HOUR"], made["SUPP-MONTH"]]
    assert _ids(tx, "/v2/product", productNumber="CONS-HOUR,SUPP-MONTH") == []  # one value
    assert _ids(tx, "/v2/product", number="1001,1003") == [made["1001"], made["1003"]]
    refused = tx.get(tx.u("/v2/product"), params={"number": "CONS-HOUR"}).json()
    assert (refused["status"], refused["validationMessages"][0]["field"]) == (422, "number")


def test_a_list_write_names_the_failing_item_by_index_and_writes_nothing(tx):
    """OBSERVED in a real POST /product/list: {"field":"number","message":"Produktnummeret
    4982 er i bruk.","path":"[0].number","rootId":0} (fidelity-findings A4)."""
    tx.post(tx.u("/v2/product"), json={"name": "Først", "number": "4982"})
    refused = tx.post(
        tx.u("/v2/product/list"),
        json=[{"name": "Ny", "number": "4983"}, {"name": "Kopi", "number": "4982"}],
    ).json()
    assert refused["validationMessages"] == [
        {
            "field": "number",
            "message": "Produktnummeret 4982 er i bruk.",
            "path": "[1].number",
            "rootId": 0,
        }
    ]
    assert len(_ids(tx, "/v2/product")) == 1
    unnamed = tx.post(tx.u("/v2/customer/list"), json=[{"email": "x@y.no"}]).json()
    assert unnamed["validationMessages"][0]["path"] == "[0].name"
    single = tx.post(tx.u("/v2/customer"), json={"email": "x@y.no"}).json()
    assert single["validationMessages"][0] | {} == {
        "field": "name",
        "message": "Feltet må fylles ut.",
        "path": "name",
        "rootId": None,
    }
    assert _ids(tx, "/v2/customer") == []


def test_countries_are_found_by_iso_code_and_their_ids_are_not_the_codes(tx):
    """`GET /country` with `code` (an ISO code, brief §5.8) for `Address.country`; the spec's
    Country carries isoAlpha2Code, isoAlpha3Code and isoNumericCode. Tripletex's ids for them
    are not on the record, so the sandbox's differ from the ISO numbers (578 is Norway's)."""
    found = tx.get(
        tx.u("/v2/country"), params={"code": "NO,SE", "fields": "id,isoAlpha2Code,isoNumericCode"}
    )
    assert found.status_code == 200, found.text
    rows = {r["isoAlpha2Code"]: r for r in found.json()["values"]}
    assert set(rows) == {"NO", "SE"}
    assert rows["NO"]["id"] != int(rows["NO"]["isoNumericCode"])
    norway = tx.get(tx.u(f"/v2/country/{rows['NO']['id']}")).json()["value"]
    assert (norway["name"], norway["isoAlpha3Code"]) == ("Norge", "NOR")


def test_an_address_in_a_country_that_does_not_exist_is_refused(tx):
    """A reference to an object that is not there: "Objektet finnes ikke." (422), as for every
    other reference the sandbox checks."""
    refused = tx.post(
        tx.u("/v2/customer"),
        json={"name": "Utland AS", "postalAddress": {"city": "X", "country": {"id": 578}}},
    )
    assert refused.status_code == 422
    assert refused.json()["validationMessages"][0]["message"] == "Objektet finnes ikke."
