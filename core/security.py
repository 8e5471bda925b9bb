"""Security headers: the Content-Security-Policy of the site and the looser one of the staff tools.

The site's policy is `CONTENT_SECURITY_POLICY` (django-csp). The CMS, the Django admin and the API docs come
from other projects and carry inline scripts and styles; below the prefixes of
`CONTENT_SECURITY_POLICY_STAFF_TOOLS` their policy applies instead. A view's own `@csp_override` or
`@csp_replace` still wins.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def staff_tool_policy(path: str) -> dict | None:
    """The staff tools' directives if the path is one of theirs, else None."""
    policy = getattr(settings, "CONTENT_SECURITY_POLICY_STAFF_TOOLS", None) or {}
    if path.startswith(tuple(policy.get("PATH_PREFIXES", ()))):
        return policy.get("DIRECTIVES")
    return None


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request=request, response=response, report_only=report_only)
        if not report_only and parts.config is None:
            directives = staff_tool_policy(request.path_info)
            if directives is not None:
                parts.config = directives
            elif getattr(request, "is_preview", False):
                # The CMS shows a page's preview in a frame of its own: the page's policy, framed by the CMS.
                parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts
