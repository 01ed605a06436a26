/**
 * Distribution channels: the node's side of one connection (the seed's dist handle), the
 * control messages, the distribution header, and ticks.
 */
package dev.jarl.channel;
