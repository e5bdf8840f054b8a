/** Small helpers shared by several packages. */
package dev.datamix.util;
