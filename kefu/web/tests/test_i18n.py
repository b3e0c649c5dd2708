"""English is available on every page (issue #2): lints that keep it so.

1. No template under kefu/ shows Chinese outside {% translate %} / {% blocktranslate %} or a comment:
   the source language is Chinese, so a string left outside them would stay Chinese for English users.
2. Every catalogue (.po) under kefu/ is complete (no empty or fuzzy msgstr) and its committed .mo says
   exactly what the .po says (the install step does not compile).
3. Every string a template marks for translation has an English translation in some catalogue.
"""

from __future__ import annotations

import ast
import os
import re
import struct
from pathlib import Path

import pytest

KEFU = Path(__file__).resolve().parents[2]

# KEFU_I18N_LINT_ONLY=wfm,quality checks only those apps.

# Chinese that must stay Chinese in every language, as (template path relative to kefu/, text).
WHITELIST: set[tuple[str, str]] = set()

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
# Spans allowed to hold Chinese: comments and the translation tags themselves.
ALLOWED_SPANS = re.compile(
    r"\{#.*?#\}"
    r"|\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*blocktrans(?:late)?\b.*?%\}.*?\{%\s*endblocktrans(?:late)?\s*%\}"
    r"|\{%\s*trans(?:late)?\s.*?%\}",
    re.S,
)
TRANSLATE_TAG = re.compile(r"""\{%\s*trans(?:late)?\s+(?P<q>["'])(?P<text>.*?)(?P=q)(?P<rest>.*?)%\}""", re.S)
BLOCK_TAG = re.compile(
    r"\{%\s*blocktrans(?:late)?\b(?P<opts>.*?)%\}(?P<body>.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)


def _checked(paths) -> list[Path]:
    """The paths of the apps this run checks (all, or those KEFU_I18N_LINT_ONLY names)."""
    only = {a for a in os.environ.get("KEFU_I18N_LINT_ONLY", "").split(",") if a}
    found = []
    for path in sorted(paths):
        app = path.relative_to(KEFU).parts[0]
        if only and app not in only:
            continue
        found.append(path)
    return found


def _templates() -> list[Path]:
    return _checked(KEFU.rglob("templates/**/*.html"))


def _rel(path: Path) -> str:
    return path.relative_to(KEFU).as_posix()


def chinese_outside_translation(source: str) -> list[tuple[int, str]]:
    """(line, text) of every run of Chinese not inside a translation tag or a comment."""
    # Blank the allowed spans but keep their newlines so that line numbers stay right.
    blanked = ALLOWED_SPANS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), source)
    return [(blanked.count("\n", 0, m.start()) + 1, m.group(0)) for m in CJK.finditer(blanked)]


def test_the_lint_sees_chinese_outside_translation_tags():
    source = (
        '{% load i18n %}<h1>{% translate "工单" %}</h1>{# 注释 #}\n'
        "{% blocktranslate with n=count %}共 {{ n }} 条{% endblocktranslate %}\n"
        "{% comment %}说明{% endcomment %}<td>{{ x|default:'无' }}</td>\n"
        "<script>const label = '提交';</script>"
    )
    assert chinese_outside_translation(source) == [(3, "无"), (4, "提交")]


def test_templates_show_no_chinese_outside_translation():
    problems = []
    for path in _templates():
        for line, text in chinese_outside_translation(path.read_text(encoding="utf-8")):
            if (_rel(path), text) not in WHITELIST:
                problems.append(f"{_rel(path)}:{line}: {text}")
    assert not problems, "模板中有未翻译的中文（请用 {% translate %} 包起来）：\n" + "\n".join(problems)


def test_templates_compile():
    """A translation tag put in the wrong place ({% load %} before {% extends %}, an unclosed block) fails here."""
    from django.template import engines

    engine = engines["django"].engine
    for path in _templates():
        name = path.as_posix().split("/templates/", 1)[1]
        engine.get_template(name)


# --- catalogues ---------------------------------------------------------------------------------------


