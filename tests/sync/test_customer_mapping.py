"""A HubSpot company as a Tripletex customer: the payload, its problems, its hash, its changes.

Pure: companies are dicts as HubSpot's API returns them, customers dicts as Tripletex does.
"""

from __future__ import annotations

import pytest

from webapp.portal.problems import Problem
from webapp.sync.mapping.customer import (
    PROPERTIES,
    Customer,
    changes,
    org_number,
    properties,
    to_customer,
)
from webapp.sync.settings import SyncSettings

DEFAULTS = SyncSettings()
WITH_EMAIL = SyncSettings(email_property="epost")

ACME = {
    "name": "Acme AS",
    "orgnr": "923609016",
    "epost": "post@acme.no",
    "phone": "+47 22 00 00 00",
    "website": "https://acme.no",
    "domain": "acme.no",
    "address": "Storgata 1",
    "address2": "3. etasje",
    "zip": "0155",
    "city": "Oslo",
}
ACME_PAYLOAD = {
    "name": "Acme AS",
    "organizationNumber": "923609016",
    "email": "post@acme.no",
    "invoiceEmail": "post@acme.no",
    "phoneNumber": "+47 22 00 00 00",
    "website": "https://acme.no",
    "postalAddress": {
        "addressLine1": "Storgata 1",
        "addressLine2": "3. etasje",
        "postalCode": "0155",
        "city": "Oslo",
    },
}


def company(properties: dict, hubspot_id="123") -> dict:
    return {"id": hubspot_id, "properties": properties}


def customer(properties: dict, settings: SyncSettings = WITH_EMAIL) -> Customer:
    return to_customer(company(properties), settings)


# to_customer


def test_a_company_becomes_a_customer_with_every_field_it_has():
    assert customer(ACME) == Customer(
        "123",
        "Acme AS",
        ACME_PAYLOAD,
        problems=(),
        held=False,
        identifiers={"name": "Acme AS", "organizationNumber": "923609016", "email": "post@acme.no"},
    )


def test_the_hubspot_id_is_kept_as_a_string_whatever_type_it_came_as():
    """Mapping rows key companies by their id as text; an int would never find its row."""
    assert to_customer({"id": 123, "properties": {"name": "Acme AS"}}, DEFAULTS).hubspot_id == "123"


def test_empty_and_blank_values_are_left_out_of_the_payload():
    """Left out, an empty value cannot clear what Tripletex holds (see `changes`)."""
    mapped = customer(
        {
            "name": "Acme AS",
            "orgnr": "  ",
            "epost": "",
            "phone": None,
            "website": " ",
            "domain": None,
            "address": "",
            "zip": "   ",
            "city": None,
        }
    )

    assert (mapped.payload, mapped.problems, mapped.identifiers) == (
        {"name": "Acme AS"},
        (),
        {"name": "Acme AS"},
    )


def test_a_company_with_no_properties_at_all_is_mapped_as_nameless():
    """HubSpot answers `properties: null` for an object read without any; that is not a crash."""
    mapped = to_customer({"id": "9", "properties": None}, DEFAULTS)

    assert (mapped.payload, mapped.held) == ({"name": ""}, True)


def test_values_are_trimmed():
    mapped = customer({"name": "  Acme AS ", "phone": " 22 00 00 00 ", "city": " Oslo\n"})

    assert mapped.payload == {
        "name": "Acme AS",
        "phoneNumber": "22 00 00 00",
        "postalAddress": {"city": "Oslo"},
    }


def test_only_the_address_lines_a_company_has_are_sent():
    mapped = customer({"name": "Acme AS", "zip": "0155", "city": "Oslo"})

    assert mapped.payload["postalAddress"] == {"postalCode": "0155", "city": "Oslo"}


def test_the_email_property_fills_both_the_email_and_the_invoice_email():
    mapped = customer({"name": "Acme AS", "epost": "faktura@acme.no"})

    assert mapped.payload == {
        "name": "Acme AS",
        "email": "faktura@acme.no",
        "invoiceEmail": "faktura@acme.no",
    }


