/**
 * The node: its name and cookie, processes and mailboxes, the registry, and the duties
 * of {@code net_kernel} (the connection table, auto-connect, ticks, nodeup and nodedown).
 */
package dev.jarl.node;
