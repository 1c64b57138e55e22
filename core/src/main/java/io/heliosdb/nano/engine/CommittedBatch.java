package io.heliosdb.nano.engine;

import java.util.List;

/** The entries of one transaction that committed, with the ticket that orders it among commits. */
public record CommittedBatch(long ticket, List<PendingEntry> entries) {}
