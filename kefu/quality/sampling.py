"""The month's monitoring sample, with no Django import (plain data in, plain data out).

Each agent gets `per_agent` monitored calls a month (4–5, 004:L1531), drawn at random but
stratified by call type (a type's share of the sample follows its share of the agent's calls,
largest remainder first), after removing very short calls (policy threshold). The draw is
deterministic: the same calls and the same seed give the same sample.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CallRow:
    ref: int  # the call's primary key in telephony (or any stable id)
    agent_staff_no: str
    call_type: str
    talk_seconds: int


@dataclass(frozen=True)
class AgentSample:
    agent_staff_no: str
    refs: tuple[int, ...]
    eligible: int  # calls left after removing short ones
    shortfall: int  # how many the target exceeded the eligible calls by


def allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """Split n draws over strata in proportion to their sizes (largest remainder; ties by name)."""
    total = sum(counts.values())
    if total == 0 or n <= 0:
        return {k: 0 for k in counts}
    n = min(n, total)
    quotas = {k: n * c / total for k, c in counts.items()}
    out = {k: min(int(q), counts[k]) for k, q in quotas.items()}
    order = sorted(counts, key=lambda k: (-(quotas[k] - int(quotas[k])), -counts[k], k))
    left = n - sum(out.values())
    while left > 0:
        for k in order:
            if left and out[k] < counts[k]:
                out[k] += 1
                left -= 1
    return out


def draw(
    calls: Iterable[CallRow],
    *,
    per_agent: int,
    min_talk_seconds: int,
    seed: str | int,
    agents: Iterable[str] | None = None,
) -> list[AgentSample]:
    """One sample per agent (every agent of `agents`, or every agent with calls)."""
    by_agent: dict[str, list[CallRow]] = defaultdict(list)
    for call in calls:
        if call.talk_seconds >= min_talk_seconds:
            by_agent[call.agent_staff_no].append(call)
    names = sorted(set(agents) if agents is not None else set(by_agent))
    samples = []
    for agent in names:
        pool = sorted(by_agent.get(agent, []), key=lambda c: c.ref)
        strata: dict[str, list[CallRow]] = defaultdict(list)
        for call in pool:
            strata[call.call_type].append(call)
        quota = allocate({k: len(v) for k, v in strata.items()}, per_agent)
        rng = random.Random(f"{seed}:{agent}")
        picked: list[int] = []
        for call_type in sorted(strata):
            picked.extend(c.ref for c in rng.sample(strata[call_type], quota[call_type]))
        samples.append(AgentSample(agent, tuple(sorted(picked)), len(pool), max(0, per_agent - len(pool))))
    return samples
