"""Make tests/data/schema-0001/: a library written by the first schema (revision 0001),
with one merchant, one purchase, two captures (one OCR'd) and a valid custody chain.

It was run once and its output committed; test_migrations.py opens a copy with the
current code. Run again only to recreate it: `python tests/data/make_schema_0001.py`.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
from pathlib import Path

from alembic import command
from PIL import Image, ImageDraw
from sqlalchemy import create_engine

from storage.custody import GENESIS, canonical_json, chain_hash, event_payload
from storage.db import alembic_config

OUT = Path(__file__).with_name("schema-0001")


def png(seed: int) -> bytes:
    img = Image.new("RGB", (80, 40), (seed * 40, 120, 200))
    ImageDraw.Draw(img).text((4, 4), f"#{seed}", fill=(0, 0, 0))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def main() -> None:
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    db = OUT / "library.sqlite3"
    engine = create_engine(f"sqlite:///{db}")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()

    con = sqlite3.connect(db)
    t = "2026-10-27T06:00:00.000000Z"
    con.execute(
        "INSERT INTO merchants (id, display_name, platform, account_id, phone, created_at, updated_at) "
        "VALUES (1, '糖糖的小店', 'wechat', 'tangtang88', '15099034644', ?, ?)",
        (t, t),
    )
    con.execute(
        "INSERT INTO purchases (id, title, merchant_id, order_no, amount_minor, currency, status, created_at, updated_at) "
        "VALUES (1, '乐高积木', 1, '2026102788123456', 15700, 'CNY', 'disputed', ?, ?)",
        (t, t),
    )
    events = []
    for cid, text in ((1, "退款¥157.00已原路返回，请注意查收"), (2, None)):
        data = png(cid)
        sha = hashlib.sha256(data).hexdigest()
        blob = OUT / "blobs" / sha[:2] / sha
        blob.parent.mkdir(parents=True, exist_ok=True)
        blob.write_bytes(data)
        con.execute(
            "INSERT INTO captures (id, purchase_id, sha256, media_type, bytes, width, height, captured_at, "
            "utc_offset_min, source, note, ocr_status, ocr_text, ocr_engine, ocr_version, ocr_languages) "
            "VALUES (?, 1, ?, 'image/png', ?, 80, 40, ?, 480, 'region', ?, ?, ?, ?, ?, ?)",
            (
                cid,
                sha,
                len(data),
                f"2026-10-27T06:0{cid}:00.000000Z",
                "卖家说七天无理由" if cid == 2 else None,
                "done" if text else "pending",
                text,
                "tesseract" if text else None,
                "5.3.0" if text else None,
                "chi_sim+eng" if text else None,
            ),
        )
        events.append(("captured", cid, {"sha256": sha, "bytes": len(data)}))
    prev = GENESIS
    for i, (kind, cid, data) in enumerate(events, 1):
        at = f"2026-10-27T06:0{i}:00.000000Z"
        h = chain_hash(prev, event_payload(i, at, kind, cid, 1, data))
        con.execute(
            "INSERT INTO events (id, at, kind, capture_id, purchase_id, data, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?)",
            (i, at, kind, cid, 1, canonical_json(data), prev, h),
        )
        prev = h
    con.execute("INSERT INTO settings (key, value) VALUES ('custody_head', ?)", (f"{len(events)}:{prev}",))
    con.execute("INSERT INTO settings (key, value) VALUES ('active_purchase', '1')")
    con.commit()
    con.close()
    print(json.dumps({"made": str(OUT)}))


if __name__ == "__main__":
    main()
