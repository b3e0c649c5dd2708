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
