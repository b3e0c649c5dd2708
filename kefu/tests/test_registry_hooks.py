"""One registry of hooks (kefu.registry): the only way a lower layer hears from an app above it."""

from __future__ import annotations

import pytest

from kefu import registry


def test_every_hook_is_declared_and_has_its_provider_after_startup():
    from kefu.discipline.services import group_phrase_rules
    from kefu.roster.demo_calls import call_rota

    assert registry.providers("demo.call_rota") == (call_rota,)
    assert registry.providers("knowledge.group_phrases") == (group_phrase_rules,)


def test_providing_twice_registers_once_and_an_unknown_hook_is_refused():
    from kefu.roster.demo_calls import call_rota

    registry.provide("demo.call_rota", call_rota)
    assert registry.providers("demo.call_rota").count(call_rota) == 1
    with pytest.raises(KeyError, match="declare it"):
        registry.provide("no.such.hook", call_rota)
