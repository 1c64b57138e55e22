"""Issue 13 item 4: what psycopg2 sends inline ('...'::timestamp, ::date, ::time, ::bytea,
::interval, ::numeric) and what ORMs write (SERIAL key, "public".t, DEFAULT now(), ILIKE).
Prints one JSON line: the values read back, as Python sees them."""
import datetime
import decimal
import json
import sys

import psycopg2

host, port = sys.argv[1], int(sys.argv[2])
conn = psycopg2.connect(host=host, port=port, dbname="syntax", user="test")
conn.autocommit = True
cur = conn.cursor()
cur.execute(
    'CREATE TABLE "public"."events" (id SERIAL NOT NULL, at TIMESTAMP, day DATE, t TIME,'
    " data BYTEA, price NUMERIC(10, 2), span INTERVAL, ok BOOLEAN,"
    " created TIMESTAMP WITH TIME ZONE DEFAULT now(), PRIMARY KEY (id))"
)
cur.execute(
    "INSERT INTO public.events (at, day, t, data, price, span, ok)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
    (
        datetime.datetime(2026, 12, 4, 18, 0, 0, 123456),
        datetime.date(2026, 12, 4),
        datetime.time(18, 30),
        b"\x00\x01\xff'",
        decimal.Decimal("12.50"),
        datetime.timedelta(days=1),
        True,
    ),
)
first = cur.fetchone()[0]
cur.execute("SELECT at, day, t, data, price, ok FROM events WHERE id = %s", (first,))
at, day, t, data, price, ok = cur.fetchone()
cur.execute("SELECT count(*) FROM events WHERE at >= %s::timestamp", (datetime.datetime(2026, 1, 1),))
count = cur.fetchone()[0]
cur.execute("SELECT hex(data), created LIKE '____-__-__ __:__:__.___+00' FROM events")
hexdata, created_form = cur.fetchone()
print(
    json.dumps(
        {
            "id": first,
            "at": str(at),
            "day": str(day),
            "t": str(t),
            "data": bytes(data).hex() if isinstance(data, (bytes, memoryview)) else repr(data),
            "hex": hexdata,
            "price": str(price),
            "ok": bool(ok),
            "count": count,
            "created_form": bool(created_form),
        },
        sort_keys=True,
    )
)
