"""Schema history. Each step is additive; nothing here ever drops data."""

from sqlite_utils import Database, Migrations

migrations = Migrations("txsync")


@migrations(name="0001_initial")
def initial(db: Database) -> None:
    db["installations"].create(
        {
            "portal_id": int,
            "hub_domain": str,
            "portal_name": str,
            "status": str,  # active | uninstalled
            "installed_by_user_id": int,
            "installed_by_email": str,
            "scopes": str,  # JSON list of granted scopes
            "property_set": int,  # version of the app's HubSpot properties created in the portal
            "plan": str,
            "installed_at": str,
            "updated_at": str,
            "uninstalled_at": str,
        },
        pk="portal_id",
        not_null={"status", "installed_at", "updated_at"},
        defaults={"status": "active", "property_set": 0},
    )

    # One row per secret; `secret` holds Fernet ciphertext only.
    db["credentials"].create(
        {
            "portal_id": int,
            "kind": str,  # hubspot_oauth | tripletex_employee | tripletex_session
            "secret": str,
            "expires_at": str,
            "meta": str,  # JSON with non-secret facts (company id, scopes, ...)
            "updated_at": str,
        },
        pk=("portal_id", "kind"),
        not_null={"secret", "updated_at"},
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )

    db["settings"].create(
        {
            "portal_id": int,
            "key": str,
            "value": str,  # JSON
            "updated_at": str,
        },
        pk=("portal_id", "key"),
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )

    db["id_mappings"].create(
        {
            "portal_id": int,
            "object_type": str,  # company | contact | product | deal | ...
            "hubspot_id": str,
            "tripletex_id": int,
            "synced_version": int,  # Tripletex `version` last written or read
            "synced_hash": str,  # hash of the HubSpot properties last synced
            "updated_at": str,
        },
        pk=("portal_id", "object_type", "hubspot_id"),
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )
    db["id_mappings"].create_index(["portal_id", "object_type", "tripletex_id"], unique=True)

    db["sync_log"].create(
        {
            "id": int,
            "portal_id": int,
            "at": str,
            "direction": str,  # to_tripletex | to_hubspot
            "object_type": str,
            "hubspot_id": str,
            "tripletex_id": int,
            "action": str,
            "status": str,  # ok | failed | skipped
            "message": str,
            "details": str,  # JSON
        },
        pk="id",
        not_null={"portal_id", "at", "status"},
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )
    db["sync_log"].create_index(["portal_id", "at"])

    db["worker_heartbeats"].create({"worker": str, "seen_at": str}, pk="worker")


@migrations(name="0002_locks")
def locks(db: Database) -> None:
    # Leases shared by the web app and the worker, e.g. "one token refresh per portal".
    db["locks"].create({"name": str, "holder": str, "expires_at": float}, pk="name")


@migrations(name="0003_login_tokens")
def login_tokens(db: Database) -> None:
    # Single-use tokens that open the app inside HubSpot's iframe; only their hash is kept.
    db["login_tokens"].create(
        {
            "token_hash": str,
            "portal_id": int,
            "user_id": int,
            "user_email": str,
            "locale": str,
            "expires_at": str,
            "used_at": str,
        },
        pk="token_hash",
        not_null={"portal_id", "expires_at"},
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )


@migrations(name="0004_session_epoch")
def session_epoch(db: Database) -> None:
    # Raised on every uninstall, so sessions signed in before it stay dead after a reinstall.
    db["installations"].add_column("session_epoch", int, not_null_default=0)


@migrations(name="0005_abuse_limits")
def abuse_limits(db: Database) -> None:
    # Signed HubSpot requests already acted on, kept until their signature would expire anyway,
    # so a captured request cannot be replayed within its five minutes. Only a hash is kept.
    db["signed_requests"].create(
        {"signature_hash": str, "expires_at": float}, pk="signature_hash", not_null={"expires_at"}
    )
    # Recent attempts per key (a portal, a client address), for "wait N seconds" limits.
    db["attempts"].create({"id": int, "key": str, "at": float}, pk="id", not_null={"key", "at"})
    db["attempts"].create_index(["key", "at"])
    db["attempts"].create_index(["at"])