def test_without_an_email_property_no_email_is_sent_whatever_the_company_holds():
    """HubSpot companies have no e-mail by default; guessing a property would send the wrong one."""
    mapped = customer({"name": "Acme AS", "email": "x@acme.no", "epost": "y@acme.no"}, DEFAULTS)

    assert mapped.payload == {"name": "Acme AS"}


def test_the_org_number_is_read_from_the_property_the_settings_name():
    settings = SyncSettings(org_number_property="organisasjonsnummer")
    mapped = to_customer(
        company({"name": "Acme AS", "orgnr": "111", "organisasjonsnummer": "923 609 016"}),
        settings,
    )

    assert (mapped.payload, mapped.problems) == (
        {"name": "Acme AS", "organizationNumber": "923609016"},
        (),
    )


def test_the_domain_stands_in_for_a_missing_website():
    assert customer({"name": "Acme AS", "domain": "acme.no"}).payload == {
        "name": "Acme AS",
        "website": "acme.no",
    }


def test_the_website_wins_over_the_domain():
    mapped = customer({"name": "Acme AS", "domain": "acme.no", "website": "https://www.acme.no/"})

    assert mapped.payload["website"] == "https://www.acme.no/"


def test_a_company_without_a_name_is_held_with_a_problem_naming_it_by_id():
    """Tripletex refuses a customer without a name; the user must fix it in HubSpot."""
    mapped = customer({"orgnr": "923609016", "phone": "22 00 00 00"})

    assert (mapped.name, mapped.held, mapped.problems) == (
        "",
        True,
        (Problem("company_without_name", {"company": "123"}),),
    )


@pytest.mark.parametrize("choice, held", [("create_without", False), ("hold", True)])
def test_an_invalid_org_number_is_left_out_and_reported_and_held_only_if_so_chosen(choice, held):
    settings = SyncSettings(invalid_org_number=choice)
    mapped = to_customer(company({"name": "Acme AS", "orgnr": " 92360901 "}), settings)

    assert (mapped.payload, mapped.held, mapped.problems) == (
        {"name": "Acme AS"},
        held,
        (
            Problem(
                "org_number_invalid",
                {
                    "company": "Acme AS",
                    "value": "92360901",
                    "property": "orgnr",
                    "held": held,
                    "why": "length",
                },
            ),
        ),
    )


def test_a_nameless_company_with_an_invalid_org_number_is_held_for_both_and_named_by_id():
    mapped = to_customer(company({"orgnr": "12"}), DEFAULTS)

    assert (mapped.held, mapped.problems) == (
        True,
        (
            Problem("company_without_name", {"company": "123"}),
            Problem(
                "org_number_invalid",
                {
                    "company": "123",
                    "value": "12",
                    "property": "orgnr",
                    "held": False,
                    "why": "length",
                },
            ),
        ),
    )


def test_a_create_is_a_norwegian_company_and_leaves_the_payload_as_it_was():
    """The payload is what changes are judged by: create-only fields must not leak into it."""
    mapped = customer({"name": "Acme AS", "phone": "22 00 00 00"})

    assert mapped.create_payload() == {
        "name": "Acme AS",
        "phoneNumber": "22 00 00 00",
        "language": "NO",
        "isPrivateIndividual": False,
    }
    assert mapped.payload == {"name": "Acme AS", "phoneNumber": "22 00 00 00"}


def test_the_properties_read_are_the_defaults_and_the_two_the_settings_name():
    assert properties(WITH_EMAIL) == [*PROPERTIES, "orgnr", "epost"]
    assert properties(DEFAULTS) == [*PROPERTIES, "orgnr"]


# org_number


@pytest.mark.parametrize(
    "value",
    [
        "923609016",
        "923 609 016",
        " 923609016 ",
        "923 60 90 16",
        "NO 923 609 016 MVA",  # the VAT number form, as on invoices
        "NO923609016MVA",
        "no 923609016 mva",
        "923-609-016",
        "923.609.016",
    ],
)
def test_an_org_number_is_nine_digits_however_it_was_written(value):
    assert org_number(value) == ("923609016", True)


