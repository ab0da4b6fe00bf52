// The Android library (AAR) of the enkash SDK: the uniffi Kotlin sources, libenkash_uniffi.so for
// each ABI (built by build-rust.sh with cargo-ndk), JNA as an AAR and EnkashAndroid.init(context).
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
        // The Kotlin half of rustls-platform-verifier (Android's certificate verifier).
        maven {
            url = uri("https://github.com/rustls/rustls-platform-verifier/raw/maven-archive/android-release-support/maven/")
        }
    }
}

rootProject.name = "enkash-android"
