"""What counts as an Order Defect Rate defect (SPEC 4.1): the claim statuses and types, the negative rating, the
clocks Amazon gives a seller on claims, and every defect of the files as (order, defect, source). The metric, its
actions and the plan of action read them from here."""

from __future__ import annotations

import pandas as pd

from healthcheck.frames import column_or, flags
from healthcheck.joins import member
from healthcheck.loaders import LoadResult
from healthcheck.wording import plural, verb

# SPEC 4.1: claim status words.
COUNTING_STATUSES = frozenset(
    {"granted-seller-funded", "refunded-by-seller", "cancelled-after-claim", "open", "under-investigation"}
)
NOT_COUNTING_STATUSES = frozenset({"denied", "withdrawn", "granted-amazon-funded"})
CLAIM_TYPES = {
    "a-to-z": "a_to_z_claim",
    "atoz": "a_to_z_claim",
    "a-z": "a_to_z_claim",
    "a-to-z-guarantee": "a_to_z_claim",
    "chargeback": "chargeback",
    "service-chargeback": "chargeback",
    "charge-back": "chargeback",
}
OPEN_STATUSES = frozenset({"open", "under-investigation"})  # still to answer
APPEALABLE_STATUS = "granted-seller-funded"  # decided against the seller, who can appeal
CLAIM_RESPONSE_HOURS = 72  # to answer an open A-to-z claim
CLAIM_APPEAL_DAYS = 30  # to appeal a claim granted against the seller
NEGATIVE_RATING = 2  # feedback of 1 or 2 stars is negative


def negative_ratings(ratings: pd.Series) -> pd.Series:
    """Whether each feedback rating is negative (1 or 2 stars); a missing rating is not."""
    return (ratings.astype("Int64") <= NEGATIVE_RATING).fillna(False).astype(bool)


def build_defects(loaded: LoadResult) -> tuple[pd.DataFrame, list[str]]:
    """Every ODR defect event as (order_id, defect, source), with warnings for unknown claim statuses."""
    warnings: list[str] = []
    parts: list[pd.DataFrame] = []
    feedback = loaded.frame("feedback")
    if feedback is not None:
        negative = feedback.loc[negative_ratings(feedback["rating"]), ["order_id"]]
        parts.append(negative.assign(defect="negative_feedback", source="feedback"))
    claims = loaded.frame("claims")
    if claims is not None:
        kind = claims["claim_type"].map(CLAIM_TYPES)
        unknown_type = sorted(set(claims.loc[kind.isna(), "claim_type"]))
        if unknown_type:
            warnings.append(
                f"claims: claim-type {', '.join(repr(t) for t in unknown_type)} is not `a-to-z` or `chargeback`; "
                "those rows were counted as A-to-z claims"
            )
        kind = kind.fillna("a_to_z_claim")
        status = claims["status"]
        unknown = ~status.isin(COUNTING_STATUSES | NOT_COUNTING_STATUSES)
        if bool(unknown.any()):
            words = ", ".join(repr(w) for w in sorted(set(status[unknown])))
            warnings.append(
                f"claims: unknown status {words} counted as a defect (known: "
                f"{', '.join(sorted(COUNTING_STATUSES | NOT_COUNTING_STATUSES))})"
            )
        fraud = (kind == "chargeback") & (column_or(claims, "reason", "").astype("str") == "fraud")
        counts = (status.isin(COUNTING_STATUSES) | unknown) & ~fraud
        parts.append(
            pd.DataFrame({"order_id": claims.loc[counts, "order_id"], "defect": kind[counts], "source": "claims"})
        )
    returns = loaded.frame("mfn_returns")
    if returns is not None:
        claimed = returns.loc[flags(returns["a_to_z_claim"]), ["order_id"]]
        if claims is not None:
            # The claims file knows the same claim's status: it decides, whether the status counts or not.
            known = claims.loc[claims["claim_type"].map(CLAIM_TYPES) == "a_to_z_claim", "order_id"]
            claimed = claimed.loc[~member(claimed["order_id"], known)]
        if not claimed.empty:
            warnings.append(
                f"mfn_returns: {plural(len(claimed), 'return')} {verb(len(claimed), 'carries', 'carry')} an A-to-z "
                "claim with no status; counted as defects (list them in a claims file with their status, which then "
                "decides)"
            )
        parts.append(claimed.assign(defect="a_to_z_claim", source="mfn_returns"))
    if not parts:
        return pd.DataFrame(
            {
                "order_id": pd.Series(dtype="str"),
                "defect": pd.Series(dtype="str"),
                "source": pd.Series(dtype="str"),
            }
        ), warnings
    defects = pd.concat(parts, ignore_index=True)
    defects["order_id"] = defects["order_id"].astype("str")
    return defects, warnings
