#!/usr/bin/env python3
"""A worker of one step of the order workflow, over the PostgreSQL wire protocol.

Serve the workflow (its steps become durable consumers when the database opens):

    ./heliosdb serve --config examples/order-workflow/workflow.toml --db workflow.db

then, in other terminals (psycopg 3 or psycopg2; Debian: python3-psycopg or python3-psycopg2):

    python3 examples/order-workflow/worker.py --init --orders 10   # the tables, 10 orders
    python3 examples/order-workflow/worker.py payment_processing
    python3 examples/order-workflow/worker.py inventory_allocation
    python3 examples/order-workflow/worker.py shipping

Each worker claims a batch of notifications of its step's consumer (committed at once, on the
server's side, like nextval()), then handles each in a transaction of its own: the step's SQL,
heliosdb_ack() and the notification of the next step commit together, or none of them does. So
each order goes through each step exactly once, however many workers run, whichever is killed.
A failed step rolls back and is given back with heliosdb_nack(): retried after the consumer's
backoff, then dead-lettered. Stop a worker with Ctrl-C (or SIGTERM): it finishes the order in
hand; the server gives the rest of its batch back to the other workers when it disconnects.

On exit it prints one JSON line: {"step", "handled", "retried", "dead_lettered", "lost"}.
"""

import argparse
import json
import os
import select
import signal
import sys
import time

driver = None  # the module: psycopg (3) or psycopg2
PSYCOPG3 = False


def load_driver(name):
    """psycopg 3 when installed (or asked for), else psycopg2."""
    global driver, PSYCOPG3
    if name in ("auto", "psycopg"):
        try:
            import psycopg

            driver, PSYCOPG3 = psycopg, True
            return
        except ImportError:
            if name == "psycopg":
                raise
    import psycopg2

    driver, PSYCOPG3 = psycopg2, False

# step -> (the order's status after it, the channel that triggers the next step)
STEPS = {
    "payment_processing": ("paid", "payment_completed"),
    "inventory_allocation": ("allocated", "inventory_allocated"),
    "shipping": ("shipped", "shipment_created"),
}
TRIGGERS = {
    "payment_processing": "order_created",
    "inventory_allocation": "payment_completed",
    "shipping": "inventory_allocated",
}

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS orders(id INTEGER PRIMARY KEY, status TEXT NOT NULL DEFAULT"
    " 'new', amount REAL, created_at TEXT DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TABLE IF NOT EXISTS workflow_log(order_id INTEGER NOT NULL, step TEXT NOT NULL,"
    " notification_id INTEGER, worker TEXT, logged_at TEXT DEFAULT CURRENT_TIMESTAMP)",
    "CREATE TRIGGER IF NOT EXISTS orders_created AFTER INSERT ON orders BEGIN"
    " SELECT pg_notify('order_created', json_object('order_id', NEW.id)); END",
]


def sqlstate(e):
    """The SQLSTATE of a driver error (psycopg 3: sqlstate, psycopg2: pgcode)."""
    return getattr(e, "sqlstate", None) or getattr(e, "pgcode", None)


def message(e):
    diag = getattr(e, "diag", None)
    primary = diag.message_primary if diag is not None else None
    return primary or str(e).strip()