@pytest.mark.parametrize(
    "value",
    [
        "923609017",  # wrong check digit
        "92360901",  # too short
        "9236090160",  # too long
        "SE 923 609 016",  # another country's prefix
        "923609016 AS",
        "acme",
    ],
)
def test_anything_but_nine_digits_with_the_right_check_digit_is_invalid_and_kept_as_written(
    value,
):
    """Kept as written (trimmed) so the problem shows the user what HubSpot holds."""
    assert org_number(f" {value} ") == (value, False)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_no_org_number_is_valid_and_empty(value):
    """A company may have none; that is not a problem to report."""
    assert org_number(value) == ("", True)


# the hash


def test_equal_payloads_have_the_same_hash_whatever_the_order_of_their_keys():
    """The hash decides whether a company changed since it was synced: order is no change."""
    reordered = {
        key: dict(reversed(list(value.items()))) if isinstance(value, dict) else value
        for key, value in reversed(list(ACME_PAYLOAD.items()))
    }
    assert list(reordered) != list(ACME_PAYLOAD)

    assert Customer("456", "Acme AS", reordered).hash == customer(ACME).hash


def test_a_company_mapped_again_has_the_same_hash():
    assert customer(ACME).hash == customer(dict(ACME)).hash


def test_untrimmed_values_hash_as_the_trimmed():
    assert customer({**ACME, "name": " Acme AS  "}).hash == customer(ACME).hash


@pytest.mark.parametrize(
    "key, value",
    [
        ("name", "Acme Norge AS"),
        ("orgnr", "987654325"),
        ("epost", "faktura@acme.no"),
        ("phone", "+47 99 99 99 99"),
        ("website", "https://acme.com"),
        ("address", "Storgata 2"),
        ("address2", ""),
        ("zip", "0150"),
        ("city", "Bergen"),
    ],
)
def test_any_changed_field_changes_the_hash(key, value):
    assert customer({**ACME, key: value}).hash != customer(ACME).hash


def test_a_property_the_mapping_does_not_read_leaves_the_hash_as_it_was():
    """Else every edit in HubSpot, of anything, would write the customer again."""
    assert customer({**ACME, "industry": "Software"}).hash == customer(ACME).hash


# changes

TRIPLETEX_ACME = {
    "id": 7,
    "version": 3,
    "name": "Acme AS",
    "organizationNumber": "923609016",
    "email": "post@acme.no",
    "invoiceEmail": "post@acme.no",
    "phoneNumber": "+47 22 00 00 00",
    "website": "https://acme.no",
    "customerNumber": 10001,
    "isInactive": False,
    "postalAddress": {
        "id": 55,
        "addressLine1": "Storgata 1",
        "addressLine2": "3. etasje",
        "postalCode": "0155",
        "city": "Oslo",
    },
}


def test_a_customer_that_holds_what_the_company_maps_to_needs_no_change():
    assert changes(customer(ACME), TRIPLETEX_ACME) == {}


def test_only_the_fields_that_differ_are_changed():
    mapped = customer({**ACME, "phone": "+47 99 99 99 99", "epost": "faktura@acme.no"})

    assert changes(mapped, TRIPLETEX_ACME) == {
        "phoneNumber": "+47 99 99 99 99",
        "email": "faktura@acme.no",
        "invoiceEmail": "faktura@acme.no",
    }


def test_an_empty_hubspot_value_never_clears_tripletexs():
    """Linking to an existing customer only adds to what the accountant has."""
    mapped = customer({"name": "Acme AS"})

    assert changes(mapped, TRIPLETEX_ACME) == {}


def test_a_value_tripletex_lacks_is_filled_in():
    current = {**TRIPLETEX_ACME, "phoneNumber": None, "website": ""}
    del current["organizationNumber"]

    assert changes(customer(ACME), current) == {
        "organizationNumber": "923609016",
        "phoneNumber": "+47 22 00 00 00",
        "website": "https://acme.no",
    }


