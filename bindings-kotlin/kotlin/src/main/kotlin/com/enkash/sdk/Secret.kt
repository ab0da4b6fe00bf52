package com.enkash.sdk

/** A credential that never shows its value in `toString()` (and so not in logs or data classes). */
class SecretValue(val value: String) {
    override fun toString(): String = "Secret(***)"
    override fun equals(other: Any?): Boolean = other is SecretValue && other.value == value
    override fun hashCode(): Int = value.hashCode()
}
