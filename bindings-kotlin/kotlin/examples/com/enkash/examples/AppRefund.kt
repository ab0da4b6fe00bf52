// An app's refund screen, as in a merchant's Android (or JVM desktop) app: the app never holds the
// secret key. Its tokens come from the merchant's own backend (bindings-python/examples/
// token_backend.py is one), which the app calls with the signed-in user's session; the SDK caches
// the token and asks again before it expires or after the gateway rejects it.
package com.enkash.examples

import com.enkash.sdk.ClientConfig
import com.enkash.sdk.EnkashClient
import com.enkash.sdk.EnkashException
import com.enkash.sdk.IssuedToken
import com.enkash.sdk.Refund
import com.enkash.sdk.Secret
import com.enkash.sdk.SecretValue
import com.enkash.sdk.info
import com.enkash.sdk.TokenProvider
import com.enkash.sdk.TokenProviderException
import com.enkash.sdk.newRequestId
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import org.json.JSONObject
import java.math.BigDecimal
import java.net.HttpURLConnection
import java.net.URI

/** Asks the merchant's backend (`POST endpoint`, `Authorization: Bearer <session>`) for a token. */
class BackendTokenProvider(private val endpoint: String, private val session: () -> String) : TokenProvider {
    override suspend fun fetchToken(): IssuedToken = withContext(Dispatchers.IO) {
        val connection = URI(endpoint).toURL().openConnection() as HttpURLConnection
        try {
            connection.requestMethod = "POST"
            connection.setRequestProperty("Authorization", "Bearer ${session()}")
            connection.connectTimeout = 10_000
            connection.readTimeout = 10_000
            if (connection.responseCode != 200) {
                throw TokenProviderException.Failed("the backend answered ${connection.responseCode}")
            }
            val body = JSONObject(connection.inputStream.bufferedReader().use { it.readText() })
            IssuedToken(
                token = SecretValue(body.getString("token")),
                expiresAtMs = if (body.isNull("expiresAtMs")) null else body.getLong("expiresAtMs"),
                expiresAt = null,
            )
        } catch (e: java.io.IOException) {
            throw TokenProviderException.Failed("the backend is unreachable: ${e.message}")
        } finally {
            connection.disconnect()
        }
    }
}

/** What the refund screen shows. */
sealed interface RefundResult {
    data class Done(val refund: Refund) : RefundResult
    /** Not known yet: keep [requestId] and look the refund up later (never refund again blindly). */
    data class Unknown(val requestId: String) : RefundResult
    data class Refused(val message: String) : RefundResult
}

/** One client per app (it owns the connection pool and the token cache). */
fun appClient(accessKey: String, baseUrl: String?, backend: TokenProvider): EnkashClient =
    EnkashClient.withTokenProvider(ClientConfig(accessKey = Secret(accessKey), baseUrl = baseUrl), backend)

suspend fun refundFromApp(client: EnkashClient, transactionId: String, amount: BigDecimal): RefundResult {
    val requestId = newRequestId() // persist it with the order before calling
    return try {
        RefundResult.Done(client.refund(transactionId, amount, requestId, "refund from the app", false))
    } catch (e: EnkashException.OutcomeUnknown) {
        RefundResult.Unknown(e.info.requestId ?: requestId)
    } catch (e: EnkashException) {
        RefundResult.Refused(e.info.message)
    }
}
