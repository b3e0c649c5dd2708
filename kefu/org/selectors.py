"""Reads of the organisation that more than one caller needs."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from kefu.org.models import ApiToken, Center, Policy, Staff
from kefu.prepared import RowPlan

_User = get_user_model()

# Every API request asks this (kefu.access): the token, its user, staff record, center and policy in one
# statement built once (see kefu.prepared; a five-table select_related compiles at ~10x the statement's cost).
_TOKEN_HOLDER = RowPlan(
    [(ApiToken, "t"), (_User, "u"), (Staff, "s"), (Center, "c"), (Policy, "p")],
    lambda n: (
        f"FROM {n.table(ApiToken)} t"
        f" INNER JOIN {n.table(_User)} u ON u.{n.col(_User, 'id')} = t.{n.col(ApiToken, 'user')}"
        f" LEFT OUTER JOIN {n.table(Staff)} s ON s.{n.col(Staff, 'user')} = u.{n.col(_User, 'id')}"
        f" LEFT OUTER JOIN {n.table(Center)} c ON c.{n.col(Center, 'id')} = s.{n.col(Staff, 'center')}"
        f" LEFT OUTER JOIN {n.table(Policy)} p ON p.{n.col(Policy, 'center')} = c.{n.col(Center, 'id')}"
        f" WHERE t.{n.col(ApiToken, 'digest')} = %s AND t.{n.col(ApiToken, 'revoked')} = %s"
    ),
)


def token_holder(raw_token: str, using: str = "default") -> ApiToken | None:
    """The unrevoked token with this value, with .user, .user.staff (or None), .staff.center and the center's
    policy loaded (the same objects ApiToken.objects.select_related("user__staff__center__policy") gives)."""
    found = _TOKEN_HOLDER.fetch([ApiToken.digest_of(raw_token), False], using)
    if found is None:
        return None
    token, user, staff, center, policy = found
    token.user = user
    if staff is None:
        type(user).staff.related.set_cached_value(user, None)
    else:
        staff.user = user  # also caches user.staff
        staff.center = center
        Center.policy.related.set_cached_value(center, policy)
    return token
