"""asyncpg's Pool against a running heliosdb serve (issue 13).

On every release the pool resets the connection with one simple query,
"SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;", which failed before
('no such function: pg_advisory_unlock_all'): the first release broke the pool. Parameters here
are text (the script predates inferred parameter types; asyncpg_types.py covers those).
Usage: python3 asyncpg_pool.py HOST PORT. Prints one JSON object.
"""
import asyncio
import json
import sys

import asyncpg

host, port = sys.argv[1], int(sys.argv[2])
TRUE = (True, 1, "1", "t")


async def main():
    out = {"rounds": []}
    connect = dict(host=host, port=port, user="test", database="test")
    pool = await asyncpg.create_pool(min_size=1, max_size=1, **connect)
    other = await asyncpg.connect(**connect)
    pids = set()
    for i in range(5):
        async with pool.acquire() as con:
            pids.add(con.get_server_pid())
            echoed = await con.fetchval("SELECT 'round ' || $1", str(i))
            await con.execute("SELECT pg_advisory_lock(7)")  # a session lock, left held
            await con.execute("SET application_name = 'leased'")
            await con.execute("LISTEN pool_events")
            locked_meanwhile = await other.fetchval("SELECT pg_try_advisory_lock(7)")
            out["rounds"].append([echoed, locked_meanwhile in TRUE])
        # released: the reset unlocked, unlistened and reset the connection
        out.setdefault("free_after_release", []).append(
            await other.fetchval("SELECT pg_try_advisory_lock(7)") in TRUE
        )
        await other.execute("SELECT pg_advisory_unlock(7)")
    out["one_connection"] = len(pids) == 1
    async with pool.acquire() as con:
        out["application_name"] = await con.fetchval("SHOW application_name")
        out["listening"] = await con.fetch("SELECT * FROM pg_listening_channels()")
        async with con.transaction():
            await con.execute("SELECT pg_advisory_xact_lock(8)")
            out["xact_lock_held"] = not (await other.fetchval("SELECT pg_try_advisory_lock(8)") in TRUE)
        out["xact_lock_after_commit"] = await other.fetchval("SELECT pg_try_advisory_lock(8)") in TRUE
    out["listening"] = len(out["listening"])
    await other.close()
    await pool.close()
    print(json.dumps(out, sort_keys=True))


asyncio.run(main())
