//! Android only: `EnkashAndroid.init(context)` (bindings-kotlin/android) hands the app's `Context`
//! to the platform TLS verifier, so clients built afterwards check certificates the way Android
//! does (the user's and the app's trust settings). Until then clients use the bundled Mozilla
//! roots instead of failing every handshake.

use jni::objects::{JClass, JObject};
use jni::sys::jboolean;
use jni::EnvUnowned;

/// `com.enkash.sdk.android.EnkashAndroid.initNative(context: Context): Boolean`
// The JVM finds a native method by this exact symbol name; nothing else here is unsafe.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "system" fn Java_com_enkash_sdk_android_EnkashAndroid_initNative<'caller>(
    mut env: EnvUnowned<'caller>,
    _class: JClass<'caller>,
    context: JObject<'caller>,
) -> jboolean {
    // `with_env` catches panics: none crosses into the JVM.
    env.with_env(|env| -> Result<bool, jni::errors::Error> {
        rustls_platform_verifier::android::init_with_env(env, context)?;
        enkash::platform_verifier_initialised();
        Ok(true)
    })
    .resolve::<jni::errors::ThrowRuntimeExAndDefault>()
}
