"""Helpers for the English-page tests of wfm, quality, knowledge and roster (issue #2)."""

from __future__ import annotations

import re

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# The language selector names Chinese in Chinese, on every page.
_SELECTOR = re.compile(r'<option value="zh-hans"[^>]*>简体中文</option>')


def english_client(client):
    client.cookies["django_language"] = "en"
    return client


_TITLE = re.compile(r"<title>.*?</title>", re.S)
_MAIN = re.compile(r'<main class="page">.*?</main>', re.S)


def chinese_left(html: str, user_data: tuple[str, ...] = ()) -> list[str]:
    """Runs of Chinese in a page's title and main part once the user's own data (as entered) is taken out.

    The top bar also lists other apps' menus, translated by their owners; our own menu entries are
    checked by menu_labels()."""
    if "<main" in html:
        html = "".join(m.group(0) for m in (_TITLE.search(html), _MAIN.search(html)) if m)
    html = _SELECTOR.sub("", html)
    user_data = (*user_data, *staff_names())  # staff are shown by name and number: their names are data
    for text in sorted(user_data, key=len, reverse=True):
        html = html.replace(text, "")
    return CJK.findall(html)


def assert_english(response, *expected: str, user_data: tuple[str, ...] = ()):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    for text in expected:
        assert text in html, f"{text!r} not on the page"
    left = chinese_left(html, user_data)
    assert not left, f"Chinese left on the English page: {left[:20]}"
    return html


def menu_labels(html: str, app: str) -> list[str]:
    """The labels of the top-bar entries that link into /<app>/."""
    return re.findall(rf'<a href="/{app}/[^"]*"[^>]*>([^<]+)</a>', html.split("</header>")[0])


def staff_names() -> list[str]:
    """Every staff member's name (entered by people, like a subject): not text for the catalogue to translate."""
    from kefu.org.models import Staff

    return [n for n in Staff.objects.values_list("name", flat=True) if n]
