"""Batch create is all or nothing unless every input carries objectWriteTraceId.

"For the object APIs' batch create endpoints, you can enable multi status responses that
include partial failures. This means the response will show which records were created and
which were not. To do so, include a unique objectWriteTraceId value for each input"
(https://developers.hubspot.com/docs/api-reference/latest/error-handling; fidelity-findings
B2). Batch update and read keep answering each input on its own, with a 207.
"""

import requests

from .conftest import DEMO

O = "/crm/objects/2026-03"
UI = f"/_sandbox/portals/{DEMO}/objects"


def _names(base):
    return {p["properties"]["name"] for p in requests.get(f"{base}{UI}/products").json()["results"]}


def test_one_bad_input_without_trace_ids_fails_the_whole_batch_and_writes_nothing(hs, base):
    """Without objectWriteTraceId there is no multi-status: the batch fails (error handling)."""
    before = _names(base)
    reply = hs.post(
        f"{O}/products/batch/create",
        json={
            "inputs": [
                {"properties": {"name": "Gyldig"}, "associations": []},
                {"properties": {"name": "Ugyldig", "bogus": "1"}, "associations": []},
            ]
        },
    )
    body = reply.json()
    assert reply.status_code == 400 and body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    assert _names(base) == before


def test_trace_ids_on_only_some_inputs_do_not_enable_partial_success(hs, base):
    before = _names(base)
    reply = hs.post(
        f"{O}/products/batch/create",
        json={
            "inputs": [
                {"properties": {"name": "A"}, "associations": []},
                {"properties": {"name": "B", "bogus": "1"}, "objectWriteTraceId": "b"},
            ]
        },
    )
    assert reply.status_code == 400 and _names(base) == before


def test_with_a_trace_id_on_every_input_the_valid_ones_are_created_and_failures_named(hs, base):
    """A unique objectWriteTraceId per input enables the 207 (error-handling guide)."""
    reply = hs.post(
        f"{O}/products/batch/create",
        json={
            "inputs": [
                {"properties": {"name": "Spor A"}, "objectWriteTraceId": "trace-a"},
                {"properties": {"name": "Spor B", "bogus": "1"}, "objectWriteTraceId": "trace-b"},
                {"properties": {"name": "Spor C", "price": "mye"}, "objectWriteTraceId": "trace-c"},
            ]
        },
    )
    body = reply.json()
    assert reply.status_code == 207 and body["numErrors"] == 2
    assert [(r["properties"]["name"], r["objectWriteTraceId"]) for r in body["results"]] == [
        ("Spor A", "trace-a")
    ]
    assert [e["context"]["objectWriteTraceId"] for e in body["errors"]] == [
        ["trace-b"],
        ["trace-c"],
    ]
    assert {"Spor A"} == _names(base) & {"Spor A", "Spor B", "Spor C"}


def test_a_unique_value_twice_in_one_batch_fails_it_and_a_taken_one_answers_409(hs, base):
    email = requests.get(f"{base}{UI}/contacts").json()["results"][0]["properties"]["email"]
    twice = hs.post(
        f"{O}/contacts/batch/create",
        json={"inputs": [{"properties": {"email": "to@gang.no"}}] * 2},
    )
    assert twice.status_code == 400
    taken = hs.post(
        f"{O}/contacts/batch/create",
        json={
            "inputs": [{"properties": {"email": "ny@gang.no"}}, {"properties": {"email": email}}]
        },
    )
    assert taken.status_code == 409 and taken.json()["message"].startswith(
        "Contact already exists."
    )
    emails = {
        c["properties"]["email"] for c in requests.get(f"{base}{UI}/contacts").json()["results"]
    }
    assert not {"to@gang.no", "ny@gang.no"} & emails


def test_batch_update_and_read_still_answer_each_input_with_207(hs):
    ids = [p["id"] for p in hs.get(f"{O}/products?limit=2").json()["results"]]
    updated = hs.post(
        f"{O}/products/batch/update",
        json={
            "inputs": [
                {"id": ids[0], "properties": {"price": "10"}},
                {"id": "999", "properties": {"price": "10"}},
                {"id": ids[1], "properties": {"bogus": "x"}},
            ]
        },
    )
    assert updated.status_code == 207 and updated.json()["numErrors"] == 2
    assert [r["id"] for r in updated.json()["results"]] == [ids[0]]
    assert hs.get(f"{O}/products/{ids[0]}?properties=price").json()["properties"]["price"] == "10"
    read = hs.post(
        f"{O}/products/batch/read",
        json={
            "inputs": [{"id": ids[0]}, {"id": "999"}],
            "properties": ["price"],
            "propertiesWithHistory": [],
        },
    )
    assert read.status_code == 207 and read.json()["errors"][0]["context"]["ids"] == ["999"]
