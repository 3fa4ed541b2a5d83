"""Brief §9 items 5-6 over real HTTP: fields, sorting, paging, digests, the cap; versions."""

from webapp.sandbox.tripletex.schemas import new_object


def _customers(tx, count: int, prefix: str = "Kunde") -> list[dict]:
    created = []
    for start in range(0, count, 100):
        batch = [{"name": f"{prefix} {n:04d}"} for n in range(start, min(count, start + 100))]
        response = tx.post(tx.u("/v2/customer/list"), json=batch)
        assert response.status_code == 201, response.text
        created += response.json()["values"]
    return created


def test_05_fields_pick_expand_and_keep_nested_objects_as_stubs(tx):
    customer = tx.post(
        tx.u("/v2/customer"),
        json={"name": "Felt AS", "postalAddress": {"addressLine1": "Gata 1", "city": "Oslo"}},
    ).json()
    url = tx.u(f"/v2/customer/{customer['value']['id']}")
    shaped = tx.get(url, params={"fields": "id,name,currency(code,factor),postalAddress(*)"})
    value = shaped.json()["value"]
    assert set(value) == {"id", "name", "currency", "postalAddress"}
    assert value["currency"] == {"code": "NOK", "factor": 1}
    assert value["postalAddress"]["city"] == "Oslo" and "addressLine2" in value["postalAddress"]
    everything = tx.get(url, params={"fields": "*"}).json()["value"]
    assert everything["currency"] == {"id": 1, "url": f"{tx.api.host}/v2/currency/1"}
    assert "changes" not in everything
    changes = tx.get(url, params={"fields": "id,changes"}).json()["value"]["changes"]
    assert [c["changeType"] for c in changes] == ["CREATE"]
    assert changes[0]["timestamp"].startswith("2026-11-24T") and changes[0]["employeeId"] > 0


def test_05_an_unknown_field_name_gives_400(tx):
    for fields in ("id,productNumber", "*,currency(nope)", "*,payments(*)"):
        body = tx.get(tx.u("/v2/customer"), params={"fields": fields}).json()
        assert (body["status"], body["code"]) == (400, 11000)


def test_05_paging_defaults_to_1000_and_full_result_size_is_not_a_total(tx):
    _customers(tx, 1001)
    first = tx.get(tx.u("/v2/customer"), params={"fields": "id"}).json()
    assert (first["from"], first["count"], first["fullResultSize"]) == (0, 1000, 1001)
    small = tx.get(tx.u("/v2/customer"), params={"fields": "id", "count": 5}).json()
    assert (small["count"], small["fullResultSize"]) == (5, 6)  # count+1 while more exist
    middle = tx.get(tx.u("/v2/customer"), params={"fields": "id", "from": 10, "count": 5}).json()
    assert middle["fullResultSize"] == 16
    assert [c["id"] for c in middle["values"]] == [c["id"] for c in first["values"][10:15]]
    last = tx.get(tx.u("/v2/customer"), params={"fields": "id", "from": 1000}).json()
    assert (last["count"], last["fullResultSize"]) == (1, 1001)  # exact only at the end


def test_05_sorting_takes_a_list_with_minus_for_descending(tx):
    for name, number in (("B AS", "+47 1"), ("A AS", "+47 2"), ("B AS", "+47 0")):
        tx.post(tx.u("/v2/customer"), json={"name": name, "phoneNumber": number})
    rows = tx.get(
        tx.u("/v2/customer"), params={"sorting": "-name,phoneNumber", "fields": "name,phoneNumber"}
    ).json()["values"]
    assert [(r["name"], r["phoneNumber"]) for r in rows] == [
        ("B AS", "+47 0"),
        ("B AS", "+47 1"),
        ("A AS", "+47 2"),
    ]


def test_05_if_none_match_gives_304_until_the_list_changes(tx):
    _customers(tx, 3)
    digest = tx.get(tx.u("/v2/customer"), headers={"If-None-Match": "x"}).json()["versionDigest"]
    assert digest and digest != "'If-None-Match' header not specified"
    unchanged = tx.get(tx.u("/v2/customer"), headers={"If-None-Match": digest})
    assert unchanged.status_code == 304 and unchanged.content == b""
    tx.post(tx.u("/v2/customer"), json={"name": "Ny AS"})
    changed = tx.get(tx.u("/v2/customer"), headers={"If-None-Match": digest})
    assert changed.status_code == 200 and changed.json()["versionDigest"] != digest
    empty = tx.get(
        tx.u("/v2/customer"), params={"customerName": "ingen"}, headers={"If-None-Match": digest}
    ).json()
    assert empty["versionDigest"] is None  # "null if no result"


