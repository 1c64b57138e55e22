"""psycopg2 against a running heliosdb serve: typed rows, LISTEN/NOTIFY with the sender's pid.

Usage: python3 psycopg2_client.py HOST PORT. Prints one JSON object; exit 1 on any failure.
"""
import json
import select
import sys
import time

import psycopg2
import psycopg2.extensions

host, port = sys.argv[1], int(sys.argv[2])
dsn = f"host={host} port={port} dbname=test user=test"
listener = psycopg2.connect(dsn)
sender = psycopg2.connect(dsn)
for c in (listener, sender):
    c.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)

out = {}
with sender.cursor() as cur:
    cur.execute("CREATE TABLE IF NOT EXISTS py2_orders(id INTEGER PRIMARY KEY, amount REAL, note TEXT)")
    cur.execute(
        "CREATE TRIGGER IF NOT EXISTS py2_orders_notify AFTER INSERT ON py2_orders BEGIN "
        "SELECT pg_notify('py2_orders', json_object('id', NEW.id)); END")
    cur.execute("SELECT 42 AS i, 2.5 AS f, 'text' AS t, NULL AS n")
    out["row"] = list(cur.fetchone())
    out["types"] = [type(v).__name__ for v in out["row"]]

with listener.cursor() as cur:
    cur.execute("LISTEN py2_orders")
    cur.execute("LISTEN sentinel")

with sender.cursor() as cur:
    cur.execute("BEGIN")
    cur.execute("INSERT INTO py2_orders(amount, note) VALUES (1.0, 'rolled back')")
    cur.execute("ROLLBACK")
    cur.execute("INSERT INTO py2_orders(amount, note) VALUES (9.99, 'kept')")
    cur.execute("NOTIFY sentinel")

got = []
deadline = time.time() + 10
while time.time() < deadline and not any(n.channel == "sentinel" for n in got):
    if select.select([listener], [], [], 1) != ([], [], []):
        listener.poll()
        while listener.notifies:
            got.append(listener.notifies.pop(0))
out["notifications"] = [
    {"channel": n.channel, "payload": n.payload, "from_sender": n.pid == sender.get_backend_pid()}
    for n in got
    if n.channel != "sentinel"
]
print(json.dumps(out, default=float))  # numeric (2.5) is a Decimal, as on PostgreSQL
