"""Order defect rate (SPEC 4.1): what a defect is, once per order, by the order's purchase date, per channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from metric_builders import (
    ao,
    audit,
    claim,
    counts,
    fb,
    fba_ship,
    la,
    mfn_return,
    oid,
    write_all_orders,
    write_claims,
    write_fba_shipments,
    write_feedback,
    write_mfn_returns,
)

AS_OF = "2024-05-15"  # ODR window: 2024-03-03 .. 2024-05-01
BOUGHT = la("2024-04-10")
MFN_ODR = "order_defect_rate_mfn"
AFN_ODR = "order_defect_rate_afn"


def _orders(tmp_path: Path, mfn: range, afn: range = range(0)) -> None:
    rows = [ao(oid(n), BOUGHT) for n in mfn]
    rows += [ao(oid(n), BOUGHT, channel="Amazon", sku="FBA-1") for n in afn]
    write_all_orders(tmp_path, rows)


def test_one_and_two_star_feedback_are_defects_three_is_not(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 11))
    write_feedback(
        tmp_path,
        [fb(oid(1), 1), fb(oid(2), 2), fb(oid(3), 3), fb(oid(4), 4), fb(oid(5), 5)],
    )
    m = audit(tmp_path, AS_OF).metric(MFN_ODR)
    assert counts(m) == (2, 10)
    assert m["rate"] == 0.2
    assert m["order_ids"] == [oid(1), oid(2)]
    assert m["details"] == {"negative_feedback": 2, "a_to_z_claims": 0, "chargebacks": 0}


def test_claim_statuses_that_count_and_that_do_not(tmp_path: Path) -> None:
    counting = ["granted-seller-funded", "Refunded by seller", "CANCELLED_AFTER_CLAIM", "open", "Under Investigation"]
    not_counting = ["denied", "Withdrawn", "granted_amazon_funded", "GRANTED AMAZON FUNDED"]
    _orders(tmp_path, range(1, 21))
    rows = [claim(oid(i), status) for i, status in enumerate(counting, start=1)]
    rows += [claim(oid(i), status) for i, status in enumerate(not_counting, start=11)]
    write_claims(tmp_path, rows)
    result = audit(tmp_path, AS_OF)
    m = result.metric(MFN_ODR)
    assert counts(m) == (5, 20)
    assert m["rate"] == 0.25
    assert m["order_ids"] == [oid(i) for i in range(1, 6)]
    assert m["details"] == {"negative_feedback": 0, "a_to_z_claims": 5, "chargebacks": 0}
    assert not any("unknown status" in w for w in result.doc["warnings"])


def test_unknown_claim_status_counts_with_a_warning_naming_it(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5))
    write_claims(tmp_path, [claim(oid(1), "Escalated"), claim(oid(2), "denied")])
    result = audit(tmp_path, AS_OF)
    m = result.metric(MFN_ODR)
    assert counts(m) == (1, 4)
    assert m["order_ids"] == [oid(1)]
    assert any("unknown status" in w and "escalated" in w for w in result.doc["warnings"])


def test_chargebacks_count_unless_fraud(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 11))
    write_claims(
        tmp_path,
        [
            claim(oid(1), "open", "chargeback"),
            claim(oid(2), "granted-seller-funded", "Chargeback"),
            claim(oid(3), "open", "chargeback", reason="fraud"),
            claim(oid(4), "open", "chargeback", reason="Fraud"),
            claim(oid(5), "denied", "chargeback"),
            claim(oid(6), "open", "A-to-z Guarantee"),
        ],
    )
    m = audit(tmp_path, AS_OF).metric(MFN_ODR)
    assert counts(m) == (3, 10)
    assert m["order_ids"] == [oid(1), oid(2), oid(6)]
    assert m["details"] == {"negative_feedback": 0, "a_to_z_claims": 1, "chargebacks": 2}


def test_mfn_return_with_an_a_to_z_claim_is_a_defect(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5))
    write_mfn_returns(tmp_path, [mfn_return(oid(1), "Y"), mfn_return(oid(2), "N"), mfn_return(oid(3), "y")])
    result = audit(tmp_path, AS_OF)
    m = result.metric(MFN_ODR)
    assert counts(m) == (2, 4)
    assert m["order_ids"] == [oid(1), oid(3)]
    assert m["details"]["a_to_z_claims"] == 2


def test_the_seller_fulfilled_returns_report_alone_does_not_evaluate_the_fba_rate(tmp_path: Path) -> None:
    """Its A-to-z flags are on seller-fulfilled orders only: with it alone, the FBA rate said 0 % "ok" although no
    file given could show an FBA defect (SPEC 4, rev 2: the inputs must be able to show the numerator)."""
    _orders(tmp_path, range(1, 5), afn=range(11, 14))
    write_mfn_returns(tmp_path, [mfn_return(oid(1), "Y")])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric(MFN_ODR)) == (1, 4)
    afn = result.metric(AFN_ODR)
    assert afn["status"] == "not_evaluated" and "no feedback or claims file was given" in afn["reason"]
    write_feedback(tmp_path, [fb(oid(11), 5)])
    assert counts(audit(tmp_path, AS_OF).metric(AFN_ODR)) == (0, 3)


def test_an_order_with_several_defects_counts_once_details_count_each_kind(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 11))
    write_feedback(tmp_path, [fb(oid(1), 1), fb(oid(1), 2, date="5/2/24")])
    write_claims(tmp_path, [claim(oid(1), "open"), claim(oid(1), "open", "chargeback"), claim(oid(2), "open")])
    write_mfn_returns(tmp_path, [mfn_return(oid(2))])
    m = audit(tmp_path, AS_OF).metric(MFN_ODR)
    assert counts(m) == (2, 10)
    assert m["order_ids"] == [oid(1), oid(2)]
    assert m["details"] == {"negative_feedback": 1, "a_to_z_claims": 2, "chargebacks": 1}


def test_defects_of_orders_not_in_the_order_data_are_unmatched_and_not_counted(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5))
    write_feedback(tmp_path, [fb(oid(1), 1), fb(oid(90), 1), fb(oid(91), 5)])
    write_claims(tmp_path, [claim(oid(92), "open"), claim(oid(93), "denied")])
    result = audit(tmp_path, AS_OF)
    assert counts(result.metric(MFN_ODR)) == (1, 4)
    assert result.doc["unmatched_defects"] == [
        {"order_id": oid(90), "source": "feedback"},
        {"order_id": oid(92), "source": "claims"},
    ]


def test_defects_attach_to_the_order_purchase_date(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [
            ao(oid(1), la("2024-04-10")),  # in the window, feedback after it
            ao(oid(2), la("2024-05-05")),  # after the window, feedback dated inside it
            ao(oid(3), la("2024-03-01")),  # before the window
            ao(oid(4), la("2024-04-20")),
        ],
    )
    write_feedback(tmp_path, [fb(oid(1), 1, date="5/14/24"), fb(oid(2), 1, date="4/20/24"), fb(oid(3), 1)])
    m = audit(tmp_path, AS_OF).metric(MFN_ODR)
    assert counts(m) == (1, 2)
    assert m["order_ids"] == [oid(1)]


def test_cancelled_orders_are_in_the_population(tmp_path: Path) -> None:
    write_all_orders(
        tmp_path,
        [ao(oid(1), BOUGHT), ao(oid(2), BOUGHT, status="Cancelled", quantity=0)],
    )
    write_claims(tmp_path, [claim(oid(2), "cancelled-after-claim")])
    m = audit(tmp_path, AS_OF).metric(MFN_ODR)
    assert counts(m) == (1, 2)


def test_without_feedback_claims_or_returns_it_is_not_evaluated(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5), range(5, 8))
    result = audit(tmp_path, AS_OF)
    for metric_id in (MFN_ODR, AFN_ODR):
        m = result.metric(metric_id)
        assert m["status"] == "not_evaluated"
        assert (m["rate"], m["numerator"], m["denominator"]) == (None, None, None)
        assert "feedback" in m["reason"]


def test_any_one_defect_source_is_enough_to_evaluate(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5))
    write_mfn_returns(tmp_path, [mfn_return(oid(1), "N")])
    m = audit(tmp_path, AS_OF).metric(MFN_ODR)
    assert (m["status"], m["rate"]) == ("ok", 0.0)
    assert counts(m) == (0, 4)


def test_fba_and_seller_fulfilled_orders_are_separate_rates(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5), range(5, 15))
    write_fba_shipments(tmp_path, [fba_ship(oid(20), BOUGHT)])
    write_feedback(tmp_path, [fb(oid(1), 1), fb(oid(5), 2), fb(oid(6), 1), fb(oid(20), 1)])
    result = audit(tmp_path, AS_OF)
    mfn = result.metric(MFN_ODR)
    afn = result.metric(AFN_ODR)
    assert counts(mfn) == (1, 4)
    assert mfn["order_ids"] == [oid(1)]
    assert counts(afn) == (3, 11)
    assert afn["order_ids"] == [oid(5), oid(6), oid(20)]


def test_no_fba_orders_leaves_the_fba_rate_not_evaluated(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5))
    write_feedback(tmp_path, [fb(oid(1), 1)])
    result = audit(tmp_path, AS_OF)
    assert result.metric(AFN_ODR)["status"] == "not_evaluated"
    assert result.metric(MFN_ODR)["status"] == "breach"


def test_unknown_claim_type_counts_as_an_a_to_z_claim_with_a_warning(tmp_path: Path) -> None:
    _orders(tmp_path, range(1, 5))
    write_claims(
        tmp_path, [claim(oid(1), "open", "guarantee"), claim(oid(2), "Escalated", "chargeback", reason="fraud")]
    )
    result = audit(tmp_path, AS_OF)
    m = result.metric(MFN_ODR)
    assert counts(m) == (1, 4)
    assert m["details"] == {"negative_feedback": 0, "a_to_z_claims": 1, "chargebacks": 0}
    assert any("claim-type" in w and "guarantee" in w for w in result.doc["warnings"])


def test_claims_file_status_decides_over_a_returns_claim_flag(tmp_path: Path) -> None:
    """A return flagged A-to-Z Claim = Y is the same claim the claims file lists with its status."""
    orders = write_all_orders(tmp_path, [ao(oid(1), BOUGHT)])
    returns = tmp_path / "returns.txt"
    returns.write_text(f"Order ID\tReturn request date\tA-to-Z Claim\n{oid(1)}\t15-Apr-2024\tY\n", encoding="utf-8")
    claims = write_claims(tmp_path, [claim(oid(1), "Denied")])
    assert counts(audit([orders, returns, claims], AS_OF).metric(MFN_ODR)) == (0, 1)
    # Without the claims file the flag alone counts.
    assert counts(audit([orders, returns], AS_OF).metric(MFN_ODR)) == (1, 1)


@pytest.mark.parametrize("word", ["Granted - Amazon funded", "GRANTED_AMAZON_FUNDED", "granted--amazon  funded"])
def test_separator_runs_in_claim_statuses_fold(tmp_path: Path, word: str) -> None:
    orders = write_all_orders(tmp_path, [ao(oid(1), BOUGHT)])
    claims = write_claims(tmp_path, [claim(oid(1), word)])
    result = audit([orders, claims], AS_OF)
    assert counts(result.metric(MFN_ODR)) == (0, 1)
    assert not any("unknown status" in w for w in result.doc["warnings"])
