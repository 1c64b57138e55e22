"""Issue 13: SQLAlchemy 1.4 (Debian's python3-sqlalchemy) over psycopg2: create_all twice (the
second finds the tables and creates nothing), an ORM model with a SERIAL key, Boolean, DateTime,
LargeBinary, Numeric(10,2) and String columns; add, commit, query back, update, delete, rollback.
Prints one JSON line: what SQLAlchemy returned, with the Python types. sqlalchemy_inspect.py
reflects the same models."""
import datetime
import decimal
import json
import sys

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    create_engine,
)
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    paid = Column(Boolean, nullable=False, default=False)
    placed = Column(DateTime)
    receipt = Column(LargeBinary)
    total = Column(Numeric(10, 2))
    customer = Column(String(40), index=True)


class Line(Base):
    __tablename__ = "lines"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id"), nullable=False)
    item = Column(String)


def main(engine):
    out = {}
    Base.metadata.create_all(engine)
    Base.metadata.create_all(engine)  # the tables exist: no CREATE this time

    placed = datetime.datetime(2026, 12, 4, 18, 0, 0, 250000)
    with Session(engine) as session:
        session.add_all(
            [
                Order(paid=True, placed=placed, receipt=b"\x00\x01\xff", total=decimal.Decimal("12.50"), customer="ann"),
                Order(paid=False, placed=placed, receipt=b"", total=decimal.Decimal("3"), customer="bob"),
            ]
        )
        session.commit()
        first = session.query(Order).filter_by(customer="ann").one()
        out["ids"] = [o.id for o in session.query(Order).order_by(Order.id)]
        out["first"] = [first.paid, str(first.placed), first.receipt.hex(), str(first.total), first.customer]
        out["types"] = [type(v).__name__ for v in (first.id, first.paid, first.placed, first.receipt, first.total, first.customer)]
        session.add(Line(order_id=first.id, item="tea"))
        first.paid = False
        session.commit()
        out["updated_paid"] = session.query(Order).filter(Order.id == first.id).one().paid
        out["unpaid"] = session.query(Order).filter(Order.paid.is_(False)).count()
        session.query(Order).filter(Order.customer == "bob").delete()
        session.commit()
        out["after_delete"] = [o.customer for o in session.query(Order)]
        session.add(Order(paid=True, customer="rolled back"))
        session.flush()
        session.rollback()
        out["after_rollback"] = session.query(Order).count()
    return out


if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    print(json.dumps(main(create_engine(f"postgresql+psycopg2://test@{host}:{port}/orm")), sort_keys=True))
