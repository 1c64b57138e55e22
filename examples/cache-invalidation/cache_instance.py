#!/usr/bin/env python3
"""The cache-invalidation example in Python, over the PostgreSQL wire protocol.

Application instances each keep rows of `products` in a dict, filled lazily by reads; triggers
on the table notify `cache_invalidate` with 'product:<id>' on every UPDATE and DELETE, and each
instance LISTENs and evicts that key (psycopg 3, a listener on conn.notifies(); Debian:
python3-psycopg). Serve a database, then run the scenario:

    ./heliosdb serve --db cache.db
    python3 examples/cache-invalidation/cache_instance.py --instances 2 --seconds 10

It creates the table and its triggers if missing, starts the instances as processes of their
own (this script with --instance), writes to `products` at a fixed rate through the server (one
autocommit UPDATE or DELETE a time), then has every instance wait for all invalidations and
compare each row it caches with the database, and prints one line like the Java example's:
invalidations delivered and lost, stale reads found (0 is the only right answer), and the
latency from the moment the writer's statement returned, committed, to the moment the key was
gone from another process's dict. The payload stays 'product:<id>': the times travel beside it,
each process reading time.monotonic_ns() (CLOCK_MONOTONIC, one clock for the whole machine);
the writes of the first second (JIT, prepared statements, first connections) are left out of
the latencies. Exit status 0 when nothing was lost and nothing stale found, else 1.

One instance alone, to watch or drive by hand (lines on standard input and output):

    python3 examples/cache-invalidation/cache_instance.py --instance --reads-per-second 0
    ready
    get 7              -> value 7 VERSION PRICE miss   (then hit; "absent 7" when there is none)
    cached 7           -> cached 7 yes|no
    finish COUNT       -> waits for COUNT invalidations, checks, prints its report and exits
"""

import argparse
import math
import os
import queue
import random
import subprocess
import sys
import threading
import time

import psycopg

CHANNEL = "cache_invalidate"
PREFIX = "product:"
WARM_UP_SECONDS = 1.0

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS products(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " price_cents INTEGER NOT NULL, version INTEGER NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS products_updated AFTER UPDATE ON products"
    " BEGIN SELECT NOTIFY('cache_invalidate', 'product:' || NEW.id); END",
    "CREATE TRIGGER IF NOT EXISTS products_deleted AFTER DELETE ON products"
    " BEGIN SELECT NOTIFY('cache_invalidate', 'product:' || OLD.id); END",
]
SELECT = "SELECT id, name, price_cents, version FROM products WHERE id = %s"


class Cache:
    """A dict of rows, filled by reads, emptied by invalidations.

    A read that missed keeps what it loaded only if no invalidation of that key arrived while
    it was loading: else a row read just before an update committed could be put in the dict
    just after the update's invalidation removed nothing, and stay stale until the next one.
    """

    def __init__(self):
        self.rows = {}
        self.invalidations = {}  # key -> invalidations seen
        self.clears = 0
        self.lock = threading.Lock()
        self.hits = self.misses = self.discarded = 0

    def get(self, key, load):
        with self.lock:
            row = self.rows.get(key)
            if row is not None:
                self.hits += 1
                return row, True
            self.misses += 1
            seen = (self.invalidations.get(key, 0), self.clears)
        row = load(key)
        with self.lock:
            if row is not None and key not in self.rows:
                if (self.invalidations.get(key, 0), self.clears) == seen:
                    self.rows[key] = row
                else:
                    self.discarded += 1
        return row, False

    def evict(self, key):
        with self.lock:
            self.invalidations[key] = self.invalidations.get(key, 0) + 1
            return self.rows.pop(key, None) is not None

    def clear(self):
        """For when invalidations may have been lost: nothing cached can be trusted."""
        with self.lock:
            self.clears += 1
            self.rows.clear()

    def snapshot(self):
        with self.lock:
            return dict(self.rows)


