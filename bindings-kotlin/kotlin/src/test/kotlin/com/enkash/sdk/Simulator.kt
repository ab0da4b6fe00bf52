package com.enkash.sdk

import java.time.Duration

import org.json.JSONArray
import org.json.JSONObject
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/** The enkash-mock simulator binary on an ephemeral loopback port, and its admin API. */
class Simulator : AutoCloseable {
    private val process: Process = ProcessBuilder(
        System.getProperty("enkash.mock.bin") ?: error("set -Denkash.mock.bin"),
        "--listen", "127.0.0.1:0",
        // Stdin is a pipe from this JVM: if it dies without close(), the simulator exits too.
        "--exit-on-stdin-eof",
    ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
    val url: String = process.inputStream.bufferedReader().readLine() ?: error("simulator did not start")
    private val http = HttpClient.newHttpClient()

    private fun call(method: String, path: String, body: String? = null): String {
        val req = HttpRequest.newBuilder(URI.create(url + path))
            .header("content-type", "application/json")
            .method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body))
            .build()
        val res = http.send(req, HttpResponse.BodyHandlers.ofString())
        check(res.statusCode() == 200) { "$method $path: ${res.statusCode()} ${res.body()}" }
        return res.body()
    }

    fun seed(seed: JSONObject) { call("POST", "/__mock/seed", seed.toString()) }
    fun seed(json: String) { call("POST", "/__mock/seed", json) }
    fun addFault(json: String) { call("POST", "/__mock/faults", json) }
    fun expireTokens() { call("POST", "/__mock/tokens/expire", "{}") }
    fun journal(): JSONObject = JSONObject(call("GET", "/__mock/journal"))
    fun count(route: String): Int = journal().getJSONObject("counts").optInt(route, 0)
    fun refundsApplied(): JSONArray = journal().getJSONArray("refunds")

    fun client(
        secretKey: String = "sk_test",
        maxRetries: UInt? = null,
        refundLookup: String? = null,
        gatewayDedupesRequestId: Boolean? = null,
        environment: String? = null,
        userAgentSuffix: String? = null,
        requestTimeout: Duration? = Duration.ofSeconds(5),
        timeout: Duration? = Duration.ofSeconds(20),
        tokenProvider: TokenProvider? = null,
    ): EnkashClient {
        val config = ClientConfig(
            accessKey = Secret("ak_test"),
            // An app client with a token provider holds no secret key.
            secretKey = if (tokenProvider == null) Secret(secretKey) else null,
            baseUrl = url,
            timeout = timeout,
            requestTimeout = requestTimeout,
            maxRetries = maxRetries,
            initialBackoff = Duration.ofMillis(5),
            maxBackoff = Duration.ofMillis(50),
            refundLookup = refundLookup,
            gatewayDedupesRequestId = gatewayDedupesRequestId,
            environment = environment,
            userAgentSuffix = userAgentSuffix,
        )
        return if (tokenProvider == null) EnkashClient(config) else EnkashClient.withTokenProvider(config, tokenProvider)
    }

    override fun close() {
        process.destroy()
        process.waitFor()
    }
}
