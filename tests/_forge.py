"""What a forger who knows the hash function does to an export file: edit its audit log and
compute the chain again, so that only the import's rules (not the hashes) stand in the way."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from granskning.storage.audit import detail_hash, event_hash


def rechain(doc: dict[str, Any]) -> dict[str, Any]:
    """Give every event of ``doc``'s audit log a consistent place, detail hash and hash."""
    prev = None
    for seq, e in enumerate(doc["audit"], 1):
        e["seq"], e["prev_hash"] = seq, prev
        if e.get("redacted_at") is None:
            e["detail_sha256"] = detail_hash(e["actor"], e.get("text"))
        e["hash"] = prev = event_hash(
            chain=doc["review"]["uid"],
            seq=seq,
            prev=prev,
            uid=e["uid"],
            interview=e.get("interview"),
            entity=e["entity"],
            action=e["action"],
            from_state=e.get("from_state"),
            to_state=e.get("to_state"),
            data=e.get("data") or {},
            detail_sha256=e["detail_sha256"],
            at=datetime.fromisoformat(e["at"]),
        )
    return doc
