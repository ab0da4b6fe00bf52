package com.enkash.sdk.android

import android.content.Context

/**
 * Call once, early (e.g. in `Application.onCreate`), before building an `EnkashClient`:
 *
 * ```kotlin
 * class ShopApp : Application() {
 *     override fun onCreate() {
 *         super.onCreate()
 *         EnkashAndroid.init(this)
 *     }
 * }
 * ```
 *
 * It hands the app's context to the platform certificate verifier, so the SDK checks server
 * certificates the way Android does (system and user trust, the app's network security config).
 * Clients built before it (or if it fails) use the Mozilla roots bundled in the library instead.
 */
object EnkashAndroid {
    @Volatile private var initialised = false

    /** Returns true once the platform verifier is in use for clients built from now on. */
    @JvmStatic
    @Synchronized
    fun init(context: Context): Boolean {
        if (!initialised) {
            System.loadLibrary("enkash_uniffi")
            initialised = initNative(context.applicationContext)
        }
        return initialised
    }

    @JvmStatic
    private external fun initNative(context: Context): Boolean
}
