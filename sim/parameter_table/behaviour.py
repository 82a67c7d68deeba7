"""Residents' behaviour submodels (ODD+D learning, sensing, interaction): memory of past
matters, households and building neighbours, and how news of the online channel spreads.  Memory,
word of mouth and building heads are off by default; household errands and the spread of the
online channel's news are on.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, CALIBRATED, Param

PARAMS: list[Param] = [
    # -- residents' behaviour: learning and interaction --
    Param(
        "residents.memory",
        False,
        "bool",
        "",
        "Residents remember how their last matter went and choose channel, timing and whether to try "
        "again from it (sim/memory.py).",
        ASSUMED + "off by default so that the calibrated 2002 and 2014 results stand; see docs/validation",
    ),
    Param(
        "residents.memory_weight",
        0.5,
        "float",
        "share",
        "How far a remembered experience moves the online preference (toward 1 after a bad visit or an "
        "online matter, toward 0 after a quick visit) and cuts the chance to try again after giving up.",
        ASSUMED + "a bad experience weighs as much as the habit it replaces",
        0,
        1,
    ),
    Param(
        "residents.long_wait_min",
        30.0,
        "float",
        "minutes",
        "A queue wait longer than this is remembered as a long wait.",
        ASSUMED + "half an hour is what residents complain of",
        0,
        1440,
    ),
    Param(
        "residents.timing_shift_h",
        1.0,
        "float",
        "hours",
        "After a long wait, how much later into their next window a resident goes (avoiding the rush).",
        ASSUMED + "the morning rush lasts about an hour",
        0,
        12,
    ),
    Param(
        "residents.household_errands",
        True,
        "bool",
        "",
        "A resident with no free time when the centre is open asks a household member with freer days "
        "(a retired parent, someone not working) to go instead.",
        ASSUMED + "family members run errands for one another (代办)",
    ),
    Param(
        "residents.errand_allowed_share",
        0.43,
        "float",
        "share",
        "With household errands: share of matters a household member may do in the resident's place "
        "(the rest need the resident in person, e.g. a residence permit or a signature).",
        CALIBRATED + "many counter matters accept an authorised family member (代办), others "
        "need the resident; the share is not reported",
        0,
        1,
    ),
    Param(
        "residents.word_of_mouth",
        False,
        "bool",
        "",
        "Neighbours in a building talk over each week's experiences: satisfaction and trust move toward "
        "what the building experienced (news of the online channel spreads whether or not).",
        ASSUMED + "off by default so that the calibrated 2002 and 2014 results stand; residents hear "
        "how the centre treated their neighbours",
    ),
    Param(
        "residents.word_of_mouth_weight",
        0.02,
        "float",
        "share",
        "How far a week's talk moves a resident's satisfaction and trust toward the building's mean "
        "experience that week.",
        ASSUMED + "a week's talk counts for far less than one's own experience (0.3); over a year "
        "it moves an opinion about two-thirds of the way",
        0,
        1,
    ),
    Param(
        "residents.online_discovery_per_week",
        0.02,
        "float",
        "probability/week",
        "While the online channel is open: weekly chance that a resident with digital access who does "
        "not know of it learns of it from the centre's own notices.",
        ASSUMED + "about two-thirds would learn of it within a year without neighbours",
        0,
        1,
    ),
    Param(
        "residents.tell_prob",
        0.2,
        "float",
        "probability",
        "Chance that one neighbour who used the online channel this week tells a resident of the "
        "building with digital access who did not know of it.",
        ASSUMED + "one in five conversations passes it on",
        0,
        1,
    ),
    Param(
        "residents.households_per_building",
        24,
        "int",
        "households",
        "Households per building (the neighbours who talk, and a building head's reach).",
        ASSUMED + "a six-storey walk-up with four flats a floor",
        1,
        10000,
    ),
    Param(
        "residents.building_head_share",
        0.0,
        "float",
        "share",
        "Share of buildings whose building head (楼栋长) or volunteer passes every event notice on to "
        "the whole building.",
        ASSUMED + "off by default; volunteer teams and building heads are the article's 1,620 teams",
        0,
        1,
    ),
]
