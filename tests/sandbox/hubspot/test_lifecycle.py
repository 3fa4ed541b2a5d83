"""Merging records, restoring one, deleting a contact for privacy, and the events they fire.

Sources: the merge endpoints of the 2026-03 contacts, companies and deals specs
(PublicMergeInput: primaryObjectId, objectIdToMerge); the gdpr-delete endpoint of the
contacts spec ("If email address is not found, the email address will be added to a
blocklist"); the webhooks guide's merge fields ("primaryObjectId: The ID of the merge winner
... mergedObjectIds ... newObjectId: The ID of the record that is created as a result of the
merge ... numberOfPropertiesMoved") and privacy deletions ("A privacy deletion event will also
trigger the contact deletion event"); the changelog "New subscription types for Webhooks"
(merge, restore: "No new payload properties were added for restore"); hubspot-facts §1.1 on
hubEvents; fidelity-findings B9, C2 and Part E item 9.
"""

import requests

from .conftest import DEMO

O = "/crm/objects/2026-03"
UI = f"/_sandbox/portals/{DEMO}/objects"


def _subscribe(base, receiver, crm=(), legacy=(), hub=()):
    document = {
        "uid": "webhooks",
        "type": "webhooks",
        "config": {
            "settings": {
                "targetUrl": f"{receiver.url}/hubspot/webhooks",
                "maxConcurrentRequests": 10,
            },
            "subscriptions": {
                "crmObjects": [
                    {"subscriptionType": f"object.{kind}", "objectType": kind_type, "active": True}
                    for kind, kind_type in crm
                ],
                "legacyCrmObjects": [{"subscriptionType": s, "active": True} for s in legacy],
                "hubEvents": [{"subscriptionType": s, "active": True} for s in hub],
            },
        },
    }
    reply = requests.put(f"{base}/_sandbox/webhooks/config", json=document)
    assert reply.status_code == 200, reply.text
    return reply.json()


def _two_contacts(hs):
    a = hs.post(
        f"{O}/contacts", json={"properties": {"email": "a@flett.no", "firstname": "Anne"}}
    ).json()
    b = hs.post(
        f"{O}/contacts", json={"properties": {"email": "b@flett.no", "jobtitle": "Sjef"}}
    ).json()
    return a["id"], b["id"]


def test_a_merge_answers_the_survivor_and_both_old_ids_read_as_it(hs, base, sb, receiver):
    """object.merge has primaryObjectId, mergedObjectIds, newObjectId, numberOfPropertiesMoved."""
    _subscribe(base, receiver, crm=[("merge", "contact")], legacy=["contact.merge"])
    a, b = _two_contacts(hs)
    company = hs.get(f"{O}/companies?limit=1").json()["results"][0]["id"]
    hs.put(f"{O}/contacts/{b}/associations/default/companies/{company}")
    merged = hs.post(f"{O}/contacts/merge", json={"primaryObjectId": a, "objectIdToMerge": b})
    assert merged.status_code == 200
    survivor = merged.json()
    new_id = survivor["id"]
    assert new_id not in (a, b)  # merge_creates_new_id, the default
    assert survivor["properties"]["email"] == "a@flett.no"  # the primary's value wins
    assert survivor["properties"]["jobtitle"] == "Sjef"  # the gap is filled from the other
    assert set(survivor["properties"]["hs_merged_object_ids"].split(";")) == {a, b}
    for old in (a, b):
        assert hs.get(f"{O}/contacts/{old}").json()["id"] == new_id
    links = hs.get(f"{O}/contacts/{new_id}/associations/companies").json()["results"]
    assert [r["toObjectId"] for r in links] == [company]
    listed = {c["id"] for c in requests.get(f"{base}{UI}/contacts").json()["results"]}
    assert new_id in listed and not {a, b} & listed
    assert sb.webhooks.wait_idle(5)
    events = {e["subscriptionType"]: e for e in receiver.events()}
    generic, legacy = events["object.merge"], events["contact.merge"]
    for event in (generic, legacy):
        assert event["objectId"] == int(new_id) and event["primaryObjectId"] == int(a)
        assert event["mergedObjectIds"] == [int(b)] and event["newObjectId"] == int(new_id)
        assert event["numberOfPropertiesMoved"] == 1
    assert generic["objectTypeId"] == "0-1" and "objectTypeId" not in legacy


def test_a_merge_can_keep_the_primarys_id_by_setting(hs, base):
    requests.post(f"{base}/_sandbox/settings", json={"mergeCreatesNewId": False})
    a, b = _two_contacts(hs)
    merged = hs.post(
        f"{O}/contacts/merge", json={"primaryObjectId": a, "objectIdToMerge": b}
    ).json()
    assert merged["id"] == a and hs.get(f"{O}/contacts/{b}").json()["id"] == a


