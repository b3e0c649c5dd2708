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


class ApiErrorJsonMiddleware:
    """Under /api/ every error is JSON {"detail": [{"field", "rule", "message"}]}: an error answered by something
    other than kefu's handlers (django-ninja's plain-text 405 "Method not allowed", for one) gets that body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            from django.http import JsonResponse

            from kefu.errors import http_problem

            problem = http_problem(response.status_code)
            if response.status_code == 405 and response.get("Allow"):
                problem = type(problem)(None, problem.rule, f"{problem.message}（允许：{response['Allow']}）")
            replaced = JsonResponse(
                {"detail": [problem.as_dict()]}, status=response.status_code, json_dumps_params={"ensure_ascii": False}
            )
            if response.get("Allow"):
                replaced["Allow"] = response["Allow"]
            return replaced
        return response
