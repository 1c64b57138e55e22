package io.heliosdb.nano;

/**
 * Where this node's federation stands (docs/federation.md), as {@code /health} shows it.
 *
 * @param node this node's name, the origin of its notifications elsewhere
 * @param connected whether NATS is connected (and this node subscribed) now
 * @param pendingForward notifications committed here and not yet published to NATS: the outgoing
 *     queue of non-durable channels, and the durable ones waiting in the durable log
 */
public record FederationStatus(String node, boolean connected, long pendingForward) {}
