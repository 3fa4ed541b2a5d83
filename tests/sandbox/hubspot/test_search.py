"""Search: operators, groups, both sort forms, string `after`, the 200/10,000 caps, 5 a second."""

import pytest

S = "/crm/objects/2026-03/companies/search"


def search(hs, *filters, groups=None, **extra):
    body = {
        "filterGroups": groups if groups is not None else [{"filters": list(filters)}],
        "properties": ["name", "city", "orgnr"],
        "limit": 200,
        "after": "0",
        "sorts": [],
        **extra,
    }
    reply = hs.post(S, json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def names(body):
    return {r["properties"]["name"] for r in body["results"]}


@pytest.mark.parametrize(
    "spec,expected",
    [
        ({"propertyName": "city", "operator": "EQ", "value": "tromsø"}, 2),
        ({"propertyName": "city", "operator": "NEQ", "value": "Oslo"}, 22),
        ({"propertyName": "city", "operator": "IN", "values": ["Oslo", "Bergen"]}, 4),
        ({"propertyName": "city", "operator": "NOT_IN", "values": ["Oslo", "Bergen"]}, 21),
        ({"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "energi"}, 1),
        ({"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "fjord*"}, 1),
        ({"propertyName": "orgnr", "operator": "HAS_PROPERTY"}, 25),
        ({"propertyName": "industry", "operator": "NOT_HAS_PROPERTY"}, 25),
    ],
)
def test_filter_operators(hs, spec, expected):
    assert search(hs, spec)["total"] == expected


def test_numeric_comparisons_and_between(hs):
    def count(*filters):
        return hs.post(
            "/crm/objects/2026-03/products/search",
            json={
                "filterGroups": [{"filters": list(filters)}],
                "properties": ["price"],
                "limit": 100,
                "after": "0",
                "sorts": [],
            },
        ).json()["total"]

    assert count({"propertyName": "price", "operator": "GT", "value": "2990"}) == 3
    assert count({"propertyName": "price", "operator": "GTE", "value": "2990"}) == 4
    assert count({"propertyName": "price", "operator": "LT", "value": "199"}) == 2
    assert count({"propertyName": "price", "operator": "LTE", "value": "199"}) == 3
    assert (
        count({"propertyName": "price", "operator": "BETWEEN", "value": "300", "highValue": "2500"})
        == 3
    )


def test_groups_are_ored_and_filters_anded(hs):
    body = search(
        hs,
        groups=[
            {
                "filters": [
                    {"propertyName": "city", "operator": "EQ", "value": "Oslo"},
                    {"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "aurora"},
                ]
            },
            {"filters": [{"propertyName": "city", "operator": "EQ", "value": "Bergen"}]},
        ],
    )
    assert names(body) == {"Aurora Helse AS", "Fjordkraft Energi AS"}


def test_sorts_accept_object_and_string_forms(hs):
    by_object = search(hs, sorts=[{"propertyName": "name", "direction": "DESCENDING"}])
    by_string = search(hs, sorts=["-name"])
    ordered = [r["properties"]["name"] for r in by_object["results"]]
    assert ordered == sorted(ordered, reverse=True)
    assert [r["id"] for r in by_string["results"]] == [r["id"] for r in by_object["results"]]


def test_paging_uses_a_string_after_and_covers_everything_once(hs, clock):
    seen, after = [], "0"
    while after:
        clock.advance(1)  # stay under five searches a second
        body = hs.post(
            S, json={"filterGroups": [], "properties": [], "limit": 10, "after": after, "sorts": []}
        ).json()
        seen += [r["id"] for r in body["results"]]
        after = body.get("paging", {}).get("next", {}).get("after")
        assert after is None or isinstance(after, str)
    assert len(seen) == len(set(seen)) == 25


def test_page_size_and_the_10000_result_cap(hs, clock):
    assert hs.post(S, json={"filterGroups": [], "limit": 201, "after": "0"}).status_code == 400
    assert hs.post(S, json={"filterGroups": [], "limit": 200, "after": "9800"}).status_code == 200
    beyond = hs.post(S, json={"filterGroups": [], "limit": 200, "after": "9900"})
    assert beyond.status_code == 400 and beyond.json()["category"] == "VALIDATION_ERROR"


HAS_CITY = {"propertyName": "city", "operator": "HAS_PROPERTY"}


@pytest.mark.parametrize(
    "groups,status",
    [
        ([[HAS_CITY] * 6] * 3, 200),  # 18 filters in all: the most allowed
        ([[HAS_CITY] * 5] * 4, 400),  # 20 filters
        ([[HAS_CITY]] * 6, 400),  # six groups; five at most
        ([[HAS_CITY] * 7], 400),  # seven in one group; six at most
    ],
)
def test_filter_count_limits(hs, groups, status):
    reply = hs.post(
        S, json={"filterGroups": [{"filters": g} for g in groups], "limit": 1, "after": "0"}
    )
    assert reply.status_code == status


def test_one_sort_only_and_a_query_of_at_most_3000_characters(hs, clock):
    by = {"propertyName": "name", "direction": "ASCENDING"}
    assert hs.post(S, json={"filterGroups": [], "sorts": [by, by]}).status_code == 400
    assert hs.post(S, json={"filterGroups": [], "query": "x" * 3001}).status_code == 400
    clock.advance(1)
    found = hs.post(S, json={"filterGroups": [], "query": "lofotfisk"}).json()
    assert [r["properties"]["name"] for r in found["results"]] == ["Lofotfisk Eksport AS"]


def test_archived_records_never_appear_once_the_index_has_caught_up(hs, sb, clock):
    hit = search(hs, {"propertyName": "name", "operator": "EQ", "value": "Aurora Helse AS"})
    hs.delete(f"/crm/objects/2026-03/companies/{hit['results'][0]['id']}")
    clock.advance(sb.settings["search_lag_seconds"])
    assert (
        search(hs, {"propertyName": "name", "operator": "EQ", "value": "Aurora Helse AS"})["total"]
        == 0
    )


def test_search_is_limited_to_five_a_second_and_sends_no_rate_limit_headers(hs, clock):
    clock.freeze()  # the second must not roll over while the six calls are made
    replies = [hs.post(S, json={"filterGroups": [], "limit": 1, "after": "0"}) for _ in range(6)]
    assert [r.status_code for r in replies] == [200] * 5 + [429]
    assert replies[5].json()["errorType"] == "RATE_LIMIT"
    assert not any(h.startswith("X-HubSpot-RateLimit") for h in replies[0].headers)
    clock.advance(1)
    assert hs.post(S, json={"filterGroups": [], "limit": 1, "after": "0"}).status_code == 200
