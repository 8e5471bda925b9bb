"""Verify a hosted Open Badges 2.0 assertion with the 1EdTech reference validator; print its report as JSON.

Usage: python verify.py ASSERTION_URL RECIPIENT_EMAIL (in the validator's own virtualenv).
The JSON-LD context is served from the copy the validator ships, so nothing leaves this machine.
"""

import json
import sys

import openbadges
from openbadges.verifier import utils
from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT

CONTEXT_URL = "https://w3id.org/openbadges/v2"
_load = utils.CachableDocumentLoader.__call__


def _load_offline(self, url, *args, **kwargs):
    if url.rstrip("/") == CONTEXT_URL:
        return {"contextUrl": None, "documentUrl": url, "document": OPENBADGES_CONTEXT_V2_DICT}
    return _load(self, url, *args, **kwargs)


utils.CachableDocumentLoader.__call__ = _load_offline

if __name__ == "__main__":
    url, email = sys.argv[1:3]
    report = openbadges.verify(url, recipient_profile={"email": email}, use_cache=False)["report"]
    json.dump(
        {
            "valid": report["valid"],
            "errorCount": report["errorCount"],
            "messages": [m for m in report["messages"] if m.get("messageLevel") == "ERROR"],
        },
        sys.stdout,
    )
