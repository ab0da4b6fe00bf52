package com.enkash.sdk

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.math.BigDecimal
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private lateinit var sim: Simulator

    @BeforeAll fun start() { sim = Simulator() }
    @AfterAll fun stop() { sim.close() }

    private fun txns(vararg pairs: Pair<String, String>, extra: String = "") =
        sim.seed("""{"transactions":[${pairs.joinToString(",") { """{"id":"${it.first}","amount":"${it.second}"$extra}""" }}]}""")

    @Test fun `64 concurrent coroutine refunds share one token request`() = runBlocking<Unit> {
        txns(*Array(64) { "EKK$it" to "100" })
        sim.addFault("""{"route":"token","kind":"delay","delay_ms":200}""")
        val client = sim.client()
        val refunds = (0 until 64).map { i ->
            async { client.refund("EKK$i", BigDecimal("9.99"), "K-$i", null, false) }
        }.awaitAll()
        assertEquals((0 until 64).map { "K-$it" }, refunds.map { it.requestId })
        assertTrue(refunds.all { it.amount.compareTo(BigDecimal("9.99")) == 0 })
        assertEquals(1, sim.count("token"))
        assertEquals(64, sim.refundsApplied().length())
    }

    @Test fun `a refund cancelled after commit finishes once in the background`() {
        txns("EKKCX1" to "500")
        // Committed at once; the connection is cut 600 ms later, after the coroutine was cancelled.
        sim.addFault("""{"route":"refund","kind":"reset_after_commit","delay_ms":600,"times":1}""")
        val client = sim.client()
        val requestId = newRequestId()
        assertThrows(TimeoutCancellationException::class.java) {
            runBlocking { withTimeout(200) { client.refund("EKKCX1", BigDecimal("25"), requestId, null, false) } }
        }
        var waited = 0
        while (sim.count("refund_enquiry") == 0 && waited++ < 100) Thread.sleep(50)
        val applied = sim.refundsApplied()
        assertEquals(1, applied.length(), "refunded once")
        assertEquals(requestId, applied.getJSONObject(0).getString("request_id"))
        assertEquals(1, sim.count("refund"), "never resent")
        assertEquals(1, sim.count("refund_enquiry"), "the cancelled refund was reconciled")
        val found = client.findRefundBlocking("EKKCX1", requestId, null)
        assertEquals(requestId, found?.requestId)
    }

    @Test fun `an app without the secret key gets its tokens from its backend`() = runBlocking<Unit> {
        txns("EKKAPP1" to "100")
        val backend = sim.client() // the merchant's server: holds the secret key
        var asked = 0
        val provider = object : TokenProvider {
            override suspend fun fetchToken(): IssuedToken {
                asked++
                return backend.issueToken()
            }
        }
        val app = EnkashClient.withTokenProvider(
            ClientConfig(accessKey = Secret("ak_test"), baseUrl = sim.url, initialBackoff = java.time.Duration.ofMillis(5)),
            provider,
        )
        val refund = app.refund("EKKAPP1", BigDecimal("5"), newRequestId(), null, false)
        assertEquals("EKKAPP1", refund.transactionId)
        assertEquals(1, asked)
        sim.expireTokens()
        app.getTransaction("EKKAPP1")
        assertEquals(2, asked, "a rejected token is refreshed from the provider once")
        assertThrows(EnkashException.Usage::class.java) { runBlocking { app.issueToken() } }
        val issued = backend.issueToken()
        assertFalse(issued.toString().contains(issued.token.value), "an issued token never prints")
        assertFalse(app.toString().contains(issued.token.value), "the app client never prints its token")
        val both = assertThrows(EnkashException.InvalidRequest::class.java) {
            EnkashClient.withTokenProvider(
                ClientConfig(accessKey = Secret("ak_test"), secretKey = Secret("sk_test"), baseUrl = sim.url),
                provider,
            )
        }
        assertEquals("secret_key", both.info.field, "a provider-backed client refuses to hold the secret key")
        val failing = EnkashClient.withTokenProvider(
            ClientConfig(accessKey = Secret("ak_test"), baseUrl = sim.url),
            object : TokenProvider {
                override suspend fun fetchToken(): IssuedToken = throw TokenProviderException.Failed("backend down")
            },
        )
        val e = assertThrows(EnkashException.Authentication::class.java) { runBlocking { failing.getTransaction("EKKAPP1") } }
        assertTrue("backend down" in e.info.message, e.info.message)
    }

    @Test fun `blocking variants work from many Java threads`() {
        txns(*Array(16) { "EKJ$it" to "100" })
        val client = sim.client()
        val pool = Executors.newFixedThreadPool(16)
        val futures = (0 until 16).map { i -> pool.submit<Refund> { client.refundBlocking("EKJ$i", BigDecimal("1.25"), "J-$i", null, false) } }
        val refunds = futures.map { it.get(30, TimeUnit.SECONDS) }
        pool.shutdown()
        assertEquals(16, refunds.size)
        assertEquals("PARTIALLY_REFUNDED", client.getTransactionBlocking("EKJ0").status)
        assertEquals(1, sim.count("token"))
    }

    @Test fun `every error kind has its exception subclass`() = runBlocking<Unit> {
        assertEquals(16, errorCodes().size)
        txns("EKE" to "10")
        val client = sim.client(maxRetries = 1u)
        val exceeds = assertThrows(EnkashException.RefundExceedsAvailable::class.java) {
            runBlocking { client.refund("EKE", BigDecimal("11"), "E-1", null, false) }
        }
        assertEquals("refund_exceeds_available", exceeds.info.code)
        assertEquals(400, exceeds.info.httpStatus?.toInt())
        assertEquals("E-1", exceeds.info.requestId)
        assertFalse(exceeds.info.retryable)
        assertThrows(EnkashException.NotFound::class.java) { runBlocking { client.getTransaction("EKNONE") } }
        txns("EKE" to "10", extra = ""","status":"FAILED"""")
        assertThrows(EnkashException.TransactionNotRefundable::class.java) { runBlocking { client.refund("EKE", BigDecimal("1"), null, null, false) } }
        txns("EKE" to "10", extra = ""","beneficiary_frozen":true""")
        assertThrows(EnkashException.BeneficiaryAccount::class.java) { client.refundBlocking("EKE", BigDecimal("1"), null, null, false) }
        sim.seed("""{"merchants":[{"access_key":"ak_test","secret_key":"sk_test","balance":"1"}],"transactions":[{"id":"EKE","amount":"10"}]}""")
        assertThrows(EnkashException.InsufficientBalance::class.java) { client.refundBlocking("EKE", BigDecimal("2"), null, null, false) }
        sim.addFault("""{"route":"get_transaction","kind":"rate_limit","retry_after_secs":0,"times":5}""")
        val rl = assertThrows(EnkashException.RateLimited::class.java) { client.getTransactionBlocking("EKE") }
        assertTrue(rl.info.retryable)
        txns("EKE" to "10")
        sim.addFault("""{"route":"get_transaction","kind":"http_status","status":503,"times":5}""")
        assertThrows(EnkashException.Api::class.java) { client.getTransactionBlocking("EKE") }
        txns("EKE" to "10")
        sim.addFault("""{"route":"get_transaction","kind":"malformed_body","times":5}""")
        assertThrows(EnkashException.Decode::class.java) { client.getTransactionBlocking("EKE") }
        txns("EKE" to "10")
        sim.addFault("""{"route":"get_transaction","kind":"delay","delay_ms":2000,"times":5}""")
        val slow = sim.client(requestTimeout = java.time.Duration.ofMillis(200), timeout = java.time.Duration.ofMillis(500))
        assertThrows(EnkashException.Timeout::class.java) { slow.getTransactionBlocking("EKE") }
        assertThrows(EnkashException.Authentication::class.java) { sim.client(secretKey = "wrong").getTransactionBlocking("EKE") }
        val refused = EnkashClient(ClientConfig(Secret("a"), Secret("b"), baseUrl = "http://127.0.0.1:1", maxRetries = 0u))
        assertThrows(EnkashException.Network::class.java) { refused.getTransactionBlocking("EK1") }
        txns("EKE" to "10")
        sim.addFault("""{"route":"refund","kind":"reset_after_commit","times":1}""")
        val ou = assertThrows(EnkashException.OutcomeUnknown::class.java) {
            sim.client(refundLookup = "transaction_status_only").refundBlocking("EKE", BigDecimal("1"), "OU-K", null, false)
        }
        assertEquals("OU-K", ou.info.requestId)
        assertThrows(EnkashException.InvalidRequest::class.java) { EnkashClient(ClientConfig(Secret("a"), Secret("b"), baseUrl = "http://example.com")) }
        assertThrows(EnkashException.Internal::class.java) { triggerInternalPanic() }
    }

    @Test fun `bad inputs are rejected and nothing is sent`() = runBlocking<Unit> {
        txns("EKB" to "100")
        val client = sim.client()
        val badAmounts = listOf("0", "-1", "1.005", "0.001", "1000000000.01", "1E-3", "-0.01")
        for (a in badAmounts) {
            val e = assertThrows(EnkashException.InvalidRequest::class.java, { client.refundBlocking("EKB", BigDecimal(a), null, null, false) }, a)
            assertEquals("amount", e.info.field, a)
        }
        val badIds = listOf("", " EK", "EK/1", "E".repeat(100), "EK?x")
        for (id in badIds) {
            assertThrows(EnkashException.InvalidRequest::class.java, { runBlocking { client.refund(id, BigDecimal("1"), null, null, false) } }, id)
            assertThrows(EnkashException.InvalidRequest::class.java, { client.getTransactionBlocking(id) }, id)
        }
        for ((rid, remarks) in listOf("" to null, "has space" to null, "R".repeat(65) to null, null to "x".repeat(256), null to "nul\u0000")) {
            assertThrows(EnkashException.InvalidRequest::class.java) { client.refundBlocking("EKB", BigDecimal("1"), rid, remarks, false) }
        }
        for (text in listOf("abc", "1e3", "NaN", "", " 1")) {
            assertThrows(EnkashException.InvalidRequest::class.java) { parseAmount(text) }
        }
        assertEquals(0, sim.journal().getJSONArray("requests").length())
    }

    @Test fun `string forms never show secrets`() {
        val cfg = ClientConfig(Secret("AK-kt-live-1"), Secret("SK-kt-live-2"), baseUrl = sim.url)
        val shown = cfg.toString() + Secret("SK-kt-live-2").toString()
        assertFalse(shown.contains("SK-kt-live-2") || shown.contains("AK-kt-live-1"), shown)
        txns("EKS" to "10")
        val r = sim.client().refundBlocking("EKS", BigDecimal("1.50"), "S-1", null, false)
        assertNotNull(r.toString())
        assertEquals(BigDecimal("1.50"), r.amount) // the core's one money text
        val n = parsePaymentNotification("""{"transactionStatus":"SUCCESS","amount":100.07}""".toByteArray())
        assertEquals(BigDecimal("100.07"), n.amount)
    }
}
