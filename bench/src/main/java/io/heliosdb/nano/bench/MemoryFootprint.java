package io.heliosdb.nano.bench;

import io.heliosdb.nano.HeliosDB;
import io.heliosdb.nano.PubSub;
import io.heliosdb.nano.Subscription;
import io.heliosdb.nano.config.HeliosConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.Locale;

/**
 * Heap bytes per idle channel and per subscription (DESIGN.md §8: {@code <= 100 B} and {@code <= 1
 * KB}), measured as the change in used heap after repeated full GCs. Run it alone in its own JVM;
 * {@code -XX:+UseSerialGC} makes the readings steadier.
 *
 * <p>Channel names are built before the first reading, as an application holds its names anyway;
 * the bytes of the name strings themselves are printed separately.
 *
 * <p>Usage: {@code MemoryFootprint [channels=100000] [subscriptions=10000]}
 */
public final class MemoryFootprint {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private MemoryFootprint() {}

  public static void main(String[] args) throws InterruptedException {
    int channels = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int subscriptions = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    System.out.println("MemoryFootprint, " + System.getProperty("java.vm.name"));
    idleChannels(channels);
    subscriptions(subscriptions, true);
    subscriptions(subscriptions, false);
  }

  /** One subscription listening on {@code n} channels nobody notifies. */
  private static void idleChannels(int n) throws InterruptedException {
    try (HeliosDB db = open(n)) {
      Subscription sub = db.pubsub().subscribe();
      long beforeNames = usedHeap();
      String[] names = names(n);
      long before = usedHeap();
      sub.listen(names);
      long after = usedHeap();
      report("idle channel (1 subscription, " + n + " channels)", after - before, n);
      report("  channel name strings, held by the application", before - beforeNames, n);
      Reference.reachabilityFence(names);
      sub.close();
    }
  }

  /** {@code n} subscriptions, each on one channel: all the same one, or each its own. */
  private static void subscriptions(int n, boolean shared) throws InterruptedException {
    try (HeliosDB db = open(n)) {
      PubSub pubsub = db.pubsub();
      String[] names = names(n);
      Subscription[] subs = new Subscription[n];
      long before = usedHeap();
      for (int i = 0; i < n; i++) {
        subs[i] = pubsub.subscribe(shared ? "shared" : names[i]);
      }
      long after = usedHeap();
      String what = shared ? "all on one channel" : "each on its own channel";
      report("subscription (" + n + ", " + what + ")", after - before, n);
      Reference.reachabilityFence(names);
      for (Subscription s : subs) {
        s.close();
      }
    }
  }

  private static HeliosDB open(int channels) {
    return HeliosDB.open(HeliosConfig.builder().inMemory().maxChannels(channels + 10).build());
  }

  private static String[] names(int n) {
    String[] names = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = "channel_" + i;
    }
    return names;
  }

  /** Used heap once full GCs stop freeing anything (or after ten of them). */
  private static long usedHeap() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(50);
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (Math.abs(last - used) < 16 * 1024) {
        return Math.min(last, used);
      }
      last = used;
    }
    return last;
  }

  private static void report(String what, long bytes, int n) {
    System.out.printf(
        Locale.ROOT, "%-58s %9.1f B each (%,d B for %,d)%n", what, (double) bytes / n, bytes, n);
  }
}
