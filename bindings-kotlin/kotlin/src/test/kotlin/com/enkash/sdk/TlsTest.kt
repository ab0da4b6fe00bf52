package com.enkash.sdk

import com.sun.net.httpserver.HttpsConfigurator
import com.sun.net.httpserver.HttpsServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.net.InetSocketAddress
import java.nio.file.Files
import java.security.KeyStore
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext

/**
 * The bundled-roots path: what an Android app uses until `EnkashAndroid.init(context)` has run
 * (and what `tlsRoots = "bundled"` picks anywhere), over a real TLS handshake with a JDK HTTPS
 * server whose certificate keytool makes for the test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest {
    private lateinit var server: HttpsServer
    private lateinit var caPem: ByteArray
    private lateinit var dir: File

    @BeforeAll fun start() {
        dir = Files.createTempDirectory("enkash-tls").toFile()
        val keystore = File(dir, "server.p12")
        val keytool = File(System.getProperty("java.home"), "bin/keytool").path
        fun run(vararg args: String) {
            val p = ProcessBuilder(keytool, *args).redirectErrorStream(true).start()
            val out = p.inputStream.bufferedReader().readText()
            check(p.waitFor() == 0) { out }
        }
        run("-genkeypair", "-keystore", keystore.path, "-storetype", "PKCS12", "-storepass", "changeit",
            "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1")
        val pem = File(dir, "gateway.pem")
        run("-exportcert", "-rfc", "-keystore", keystore.path, "-storepass", "changeit", "-alias", "gateway", "-file", pem.path)
        caPem = pem.readBytes()

        val ks = KeyStore.getInstance("PKCS12").apply { keystore.inputStream().use { load(it, "changeit".toCharArray()) } }
        val kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(ks, "changeit".toCharArray()) }
        val ssl = SSLContext.getInstance("TLS").apply { init(kmf.keyManagers, null, null) }
        server = HttpsServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.httpsConfigurator = HttpsConfigurator(ssl)
        server.createContext("/api/v0/merchant/token") { ex ->
            val body = """{"token":"tls-token","expiry":${System.currentTimeMillis() + 3_600_000},"resultCode":0}""".toByteArray()
            ex.responseHeaders.add("Content-Type", "application/json")
            ex.sendResponseHeaders(200, body.size.toLong())
            ex.responseBody.use { it.write(body) }
        }
        server.start()
    }

    @AfterAll fun stop() {
        server.stop(0)
        dir.deleteRecursively()
    }

    private fun client(tlsRoots: String?, extraRootCaPem: ByteArray?) = EnkashClient(
        ClientConfig(
            accessKey = Secret("ak_test"), secretKey = Secret("sk_test"),
            baseUrl = "https://127.0.0.1:${server.address.port}",
            tlsRoots = tlsRoots, extraRootCaPem = extraRootCaPem, maxRetries = 0u,
        ),
    )

    @Test fun `the bundled roots verify a real handshake`() = runBlocking<Unit> {
        val info = client("bundled", caPem).checkToken()
        assertTrue(info.cached, "the token came over TLS verified against the bundled roots + the extra CA")
    }

    @Test fun `the bundled roots refuse a certificate outside Mozilla's programme`() {
        val e = assertThrows(EnkashException.Network::class.java) { runBlocking { client("bundled", null).checkToken() } }
        assertTrue("could not connect" in e.info.message, e.info.message)
    }

    @Test fun `an unknown roots name is a typed error naming the option`() {
        val e = assertThrows(EnkashException.InvalidRequest::class.java) { client("system", null) }
        assertEquals("tls_roots", e.info.field)
    }
}
