// Every public method of the enkash package, type-checked with `tsc --strict --noEmit`.
// Run (after `npm run build`): ENKASH_ACCESS_KEY=… ENKASH_SECRET_KEY=… ENKASH_BASE_URL=… node examples/quickstart.js
import {
  Client,
  EnkashError,
  OutcomeUnknownError,
  BeneficiaryAccountError,
  parsePaymentNotification,
  type Refund,
  type Transaction,
  type Order,
  type TokenInfo,
  type PaymentNotification,
} from 'enkash'

export async function main(transactionId: string, amount: string): Promise<number> {
  const client: Client = Client.fromEnv({ maxRetries: 2, timeoutMs: 30_000 })
  const token: TokenInfo = await client.checkToken()
  console.log(`token expires at ${token.expiresAtMs ?? 'unknown'}`)
  let refund: Refund
  try {
    refund = await client.refund(transactionId, amount, { remarks: 'quickstart' })
  } catch (e) {
    if (e instanceof OutcomeUnknownError) {
      console.log(`not known whether it happened; look it up by requestId=${e.requestId ?? ''}`)
      return 6
    }
    if (e instanceof BeneficiaryAccountError) {
      console.log('the customer account is inactive or frozen: collect an alternate account')
      return 4
    }
    if (e instanceof EnkashError) {
      console.log(`refused: ${e.code} (http ${e.httpStatus ?? '-'}, retryable ${String(e.retryable)})`)
      return 4
    }
    throw e
  }
  console.log(`refund ${refund.requestId}: ${refund.amount} ${refund.status}`)
  const same: Refund = await client.getRefund(transactionId, refund.requestId)
  const found: Refund | null = await client.findRefund(transactionId, refund.requestId)
  const done: Refund = await client.waitForRefund(transactionId, same.requestId, {
    refundTransactionId: found?.refundTransactionId,
    timeoutMs: 60_000,
  })
  console.log(`refund ${done.requestId} is ${done.status} (${done.rawStatus})`)
  const txn: Transaction = await client.getTransaction(transactionId)
  console.log(`payment ${txn.transactionId} is ${txn.status}`)
  try {
    const order: Order = await client.getOrder('ORD1784195236818VZuxB')
    console.log(`order ${order.orderId} is ${order.status ?? '?'}`)
  } catch (e) {
    if (!(e instanceof EnkashError && e.code === 'not_found')) throw e
  }
  const note: PaymentNotification = parsePaymentNotification(Buffer.from('{"transactionStatus":"SUCCESS","amount":100.5}'))
  console.log(`webhook says ${note.status ?? '?'} for ${note.amount ?? '?'}`)
  await client.close()
  return 0
}

if (require.main === module) {
  main(process.argv[2] ?? 'EK1743074262175e8KIO', process.argv[3] ?? '100.50').then((code) => process.exit(code))
}
