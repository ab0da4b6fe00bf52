// Build: ./gradlew assembleRelease (runs build-rust.sh first: needs the Android NDK, cargo-ndk and
// the Rust targets aarch64-linux-android, armv7-linux-androideabi, x86_64-linux-android).
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.21"
    id("maven-publish")
}

group = "com.enkash"
version = "0.1.0"

android {
    namespace = "com.enkash.sdk"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        // Apps that shrink with R8 keep what JNA and the Rust side reach by reflection/JNI.
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].apply {
        java.srcDirs(
            "src/main/kotlin",
            "../kotlin/src/main/kotlin", // Secret, error helpers: shared with the JVM package
            "build/generated/uniffi", // uniffi-bindgen output (build-rust.sh)
        )
        jniLibs.srcDirs("build/jniLibs") // <abi>/libenkash_uniffi.so (build-rust.sh)
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    publishing {
        singleVariant("release") {
            withSourcesJar()
        }
    }
}

kotlin {
    jvmToolchain(17)
}

/** The rustls-platform-verifier Kotlin component must match the crate in Cargo.lock exactly. */
abstract class RustlsVersion : ValueSource<String, RustlsVersion.Params> {
    interface Params : ValueSourceParameters {
        val lockFile: RegularFileProperty
    }

    override fun obtain(): String {
        val lines = parameters.lockFile.get().asFile.readLines()
        val at = lines.indexOfFirst { it.trim() == "name = \"rustls-platform-verifier-android\"" }
        val version = if (at < 0) null else lines.drop(at + 1)
            .firstOrNull { it.trimStart().startsWith("version = ") }
            ?.substringAfter('"', "")
            ?.substringBefore('"', "")
            ?.takeIf { it.isNotEmpty() }
        return version ?: error("rustls-platform-verifier-android not found in Cargo.lock")
    }
}

val rustlsPlatformVerifierVersion = providers.of(RustlsVersion::class.java) {
    parameters.lockFile.set(layout.projectDirectory.file("../../Cargo.lock"))
}

configurations.configureEach {
    resolutionStrategy.eachDependency {
        if (requested.group == "rustls" && requested.name == "rustls-platform-verifier") {
            useVersion(rustlsPlatformVerifierVersion.get())
            because("the Kotlin component must match rustls-platform-verifier-android in Cargo.lock")
        }
    }
}

dependencies {
    implementation("net.java.dev.jna:jna:5.17.0@aar")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")
    implementation("rustls:rustls-platform-verifier")
}

val buildRust by tasks.registering(Exec::class) {
    description = "Builds libenkash_uniffi.so for every ABI and generates the Kotlin sources"
    workingDir = projectDir
    commandLine("./build-rust.sh")
}

tasks.named("preBuild") {
    dependsOn(buildRust)
}

publishing {
    publications {
        register<MavenPublication>("release") {
            artifactId = "enkash-android"
            afterEvaluate { from(components["release"]) }
        }
    }
}
