/**
 * What the server and each session may take: the memory budget and its byte pools, the sessions
 * that fit (max_connections, open files, memory) and the timeouts of a connection. Uses no other
 * wire package.
 */
package io.heliosdb.nano.wire.limits;