def _unquote(line: str) -> str:
    return ast.literal_eval(line)  # a .po string is a C-style string literal, close enough to Python's


def parse_po(text: str) -> list[dict]:
    """Entries of a .po file: {"ctxt", "id", "plural", "strs": {index: str}, "fuzzy", "obsolete", "line"}."""
    entries, entry, field = [], None, None

    def flush():
        if entry is not None and "id" in entry:
            entries.append(entry)

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#~"):
            continue  # obsolete entries are not compiled
        if line.startswith("#"):
            if entry is not None and "id" in entry:
                flush()
                entry = None
            entry = entry or {"ctxt": None, "plural": None, "strs": {}, "fuzzy": False, "line": number}
            if line.startswith("#,") and "fuzzy" in line:
                entry["fuzzy"] = True
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if keyword:
            name, value = keyword.group(1), _unquote(keyword.group(2))
            if name in ("msgctxt", "msgid") and entry is not None and "id" in entry and entry["strs"]:
                flush()
                entry = None
            entry = entry or {"ctxt": None, "plural": None, "strs": {}, "fuzzy": False, "line": number}
            if name == "msgctxt":
                entry["ctxt"], field = value, ("ctxt",)
            elif name == "msgid":
                entry["id"], field = value, ("id",)
            elif name == "msgid_plural":
                entry["plural"], field = value, ("plural",)
            else:
                index = int(name[7:-1]) if "[" in name else 0
                entry["strs"][index], field = value, ("strs", index)
            continue
        if line.startswith('"') and field is not None:
            value = _unquote(line)
            if field[0] == "strs":
                entry["strs"][field[1]] += value
            else:
                entry[field[0]] += value
            continue
        raise AssertionError(f"line {number}: cannot read {raw!r}")
    flush()
    return entries


def read_mo(data: bytes) -> dict:
    """The messages of a compiled GNU .mo file, keyed as gettext keys them: msgid (with its context before \\x04)
    for a singular, (msgid, index) for each plural form. The file layout is GNU gettext's documented format."""
    order = "<" if int.from_bytes(data[:4], "little") == 0x950412DE else ">"
    count, originals, translations = struct.unpack(order + "3I", data[8:20])
    messages = {}
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[originals + 8 * i : originals + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[translations + 8 * i : translations + 8 * i + 8])
        msgid = data[ooff : ooff + olen].decode("utf-8")
        msgstr = data[toff : toff + tlen].decode("utf-8")
        if "\x00" in msgid:  # a plural entry: singular\0plural -> one key per form
            singular = msgid.split("\x00")[0]
            for index, form in enumerate(msgstr.split("\x00")):
                messages[(singular, index)] = form
        else:
            messages[msgid] = msgstr
    return messages


def _catalogues() -> list[Path]:
    return _checked(KEFU.rglob("locale/*/LC_MESSAGES/*.po"))


def test_there_are_catalogues():
    assert KEFU / "locale" / "en" / "LC_MESSAGES" / "django.po" in KEFU.rglob("locale/*/LC_MESSAGES/*.po")


@pytest.mark.parametrize("po", _catalogues(), ids=lambda p: _rel(p))
def test_catalogue_is_complete_and_compiled(po: Path):
    entries = parse_po(po.read_text(encoding="utf-8"))
    where = _rel(po)
    problems = []
    seen = set()
    expected = {}
    for e in entries:
        if e["id"] == "":
            continue  # the header
        key = e["id"] if e["ctxt"] is None else f"{e['ctxt']}\x04{e['id']}"
        if key in seen:
            problems.append(f"{where}:{e['line']}: msgid 重复 {e['id']!r}")
        seen.add(key)
        if e["fuzzy"]:
            problems.append(f"{where}:{e['line']}: fuzzy {e['id']!r}")
        if not e["strs"] or any(not s for s in e["strs"].values()):
            problems.append(f"{where}:{e['line']}: msgstr 为空 {e['id']!r}")
        if CJK.search("".join(e["strs"].values())):
            problems.append(f"{where}:{e['line']}: 译文仍含中文 {e['id']!r}")
        if e["plural"] is None:
            expected[key] = e["strs"].get(0, "")
        else:
            for index, s in e["strs"].items():
                expected[(key, index)] = s
    assert not problems, "\n".join(problems)

    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{where}: 缺少编译后的 .mo（msgfmt -o {mo.name} {po.name}）"
    compiled = read_mo(mo.read_bytes())
    compiled.pop("", None)
    assert compiled == expected, f"{_rel(mo)} 与 .po 不一致：请重新运行 msgfmt -o {mo.name} {po.name}"


