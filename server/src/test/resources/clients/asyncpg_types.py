"""asyncpg with typed parameters against a running heliosdb serve (issue 13, item 2).

asyncpg encodes each parameter by the type the server describes it with, and refused Python ints
and floats while every parameter was described as text ("invalid input for query argument $1: 7
(expected str, got int)"). Parameters compared with or assigned to a column now take its type.
Usage: python3 asyncpg_types.py HOST PORT. Prints one JSON object.
"""
import asyncio
import json
import sys

import asyncpg

host, port = sys.argv[1], int(sys.argv[2])


async def main():
    out = {}
    con = await asyncpg.connect(host=host, port=port, user="test", database="test")
    await con.execute(
        "CREATE TABLE typed(id INTEGER PRIMARY KEY, name TEXT, price REAL, flag BOOLEAN, data BLOB)"
    )
    insert = await con.prepare(
        "INSERT INTO typed(id, name, price, flag, data) VALUES ($1, $2, $3, $4, $5)"
    )
    out["insert_types"] = [t.name for t in insert.get_parameters()]
    for i in range(1, 11):
        await insert.fetch(i, "n%d" % i, i * 1.5, i % 2 == 0, bytes([i, 0]))
    out["by_id"] = list(await con.fetchrow("SELECT * FROM typed WHERE id = $1", 7))
    out["by_id"][4] = out["by_id"][4].hex()
    out["below_10"] = await con.fetchval("SELECT count(*) FROM typed WHERE id < $1", 10)
    out["price_over"] = await con.fetchval("SELECT count(*) FROM typed WHERE price > $1", 7.5)
    out["flagged"] = await con.fetchval("SELECT count(*) FROM typed WHERE flag = $1", True)
    out["by_data"] = await con.fetchval("SELECT id FROM typed WHERE data = $1", bytes([3, 0]))
    out["in_list"] = [
        r[0] for r in await con.fetch("SELECT id FROM typed WHERE id IN ($1, $2) ORDER BY id", 2, 9)
    ]
    out["limit"] = len(await con.fetch("SELECT id FROM typed ORDER BY id LIMIT $1 OFFSET $2", 3, 8))
    await con.execute("UPDATE typed SET price = $1, flag = $2 WHERE id = $3", 0.25, False, 4)
    out["updated"] = list(await con.fetchrow("SELECT price, flag FROM typed WHERE id = $1", 4))
    out["cast"] = await con.fetchval("SELECT count(*) FROM typed WHERE id > $1::int", 4)
    out["notify"] = await con.fetchval("SELECT pg_notify($1, $2) IS NULL", "typed_events", "x")
    try:
        await con.fetchval("SELECT id FROM typed WHERE id = $1", "seven")
        out["str_for_int"] = "accepted"
    except asyncpg.exceptions.DataError as e:
        out["str_for_int"] = "DataError"
    out["after_error"] = await con.fetchval("SELECT name FROM typed WHERE id = $1", 1)
    await con.close()
    print(json.dumps(out, sort_keys=True))


asyncio.run(main())
