"""psycopg 3 against a running heliosdb serve: typed rows, LISTEN/NOTIFY via conn.notifies().

Queries without parameters go by the simple query protocol; with parameters (%s) psycopg 3 uses
the extended protocol (Parse/Bind/Describe/Execute/Sync).
Usage: python3 psycopg3_client.py HOST PORT. Prints one JSON object.
"""
import json
import signal
import sys

import psycopg

host, port = sys.argv[1], int(sys.argv[2])
conninfo = f"host={host} port={port} dbname=test user=test"
out = {}
with psycopg.connect(conninfo, autocommit=True) as listener, \
        psycopg.connect(conninfo, autocommit=True) as sender:
    row = sender.execute("SELECT 42 AS i, 2.5 AS f, 'text' AS t, NULL AS n").fetchone()
    out["row"] = list(row)
    out["types"] = [type(v).__name__ for v in row]
    sender.execute("CREATE TABLE py3_items(id INTEGER PRIMARY KEY, name TEXT)")
    sender.execute("INSERT INTO py3_items VALUES (%s, %s)", (1, "x"))
    sender.execute("INSERT INTO py3_items VALUES (%s, %s)", (2, "it's %s"))
    params = sender.execute(
        "SELECT id, name FROM py3_items WHERE id >= %s AND name <> %s ORDER BY id", (1, "none")
    ).fetchall()
    out["params"] = [list(r) for r in params]
    listener.execute("LISTEN py3_events")
    sender.execute("NOTIFY py3_events, 'hello'")
    sender.execute("NOTIFY py3_events")
    got = []
    signal.alarm(10)  # notifies() has no timeout before psycopg 3.2 (Debian 12 ships 3.1)
    gen = listener.notifies()
    for n in gen:
        got.append({"channel": n.channel, "payload": n.payload, "from_sender": n.pid == sender.info.backend_pid})
        if len(got) == 2:
            gen.close()
    signal.alarm(0)
    out["notifications"] = got
print(json.dumps(out, default=float))  # numeric (2.5) is a Decimal, as on PostgreSQL