def test_one_msgid_one_english():
    """Django merges every catalogue into one: a msgid translated two ways would read one way everywhere."""
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in _catalogues():
        for e in parse_po(po.read_text(encoding="utf-8")):
            if e["id"] == "" or e["plural"] is not None:
                continue
            key = e["id"] if e["ctxt"] is None else f"{e['ctxt']}\x04{e['id']}"
            english = e["strs"].get(0, "")
            if key in seen and seen[key][0] != english:
                clashes.append(f"{e['id']!r}: {seen[key][1]} {seen[key][0]!r} ≠ {_rel(po)} {english!r}")
            seen.setdefault(key, (english, _rel(po)))
    assert not clashes, "同一原文在不同目录中译法不同（请统一或加 context）：\n" + "\n".join(clashes)


# --- every marked string has a translation ------------------------------------------------------------


def _block_msgid(opts: str, body: str) -> str | None:
    """The msgid Django builds for a {% blocktranslate %} body: {{ x }} -> %(x)s, trimmed if asked."""
    if "count" in opts.split() or re.search(r"\{%\s*plural\s*%\}", body):
        body = re.split(r"\{%\s*plural\s*%\}", body)[0]
    if re.search(r"\{%", body):
        return None
    msgid = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", body.replace("%", "%%"))
    if "trimmed" in opts.split():
        msgid = " ".join(part.strip() for part in msgid.strip().splitlines() if part.strip())
    return msgid


def marked_strings(source: str) -> list[tuple[str, str | None]]:
    """(msgid, context) of every translation tag of a template."""
    found = []
    for m in TRANSLATE_TAG.finditer(source):
        ctx = re.search(r"""context\s+(["'])(.*?)\1""", m.group("rest"))
        # Django looks a translate tag's text up with % doubled (Variable(..., translate=True)).
        found.append((m.group("text").replace("%", "%%"), ctx.group(2) if ctx else None))
    for m in BLOCK_TAG.finditer(source):
        msgid = _block_msgid(m.group("opts"), m.group("body"))
        if msgid is not None:
            ctx = re.search(r"""context\s+(["'])(.*?)\1""", m.group("opts"))
            found.append((msgid, ctx.group(2) if ctx else None))
    return found


def test_marked_strings_are_read_as_django_does():
    source = (
        '{% translate "工单" %}{% trans \'队列\' context "菜单" %}{% translate "及格线（%）" %}'
        "{% blocktranslate trimmed with n=count %}\n  共 {{ n }} 条\n  记录 {% endblocktranslate %}"
    )
    assert marked_strings(source) == [
        ("工单", None),
        ("队列", "菜单"),
        ("及格线（%%）", None),
        ("共 %(n)s 条 记录", None),
    ]


def test_every_marked_string_has_an_english_translation():
    from django.utils import translation

    missing = []
    with translation.override("en"):
        for path in _templates():
            for msgid, ctx in marked_strings(path.read_text(encoding="utf-8")):
                if not CJK.search(msgid):
                    continue
                english = translation.pgettext(ctx, msgid) if ctx else translation.gettext(msgid)
                if english == msgid:
                    missing.append(f"{_rel(path)}: {msgid!r}")
    assert not missing, "以下文字没有英文译文（makemessages -l en 后填写 msgstr 并 msgfmt）：\n" + "\n".join(missing)
