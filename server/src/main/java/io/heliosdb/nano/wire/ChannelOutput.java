package io.heliosdb.nano.wire;

import io.heliosdb.nano.Notification;
import io.heliosdb.nano.error.SqlState;
import io.heliosdb.nano.wire.messages.BackendMessages;
import io.heliosdb.nano.wire.messages.Severity;
import io.heliosdb.nano.wire.messages.TransactionStatus;
import io.heliosdb.nano.wire.types.PgColumn;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A session's outgoing messages, encoded into a buffer that is handed to the channel in chunks.
 * Used by one task at a time (the session's serial executor), never on the event loop. A query
 * producing more than the channel takes waits, on its worker thread, until the channel is writable
 * again: the outbound buffer stays bounded however large the result.
 */
final class ChannelOutput implements ExtendedSink {
  /** Hand a chunk to the channel once it holds this much. */
  private static final int CHUNK_BYTES = 64 * 1024;

  /**
   * Hand notifications to the channel in chunks of this much: the drain then stops within a chunk
   * of the high-water mark (64 KiB), and a chunk's buffer, whose capacity doubles as it grows,
   * stays at 32 KiB with the largest notification on top.
   */
  private static final int NOTIFICATION_CHUNK_BYTES = 16 * 1024;

  private final Channel channel;
  private final Object writable = new Object();
  private ByteBuf buffer;

  /**
   * Writes made on a worker that the event loop has not taken yet. Netty queues such a write as a
   * task, while a write made on the event loop goes to the channel at once: a session's task run on
   * the event loop ({@link SerialExecutor#runInlineIfIdle}) would overtake them, and notifications
   * reached a client out of order.
   */
  private final AtomicInteger queuedWrites = new AtomicInteger();

  ChannelOutput(Channel channel) {
    this.channel = channel;
  }

  /** The buffer to encode the next message into. */
  ByteBuf buffer() {
    if (buffer == null) {
      buffer = channel.alloc().buffer(256);
    }
    return buffer;
  }

  /** Writes and flushes what is buffered. */
  void flush() {
    if (buffer != null) {
      handOver();
    }
    channel.flush();
  }

  /** Writes what is buffered, then closes the connection once it is on its way. */
  void flushAndClose() {
    ByteBuf b = buffer == null ? Unpooled.EMPTY_BUFFER : buffer;
    buffer = null;
    write(b, true).addListener(ChannelFutureListener.CLOSE);
  }

  /** Sends a FATAL error and closes the connection. */
  void fatal(String sqlState, String message) {
    BackendMessages.errorResponse(buffer(), Severity.FATAL, sqlState, message, 0);
    ByteBuf b = buffer;
    buffer = null;
    write(b, true).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Whether a task may run on the event loop and keep the order of this session's messages: no
   * write of a worker waits in the event loop's queue (call it on the event loop).
   */
  boolean mayWriteOnEventLoop() {
    return queuedWrites.get() == 0;
  }

  /** Hands the buffer to the channel, unflushed. */
  private void handOver() {
    write(buffer, false);
    buffer = null;
  }

  private ChannelFuture write(ByteBuf b, boolean flush) {
    boolean fromWorker = !channel.eventLoop().inEventLoop();
    if (fromWorker) {
      queuedWrites.incrementAndGet();
    }
    ChannelFuture f = flush ? channel.writeAndFlush(b) : channel.write(b, channel.voidPromise());
    if (fromWorker) {
      // Queued after the write's own task: when it runs, the write has reached the channel.
      channel.eventLoop().execute(queuedWrites::decrementAndGet);
    }
    return f;
  }

  void readyForQuery(TransactionStatus status) {
    BackendMessages.readyForQuery(buffer(), status);
  }

  /**
   * A notification; for an overflow marker a NoticeResponse, severity WARNING, SQLSTATE 01000
   * (PostgreSQL has no such event, so the generic warning code), saying how many were dropped.
   * Every chunk is handed to the channel unflushed and without waiting: the caller checks {@link
   * #isWritable()} before the next notification and leaves the rest queued when it is not.
   */
  void notification(Notification n) {
    if (n.isOverflow()) {
      BackendMessages.noticeResponse(
          buffer(),
          Severity.WARNING,
          SqlState.WARNING.code(),
          n.droppedCount()
              + " notifications were dropped: this session's queue was full"
              + " (notification_queue_size or notification_queue_bytes)");
    } else {
      BackendMessages.notificationResponse(buffer(), n.senderPid(), n.channel(), n.payload());
    }
    if (buffer.readableBytes() >= NOTIFICATION_CHUNK_BYTES) {
      handOver();
    }
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** Called on the event loop when the channel's writability changed or it closed. */
  void wakeUp() {
    synchronized (writable) {
      writable.notifyAll();
    }
  }

  @Override
  public void rowDescription(List<PgColumn> columns) {
    BackendMessages.rowDescription(buffer(), columns);
  }

  @Override
  public void dataRow(String[] values) {
    BackendMessages.dataRow(buffer(), values);
    if (buffer.readableBytes() >= CHUNK_BYTES) {
      writeChunk();
    }
  }

  @Override
  public void dataRow(byte[][] values) {
    BackendMessages.dataRow(buffer(), values);
    if (buffer.readableBytes() >= CHUNK_BYTES) {
      writeChunk();
    }
  }

  @Override
  public void rowDescription(List<PgColumn> columns, short[] formats) {
    BackendMessages.rowDescription(buffer(), columns, formats);
  }

  @Override
  public void parseComplete() {
    BackendMessages.parseComplete(buffer());
  }

  @Override
  public void bindComplete() {
    BackendMessages.bindComplete(buffer());
  }

  @Override
  public void closeComplete() {
    BackendMessages.closeComplete(buffer());
  }

  @Override
  public void noData() {
    BackendMessages.noData(buffer());
  }

  @Override
  public void portalSuspended() {
    BackendMessages.portalSuspended(buffer());
  }

  @Override
  public void parameterDescription(int[] typeOids) {
    BackendMessages.parameterDescription(buffer(), typeOids);
  }

  @Override
  public void commandComplete(String tag) {
    BackendMessages.commandComplete(buffer(), tag);
  }

  @Override
  public void emptyQuery() {
    BackendMessages.emptyQueryResponse(buffer());
  }

  @Override
  public void error(String sqlState, String message) {
    BackendMessages.errorResponse(buffer(), Severity.ERROR, sqlState, message, 0);
  }

  @Override
  public void error(String sqlState, String message, String hint) {
    BackendMessages.errorResponse(buffer(), Severity.ERROR, sqlState, message, hint);
  }

  @Override
  public void parameterStatus(String name, String value) {
    BackendMessages.parameterStatus(buffer(), name, value);
  }

  @Override
  public void notice(Severity severity, String sqlState, String message) {
    BackendMessages.noticeResponse(buffer(), severity, sqlState, message);
  }

  /** Hands the buffer to the channel; waits while the channel is over its high-water mark. */
  private void writeChunk() {
    handOver();
    if (channel.isWritable()) {
      return;
    }
    channel.flush();
    synchronized (writable) {
      while (!channel.isWritable() && channel.isActive()) {
        try {
          writable.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
