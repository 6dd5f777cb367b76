"""Facebook Page webhook deliveries as Meta sends them, for the tests that post them."""

import hashlib
import hmac
import json
from typing import Any

SECRET = "app-secret-for-tests"
PAGE_ID = "100000000000042"


def comment(
    comment_id: str = "111_222",
    *,
    page_id: str = PAGE_ID,
    message: str = "Hvorfor er veien ikke brøytet?",
    sender: dict[str, str] | None = None,
    verb: str = "add",
    item: str = "comment",
) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "from": sender or {"id": "987654", "name": "Kari Nordmann"},
            "post_id": f"{page_id}_555",
            "comment_id": comment_id,
            "created_time": 1795595400,  # 25 November 2026 09:30 Oslo
            "item": item,
            "parent_id": f"{page_id}_555",
            "message": message,
            "verb": verb,
        },
    }


def delivery(*changes: dict[str, Any], page_id: str = PAGE_ID) -> bytes:
    payload = {
        "object": "page",
        "entry": [{"id": page_id, "time": 1795595400, "changes": list(changes)}],
    }
    return json.dumps(payload).encode()


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
