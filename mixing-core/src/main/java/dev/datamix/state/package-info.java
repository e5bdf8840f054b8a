/** JSON for configs and versioned state; the exception for unreadable or incompatible state. */
package dev.datamix.state;
