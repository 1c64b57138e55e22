package io.heliosdb.nano.federation;

import java.nio.charset.StandardCharsets;

/**
 * A federated notification on the wire: one header line, then the payload, in UTF-8.
 *
 * <pre>HDB1 &lt;origin&gt; &lt;sender pid&gt; &lt;origin id&gt; &lt;channel&gt;\n&lt;payload&gt;
 * </pre>
 *
 * Origin and channel are written as subject tokens (see {@link Subjects}), so the line has no
 * spaces or line breaks but its separators. The first word is the version: a later format gets a
 * new one, and a node ignores (and counts) what it cannot read.
 *
 * @param originId the notification's id in its origin's durable log; 0 on a non-durable channel
 */
record Envelope(String origin, int senderPid, long originId, String channel, String payload) {
  static final String VERSION = "HDB1";

  byte[] encode() {
    String head =
        VERSION
            + ' '
            + Subjects.encode(origin)
            + ' '
            + senderPid
            + ' '
            + originId
            + ' '
            + Subjects.encode(channel)
            + '\n';
    return (head + payload).getBytes(StandardCharsets.UTF_8);
  }

  /** The envelope in {@code body}; null when it is not one this version reads. */
  static Envelope decode(byte[] body) {
    if (body == null) {
      return null;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    int eol = text.indexOf('\n');
    if (eol < 0) {
      return null;
    }
    String[] f = text.substring(0, eol).split(" ", -1);
    if (f.length != 5 || !f[0].equals(VERSION)) {
      return null;
    }
    String origin = Subjects.decode(f[1]);
    String channel = Subjects.decode(f[4]);
    if (origin == null || channel == null) {
      return null;
    }
    try {
      int pid = Integer.parseInt(f[2]);
      long id = Long.parseLong(f[3]);
      return id < 0 ? null : new Envelope(origin, pid, id, channel, text.substring(eol + 1));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