@migrations(name="0006_sync_engine")
def sync_engine(db: Database) -> None:
    # The binder: one row links a HubSpot record to a Tripletex record of a kind, in a state.
    # `reserved` is a create in flight (its `identifiers` find the record again after an
    # ambiguous failure), `linked`, `failed` (with the problem), `unlinked`. A deal will have an
    # order row and an invoice row; after a merge, the merged-away id keeps a row pointing at the
    # survivor's Tripletex record (`merged_into`), so several rows may share a Tripletex id.
    db["mappings"].create(
        {
            "id": int,
            "portal_id": int,
            "hubspot_type": str,  # companies | contacts | products | deals
            "hubspot_id": str,
            "tripletex_kind": str,  # customer | contact | product | order | invoice
            "tripletex_id": int,
            "tripletex_number": str,  # the number a person sees (customer number, ...)
            "state": str,
            "identifiers": str,  # JSON: what the record was created with, to find it again
            "synced_hash": str,  # hash of the mapped fields last written to Tripletex
            "synced_version": int,  # Tripletex `version` last written or read
            "problem": str,  # JSON Problem while failed
            "merged_into": str,
            "created_at": str,
            "updated_at": str,
            "linked_at": str,
        },
        pk="id",
        not_null={"portal_id", "hubspot_type", "hubspot_id", "tripletex_kind", "state"},
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )
    db["mappings"].create_index(
        ["portal_id", "hubspot_type", "hubspot_id", "tripletex_kind"], unique=True
    )
    db["mappings"].create_index(["portal_id", "tripletex_kind", "tripletex_id"])
    db["mappings"].create_index(["portal_id", "state"])
    # id_mappings was never written; whatever a self-hoster's copy holds moves across, linked.
    db.execute(
        "insert into mappings (portal_id, hubspot_type, hubspot_id, tripletex_kind, "
        "tripletex_id, state, synced_hash, synced_version, created_at, updated_at, linked_at) "
        "select portal_id, object_type, hubspot_id, object_type, tripletex_id, 'linked', "
        "synced_hash, synced_version, updated_at, updated_at, updated_at from id_mappings"
    )
    db["id_mappings"].drop()

    # What the log needs beyond the first sketch: Tripletex's (or HubSpot's) request id, the
    # problem as data (kind and details, rendered where shown), and the HubSpot object type.
    db["sync_log"].add_column("hubspot_type", str)
    db["sync_log"].add_column("request_id", str)
    db["sync_log"].add_column("problem", str)
    db["sync_log"].create_index(["portal_id", "status", "at"])

    # Checkpoints, per portal and name (e.g. "backfill"), with progress as JSON.
    db["sync_cursors"].create(
        {"portal_id": int, "name": str, "value": str, "updated_at": str},
        pk=("portal_id", "name"),
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )


@migrations(name="0007_webhook_inbox")
def webhook_inbox(db: Database) -> None:
    # HubSpot's events, stored as they arrive (one insert per delivery) and processed by the
    # worker. `eventId` is not unique (HubSpot says so): a change is known by its portal,
    # object, subscription type, property and time, and a repeat of one is dropped on insert.
    db["sync_inbox"].create(
        {
            "id": int,
            "portal_id": int,
            "received_at": str,
            "subscription_type": str,  # object.propertyChange, contact.privacyDeletion, ...
            "object_type": str,  # companies | contacts | products | ...
            "object_id": str,
            "property_name": str,  # "" when the event names none (so the key stays unique)
            "occurred_at": int,  # milliseconds, as HubSpot sends it
            "event": str,  # the event as received (JSON), for merges and associations
            "state": str,  # pending | done
            "processed_at": str,
        },
        pk="id",
        not_null={"portal_id", "received_at", "subscription_type", "object_id", "state"},
        defaults={"state": "pending", "property_name": ""},
    )
    db["sync_inbox"].create_index(
        [
            "portal_id",
            "subscription_type",
            "object_type",
            "object_id",
            "property_name",
            "occurred_at",
        ],
        unique=True,
    )
    db["sync_inbox"].create_index(["portal_id", "state", "id"])


@migrations(name="0008_first_sync_preview")
def first_sync_preview(db: Database) -> None:
    # What the first sync will do with each record, computed before anything is written, and
    # what the person decided where the sync cannot (several candidates: pick one, or skip).
    db["sync_preview"].create(
        {
            "portal_id": int,
            "hubspot_type": str,
            "hubspot_id": str,
            "name": str,
            "outcome": str,  # linked | will_link | will_create | ambiguous | invalid | unmatched
            "rule": str,  # the matching rule that found the candidates
            "tripletex_id": int,  # the customer or product it links to
            "detail": str,  # JSON: candidates [{id, name, number, inactive}], problem
            "decision": str,  # JSON: {"link": id} or {"skip": true}, set by the person
        },
        pk=("portal_id", "hubspot_type", "hubspot_id"),
        not_null={"outcome"},
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )
    db["sync_preview"].create_index(["portal_id", "hubspot_type", "outcome"])


@migrations(name="0009_product_choices")
def product_choices(db: Database) -> None:
    # The manual product mapping: a HubSpot product the person has said is this Tripletex
    # product, whatever their numbers. A choice outlives the link it makes (the sync follows
    # it again after an unlink), and one Tripletex product is chosen for one HubSpot product.
    db["product_choices"].create(
        {
            "portal_id": int,
            "hubspot_id": str,
            "hubspot_name": str,  # as shown when chosen; the sync reads the product itself
            "tripletex_id": int,
            "tripletex_number": str,
            "tripletex_name": str,
            "chosen_at": str,
        },
        pk=("portal_id", "hubspot_id"),
        not_null={"portal_id", "hubspot_id", "tripletex_id"},
        foreign_keys=[("portal_id", "installations", "portal_id")],
    )
    db["product_choices"].create_index(["portal_id", "tripletex_id"], unique=True)


@migrations(name="0010_mappings_created")
def mappings_created(db: Database) -> None:
    # Whether the app made the Tripletex record, or found one that existed: the plans count
    # the invoices the app made, not those an earlier install made and the first sync found.
    db.execute("alter table mappings add column created integer not null default 0")
    # Invoices linked before it were the app's (only the app's links carry the deal's
    # fingerprint), and still count in their month.
    db.execute(
        "update mappings set created = 1 where tripletex_kind = 'invoice' "
        "and state = 'linked' and synced_hash is not null"
    )
