"""psycopg2 with a password against heliosdb serve with auth = scram-sha-256.

Usage: python3 psycopg2_password.py HOST PORT USER PASSWORD. Prints the result of SELECT 1 + 1,
or the SQLSTATE of the failed connection.
"""
import sys

import psycopg2

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    conn = psycopg2.connect(host=host, port=port, dbname="test", user=user, password=password)
except psycopg2.OperationalError as e:
    print("failed: " + str(e).strip().splitlines()[-1])
    sys.exit(0)
with conn.cursor() as cur:
    cur.execute("SELECT 1 + 1")
    print(cur.fetchone()[0])
conn.close()
