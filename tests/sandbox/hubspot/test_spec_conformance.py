"""Every exchange with the sandbox, and every request the product's client sends, checked
against HubSpot's official 2026-03 specs (see specbook.py for the deviations that follow practice)."""
from __future__ import annotations

import pytest
import requests

from .conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT, authorize
from .specbook import SpecBook

O, A, P = "/crm/objects/2026-03", "/crm/associations/2026-03", "/crm/properties/2026-03"


@pytest.fixture
def book(base):
    return SpecBook(base)


def recording_session(seen: list) -> requests.Session:
    session = requests.Session()
    session.hooks["response"].append(lambda response, *a, **k: seen.append(response))
    return session


def validate_all(book: SpecBook, seen: list) -> None:
    problems = []
    for response in seen:
        try:
            book.check(response)
        except Exception as exc:   # collect every mismatch, then fail once
            problems.append(f"{response.request.method} {response.request.path_url} -> "
                            f"{response.status_code}: {type(exc).__name__}: {exc} "
                            f"{getattr(exc, '__cause__', '')} {response.text[:300]}")
    assert not problems, "\n".join(problems)


def test_oauth_exchanges_match_the_oauth_spec(base, book):
    seen = []
    s = recording_session(seen)
    creds = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    for version in ("2026-03", "v3"):
        token = s.post(f"{base}/oauth/{version}/token", data=dict(
            creds, grant_type="authorization_code", code=authorize(base),
            redirect_uri=REDIRECT)).json()
        s.post(f"{base}/oauth/{version}/token", data=dict(
            creds, grant_type="refresh_token", refresh_token=token["refresh_token"]))
        s.post(f"{base}/oauth/{version}/token", data=dict(
            creds, grant_type="refresh_token", refresh_token="bad"))
        for value, hint in ((token["access_token"], "access_token"),
                            (token["refresh_token"], "refresh_token"), ("x", "access_token")):
            s.post(f"{base}/oauth/{version}/token/introspect",
                   data=dict(creds, token=value, token_type_hint=hint))
        s.post(f"{base}/oauth/{version}/token/revoke",
               data=dict(creds, token=token["refresh_token"], token_type_hint="refresh_token"))
    s.delete(f"{base}/appinstalls/2026-03/external-install",
             headers={"Authorization": f"Bearer {token['access_token']}"})
    assert len(seen) == 15
    validate_all(book, seen)


def test_crm_exchanges_match_the_object_association_property_and_pipeline_specs(base, book, token):
    seen = []
    s = recording_session(seen)
    s.headers["Authorization"] = f"Bearer {token['access_token']}"
    u = base
    company = s.post(f"{u}{O}/companies", json={"properties": {"name": "Spec AS"},
                                               "associations": []}).json()["id"]
    deal = s.get(f"{u}{O}/deals?limit=2&properties=dealname&associations=companies").json()["results"][0]["id"]
    s.get(f"{u}{O}/companies/{company}?properties=name,orgnr")
    s.get(f"{u}{O}/companies/999")
    s.patch(f"{u}{O}/companies/{company}", json={"properties": {"city": "Oslo"}})
    s.post(f"{u}{O}/companies", json={"properties": {"bogus": "1"}, "associations": []})
    s.post(f"{u}{O}/companies/batch/read", json={"inputs": [{"id": company}, {"id": "1"}],
                                                 "properties": ["name"], "propertiesWithHistory": []})
    s.post(f"{u}{O}/companies/batch/read", json={"inputs": [{"id": company}],
                                                 "properties": ["name"], "propertiesWithHistory": []})
    made = s.post(f"{u}{O}/products/batch/create", json={"inputs": [
        {"properties": {"name": "A"}, "associations": []}]}).json()["results"]
    s.post(f"{u}{O}/products/batch/create", json={"inputs": [
        {"properties": {"name": "A"}, "associations": []}, {"properties": {"x": "1"}, "associations": []}]})
    s.post(f"{u}{O}/products/batch/update", json={"inputs": [
        {"id": made[0]["id"], "properties": {"price": "3"}}]})
    s.post(f"{u}{P}/companies", json={"name": "txid", "label": "TX", "groupName": "companyinformation",
                                     "type": "string", "fieldType": "text", "hasUniqueValue": True})
    s.post(f"{u}{O}/companies/batch/upsert", json={"inputs": [
        {"id": "7", "idProperty": "txid", "properties": {"name": "U"}}]})
    s.post(f"{u}{O}/companies", json={"properties": {"txid": "7"}, "associations": []})   # 409
    s.post(f"{u}{O}/companies/search", json={
        "filterGroups": [{"filters": [{"propertyName": "city", "operator": "EQ", "value": "Oslo"}]}],
        "sorts": [{"propertyName": "name", "direction": "ASCENDING"}], "properties": ["name"],
        "limit": 5, "after": "0"})
    s.post(f"{u}{O}/companies/search", json={"filterGroups": [], "properties": [], "limit": 201,
                                              "after": "0", "sorts": []})
    s.put(f"{u}{O}/deals/{deal}/associations/default/companies/{company}")
    s.put(f"{u}{O}/deals/{deal}/associations/companies/{company}",
          json=[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}])
    s.get(f"{u}{O}/deals/{deal}/associations/companies")
    s.post(f"{u}{A}/deals/companies/batch/create", json={"inputs": [
        {"from": {"id": deal}, "to": {"id": company},
         "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}]}]})
    s.post(f"{u}{A}/deals/companies/batch/associate/default", json={"inputs": [
        {"from": {"id": deal}, "to": {"id": company}}]})
    s.post(f"{u}{A}/deals/companies/batch/read", json={"inputs": [{"id": deal}]})
    s.delete(f"{u}{O}/deals/{deal}/associations/companies/{company}")
    s.get(f"{u}{P}/companies")
    s.get(f"{u}{P}/companies/orgnr")
    s.get(f"{u}{P}/companies/groups")
    s.post(f"{u}{P}/companies/groups", json={"name": "tripletex", "label": "Tripletex"})
    s.get(f"{u}/crm/pipelines/2026-03/deals")
    s.get(f"{u}/crm/pipelines/2026-03/deals/default")
    s.get(f"{u}/crm/pipelines/2026-03/deals/default/stages")
    s.delete(f"{u}{O}/companies/{company}")
    s.get(f"{u}{O}/companies", headers={"Authorization": "Bearer expired"})
    assert {r.status_code for r in seen} >= {200, 201, 204, 207, 400, 401, 404, 409}
    validate_all(book, seen)
