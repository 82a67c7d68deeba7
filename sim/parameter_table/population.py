"""The run and the population: how long a run is, who lives in the community (groups, ages,
households, digital access) and when each group is free to reach the centre.

Part of the parameter table (:mod:`sim.parameters` gathers every section)."""

from __future__ import annotations

from sim.param import ASSUMED, Param, per_group

PARAMS: list[Param] = [
    # -- run ---------------------------------------------------------------------------------
    Param("run.days", 365, "int", "days", "Length of a run.", ASSUMED + "one year of operation", 1, 36600),
    Param(
        "run.start_date",
        "2014-01-01",
        "date",
        "date",
        "Calendar date of day 0; sets weekdays.",
        ASSUMED + "any date; the timeline scenario starts on 2003-01-01",
    ),
    # -- population --------------------------------------------------------------------------
    Param(
        "population.residents",
        6000,
        "int",
        "residents",
        "Residents of the community.",
        ASSUMED + "about 2,300 households x 2.6; 700 m2 at 30 m2 per 100 households fits ~2,300 "
        "households (MODEL-SKETCH)",
        10,
        200000,
    ),
    Param(
        "population.household_size",
        2.6,
        "float",
        "residents/household",
        "Mean household size; turns per-household rates into counts.",
        ASSUMED + "typical urban household size",
        1,
        6,
    ),
    Param(
        "population.group_shares",
        per_group(0.35, 0.15, 0.22, 0.18, 0.10),
        "groups",
        "share",
        "Share of residents in each group (sum 1).",
        ASSUMED + "urban community with a large commuting workforce and a fifth floating population",
        0,
        1,
    ),
    Param(
        "population.digital_access",
        per_group(0.919, 0.75, 0.30, 0.80, 0.60),
        "groups",
        "share",
        "Share of each group with a smartphone and the habit of using it for public matters.",
        ASSUMED + "younger and working groups far more online than retirees (CNNIC reports 45-90 % "
        "online by age); the commuters' value is calibrated to the pattern targets (docs/validation)",
        0,
        1,
    ),
    Param(
        "population.vulnerable_share",
        per_group(0.02, 0.05, 0.10, 0.06, 0.12),
        "groups",
        "share",
        "Share who are vulnerable (low income, disability) and raise social-assistance cases.",
        ASSUMED + "low-income and disabled residents concentrated among retirees and non-workers",
        0,
        1,
    ),
    Param(
        "population.elderly_alone_share",
        0.20,
        "float",
        "share of retirees",
        "Share of retirees who live alone and ask for elderly care.",
        ASSUMED + "empty-nest elderly (the article's volunteer care targets them)",
        0,
        1,
    ),
    Param(
        "population.civic_propensity_mean",
        0.12,
        "float",
        "probability",
        "Mean chance that a reached, available resident takes part in an event (Beta, "
        "concentration 4); scaled by trust.",
        ASSUMED + "with about 40 events a year, a third to a half of residents take part in something",
        0,
        1,
    ),
    Param(
        "population.notice_board_reach",
        per_group(0.25, 0.50, 0.80, 0.20, 0.60),
        "groups",
        "share",
        "Chance that a notice on the community board reaches a resident of the group.",
        ASSUMED + "those at home in the day pass the board; commuters and migrants rarely do",
        0,
        1,
    ),
    Param(
        "population.free_time.commuter",
        {"weekdays": ["07:00-08:00", "18:30-22:00"], "weekend": ["09:00-21:00"]},
        "schedule",
        "weekly",
        "When commuting workers can reach the centre.",
        ASSUMED + "office-hours job with commute (DOMAIN: commuters only outside working hours)",
    ),
    Param(
        "population.free_time.local_worker",
        {"weekdays": ["11:00-14:00", "17:30-21:00"], "weekend": ["09:00-21:00"]},
        "schedule",
        "weekly",
        "When local / flexible workers can reach the centre.",
        ASSUMED + "flexible local jobs leave a midday break",
    ),
    Param(
        "population.free_time.retiree",
        {"daily": ["08:00-20:00"]},
        "schedule",
        "weekly",
        "When retirees can reach the centre.",
        ASSUMED + "free in the day",
    ),
    Param(
        "population.free_time.migrant",
        {"weekdays": ["20:00-22:00"], "sat": ["20:00-22:00"], "sun": ["09:00-18:00"]},
        "schedule",
        "weekly",
        "When migrants can reach the centre.",
        ASSUMED + "long hours, six-day week in services and construction",
    ),
    Param(
        "population.free_time.not_working",
        {"daily": ["08:00-20:00"]},
        "schedule",
        "weekly",
        "When residents not working can reach the centre.",
        ASSUMED + "free in the day",
    ),
]
