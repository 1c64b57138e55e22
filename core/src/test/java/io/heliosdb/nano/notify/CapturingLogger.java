package io.heliosdb.nano.notify;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * Test helper: an SLF4J logger that keeps what it is given ("LEVEL message"), with DEBUG on or off,
 * and counts every call made to it, level checks included.
 */
final class CapturingLogger extends LegacyAbstractLogger {
  final List<String> lines = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  private final boolean debug;

  CapturingLogger(boolean debug) {
    this.debug = debug;
    this.name = "capture";
  }

  @Override
  public boolean isTraceEnabled() {
    calls.incrementAndGet();
    return false;
  }

  @Override
  public boolean isDebugEnabled() {
    calls.incrementAndGet();
    return debug;
  }

  @Override
  public boolean isInfoEnabled() {
    calls.incrementAndGet();
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    calls.incrementAndGet();
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    calls.incrementAndGet();
    return true;
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String message, Object[] args, Throwable throwable) {
    calls.incrementAndGet();
    lines.add(level + " " + MessageFormatter.basicArrayFormat(message, args));
  }
}
