package io.heliosdb.nano.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL protocol, read directly (trust authentication): a StartupMessage, then one simple
 * {@code LISTEN ch} Query per channel (pipelined), then NotificationResponses. pgjdbc's
 * getNotifications batches and would add its own latency; this hands each payload on as read.
 */
final class PgListenSession implements ListenSession {
  private final List<String> pending = new ArrayList<>();
  private ByteBuffer output;
  private boolean loggedIn;
  private int awaitedReadyForQuery;

  PgListenSession(List<String> channels) {
    pending.addAll(channels);
    byte[] params = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
    output = ByteBuffer.allocate(8 + params.length);
    output.putInt(8 + params.length).putInt(196608).put(params).flip();
    awaitedReadyForQuery = 1;
  }

  @Override
  public ByteBuffer nextOutput() {
    if (output == null && loggedIn && !pending.isEmpty()) {
      int size = 0;
      List<byte[]> queries = new ArrayList<>();
      for (String channel : pending) {
        byte[] q = ("LISTEN " + channel + "\0").getBytes(StandardCharsets.US_ASCII);
        queries.add(q);
        size += 5 + q.length;
      }
      output = ByteBuffer.allocate(size);
      for (byte[] q : queries) {
        output.put((byte) 'Q').putInt(4 + q.length).put(q);
      }
      output.flip();
      awaitedReadyForQuery += pending.size();
      pending.clear();
    }
    ByteBuffer out = output;
    output = null;
    return out;
  }

  @Override
  public void consume(ByteBuffer in, int connection, long nowNanos, PayloadSink sink)
      throws IOException {
    while (in.remaining() >= 5) {
      int p = in.position();
      byte type = in.get(p);
      int end = p + 1 + in.getInt(p + 1);
      if (end > in.limit()) {
        return;
      }
      int body = p + 5;
      switch (type) {
        case 'A' -> {
          int channelEnd = body + 4;
          while (in.get(channelEnd) != 0) {
            channelEnd++;
          }
          int payloadEnd = channelEnd + 1;
          while (in.get(payloadEnd) != 0) {
            payloadEnd++;
          }
          sink.payload(connection, in, channelEnd + 1, payloadEnd - channelEnd - 1, nowNanos);
        }
        case 'Z' -> {
          loggedIn = true;
          awaitedReadyForQuery--;
        }
        case 'R' -> {
          if (in.getInt(body) != 0) {
            throw new IOException("server asks for a password; the harness needs trust");
          }
        }
        case 'E' -> {
          byte[] text = new byte[end - body];
          in.get(body, text);
          throw new IOException(
              "server error: " + new String(text, StandardCharsets.UTF_8).replace('\0', ' '));
        }
        default -> {
          // ParameterStatus, BackendKeyData, CommandComplete, NoticeResponse
        }
      }
      in.position(end);
    }
  }

  @Override
  public void addChannels(List<String> channels) {
    pending.addAll(channels);
  }

  @Override
  public boolean ready() {
    return loggedIn && awaitedReadyForQuery == 0 && pending.isEmpty() && output == null;
  }
}
