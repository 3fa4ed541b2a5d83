"""Object templates (every field with its unset value) and which fields reference what.

Unset strings are "", unset references null, unset numbers 0, as the real API returns them.
A template's keys are also the set of names `fields=` accepts for that type.
"""
from __future__ import annotations

import copy

# Where each type lives under /v2, for reference urls.
PATHS = {
    "customer": "customer", "contact": "contact", "product": "product", "order": "order",
    "orderline": "order/orderline", "invoice": "invoice", "address": "address",
    "deliveryAddress": "deliveryAddress", "currency": "currency", "vatType": "ledger/vatType",
    "account": "ledger/account", "paymentType": "invoice/paymentType", "employee": "employee",
    "company": "company", "posting": "ledger/posting", "voucher": "ledger/voucher",
    "subscription": "event/subscription", "session": "token/session",
    "consumerToken": "token/consumer", "employeeToken": "token/employee",
    "department": "department", "project": "project", "country": "country",
    "customerCategory": "customer/category", "productUnit": "product/unit",
    "closeGroup": "ledger/closeGroup",
}

_COMMON = {"id": 0, "version": 0, "url": ""}

TEMPLATES: dict[str, dict] = {
    "customer": {
        **_COMMON, "name": "", "organizationNumber": "", "globalLocationNumber": 0,
        "supplierNumber": 0, "customerNumber": 0, "isSupplier": False, "isCustomer": True,
        "isInactive": False, "accountManager": None, "department": None, "email": "",
        "invoiceEmail": "", "overdueNoticeEmail": "", "bankAccounts": [], "phoneNumber": "",
        "phoneNumberMobile": "", "description": "", "language": "NO", "displayName": "",
        "isPrivateIndividual": False, "singleCustomerInvoice": False,
        "invoiceSendMethod": "EMAIL", "emailAttachmentType": "ATTACHMENT",
        "postalAddress": None, "physicalAddress": None, "deliveryAddress": None,
        "category1": None, "category2": None, "category3": None, "invoicesDueIn": 14,
        "invoicesDueInType": "DAYS", "currency": None, "bankAccountPresentation": [],
        "ledgerAccount": None, "isFactoring": False, "invoiceSendSMSNotification": False,
        "invoiceSMSNotificationNumber": "", "isAutomaticSoftReminderEnabled": False,
        "isAutomaticReminderEnabled": False, "isAutomaticNoticeOfDebtCollectionEnabled": False,
        "discountPercentage": 0, "website": "",
    },
    "address": {
        **_COMMON, "addressLine1": "", "addressLine2": "", "postalCode": "", "city": "",
        "country": None, "displayName": "", "addressAsString": "",
    },
    "contact": {
        **_COMMON, "firstName": "", "lastName": "", "displayName": "", "email": "",
        "phoneNumberMobileCountry": None, "phoneNumberMobile": "", "phoneNumberWork": "",
        "customer": None, "department": None, "isInactive": False,
    },
    "product": {
        **_COMMON, "name": "", "number": "", "displayNumber": "", "description": "",
        "orderLineDescription": "", "ean": "", "costExcludingVatCurrency": 0,
        "priceExcludingVatCurrency": 0, "priceIncludingVatCurrency": 0, "isInactive": False,
        "productUnit": None, "isStockItem": False, "vatType": None, "currency": None,
        "department": None, "account": None, "supplier": None, "isDeletable": False,
        "weight": 0, "weightUnit": "kg", "volume": 0, "volumeUnit": "cm3", "displayName": "",
        "isRoundPriceIncVat": False,
    },
    "order": {
        **_COMMON, "customer": None, "contact": None, "attn": None, "displayName": "",
        "receiverEmail": "", "overdueNoticeEmail": "", "number": "", "reference": "",
        "ourContact": None, "ourContactEmployee": None, "department": None, "orderDate": "",
        "project": None, "invoiceComment": "", "currency": None, "invoicesDueIn": 14,
        "invoicesDueInType": "DAYS", "isShowOpenPostsOnInvoices": False, "isClosed": False,
        "deliveryDate": "", "deliveryAddress": None, "deliveryComment": "",
        "isPrioritizeAmountsIncludingVat": False, "orderLineSorting": "ID", "orderGroups": [],
        "orderLines": [], "isSubscription": False, "preliminaryInvoice": None,
        "attachment": [], "sendMethodDescription": "", "customerName": "",
    },
    "orderline": {
        **_COMMON, "product": None, "description": "", "displayName": "", "count": 1,
        "unitCostCurrency": 0, "unitPriceExcludingVatCurrency": 0, "currency": None,
        "markup": 0, "discount": 0, "vatType": None, "amountExcludingVatCurrency": 0,
        "amountIncludingVatCurrency": 0, "order": None, "unitPriceIncludingVatCurrency": 0,
        "isSubscription": False, "sortIndex": 0, "isCharged": False,
    },
    "invoice": {
        **_COMMON, "invoiceNumber": 0, "invoiceDate": "", "customer": None,
        "creditedInvoice": 0, "isCredited": False, "invoiceDueDate": "", "kid": "",
        "invoiceComment": "", "comment": "", "orders": [], "orderLines": [],
        "travelReports": [], "projectInvoiceDetails": [], "voucher": None, "deliveryDate": "",
        "amount": 0, "amountCurrency": 0, "amountExcludingVat": 0,
        "amountExcludingVatCurrency": 0, "amountRoundoff": 0, "amountRoundoffCurrency": 0,
        "amountOutstanding": 0, "amountCurrencyOutstanding": 0, "amountOutstandingTotal": 0,
        "amountCurrencyOutstandingTotal": 0, "sumRemits": 0, "currency": None,
        "isCreditNote": False, "isCharged": True, "isApproved": False, "postings": [],
        "reminders": [], "invoiceRemarks": "", "invoiceRemark": None,
        "isPeriodizationPossible": False, "documentId": 0,
    },
    "posting": {**_COMMON, "date": "", "description": "", "account": None, "customer": None,
                "amount": 0, "amountCurrency": 0, "invoiceNumber": "", "closeGroup": None},
    "vatType": {**_COMMON, "name": "", "number": "", "displayName": "", "percentage": 0,
                "deductionPercentage": 100, "parentType": None},
    "currency": {**_COMMON, "code": "", "description": "", "factor": 1, "displayName": "",
                 "isDisabled": False},
    "account": {
        **_COMMON, "number": 0, "numberPretty": "", "name": "", "description": "",
        "type": "ASSETS", "ledgerType": "GENERAL", "vatType": None, "vatLocked": False,
        "currency": None, "isCloseable": False, "isInactive": False, "isBankAccount": False,
        "isInvoiceAccount": False, "bankAccountNumber": "", "bankAccountCountry": None,
        "bankName": "", "bankAccountIBAN": "", "bankAccountSWIFT": "", "displayName": "",
    },
    "paymentType": {**_COMMON, "description": "", "displayName": "", "debitAccount": None,
                    "creditAccount": None, "vatType": None, "sequence": 0, "customer": None,
                    "supplier": None, "currencyId": 1, "currencyCode": "NOK"},
    "employee": {**_COMMON, "firstName": "", "lastName": "", "displayName": "",
                 "employeeNumber": "", "email": "", "phoneNumberMobile": "", "userType": "STANDARD",
                 "isContact": False, "isProxy": False, "department": None, "companyId": 0},
    "company": {
        **_COMMON, "name": "", "displayName": "", "startDate": "", "endDate": "",
        "organizationNumber": "", "email": "", "phoneNumber": "", "phoneNumberMobile": "",
        "faxNumber": "", "address": None, "type": "AS", "currency": None,
        "accountantOrSimilar": False, "invoiceShowDeliveryDate": False,
    },
    "closeGroup": {**_COMMON, "date": "", "postings": []},
    "subscription": {**_COMMON, "event": "", "targetUrl": "", "fields": "", "status": "ACTIVE",
                     "authHeaderName": "", "authHeaderValue": "", "hmacSharedSecret": ""},
}