class Instance:
    def __init__(self, dsn, products):
        self.products = products
        self.cache = Cache()
        self.reads = psycopg.connect(dsn, autocommit=True)
        self.read_lock = threading.Lock()  # the reader thread and the commands share it
        self.listening = psycopg.connect(dsn, autocommit=True)
        self.listening.execute("LISTEN " + CHANNEL)
        self.evictions = []  # (key, monotonic ns once it was gone), in arrival order
        self.evicted = 0
        self.overflows = 0
        self.arrived = threading.Condition()
        self.reading = True
        threading.Thread(target=self.listen, daemon=True).start()

    def listen(self):
        try:
            for n in self.listening.notifies():
                if not n.payload.startswith(PREFIX):
                    continue
                key = int(n.payload[len(PREFIX):])
                was_cached = self.cache.evict(key)
                now = time.monotonic_ns()
                with self.arrived:
                    self.evictions.append((key, now))
                    self.evicted += was_cached
                    self.arrived.notify_all()
        except psycopg.Error as e:
            # Invalidations may be lost from here on: forget everything, and say so.
            self.cache.clear()
            with self.arrived:
                self.overflows += 1
                self.arrived.notify_all()
            print("cache_instance: the listening connection failed: %s" % e, file=sys.stderr)

    def load(self, key):
        with self.read_lock:
            return self.reads.execute(SELECT, (key,)).fetchone()

    def get(self, key):
        return self.cache.get(key, self.load)

    def read_at(self, per_second):
        interval = 1.0 / per_second
        next_at = time.monotonic()
        while self.reading:
            wait = next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # pacing the reads, not waiting for an event
                continue
            self.get(random.randint(1, self.products))
            next_at += interval

    def finish(self, expected, out):
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.evictions) >= expected, timeout=60)
            arrived = list(self.evictions)
        self.reading = False
        lines = ["evictions %d" % len(arrived)]
        lines += ["%d %d" % e for e in arrived]
        cached = self.cache.snapshot()
        stale = 0
        for key, row in sorted(cached.items()):
            now = self.load(key)
            if now != row:
                stale += 1
                if stale <= 10:
                    lines.append("stale %d cached=%s database=%s" % (key, line(row), line(now)))
        lines.append(
            "result received=%d evicted=%d overflows=%d cached=%d stale=%d hits=%d misses=%d"
            " discarded=%d"
            % (len(arrived), self.evicted, self.overflows, len(cached), stale, self.cache.hits,
               self.cache.misses, self.cache.discarded))
        out.write("\n".join(lines) + "\n")
        out.flush()

    def serve(self, stdin, out):
        for command in stdin:
            words = command.split()
            if not words:
                continue
            try:
                if words[0] == "get":
                    row, hit = self.get(int(words[1]))
                    if row is None:
                        out.write("absent %s\n" % words[1])
                    else:
                        out.write("value %s %s\n" % (line(row, " "), "hit" if hit else "miss"))
                elif words[0] == "cached":
                    present = self.cache.snapshot().get(int(words[1])) is not None
                    out.write("cached %s %s\n" % (words[1], "yes" if present else "no"))
                elif words[0] == "finish":
                    self.finish(int(words[1]), out)
                    return
                else:
                    out.write("error unknown command %s\n" % words[0])
            except (psycopg.Error, ValueError, IndexError) as e:
                out.write("error %s\n" % str(e).strip().replace("\n", " "))
            out.flush()


def line(row, sep=","):
    """id, version and price of a row, as the Java instances print them."""
    return "absent" if row is None else sep.join(str(v) for v in (row[0], row[3], row[2]))


def run_instance(args):
    instance = Instance(args.dsn, args.products)
    print("ready", flush=True)
    if args.reads_per_second > 0:
        threading.Thread(target=instance.read_at, args=(args.reads_per_second,),
                         daemon=True).start()
    instance.serve(sys.stdin, sys.stdout)
    sys.stdout.flush()
    os._exit(0)  # the listener thread is blocked in notifies(): no need to wake it


class Child:
    """An instance in a process of its own, driven through its standard input and output."""

    def __init__(self, name, command):
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, bufsize=1)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for text in self.process.stdout:
            self.lines.put(text.rstrip("\n"))
        self.lines.put(None)

    def next(self, timeout):
        try:
            text = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError("%s said nothing for %d s" % (self.name, timeout))
        if text is None:
            raise RuntimeError("%s ended with status %s" % (self.name, self.process.wait()))
        return text

    def finish(self, expected):
        self.process.stdin.write("finish %d\n" % expected)
        self.process.stdin.flush()
        head = self.next(90)
        if not head.startswith("evictions "):
            raise RuntimeError("%s answered %s" % (self.name, head))
        evictions = [tuple(int(v) for v in self.next(90).split())
                     for _ in range(int(head.split()[1]))]
        stale = []
        text = self.next(90)
        while text.startswith("stale "):
            stale.append(text)
            text = self.next(90)
        result = dict(kv.split("=") for kv in text.split()[1:])
        return evictions, stale, {k: int(v) for k, v in result.items()}

    def close(self):
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def write(conn, products, per_second, seconds):
    """Writes at a fixed rate: an existing product is updated (nine in ten: a new price, the
    version set to the write's number) or deleted; a deleted one is inserted again when picked.
    Returns the invalidating writes in commit order, as (key, monotonic ns after the commit
    returned, monotonic ns before the statement was sent)."""
    deleted = set(range(1, products + 1)) - {
        r[0] for r in conn.execute("SELECT id FROM products WHERE id <= %d" % products)}
    version = conn.execute("SELECT coalesce(max(version), 0) FROM products").fetchone()[0]
    total = int(round(per_second * seconds))
    writes, counts = [], {"updates": 0, "deletes": 0, "inserts": 0}
    start = time.monotonic_ns()
    warm_up_end = start + int(min(WARM_UP_SECONDS, seconds / 4) * 1e9)
    warm_up = 0
    next_at = start
    done = 0
    while done < total:
        wait = next_at - time.monotonic_ns()
        if wait > 0:
            time.sleep(wait / 1e9)  # pacing the writes
            continue
        next_at += int(1e9 / per_second)
        done += 1
        key = random.randint(1, products)
        version += 1
        before = time.monotonic_ns()
        if key in deleted:
            conn.execute("INSERT INTO products(id, name, price_cents, version)"
                         " VALUES (%s, %s, %s, %s)",
                         (key, "product %d" % key, random.randint(100, 100099), version))
            deleted.discard(key)
            counts["inserts"] += 1
            continue
        if random.randrange(10) == 0:
            conn.execute("DELETE FROM products WHERE id = %s", (key,))
            deleted.add(key)
            counts["deletes"] += 1
        else:
            conn.execute("UPDATE products SET price_cents = %s, version = %s WHERE id = %s",
                         (random.randint(100, 100099), version, key))
            counts["updates"] += 1
        if before < warm_up_end:
            warm_up = len(writes) + 1
        writes.append((key, time.monotonic_ns(), before))
    return writes, counts, (time.monotonic_ns() - start) / 1e9, warm_up


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    rank = math.ceil(p * len(sorted_values))  # nearest rank, as the Java example
    return sorted_values[max(0, min(len(sorted_values), rank) - 1)]


