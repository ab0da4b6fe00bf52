"""Refund part of a payment, follow it to the end, and handle the errors that matter.

    ENKASH_ACCESS_KEY=... ENKASH_SECRET_KEY=... ENKASH_BASE_URL=http://127.0.0.1:8787 \\
        python examples/quickstart.py EK1743074262175e8KIO 100.50

(`enkash mock` or `cargo run -p enkash-mock` starts the simulator; seed a payment through its
admin API, or use the CI's quickstart step as the model.)
"""

from __future__ import annotations

import asyncio
import logging
import sys
from decimal import Decimal

import enkash


def main(transaction_id: str, amount: Decimal) -> int:
    logging.basicConfig(level=logging.WARNING)
    with enkash.Client.from_env(max_retries=2, timeout=30) as client:
        try:
            refund = client.refund(transaction_id, amount, remarks="quickstart")
        except enkash.OutcomeUnknownError as e:
            print(f"not known whether the refund happened; look it up later by request_id={e.request_id}")
            return 6
        except enkash.BeneficiaryAccountError:
            print("the customer's account is inactive or frozen: collect an alternate account")
            return 4
        except enkash.EnkashError as e:
            print(f"refund refused: {e.code} ({e.message})")
            return 4
        print(f"refund {refund.request_id}: {refund.amount} {refund.status}")
        final = client.wait_for_refund(transaction_id, refund.request_id, timeout=60)
        print(f"refund {final.request_id} is {final.status} ({final.raw_status})")
        payment = client.get_transaction(transaction_id)
        print(f"payment {payment.transaction_id} is {payment.status}")
    return 0


async def main_async(transaction_id: str) -> None:
    async with enkash.AsyncClient.from_env() as client:
        txn = await client.get_transaction(transaction_id)
        print(f"(async) payment {txn.transaction_id} is {txn.status}, amount {txn.amount}")


if __name__ == "__main__":
    txn_id = sys.argv[1] if len(sys.argv) > 1 else "EK1743074262175e8KIO"
    value = Decimal(sys.argv[2]) if len(sys.argv) > 2 else Decimal("100.50")
    code = main(txn_id, value)
    asyncio.run(main_async(txn_id))
    sys.exit(code)