class Worker:
    def __init__(self, dsn, step, batch, poll, fail_orders, crash_after, work_ms):
        self.step = step
        self.batch = batch
        self.poll = poll
        self.fail_orders = fail_orders
        self.crash_after = crash_after
        self.work_ms = work_ms
        self.stopping = False
        self.woken = False
        self.counts = {"handled": 0, "retried": 0, "dead_lettered": 0, "lost": 0}
        self.name = "py-%d" % os.getpid()
        self.conn = driver.connect(dsn)
        self.conn.autocommit = True  # BEGIN/COMMIT are ours; claims and nacks stand alone
        if PSYCOPG3:
            self.conn.add_notify_handler(self._wake)
        self.cur = self.conn.cursor()

    def _wake(self, _notification=None):
        self.woken = True

    def one(self, sql, params=None):
        self.cur.execute(sql, params)
        row = self.cur.fetchone()
        return row[0] if row else None

    def run(self):
        # LISTEN only to wake up at once when work arrives; the claims are what counts.
        self.cur.execute("LISTEN %s" % TRIGGERS[self.step])
        while not self.stopping:
            claimed = json.loads(self.one("SELECT heliosdb_claim(%s, %s)", (self.step, self.batch)))
            for n in claimed:
                if self.stopping:
                    break  # the rest of the batch goes back when we disconnect
                self.handle(n)
            if not claimed:
                self.wait()
        return self.counts

    def wait(self):
        """Sleeps until a notification on the trigger channel arrives, or poll seconds pass
        (retries and expired leases come due without a notification)."""
        if self.woken:
            self.woken = False
            return
        try:
            ready, _, _ = select.select([self.conn.fileno()], [], [], self.poll)
        except InterruptedError:
            return
        if ready:
            if PSYCOPG3:
                self.cur.execute("SELECT 1")  # reads the notifications (the handler wakes us)
            else:
                self.conn.poll()
                del self.conn.notifies[:]
        self.woken = False

    def handle(self, n):
        order = json.loads(n["payload"])
        order_id = order.get("order_id", order.get("id"))
        status, next_channel = STEPS[self.step]
        try:
            self.cur.execute("BEGIN")
            self.cur.execute("UPDATE orders SET status = %s WHERE id = %s", (status, order_id))
            if self.crash_after is not None and self.counts["handled"] >= self.crash_after:
                os._exit(3)  # a crash mid-batch, mid-transaction (tests: the claims come back)
            if self.work_ms:
                time.sleep(self.work_ms / 1000.0)
            if order_id in self.fail_orders:
                raise RuntimeError("payment declined for order %s" % order_id)
            self.cur.execute(
                "INSERT INTO workflow_log(order_id, step, notification_id, worker)"
                " VALUES (%s, %s, %s, %s)",
                (order_id, self.step, n["id"], self.name),
            )
            # Done, in this transaction: fails with 55000 if our lease ran out and another
            # worker took the notification, so this work cannot commit twice.
            self.one("SELECT heliosdb_ack(%s, %s)", (self.step, n["id"]))
            self.one(
                "SELECT pg_notify(%s, %s)", (next_channel, json.dumps({"order_id": order_id}))
            )
            self.cur.execute("COMMIT")
            self.counts["handled"] += 1
        except driver.Error as e:
            self.rollback()
            if sqlstate(e) == "55000":  # the claim was lost: another worker has it now
                self.counts["lost"] += 1
                return
            self.nack(n, "%s: %s" % (sqlstate(e), message(e)))
        except Exception as e:  # the step's own failure
            self.rollback()
            self.nack(n, "%s: %s" % (type(e).__name__, e))

    def rollback(self):
        try:
            self.cur.execute("ROLLBACK")
        except driver.Error:
            pass

    def nack(self, n, error):
        outcome = self.one("SELECT heliosdb_nack(%s, %s, %s)", (self.step, n["id"], error))
        if outcome == "retry":
            self.counts["retried"] += 1
        elif outcome == "dead_letter":
            self.counts["dead_lettered"] += 1
        else:
            self.counts["lost"] += 1


def setup(dsn, orders):
    conn = driver.connect(dsn)
    conn.autocommit = True
    cur = conn.cursor()
    for sql in SCHEMA:
        cur.execute(sql)
    if orders:
        cur.execute("BEGIN")
        for i in range(orders):
            cur.execute("INSERT INTO orders(amount) VALUES (%s)", (round(10 + i * 0.5, 2),))
        cur.execute("COMMIT")
    conn.close()


def main():
    p = argparse.ArgumentParser(description="A worker of one step of the order workflow.")
    p.add_argument("step", nargs="?", choices=sorted(STEPS), help="the step (its consumer)")
    p.add_argument("--dsn", default="host=127.0.0.1 port=54320 user=worker dbname=heliosdb")
    p.add_argument("--init", action="store_true", help="create the tables and the trigger")
    p.add_argument("--orders", type=int, default=0, help="insert this many orders first")
    p.add_argument("--batch", type=int, default=10, help="notifications per claim (1-1000)")
    p.add_argument("--poll", type=float, default=1.0, help="seconds between idle claims")
    p.add_argument("--work-ms", type=int, default=0, help="simulated work per order")
    p.add_argument(
        "--fail-orders", default="", help="orders whose step fails (comma-separated ids)"
    )
    p.add_argument("--driver", choices=["auto", "psycopg", "psycopg2"], default="auto")
    p.add_argument("--crash-after", type=int, help=argparse.SUPPRESS)  # tests
    a = p.parse_args()
    load_driver(a.driver)
    if a.init or a.orders:
        setup(a.dsn, a.orders)
    if a.step is None:
        if not (a.init or a.orders):
            p.error("name a step, or --init / --orders")
        return 0
    fail = {int(x) for x in a.fail_orders.split(",") if x.strip()}
    worker = Worker(a.dsn, a.step, a.batch, a.poll, fail, a.crash_after, a.work_ms)

    def stop(_signum, _frame):
        worker.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(json.dumps({"step": a.step, "started": True}), flush=True)
    counts = worker.run()
    print(json.dumps(dict(step=a.step, **counts)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
