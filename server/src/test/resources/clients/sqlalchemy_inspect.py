"""Issue 13: SQLAlchemy 1.4's reflection, inspect(engine), over psycopg2 on the tables of
sqlalchemy_orm.py's models: get_table_names, has_table, get_columns, get_pk_constraint,
get_foreign_keys, get_indexes. SQLAlchemy reads them from pg_catalog (pg_class, pg_attribute,
pg_index, pg_constraint, format_type, pg_get_constraintdef). Prints one JSON line."""
import json
import sys

from sqlalchemy import create_engine, inspect

from sqlalchemy_orm import Base

host, port = sys.argv[1], int(sys.argv[2])
engine = create_engine(f"postgresql+psycopg2://test@{host}:{port}/orm")
Base.metadata.create_all(engine)
out = {}
inspector = inspect(engine)
out["tables"] = sorted(inspector.get_table_names())
out["has_table"] = [inspector.has_table("orders"), inspector.has_table("nope")]
out["columns"] = [[c["name"], str(c["type"]), c["nullable"]] for c in inspector.get_columns("orders")]
out["pk"] = inspector.get_pk_constraint("orders")["constrained_columns"]
out["fks"] = [
    [fk["constrained_columns"], fk["referred_table"], fk["referred_columns"]]
    for fk in inspector.get_foreign_keys("lines")
]
out["indexes"] = [[i["name"], i["column_names"], bool(i["unique"])] for i in inspector.get_indexes("orders")]
print(json.dumps(out, sort_keys=True))
