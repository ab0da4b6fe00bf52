@file:OptIn(CoreEnvironmentDeprecation::class, CompilerConfiguration.Internals::class)

package com.enkash.sdk

import org.jetbrains.kotlin.CoreEnvironmentDeprecation
import org.jetbrains.kotlin.cli.create
import org.jetbrains.kotlin.cli.jvm.compiler.EnvironmentConfigFiles
import org.jetbrains.kotlin.cli.jvm.compiler.KotlinCoreEnvironment
import org.jetbrains.kotlin.com.intellij.openapi.util.Disposer
import org.jetbrains.kotlin.com.intellij.psi.PsiErrorElement
import org.jetbrains.kotlin.com.intellij.psi.util.PsiTreeUtil
import org.jetbrains.kotlin.config.CompilerConfiguration
import org.jetbrains.kotlin.psi.KtFile
import org.jetbrains.kotlin.psi.KtPsiFactory
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File

/**
 * The Android library's Gradle scripts (`bindings-kotlin/android/`) are built only where an
 * Android SDK exists; here, the Kotlin compiler's own parser proves they parse as Kotlin scripts,
 * and the build declares what an app needs (the ABIs' jniLibs, JNA as an AAR, coroutines-android,
 * the R8 keep rules).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AndroidGradleFilesTest {
    private val disposable = Disposer.newDisposable()
    private val android = File(System.getProperty("enkash.android.dir", "../android"))
    private val psi by lazy {
        val env = KotlinCoreEnvironment.createForProduction(
            disposable,
            CompilerConfiguration.create(),
            EnvironmentConfigFiles.JVM_CONFIG_FILES,
        )
        KtPsiFactory(env.project)
    }

    @AfterAll
    fun dispose() = Disposer.dispose(disposable)

    private fun parse(name: String): KtFile {
        val file = File(android, name)
        assertTrue(file.isFile, "missing $file")
        return psi.createFile(name, file.readText())
    }

    private fun syntaxErrors(file: KtFile): List<String> =
        PsiTreeUtil.collectElementsOfType(file, PsiErrorElement::class.java).map { e ->
            val line = file.text.substring(0, e.textOffset).count { it == '\n' } + 1
            "${file.name}:$line: ${e.errorDescription}"
        }

    @Test
    fun `the Gradle scripts parse as Kotlin scripts`() {
        for (name in listOf("build.gradle.kts", "settings.gradle.kts")) {
            val file = parse(name)
            assertTrue(file.isScript(), "$name is not read as a script")
            assertEquals(emptyList<String>(), syntaxErrors(file))
        }
    }

    @Test
    fun `the parser reports a broken script`() {
        val broken = psi.createFile("broken.gradle.kts", "android {\n    namespace = \"x\"\n")
        assertTrue(syntaxErrors(broken).isNotEmpty(), "an unclosed block must be a syntax error")
    }

    @Test
    fun `the build declares what an app needs`() {
        val build = parse("build.gradle.kts").text
        for (needed in listOf(
            "id(\"com.android.library\")",
            "net.java.dev.jna:jna:5.17.0@aar",
            "kotlinx-coroutines-android",
            "consumerProguardFiles(\"consumer-rules.pro\")",
            "jniLibs.srcDirs(",
        )) {
            assertTrue(needed in build, "build.gradle.kts lacks $needed")
        }
        val rust = File(android, "build-rust.sh").readText()
        for (abi in listOf("arm64-v8a", "armeabi-v7a", "x86_64")) {
            assertTrue(abi in rust, "build-rust.sh builds no $abi library")
        }
        val rules = File(android, "consumer-rules.pro").readText()
        assertTrue("-keep class com.sun.jna.**" in rules, "R8 rules do not keep JNA")
    }
}
