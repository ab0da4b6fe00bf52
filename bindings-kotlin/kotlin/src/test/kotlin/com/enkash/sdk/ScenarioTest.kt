package com.enkash.sdk

import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.math.BigDecimal

/** The shared scenario manifest (every JSON file in tests/scenarios), run through the Kotlin binding. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScenarioTest {
    private lateinit var sim: Simulator

    @BeforeAll fun start() { sim = Simulator() }
    @AfterAll fun stop() { sim.close() }

    @TestFactory
    fun scenarios(): List<DynamicTest> {
        val files = File(System.getProperty("enkash.scenarios")).listFiles { f -> f.name.endsWith(".json") }!!.sorted()
        assertTrue(files.size >= 20)
        return files.map { f -> DynamicTest.dynamicTest(f.nameWithoutExtension) { run(JSONObject(f.readText())) } }
    }

    private fun refundMap(r: Refund) = mapOf(
        "request_id" to r.requestId, "transaction_id" to r.transactionId,
        "refund_transaction_id" to r.refundTransactionId, "amount" to r.amount.toPlainString(),
        "status" to r.status, "raw_status" to r.rawStatus,
    )

    private suspend fun call(c: EnkashClient, name: String, a: JSONObject): Map<String, Any?> {
        fun s(k: String): String? = if (a.has(k) && !a.isNull(k)) a.getString(k) else null
        return when (name) {
            "refund" -> refundMap(c.refund(s("transaction_id")!!, parseAmount(s("amount")!!), s("request_id"), s("remarks"), false))
            "get_refund" -> refundMap(c.getRefund(s("transaction_id")!!, s("request_id")!!, s("refund_transaction_id")))
            "wait_for_refund" -> refundMap(c.waitForRefund(s("transaction_id")!!, s("request_id")!!, s("refund_transaction_id"), java.time.Duration.ofMillis(a.optLong("timeout_ms", 10000))))
            "get_transaction" -> c.getTransaction(s("transaction_id")!!).let {
                mapOf("transaction_id" to it.transactionId, "status" to it.status, "amount" to it.amount?.toPlainString(), "payment_mode" to it.paymentMode)
            }
            "issue_token" -> c.issueToken().let { mapOf("expires_at_ms" to it.expiresAtMs) }
            "get_order" -> c.getOrder(s("order_id")!!).let {
                mapOf("order_id" to it.orderId, "status" to it.status, "amount" to it.amount?.toPlainString())
            }
            "parse_payment_notification" -> parsePaymentNotification(s("body")!!.toByteArray()).let {
                mapOf("transaction_id" to it.transactionId, "order_id" to it.orderId, "status" to it.status,
                    "order_status" to it.orderStatus, "amount" to it.amount?.toPlainString(),
                    "final_amount" to it.finalAmount?.toPlainString(), "payment_mode" to it.paymentMode)
            }
            else -> error("unknown call $name")
        }
    }

    private fun same(key: String, want: Any?, got: Any?): Boolean =
        if (key.contains("amount") && want is String && got is String) BigDecimal(want).compareTo(BigDecimal(got)) == 0
        else want == got

    private fun check(expect: JSONObject, actual: Map<String, Any?>, where: String) {
        for (k in expect.keySet()) {
            val want = if (expect.isNull(k)) null else expect.get(k)
            val got = actual[k]
            val w = if (want is Number) want.toInt() else want
            assertTrue(same(k, w, got), "$where: $k: expected $want, got $got")
        }
    }

    private fun run(sc: JSONObject) = runBlocking<Unit> {
        sim.seed(sc.getJSONObject("seed"))
        val c = sc.optJSONObject("client") ?: JSONObject()
        val backend = sim.client() // the merchant's server: holds the secret key
        val provider = if (c.optString("token_source") != "provider") null else object : TokenProvider {
            override suspend fun fetchToken(): IssuedToken =
                if (c.optString("provider") == "fails") throw TokenProviderException.Failed("backend unreachable")
                else backend.issueToken()
        }
        val client = sim.client(
            tokenProvider = provider,
            secretKey = c.optString("secret_key", "sk_test"),
            maxRetries = if (c.has("max_retries")) c.getInt("max_retries").toUInt() else null,
            refundLookup = c.optString("refund_lookup", "").ifEmpty { null },
            gatewayDedupesRequestId = if (c.has("gateway_dedupes_request_id")) c.getBoolean("gateway_dedupes_request_id") else null,
            environment = c.optString("environment", "").ifEmpty { null },
            userAgentSuffix = c.optString("user_agent_suffix", "").ifEmpty { null },
        )
        val steps = sc.getJSONArray("steps")
        for (i in 0 until steps.length()) {
            val step = steps.getJSONObject(i)
            if (step.optString("admin") == "expire_tokens") { sim.expireTokens(); continue }
            if (step.has("wait_ms")) { kotlinx.coroutines.delay(step.getLong("wait_ms")); continue }
            val where = "step $i (${step.getString("call")})"
            val expect = step.getJSONObject("expect")
            try {
                val result = call(client, step.getString("call"), step.getJSONObject("args"))
                assertTrue(expect.has("ok"), "$where: expected an error, got $result")
                check(expect.getJSONObject("ok"), result, where)
            } catch (e: EnkashException) {
                assertTrue(expect.has("error"), "$where: expected success, got $e")
                val info = e.info
                check(expect.getJSONObject("error"), mapOf(
                    "code" to info.code, "field" to info.field, "request_id" to info.requestId,
                    "retryable" to info.retryable, "http_status" to info.httpStatus?.toInt(),
                ), where)
            }
        }
        checkJournal(sim.journal(), sc.getJSONObject("journal"))
    }

    private fun checkJournal(j: JSONObject, want: JSONObject) {
        val refunds = j.getJSONArray("refunds")
        val per = mutableMapOf<String, Int>()
        for (i in 0 until refunds.length()) per.merge(refunds.getJSONObject(i).getString("request_id"), 1, Int::plus)
        assertTrue(per.values.all { it == 1 }, "a requestId was applied twice: $per")
        if (want.has("refunds_applied")) assertEquals(want.getInt("refunds_applied"), refunds.length(), "refunds applied")
        val requests = j.getJSONArray("requests")
        want.optJSONArray("user_agent_contains")?.let { texts ->
            for (t in 0 until texts.length()) for (i in 0 until requests.length()) {
                val r = requests.getJSONObject(i)
                val ua = if (r.isNull("user_agent")) "" else r.getString("user_agent")
                assertTrue(texts.getString(t) in ua, "User-Agent of ${r.getString("route")} lacks ${texts.getString(t)}: $ua")
            }
        }
        val counts = j.getJSONObject("counts")
        want.optJSONObject("counts")?.let { wc -> for (route in wc.keySet()) assertEquals(wc.getInt(route), counts.optInt(route, 0), "count $route") }
        want.optJSONObject("refund_amounts")?.let { wa ->
            for (rid in wa.keySet()) {
                val applied = (0 until refunds.length()).map { refunds.getJSONObject(it) }.filter { it.getString("request_id") == rid }
                assertEquals(1, applied.size, rid)
                assertEquals(0, BigDecimal(wa.getString(rid)).compareTo(BigDecimal(applied[0].getString("amount"))), rid)
            }
        }
    }
}
