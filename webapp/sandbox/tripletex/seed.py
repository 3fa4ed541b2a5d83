"""Create a company with the lookup data every Tripletex account has, and its employee tokens."""

from __future__ import annotations

import uuid

from . import vat
from .countries import COUNTRIES
from .countries import ID_BASE as COUNTRY_IDS
from .currency import CURRENCIES
from .schemas import new_object
from .state import ID_BASES

OTHER_APPLICATION = "Some Other Integration"
ACCOUNTS = [
    (1500, "Kundefordringer", False),
    (1900, "Kontanter", False),
    (1920, "Bankinnskudd", True),
    (2700, "Utgående merverdiavgift", False),
    (3000, "Salgsinntekt, avgiftspliktig", False),
    (3100, "Salgsinntekt, avgiftsfri", False),
    (8060, "Valutagevinst (agio)", False),
    (8160, "Valutatap (disagio)", False),
]
# Labels of the tokens every company gets; the demo pastes these, tests pick by label.
TOKEN_LABELS = ("working", "revoked", "other-app", "no-entitlements")


def _put(state, company_id: int, kind: str, obj_id: int, **values) -> dict:
    obj = new_object(kind)
    obj.update(id=obj_id, **values)
    state.table(company_id, kind)[obj_id] = obj
    return obj


def create_company(
    state,
    *,
    name: str,
    organization_number: str = "",
    bank_account_number: str = "",
    tokens: dict | None = None,
    clients: list[int] | None = None,
    vat_registered: bool = True,
) -> dict:
    """Add a company with seed data; `tokens` maps label -> token string (random if absent).

    A company outside the VAT register may use only code 6 on sales (and 0 on purchases).
    """
    company_id = state.next_id("company")
    company = state.add_company({"id": company_id, "name": name})
    _put(
        state,
        company_id,
        "company",
        company_id,
        name=name,
        displayName=name,
        organizationNumber=organization_number,
        startDate="2020-01-01",
        currency={"id": 1},
        accountantOrSimilar=bool(clients),
    )
    for index, (alpha2, alpha3, numeric, name) in enumerate(COUNTRIES):
        _put(
            state,
            company_id,
            "country",
            COUNTRY_IDS + index,
            name=name,
            displayName=name,
            isoAlpha2Code=alpha2,
            isoAlpha3Code=alpha3,
            isoNumericCode=numeric,
        )
    for cid, code, description, factor, _ in CURRENCIES:
        _put(
            state,
            company_id,
            "currency",
            cid,
            code=code,
            description=description,
            displayName=f"{code} {description}",
            factor=factor,
        )
    ordinal = company_id - ID_BASES["company"]
    for index, (number, label, percentage, _) in enumerate(vat.CODES, 1):
        _put(
            state,
            company_id,
            "vatType",
            vat.type_id(ordinal, index, number),
            name=label,
            number=number,
            displayName=f"{number} {label}",
            percentage=percentage,
        )
    _put(
        state,
        company_id,
        "vatSettings",
        company_id,
        vatRegistrationStatus=vat.REGISTERED if vat_registered else "VAT_NOT_REGISTERED",
    )
    accounts = {}
    for number, label, is_bank in ACCOUNTS:
        accounts[number] = _put(
            state,
            company_id,
            "account",
            state.next_id("account"),
            number=number,
            numberPretty=str(number),
            name=label,
            displayName=f"{number} {label}",
            isBankAccount=is_bank,
            isInvoiceAccount=is_bank,
            currency={"id": 1},
            bankAccountNumber=bank_account_number if is_bank else "",
        )
    for seq, (label, number) in enumerate((("Betalt til bank", 1920), ("Kontant", 1900)), 1):
        _put(
            state,
            company_id,
            "paymentType",
            state.next_id("paymentType"),
            description=label,
            displayName=label,
            debitAccount={"id": accounts[number]["id"]},
            creditAccount={"id": accounts[1500]["id"]},
            sequence=seq,
        )
    employee_id = state.next_id("employee")
    _put(
        state,
        company_id,
        "employee",
        employee_id,
        firstName="Kari",
        lastName="Nordmann",
        displayName="Kari Nordmann",
        email=f"kari@{company_id}.example",
        companyId=company_id,
    )
    company["employee_id"] = employee_id
    company["tokens"] = []
    wanted = dict(tokens or {})
    labels = list(TOKEN_LABELS) + [label for label in wanted if label not in TOKEN_LABELS]
    for label in labels:
        if label == "accountant" and not clients:
            continue
        add_token(
            state,
            company,
            label,
            wanted.get(label) or f"{state.token_prefix()}{label}-{uuid.uuid4().hex}",
            clients=clients if label == "accountant" else None,
        )
    return company


def add_token(
    state,
    company: dict,
    label: str,
    secret: str,
    *,
    entitlements: list[str] | None = None,
    clients: list[int] | None = None,
) -> dict:
    """Register an employee token for `company`; the label decides how it misbehaves."""
    token = {
        "token": secret,
        "label": label,
        "id": state.next_id("employeeToken"),
        "company_id": company["id"],
        "employee_id": company["employee_id"],
        "application_name": (
            OTHER_APPLICATION if label == "other-app" else state.settings["application_name"]
        ),
        "revoked": label == "revoked",
        # None means "All entitlements"; a set lists the groups the token has.
        "entitlements": set()
        if label == "no-entitlements"
        else (set(entitlements) if entitlements is not None else None),
        "clients": list(clients or []),
    }
    state.employee_tokens[secret] = token
    company["tokens"].append(secret)
    return token


def describe(state, company: dict) -> dict:
    """A company as the control API shows it, tokens included."""
    account = next(
        (a for a in state.table(company["id"], "account").values() if a["number"] == 1920), None
    )
    tokens = []
    for secret in company["tokens"]:
        token = state.employee_tokens[secret]
        tokens.append(
            {
                "id": token["id"],
                "label": token["label"],
                "token": secret,
                "applicationName": token["application_name"],
                "revoked": token["revoked"],
                "entitlements": (
                    "ALL" if token["entitlements"] is None else sorted(token["entitlements"])
                ),
                "clientCompanyIds": token["clients"],
            }
        )
    company_obj = state.get(company["id"], "company", company["id"])
    settings = state.get(company["id"], "vatSettings", company["id"])
    return {
        "id": company["id"],
        "name": company["name"],
        "organizationNumber": company_obj["organizationNumber"],
        "vatRegistered": settings["vatRegistrationStatus"] == vat.REGISTERED,
        "bankAccountNumber": account["bankAccountNumber"] if account else "",
        "employeeId": company["employee_id"],
        "tokens": tokens,
    }


def add_customers(state, company_id: int, count: int, prefix: str = "Kunde") -> list[int]:
    """Store `count` customers at once, as the API would have made them (for benchmarks)."""
    now = state.clock.now()
    ids = []
    for n in range(count):
        number = state.counter(company_id, "customerNumber")
        name = f"{prefix} {n:06d}"
        customer = new_object("customer")
        customer.update(
            id=state.next_id("customer"),
            name=name,
            customerNumber=number,
            displayName=f"{name} ({number})",
            organizationNumber=f"{900_000_000 + n}",
            email=f"kunde{n}@example.no",
            currency={"id": 1},
            isInactive=n % 10 == 0,
            _changed_at=now,
        )
        state.table(company_id, "customer")[customer["id"]] = customer
        ids.append(customer["id"])
    return ids