def test_a_user_merges_companies_in_the_ui_and_merges_are_refused_when_hubspot_refuses(
    hs, base, receiver, sb
):
    _subscribe(base, receiver, crm=[("merge", "company")])
    ids = [c["id"] for c in hs.get(f"{O}/companies?limit=2").json()["results"]]
    reply = requests.post(
        f"{base}{UI}/companies/merge",
        json={"primaryObjectId": ids[0], "objectIdToMerge": ids[1], "userId": 7000002},
    )
    assert reply.status_code == 200
    assert sb.webhooks.wait_idle(5)
    [event] = receiver.events()
    assert (event["changeSource"], event["sourceId"]) == ("CRM_UI", "userId:7000002")
    product = hs.get(f"{O}/products?limit=2").json()["results"]
    no_merge = {"primaryObjectId": product[0]["id"], "objectIdToMerge": product[1]["id"]}
    assert requests.post(f"{base}{UI}/products/merge", json=no_merge).status_code == 400
    same = hs.post(
        f"{O}/companies/merge",
        json={"primaryObjectId": reply.json()["id"], "objectIdToMerge": reply.json()["id"]},
    )
    assert same.status_code == 400


def test_an_archived_record_is_restored_by_a_user_and_fires_object_restore(
    hs, base, sb, receiver, clock
):
    """object.restore adds no payload fields (changelog: new subscription types)."""
    _subscribe(base, receiver, crm=[("restore", "deal")], legacy=["deal.restore"])
    deal = hs.get(f"{O}/deals?limit=1").json()["results"][0]["id"]
    hs.delete(f"{O}/deals/{deal}")
    assert hs.get(f"{O}/deals/{deal}").status_code == 404
    restored = requests.post(f"{base}{UI}/deals/{deal}/restore", json={})
    assert restored.status_code == 200 and restored.json()["archived"] is False
    assert hs.get(f"{O}/deals/{deal}").status_code == 200
    assert sb.webhooks.wait_idle(5)
    events = {e["subscriptionType"]: e for e in receiver.events()}
    assert set(events) == {"object.restore", "deal.restore"}
    assert all(e["objectId"] == int(deal) and "mergedObjectIds" not in e for e in events.values())
    assert (
        requests.post(f"{base}{UI}/deals/{deal}/restore", json={}).status_code == 404
    )  # not archived
    hs.delete(f"{O}/deals/{deal}")
    clock.advance(91 * 86400)
    assert requests.post(f"{base}{UI}/deals/{deal}/restore", json={}).status_code == 404  # too late


def test_a_gdpr_delete_removes_the_contact_for_good_and_fires_both_events(hs, base, sb, receiver):
    """ "A privacy deletion event will also trigger the contact deletion event" (webhooks guide)."""
    status = _subscribe(
        base,
        receiver,
        crm=[("deletion", "contact")],
        legacy=["contact.deletion"],
        hub=["contact.privacyDeletion"],
    )
    assert "contact.privacyDeletion" in [s["subscriptionType"] for s in status["subscriptions"]]
    contact = hs.get(f"{O}/contacts?limit=1").json()["results"][0]["id"]
    assert hs.post(f"{O}/contacts/gdpr-delete", json={"objectId": contact}).status_code == 204
    assert hs.get(f"{O}/contacts/{contact}").status_code == 404
    archived = {c["id"] for c in hs.get(f"{O}/contacts?archived=true").json()["results"]}
    assert contact not in archived
    assert requests.post(f"{base}{UI}/contacts/{contact}/restore", json={}).status_code == 404
    assert sb.webhooks.wait_idle(5)
    kinds = sorted(e["subscriptionType"] for e in receiver.events())
    assert kinds == ["contact.deletion", "contact.privacyDeletion", "object.deletion"]
    assert {e["objectId"] for e in receiver.events()} == {int(contact)}


def test_a_gdpr_delete_by_an_unknown_email_blocks_that_email(hs, base):
    reply = hs.post(
        f"{O}/contacts/gdpr-delete", json={"objectId": "glem@meg.no", "idProperty": "email"}
    )
    assert reply.status_code == 204
    refused = hs.post(f"{O}/contacts", json={"properties": {"email": "glem@meg.no"}})
    assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "BLOCKED_EMAIL"
    contact = requests.get(f"{base}{UI}/contacts").json()["results"][0]["id"]
    assert (
        requests.post(
            f"{base}{UI}/contacts/{contact}/gdpr-delete", json={"userId": 7000001}
        ).status_code
        == 204
    )
    assert hs.get(f"{O}/contacts/{contact}").status_code == 404


def test_hub_events_belong_in_hub_events_and_merge_and_restore_are_accepted(base, receiver):
    status = _subscribe(
        base,
        receiver,
        crm=[("merge", "deal"), ("restore", "deal")],
        hub=["conversation.newMessage"],
    )
    assert [s["subscriptionType"] for s in status["subscriptions"]] == [
        "object.merge",
        "object.restore",
        "conversation.newMessage",
    ]
    misplaced = {
        "config": {
            "settings": {"targetUrl": "https://x.test"},
            "subscriptions": {
                "legacyCrmObjects": [{"subscriptionType": "contact.privacyDeletion"}]
            },
        }
    }
    assert requests.put(f"{base}/_sandbox/webhooks/config", json=misplaced).status_code == 400