# field -> referenced type, for {id,url} stubs and `x(*)` expansion.
REFS: dict[str, dict[str, str]] = {
    "customer": {"accountManager": "employee", "department": "department",
                 "postalAddress": "address", "physicalAddress": "address",
                 "deliveryAddress": "deliveryAddress", "category1": "customerCategory",
                 "category2": "customerCategory", "category3": "customerCategory",
                 "currency": "currency", "ledgerAccount": "account"},
    "address": {"country": "country"},
    "contact": {"phoneNumberMobileCountry": "country", "customer": "customer",
                "department": "department"},
    "product": {"productUnit": "productUnit", "vatType": "vatType", "currency": "currency",
                "department": "department", "account": "account", "supplier": "customer"},
    "order": {"customer": "customer", "contact": "contact", "attn": "contact",
              "ourContact": "contact", "ourContactEmployee": "employee",
              "department": "department", "project": "project", "currency": "currency",
              "deliveryAddress": "deliveryAddress", "preliminaryInvoice": "invoice"},
    "orderline": {"product": "product", "currency": "currency", "vatType": "vatType",
                  "order": "order"},
    "invoice": {"customer": "customer", "voucher": "voucher", "currency": "currency"},
    "posting": {"account": "account", "customer": "customer", "closeGroup": "closeGroup"},
    "vatType": {"parentType": "vatType"},
    "account": {"vatType": "vatType", "currency": "currency"},
    "paymentType": {"debitAccount": "account", "creditAccount": "account",
                    "vatType": "vatType", "customer": "customer"},
    "employee": {"department": "department"},
    "company": {"address": "address", "currency": "currency"},
}
REF_LISTS: dict[str, dict[str, str]] = {
    "closeGroup": {"postings": "posting"},
    "order": {"orderLines": "orderline", "orderGroups": "orderGroup", "attachment": "document"},
    "invoice": {"orders": "order", "orderLines": "orderline", "postings": "posting",
                "reminders": "reminder", "travelReports": "travelExpense",
                "projectInvoiceDetails": "projectInvoiceDetails"},
}
# Never returned: Tripletex documents these as write-only.
WRITE_ONLY = {"subscription": {"authHeaderValue", "hmacSharedSecret"}}
# Ignored when a client sends them.
READ_ONLY = {"id", "version", "url", "changes", "displayName", "isCustomer", "displayNumber",
             "customerName", "amountExcludingVatCurrency", "amountIncludingVatCurrency",
             "isCharged", "preliminaryInvoice", "attachment"}


def new_object(kind: str) -> dict:
    """A fresh copy of a type's template."""
    return copy.deepcopy(TEMPLATES[kind])


def ref_type(kind: str, field: str) -> str | None:
    return REFS.get(kind, {}).get(field)


def ref_list_type(kind: str, field: str) -> str | None:
    return REF_LISTS.get(kind, {}).get(field)
