"""What our HubSpot app asks for: the scopes, fixed for the whole product.

Adding a scope later makes every installed portal consent again, so this list already
covers the roadmap: companies, contacts, deals, products, line items and notes (notes are
covered by the contacts scopes), property schemas, files for invoice PDFs, and `oauth`
for introspection and uninstall. hubspot/src/app/app-hsmeta.json carries the same list;
tests/test_hubspot_project.py keeps them equal.
"""

REQUIRED_SCOPES = (
    "oauth",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.products.read",
    "crm.objects.products.write",
    "crm.objects.line_items.read",
    "crm.objects.line_items.write",
    "crm.schemas.companies.write",
    "crm.schemas.contacts.write",
    "crm.schemas.deals.write",
    "e-commerce",
    "files",
)

# Owner names make the sync log friendlier, but the sync works without them.
OPTIONAL_SCOPES = ("crm.objects.owners.read",)
