/** Typed, documented, validated policy configuration read from JSON or maps. */
package dev.datamix.config;
