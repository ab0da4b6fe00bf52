package com.enkash.sdk

import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * Parity with the Rust core: every operation, option, record field and error field the core lists
 * (its `surface()`) exists in the Kotlin API. Swift is generated from the same uniffi crate.
 */
class ParityTest {
    private val surface = JSONObject(surface())

    private fun camel(name: String) = name.split('_').mapIndexed { i, p -> if (i == 0) p else p.replaceFirstChar(Char::uppercase) }.joinToString("")
    private fun names(key: String) = surface.getJSONArray(key).let { a -> (0 until a.length()).map { a.getString(it) } }
    private fun properties(cls: Class<*>) = cls.declaredFields.map { it.name }.toSet()

    @Test
    fun `parity - every core operation is a suspend and a blocking method`() {
        val methods = EnkashClient::class.java.methods.map { it.name }.toSet()
        for (op in names("operations")) {
            assertTrue(camel(op) in methods, "EnkashClient.${camel(op)}")
            if (op != "close") assertTrue(camel(op) + "Blocking" in methods, "EnkashClient.${camel(op)}Blocking")
        }
        val companion = EnkashClient.Companion::class.java.methods.map { it.name }.toSet()
        assertTrue("fromEnv" in companion, "EnkashClient.fromEnv")
    }

    @Test
    fun `parity - every core option is a ClientConfig field`() {
        val fields = properties(ClientConfig::class.java)
        val options = surface.getJSONArray("options")
        for (i in 0 until options.length()) {
            val name = camel(options.getJSONObject(i).getString("name"))
            assertTrue(name in fields, "ClientConfig.$name")
        }
    }

    @Test
    fun `parity - every record field and error field exists`() {
        val models = surface.getJSONArray("models")
        for (i in 0 until models.length()) {
            val pair = models.getJSONArray(i)
            val cls = Class.forName("com.enkash.sdk." + pair.getString(0))
            val fields = properties(cls)
            val list = pair.getJSONArray(1)
            for (j in 0 until list.length()) assertTrue(camel(list.getString(j)) in fields, "${cls.simpleName}.${camel(list.getString(j))}")
        }
        val info = properties(ErrorInfo::class.java)
        for (f in names("error_fields")) assertTrue(camel(f) in info, "ErrorInfo.${camel(f)}")
        for (f in names("functions")) {
            val fns = Class.forName("com.enkash.sdk.EnkashKt").methods.map { it.name }
            assertTrue(camel(f) in fns, "function ${camel(f)}")
        }
        val cases = EnkashException::class.java.declaredClasses.filter { EnkashException::class.java.isAssignableFrom(it) }
        assertTrue(cases.size == names("error_classes").size, "one EnkashException case per core error kind: ${cases.map { it.simpleName }}")
    }
}