def run_scenario(args):
    sys.stdout.reconfigure(errors="replace")  # "µs" on a terminal that cannot show it
    conn = psycopg.connect(args.dsn, autocommit=True)
    for statement in SCHEMA:
        conn.execute(statement)
    # The products missing among 1..N, in one statement (a literal N: a parameter would be text).
    conn.execute(
        "INSERT OR IGNORE INTO products(id, name, price_cents, version)"
        " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
        " SELECT i, 'product ' || i, 100 + abs(random() %% 100000), 0 FROM n" % args.products)
    command = [sys.executable, os.path.abspath(__file__), "--instance", "--dsn", args.dsn,
               "--products", str(args.products), "--reads-per-second",
               str(args.reads_per_second)]
    children = [Child("instance %d" % (i + 1), command) for i in range(args.instances)]
    try:
        for c in children:
            said = c.next(60)
            if said != "ready":
                raise RuntimeError("%s did not start: %s" % (c.name, said))
        writes, counts, elapsed, warm_up = write(conn, args.products, args.updates_per_second,
                                                 args.seconds)
        reports = [c.finish(len(writes)) for c in children]
    finally:
        for c in children:
            c.close()
    delivered, latencies, from_start, stale, cached, evicted, discarded = 0, [], [], 0, 0, 0, 0
    for c, (evictions, stale_lines, result) in zip(children, reports):
        j = 0
        for key, at in evictions:
            while j < len(writes) and writes[j][0] != key:
                j += 1
            if j == len(writes):
                break
            if j >= warm_up:
                latencies.append(int((at - writes[j][1]) / 1000))
                from_start.append(int((at - writes[j][2]) / 1000))
            delivered += 1
            j += 1
        stale += result["stale"]
        cached += result["cached"]
        evicted += result["evicted"]
        discarded += result["discarded"]
        for s in stale_lines:
            print("cache_instance: %s: %s" % (c.name, s), file=sys.stderr)
    expected = len(writes) * len(children)
    latencies.sort()
    from_start.sort()
    print("cache-invalidation (NOTIFY over heliosdb serve, Python psycopg %s): %d instances,"
          " %d writes in %.1f s (%d updates, %d deletes, %d re-inserts); invalidations %d of %d"
          " delivered, %d lost (%d evicted a cached row); stale reads %d (%d cached rows"
          " checked, %d loads discarded by the race guard); latency to the eviction in another"
          " process, from the writer's commit returning p50 %d µs, p99 %d µs, max %d µs; from"
          " its statement starting p50 %d µs, p99 %d µs (%d after the warm-up)"
          % (psycopg.__version__, len(children), sum(counts.values()), elapsed,
             counts["updates"], counts["deletes"], counts["inserts"], delivered, expected,
             expected - delivered, evicted, stale, cached, discarded,
             percentile(latencies, 0.50), percentile(latencies, 0.99),
             latencies[-1] if latencies else 0, percentile(from_start, 0.50),
             percentile(from_start, 0.99), len(latencies)),
          flush=True)
    return 0 if delivered == expected and stale == 0 else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dsn", default="host=127.0.0.1 port=54320 dbname=cache user=cache",
                   help="libpq connection string of `heliosdb serve` (default: %(default)s)")
    p.add_argument("--instance", action="store_true",
                   help="be one instance, driven through standard input and output")
    p.add_argument("--instances", type=int, default=2)
    p.add_argument("--products", type=int, default=1000)
    p.add_argument("--updates-per-second", type=float, default=200,
                   help="writes (updates and deletes) a second (default: %(default)s)")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--reads-per-second", type=int, default=1000, help="per instance")
    args = p.parse_args()
    if args.products < 1 or args.instances < 1 or args.updates_per_second <= 0 \
            or args.seconds <= 0 or args.reads_per_second < 0:
        p.error("--products, --instances, --updates-per-second and --seconds must be above 0")
    if args.instance:
        run_instance(args)
        return 0
    return run_scenario(args)


if __name__ == "__main__":
    sys.exit(main())
