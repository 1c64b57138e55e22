package io.heliosdb.nano.session;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Names of consumer workers, {@code host/pid/label}: unique among live workers, and telling another
 * process on the same host whether the worker's process still runs, so that the claims of a killed
 * process are freed when the next one starts rather than when their leases run out.
 */
public final class WorkerNames {
  private static final String HOST = host();
  private static final long PID = ProcessHandle.current().pid();

  private WorkerNames() {}

  /** A name for a worker of this process; {@code label} tells the workers of a process apart. */
  public static String of(String label) {
    return HOST + "/" + PID + "/" + label;
  }

  /**
   * Whether the worker called {@code name} may still run: false only for a worker of a process on
   * this host that has exited (a reused process id reads as alive: its claims wait for the lease).
   */
  static boolean isAlive(String name) {
    String[] parts = name.split("/", 3);
    if (parts.length < 3 || !parts[0].equals(HOST)) {
      return true;
    }
    try {
      long pid = Long.parseLong(parts[1]);
      return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName().replace('/', '_');
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
