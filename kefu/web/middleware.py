"""Chinese first: the interface is Simplified Chinese unless the user chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language; a hotline's PCs often run an
English Windows, and half-English pages (our content stays Chinese) serve nobody. The choice made
with the language selector (a cookie) still wins.
"""


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def client_ip(request) -> str | None:
    """The client's address for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE). Behind the reverse proxy
    (KEFU_BEHIND_PROXY=1, which overwrites X-Forwarded-For) its first entry; otherwise the socket's address, so a
    client cannot dodge the lockout by sending another X-Forwarded-For."""
    from django.conf import settings

    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")
