"""Diverse self-governance online: community websites, QQ groups, SMS and WeChat raise the
participation of young and middle-aged people, white-collar workers, commuters and migrants.

In the model notices of councils, hearings and activities also reach residents with digital
access through the online groups, and councils and hearings can be joined online
(:meth:`sim.committee.Committee.hold_event`, :func:`sim.participation.take_part`).
"""

from __future__ import annotations

from sim.i18n import N_
from sim.param import ASSUMED, Param
from sim.reforms.base import Control, Reform

STEM = "online_participation"

PARAMS = (
    Param(
        "participation.online_channels",
        False,
        "bool",
        "",
        "Community website, QQ groups, SMS and WeChat for notices and online consultation.",
        "article: raise participation of young, white-collar, commuters, migrants",
    ),
    Param(
        "participation.online_reach",
        0.9,
        "float",
        "probability",
        "Chance a notice in the online groups reaches a resident with digital access.",
        ASSUMED + "most members of a community WeChat/QQ group read its notices",
        0,
        1,
    ),
    Param(
        "participation.online_take_part_factor",
        0.6,
        "float",
        "",
        "Propensity to take part online relative to in person.",
        ASSUMED + "a comment is easier than a meeting, but less engaging",
        0,
        5,
    ),
)


REFORM = Reform(
    stem=STEM,
    title=N_("Online participation"),
    chinese="网络参与",
    family="governance",
    years=N_("2013 (year assumed)"),
    summary=N_("Community websites, QQ groups, SMS and WeChat for notices and consultation."),
    params=PARAMS,
    controls=(
        Control("participation.online_channels", N_("Website, QQ and WeChat groups for residents"), "switch"),
    ),
    # No claim: online participation adds a way to take part to every resident's existing ones, so
    # under common random numbers participation cannot fall (a monotone OR).  "Reaches commuters"
    # and "reaches migrants" are checks in sim.validation.claims.IDENTITIES.
    claims=(),
)
