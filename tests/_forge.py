"""What a forger who knows the hash function does to an export file: edit its audit log and
compute the chain again, so that only the import's rules (not the hashes) stand in the way."""

from __future__ import annotations

from typing import Any

from granskning.storage.audit import detail_hash, record_hash


def rechain(doc: dict[str, Any]) -> dict[str, Any]:
    """Give every event of ``doc``'s audit log a consistent place, detail hash and hash."""
    prev = None
    for seq, e in enumerate(doc["audit"], 1):
        e["seq"], e["prev_hash"] = seq, prev
        if e.get("redacted_at") is None:
            e["detail_sha256"] = detail_hash(e["actor"], e.get("text"))
        e["hash"] = prev = record_hash(doc["review"]["uid"], seq, prev, e)
    return doc
