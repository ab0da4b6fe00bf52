package com.enkash.sdk

import com.enkash.examples.BackendTokenProvider
import com.enkash.examples.RefundResult
import com.enkash.examples.appClient
import com.enkash.examples.refundFromApp
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.math.BigDecimal

/** examples/AppRefund.kt against the simulator, which also plays the merchant's token backend. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesTest {
    private lateinit var sim: Simulator

    @BeforeAll fun start() { sim = Simulator() }
    @AfterAll fun stop() { sim.close() }

    @Test fun `the app example refunds with tokens from the backend and no secret key`() = runBlocking<Unit> {
        sim.seed(org.json.JSONObject("""{"transactions":[{"id":"EKKEX1","amount":"100"}]}"""))
        val app = appClient("ak_test", sim.url, BackendTokenProvider("${sim.url}/__mock/app-token") { "app-user-session" })
        val done = refundFromApp(app, "EKKEX1", BigDecimal("12.50"))
        assertTrue(done is RefundResult.Done, "$done")
        assertEquals(0, BigDecimal("12.50").compareTo((done as RefundResult.Done).refund.amount))
        assertEquals("PARTIALLY_REFUNDED", app.getTransaction("EKKEX1").status)
        val stranger = appClient("ak_test", sim.url, BackendTokenProvider("${sim.url}/__mock/app-token") { "" })
        val refused = refundFromApp(stranger, "EKKEX1", BigDecimal("1"))
        assertTrue(refused is RefundResult.Refused && "401" in refused.message, "$refused")
    }
}