def test_fields_only_a_create_sets_are_not_compared():
    """A person may change language or private individual in Tripletex; the sync leaves them."""
    current = {**TRIPLETEX_ACME, "language": "EN", "isPrivateIndividual": True}

    assert changes(customer(ACME), current) == {}


def test_a_changed_postal_address_is_updated_in_place_with_its_id():
    """Tripletex requires the address's id, or it makes a new address object."""
    mapped = customer({**ACME, "address": "Storgata 2"})

    assert changes(mapped, TRIPLETEX_ACME) == {
        "postalAddress": {
            "id": 55,
            "addressLine1": "Storgata 2",
            "addressLine2": "3. etasje",
            "postalCode": "0155",
            "city": "Oslo",
        }
    }


def test_an_address_line_hubspot_lacks_is_left_as_tripletex_has_it():
    mapped = customer({"name": "Acme AS", "zip": "0155", "city": "Oslo"})

    assert changes(mapped, TRIPLETEX_ACME) == {}


def test_an_address_line_hubspot_adds_updates_only_the_lines_it_has():
    current = {**TRIPLETEX_ACME, "postalAddress": {"id": 55, "addressLine1": "Storgata 1"}}
    mapped = customer({"name": "Acme AS", "address": "Storgata 1", "city": "Oslo"})

    assert changes(mapped, current) == {
        "postalAddress": {"id": 55, "addressLine1": "Storgata 1", "city": "Oslo"}
    }


@pytest.mark.parametrize("held", [None, {}, {"id": None, "city": "Bergen"}])
def test_a_customer_with_no_address_object_gets_one_without_an_id(held):
    current = {**TRIPLETEX_ACME, "postalAddress": held}
    mapped = customer({"name": "Acme AS", "city": "Oslo"})

    assert changes(mapped, current) == {"postalAddress": {"city": "Oslo"}}


def test_changes_leave_the_mapped_payload_as_it_was():
    """The payload's hash is stored after the update; adding the address id would change it."""
    mapped = customer({**ACME, "address": "Storgata 2"})
    before = mapped.hash

    changes(mapped, TRIPLETEX_ACME)

    assert mapped.hash == before
    assert "id" not in mapped.payload["postalAddress"]


# Currency: from the company property the settings name, by code, as Tripletex's own id.

CURRENCIES = {"NOK": 1, "EUR": 5, "SEK": 2}
WITH_CURRENCY = SyncSettings(currency_property="valuta")


def test_the_currency_property_is_read_only_when_the_settings_name_one():
    assert "valuta" not in properties(DEFAULTS)
    assert "valuta" in properties(WITH_CURRENCY)


@pytest.mark.parametrize("written", ["EUR", "eur", " Eur "])
def test_a_currency_code_becomes_the_companys_own_currency_id(written):
    made = to_customer(company({"name": "A", "valuta": written}), WITH_CURRENCY, {}, CURRENCIES)
    assert made.payload["currency"] == {"id": 5} and made.problems == ()


def test_an_unknown_currency_is_left_out_and_said_so():
    made = to_customer(company({"name": "A", "valuta": "Euro"}), WITH_CURRENCY, {}, CURRENCIES)
    assert "currency" not in made.payload and not made.held
    assert made.problems == (
        Problem("currency_unknown", {"company": "A", "value": "Euro", "property": "valuta"}),
    )


def test_no_currency_property_or_an_empty_value_leaves_tripletexs_default():
    assert "currency" not in to_customer(company({"name": "A", "valuta": "EUR"}), DEFAULTS).payload
    empty = to_customer(company({"name": "A", "valuta": ""}), WITH_CURRENCY, {}, CURRENCIES)
    assert "currency" not in empty.payload and empty.problems == ()


def test_a_changed_currency_is_an_update_and_the_same_one_is_not():
    made = to_customer(company({"name": "A", "valuta": "EUR"}), WITH_CURRENCY, {}, CURRENCIES)
    assert changes(made, {"name": "A", "currency": {"id": 1}}) == {"currency": {"id": 5}}
    assert changes(made, {"name": "A", "currency": {"id": 5, "url": "…"}}) == {}
