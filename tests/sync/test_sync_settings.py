"""A portal's sync settings as stored: read back as written, and never worse than the defaults.

The stored JSON outlives the code that wrote it: a later version may add keys, an older one
may have written values this one no longer accepts. Neither may stop a sync.
"""

from __future__ import annotations

import json

import pytest

from webapp.sync.settings import SyncSettings

CHOSEN = SyncSettings(
    org_number_property="organisasjonsnummer",
    email_property="epost",
    match_rules=("email", "org_number"),
    invalid_org_number="hold",
    paused=True,
    confirmed=True,
    extra={"invoices": {"send": "ehf"}},
)


def test_nothing_stored_is_the_defaults():
    assert SyncSettings.from_stored(None) == SyncSettings.from_stored({}) == SyncSettings()


# The customer sync's settings; later parts add their own beside them.
CUSTOMER_SYNC = (
    "org_number_property",
    "email_property",
    "match_rules",
    "invalid_org_number",
    "paused",
    "confirmed",
)


def test_the_defaults_suit_a_norwegian_company_that_has_not_confirmed_its_first_sync():
    stored = SyncSettings().stored()

    assert {key: stored[key] for key in CUSTOMER_SYNC} == {
        "org_number_property": "orgnr",
        "email_property": "",
        "match_rules": ["org_number", "email", "name"],
        "invalid_org_number": "create_without",
        "paused": False,
        "confirmed": False,
    }


def test_stored_settings_are_plain_json_with_later_parts_beside_them():
    assert CHOSEN.stored() == {
        **SyncSettings().stored(),
        "org_number_property": "organisasjonsnummer",
        "email_property": "epost",
        "match_rules": ["email", "org_number"],
        "invalid_org_number": "hold",
        "paused": True,
        "confirmed": True,
        "invoices": {"send": "ehf"},
    }


def test_stored_settings_read_back_as_they_were_written():
    assert SyncSettings.from_stored(CHOSEN.stored()) == CHOSEN


def test_stored_settings_read_back_through_json():
    """The settings table holds JSON: the rules come back as a list, not a tuple."""
    assert SyncSettings.from_stored(json.loads(json.dumps(CHOSEN.stored()))) == CHOSEN


def test_unknown_keys_are_kept_in_extra_and_stored_again():
    """A later part's settings survive a save by a version that does not know them."""
    stored = {"paused": True, "invoices": {"send": "ehf"}, "products": ["a"]}

    settings = SyncSettings.from_stored(stored)

    assert settings == SyncSettings(
        paused=True, extra={"invoices": {"send": "ehf"}, "products": ["a"]}
    )
    assert settings.stored() == {**SyncSettings().stored(), **stored}


def test_reading_leaves_the_stored_dict_as_it_was():
    stored = {"paused": True, "invoices": {"send": "ehf"}}

    SyncSettings.from_stored(stored)

    assert stored == {"paused": True, "invoices": {"send": "ehf"}}


@pytest.mark.parametrize(
    "key, value",
    [
        ("org_number_property", None),
        ("org_number_property", 5),
        ("email_property", None),
        ("email_property", ["epost"]),
        ("match_rules", None),
        ("match_rules", "name"),
        ("match_rules", []),
        ("match_rules", ["name", "phone"]),
        ("match_rules", [1]),
        ("invalid_org_number", "delete"),
        ("invalid_org_number", None),
        ("paused", "true"),
        ("paused", 1),
        ("paused", 0),
        ("paused", None),
        ("confirmed", "yes"),
    ],
)
def test_a_malformed_value_falls_back_to_its_default_and_is_not_kept_as_extra(key, value):
    assert SyncSettings.from_stored({key: value}) == SyncSettings()


@pytest.mark.parametrize("rules", [[{"rule": "name"}], [["org_number"]]])
def test_match_rules_that_are_not_names_fall_back_to_the_default_rules(rules):
    assert SyncSettings.from_stored({"match_rules": rules}) == SyncSettings()


def test_a_malformed_value_leaves_the_well_formed_ones_as_they_were():
    stored = {"paused": "yes", "email_property": "epost", "match_rules": ["name", "bogus"]}

    assert SyncSettings.from_stored(stored) == SyncSettings(email_property="epost")


def test_the_rules_are_kept_in_the_order_chosen():
    """The first rule that finds anything decides, so the order is the setting."""
    settings = SyncSettings.from_stored({"match_rules": ["name", "org_number"]})

    assert settings.match_rules == ("name", "org_number")


def test_the_deal_defaults_never_send_an_invoice_by_surprise():
    defaults = SyncSettings()
    assert (
        defaults.send_to_customer,
        defaults.invoice_date,
        defaults.due,
        defaults.deal_without_company,
        defaults.unmatched_line_products,
        defaults.deal_without_lines,
        defaults.delivery_date_property,
        defaults.stage_rules,
    ) == (False, "close_date", "customer", "private_customer", "hold", "hold", "closedate", {})


def test_malformed_stage_rules_and_deal_choices_fall_back_to_defaults():
    read = SyncSettings.from_stored(
        {
            "stage_rules": {
                "default": {"stage": "closedwon", "action": "order"},
                "7654321": {"stage": "1001003", "action": "delete"},
                "9": "invoice",
                "10": {"stage": 5, "action": "invoice"},
            },
            "send_type": "CARRIER_PIGEON",
            "due_days": 1000,
            "delivery_date_property": "",
            "send_to_customer": "yes",
        }
    )
    assert read.stage_rules == {"default": {"stage": "closedwon", "action": "order"}}
    defaults = SyncSettings()
    assert (read.send_type, read.due_days, read.delivery_date_property, read.send_to_customer) == (
        defaults.send_type,
        defaults.due_days,
        defaults.delivery_date_property,
        False,
    )