def test_05_more_matches_than_the_cap_give_422_code_23000(make_sandbox):
    api = make_sandbox(result_cap=12)
    tx = api.login()
    _customers(tx, 12)
    assert tx.get(api.url("/v2/customer"), params={"count": 1}).status_code == 200
    tx.post(api.url("/v2/customer"), json={"name": "Nummer 13"})
    capped = tx.get(api.url("/v2/customer"), params={"count": 1}).json()
    assert (capped["status"], capped["code"]) == (422, 23000)
    assert capped["message"] == "Result set too large. Limit of 12 reached."
    narrowed = tx.get(api.url("/v2/customer"), params={"customerName": "Nummer"}).json()
    assert narrowed["count"] == 1


def test_05_the_cap_is_10_000_rows_by_default(api):
    tx = api.login()
    rows = api.state.table(tx.company["id"], "customer")
    with api.state.lock:  # 10,001 rows at once; over HTTP it would take minutes
        for n in range(10_001):
            rows[n + 1] = dict(new_object("customer"), id=n + 1, name=f"Kunde {n}")
    capped = tx.get(api.url("/v2/customer"), params={"count": 1, "fields": "id"}).json()
    assert (capped["code"], capped["message"]) == (
        23000,
        "Result set too large. Limit of 10.000 reached.",
    )
    with api.state.lock:
        rows.pop(1)
    assert tx.get(api.url("/v2/customer"), params={"count": 1, "fields": "id"}).status_code == 200


def test_06_objects_have_large_ids_and_versions_that_count_changes(tx):
    customer = tx.post(tx.u("/v2/customer"), json={"name": "Versjon AS", "email": "a@b.no"})
    assert customer.status_code == 201
    value = customer.json()["value"]
    assert value["id"] > 100_000_000 and value["version"] == 0
    url = tx.u(f"/v2/customer/{value['id']}")
    first = tx.put(url, json={"version": 0, "phoneNumber": "+47 22 00 00 00"}).json()["value"]
    assert (first["version"], first["email"], first["name"]) == (1, "a@b.no", "Versjon AS")
    second = tx.put(url, json={"description": "uten versjon"}).json()["value"]  # version optional
    assert (second["version"], second["phoneNumber"]) == (2, "+47 22 00 00 00")
    stale = tx.put(url, json={"version": 1, "name": "Gammel"})
    body = stale.json()
    assert (stale.status_code, body["code"]) == (409, 8000)
    assert tx.get(url).json()["value"]["name"] == "Versjon AS"


def test_06_post_with_an_id_is_refused_and_a_batch_is_all_or_nothing(tx):
    with_id = tx.post(tx.u("/v2/customer"), json={"id": 5, "name": "Ny"}).json()
    assert (with_id["status"], with_id["code"]) == (422, 18000)
    assert with_id["validationMessages"][0] == {
        "field": "id",
        "message": "ID kan ikke settes når man oppretter et objekt.",
        "path": "id",
        "rootId": None,
    }
    batch = tx.post(tx.u("/v2/customer/list"), json=[{"name": "En"}, {"id": 7, "name": "To"}])
    assert batch.status_code == 422
    made = tx.post(tx.u("/v2/customer/list"), json=[{"name": "Par 0000"}, {"name": "Par 0001"}])
    assert made.json()["fullResultSize"] == 0  # as Tripletex answers batches
    a, b = made.json()["values"]
    stale = tx.put(
        tx.u("/v2/customer/list"),
        json=[
            {"id": a["id"], "version": 0, "description": "ny"},
            {"id": b["id"], "version": 5, "description": "ny"},
        ],
    )
    assert (stale.status_code, stale.json()["code"]) == (409, 8000)
    names = {
        c["name"]: c["description"]
        for c in tx.get(tx.u("/v2/customer"), params={"fields": "name,description"}).json()[
            "values"
        ]
    }
    assert names == {"Par 0000": "", "Par 0001": ""}
