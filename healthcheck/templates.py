"""`healthcheck template KIND`: a file to fill in for the inputs Seller Central has no download for.

Claims, the cancellation log and buyer messages are written by the seller (or exported from a helpdesk). The
template is the header the loader recognises, preceded by `#` lines that say what every column accepts and show
example rows: lines above the header are skipped when the file is read, so a filled-in template loads as it is,
and the examples are never audited by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthcheck.loaders.kinds import CANCELLATIONS, CLAIMS, MESSAGES, KindSpec
from healthcheck.loaders.reader import HEADER_SEARCH_LINES


@dataclass(frozen=True)
class Template:
    kind: KindSpec
    about: str
    accepted: dict[str, str]  # column header -> what it accepts
    examples: tuple[tuple[str, ...], ...]  # rows, in the header's column order


def _claims() -> Template:
    from healthcheck.defects import CLAIM_TYPES, COUNTING_STATUSES, NOT_COUNTING_STATUSES

    return Template(
        CLAIMS,
        "A-to-z Guarantee claims and chargebacks (Performance > A-to-z Guarantee Claims / Chargeback Claims)",
        {
            "order-id": "the Amazon order id, 3-7-7 digits (needed)",
            "claim-type": " | ".join(dict.fromkeys(CLAIM_TYPES)) + " (needed)",
            "status": "counts: "
            + " | ".join(sorted(COUNTING_STATUSES))
            + "; does not count: "
            + " | ".join(sorted(NOT_COUNTING_STATUSES))
            + " (needed)",
            "claim-date": "the day the claim was filed, YYYY-MM-DD (needed)",
            "amount": "the amount claimed, e.g. 45.99 (optional)",
            "reason": "free text; a chargeback with reason `fraud` does not count (optional)",
        },
        (
            ("111-5584103-3566111", "a-to-z", "granted-seller-funded", "2026-11-02", "45.99", "item not received"),
            ("113-7462233-3379994", "chargeback", "open", "2026-11-08", "125.96", "item not as described"),
        ),
    )


def _cancellations() -> Template:
    return Template(
        CANCELLATIONS,
        "Your cancellation log: every order item you cancelled, with the reason",
        {
            "order-id": "the Amazon order id, 3-7-7 digits (needed)",
            "sku": "the item's SKU (optional)",
            "cancel-date": "when it was cancelled, YYYY-MM-DD or 2026-11-02T15:04:05+00:00 (optional)",
            "cancel-reason": "e.g. BuyerCanceled | NoInventory | PricingError | ShippingAddressUndeliverable (needed)",
            "is-buyer-requested-cancellation": "true | false: true = the buyer asked, exempt from the rate (optional)",
            "cancelled-by": "buyer | seller | amazon: buyer = exempt from the rate (optional)",
        },
        (
            ("111-5827516-9414462", "CURT-BLK-84-NVY", "2026-11-15", "BuyerCanceled", "true", "buyer"),
            ("114-8846154-7062380", "LAMP-DESK-LED-BLK", "2026-11-16", "NoInventory", "false", "seller"),
        ),
    )


def _messages() -> Template:
    return Template(
        MESSAGES,
        "Buyer messages and when you answered them (exported from Buyer-Seller Messaging or a helpdesk)",
        {
            "message-id": "any id unique to the message (needed)",
            "order-id": "the Amazon order id it is about (optional)",
            "received-at": "when it arrived, 2026-11-02T15:04:05+00:00 (needed)",
            "responded-at": "when you answered, same form; empty = not answered yet (optional)",
            "no-response-needed": "true | false: true = marked 'no response needed' (optional)",
        },
        (
            ("48R5UHW9GPT3", "111-3974477-4352759", "2026-11-12T15:12:17+00:00", "2026-11-12T19:15:36+00:00", "false"),
            ("ECCEJR4UYQSD", "114-4920663-7182803", "2026-11-13T14:22:27+00:00", "", "false"),
        ),
    )


TEMPLATES = {"claims": _claims, "cancellations": _cancellations, "messages": _messages}


def template_text(kind: str) -> str:
    """The template of `kind` (a key of TEMPLATES), tab-delimited, ready to fill in below its header."""
    template = TEMPLATES[kind]()
    columns = list(template.accepted)
    lines = [f"# {template.kind.kind} for healthcheck: {template.about}. Fill in one row per line below the header."]
    lines += [f"# {column}: {what}" for column, what in template.accepted.items()]
    lines += ["# e.g. " + "\t".join(row) for row in template.examples]
    # The loader looks for the header among a file's first lines: the notes must leave it within reach.
    assert len(lines) < HEADER_SEARCH_LINES
    return "\n".join([*lines, "\t".join(columns)]) + "\n"
