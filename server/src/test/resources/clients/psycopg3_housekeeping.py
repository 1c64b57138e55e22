"""psycopg 3's own housekeeping against a running heliosdb serve (issue 13).

psycopg 3 prepares a query on its 6th run (prepare_threshold = 5) and keeps at most 100 prepared
statements: past them it sends DEALLOCATE name; after a rollback, and after DROP or ALTER, it sends
DEALLOCATE ALL. Each failed with 'near "DEALLOCATE": syntax error' before, and a psycopg.Rollback()
raised inside conn.transaction() escaped its block.
Usage: python3 psycopg3_housekeeping.py HOST PORT. Prints one JSON object.
"""
import json
import sys

import psycopg

host, port = sys.argv[1], int(sys.argv[2])
conninfo = f"host={host} port={port} dbname=test user=test"
QUERY = "SELECT name FROM hk_items WHERE id = %s"


def prepared(conn):
    """How many statements psycopg keeps prepared on the server (its cache's names)."""
    return len(conn._prepared._names)


out = {}
with psycopg.connect(conninfo) as conn:  # not autocommit: psycopg opens the transactions
    conn.execute("CREATE TABLE hk_items(id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO hk_items VALUES (%s, %s)", (1, "one"))
    conn.commit()

    names = [conn.execute(QUERY, (1,)).fetchone()[0] for _ in range(10)]
    out["ten_runs"] = sorted(set(names))
    out["prepared_after_ten"] = prepared(conn)

    conn.rollback()  # ROLLBACK, then DEALLOCATE ALL
    out["prepared_after_rollback"] = prepared(conn)
    out["after_rollback"] = conn.execute(QUERY, (1,)).fetchone()[0]

    for _ in range(6):
        conn.execute(QUERY, (1,))
    conn.execute("CREATE TABLE hk_scratch(x int)")
    conn.execute("DROP TABLE hk_scratch")  # then DEALLOCATE ALL
    conn.commit()
    out["prepared_after_drop"] = prepared(conn)

    distinct = [
        conn.execute(f"SELECT name FROM hk_items WHERE id = %s AND {i} = {i}", (1,), prepare=True)
        .fetchone()[0]
        for i in range(120)
    ]
    conn.commit()
    out["distinct_120"] = sorted(set(distinct))
    out["prepared_after_120"] = prepared(conn)

    with conn.transaction():
        conn.execute("INSERT INTO hk_items VALUES (%s, %s)", (2, "two"), prepare=True)
        raise psycopg.Rollback()
    out["after_rollback_block"] = "still running"
    with conn.transaction():
        conn.execute("INSERT INTO hk_items VALUES (%s, %s)", (3, "three"))
        with conn.transaction():
            conn.execute("INSERT INTO hk_items VALUES (%s, %s)", (4, "four"))
            raise psycopg.Rollback()
    out["ids"] = [r[0] for r in conn.execute("SELECT id FROM hk_items ORDER BY id").fetchall()]

with psycopg.connect(conninfo, autocommit=True) as conn:
    for _ in range(6):
        conn.execute(QUERY, (1,))
    locked = conn.execute("SELECT pg_try_advisory_lock(%s)", (42,)).fetchone()[0]
    out["try_lock"] = locked in (True, 1, "1", "t")
    conn.execute("DISCARD ALL")
    out["prepared_after_discard_all"] = prepared(conn)
    # psycopg does not know DISCARD ALL dropped its statements: PostgreSQL says the same.
    try:
        conn.execute(QUERY, (1,))
        out["after_discard_all"] = "ran"
    except psycopg.Error as e:
        out["after_discard_all"] = f"{type(e).__name__} {e.sqlstate}"
    with psycopg.connect(conninfo, autocommit=True) as other:
        free = other.execute("SELECT pg_try_advisory_lock(42)").fetchone()[0]
        out["lock_free_after_discard_all"] = free in (True, 1, "1", "t")
print(json.dumps(out, sort_keys=True))
