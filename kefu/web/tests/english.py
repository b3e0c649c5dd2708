"""Helpers for the English-page tests of D1's apps (issue #2): render a page with the language cookie and
check it reads in English, apart from what users entered (names, subjects, center names...)."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# The language selector names Chinese in Chinese on every page.
_SELECTOR = re.compile(r'<option value="zh-hans"[^>]*>简体中文</option>')
_TITLE = re.compile(r"<title>.*?</title>", re.S)
_MAIN = re.compile(r'<main class="page">.*?</main>', re.S)
_HEADER = re.compile(r'<header class="topbar">.*?</header>', re.S)


def english(client):
    client.cookies["django_language"] = "en"
    return client


def chinese_left(html: str, user_data=(), *, header: bool = False) -> list[str]:
    """Runs of Chinese left in the title and main part (and the top bar if asked) once user data is taken out.

    The top bar lists every app's menu; the other apps' entries are their owners' to translate, so pages
    check it only where all the entries are ours."""
    if "<main" in html:
        parts = [_TITLE, _MAIN] + ([_HEADER] if header else [])
        html = "".join(m.group(0) for m in (p.search(html) for p in parts) if m)
    html = _SELECTOR.sub("", html)
    user_data = (*user_data, *staff_names())  # staff are shown by name and number: their names are data
    for text in sorted((t for t in user_data if t), key=len, reverse=True):
        html = html.replace(text, "")
    return CJK.findall(html)


def assert_english(response, *expected: str, user_data=(), header: bool = False, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    for text in expected:
        assert text in html, f"{text!r} not on the page"
    left = chinese_left(html, user_data, header=header)
    assert not left, f"Chinese left on the English page: {left[:20]}"
    return html


def staff_names() -> list[str]:
    """Every staff member's name (entered by people, like a subject): not text for the catalogue to translate."""
    from kefu.org.models import Staff

    return [n for n in Staff.objects.values_list("name", flat=True) if n]
