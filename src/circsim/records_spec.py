"""What the engine records: every output array with its dimensions, unit and meaning.

The kernels add to these arrays (agent counts, or EUR for money); ``outputs.py`` weights them
by ``scale`` (except the counts of employers and rounds in ``UNSCALED``: firms are not sampled)
and wraps them into an ``xarray.Dataset``. Dimension ``market`` becomes
``(destination, sector)`` in the dataset; ``destination`` has a last entry ``none`` for
persons not abroad.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .phases.common import DURATION_BINS
from .state import N_CHANNEL, N_REASON, N_STATUS

OD = ("origin", "destination")
#: name -> (dimensions after time, unit, description)
RECORDS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "stock": (("status", *OD), "persons", "Persons by status at the end of the month (destination 'none': not abroad)"),
    "departures": (("channel", *OD), "persons/month", "Departures abroad by channel"),
    "returns": (("reason", *OD), "persons/month", "Returns home by reason"),
    "overstays": (("channel", *OD), "persons/month", "Allowed stays that ended in an overstay (became irregular), by channel of the stay"),
    "stays_ended": (("channel", *OD), "persons/month", "Allowed stays that ended (returned or overstayed; renewals excluded), by channel"),
    "renewals": (OD, "persons/month", "Temporary permits renewed"),
    "applications": (("channel", *OD), "applications/month", "Applications filed at the consulate"),
    "approvals": (("channel", *OD), "applications/month", "Applications approved (permit issued)"),
    "refusals": (("channel", *OD), "applications/month", "Applications refused"),
    "lost_offers": (("channel", *OD), "offers/month", "Job offers lost because the visa came too late"),
    "queue_length": (OD, "applications", "Applications waiting at the consulate at the end of the month"),
    "wait_months_total": (OD, "months", "Sum of the waits of the applications decided this month"),
    "vacancies": (("market",), "positions/month", "Migrant-facing positions open at job start (after Community preference)"),
    "requests": (("market",), "positions/month",
                 "Places employers asked for when recruitment opened (seasonal work and studies: once a year; "
                 "all-year markets: each month), covering the withdrawals they expect"),
    "recruitment_rounds": (("market",), "rounds/month", "1 in a month the market's employers recruited (opened places)"),
    "withdrawals": (("channel", *OD), "persons/month",
                    "Selected persons (permit issued or held) who did not leave at the job start"),
    "rehire_declined": (("market",), "persons/month",
                        "Former workers called back who declined to seek another employer through the agency"),
    "returner_departures": (OD, "persons/month", "Legal departures of persons with a former employer"),
    "employer_changes": (OD, "persons/month", "Of them, departures to another employer than the last one"),
    "noncompliant": (("market",), "employers/month",
                     "Employers willing to hire irregular workers, counted at each job start (seasonal and temporary "
                     "work)"),
    "hiring_decisions": (("market",), "employers/month",
                         "Employers deciding at a job start whether to take on irregular workers (seasonal and "
                         "temporary work)"),
    "inspections": (("market",), "employers/month", "Employers visited by labour inspectors"),
    "sanctions": (("market",), "employers/month",
                  "Employers found employing irregular workers (fined, excluded from the legal channels)"),
    "irregular_employed": (OD, "persons", "Irregular persons working for an employer (before the month's inspections)"),
    "irregular_found": (("market",), "persons/month", "Irregular workers found by labour inspections"),
    "fines": (("market",), "EUR/month", "Fines imposed on employers for irregular workers found"),
    "domestic_hired": (("market",), "positions/month",
                       "Domestic and EU workers hired before third-country workers at job start (Community preference)"),
    "reassigned": (("market",), "persons/month",
                   "New recruits re-placed at job start from an employer with a surplus to one still short"),
    "filled_rehire": (("market",), "positions/month", "Positions filled by rehired former workers"),
    "filled_new": (("market",), "positions/month", "Positions filled by new recruits"),
    "filled_irregular": (("market",), "positions/month", "Positions filled by irregular workers (non-compliant employers)"),
    "unfilled": (("market",), "positions/month", "Positions left unfilled at job start (shortage)"),
    "detections": (OD, "persons/month", "Irregular persons detected"),
    "return_decisions": (OD, "persons/month", "Return decisions issued (one per irregular episode: at its first detection)"),
    "held_for_removal": (OD, "persons/month",
                         "Detected persons with a return decision held for removal (the others released with the order "
                         "to leave)"),
    "no_travel_document": (OD, "persons/month",
                           "Of them, released because they held no valid passport and the origin issued no travel "
                           "document"),
    "returns_enforced": (OD, "persons/month", "Return decisions carried out by removal"),
    "decision_departures": (OD, "persons/month", "Persons with a return decision who left on their own (voluntary "
                                                 "departure: also a decision carried out)"),
    "interceptions": (("origin",), "persons/month", "Irregular departures intercepted by the origin's border control"),
    "remittances": (("community",), "EUR/month", "Remittances received"),
    "businesses_started": (("community",), "businesses/month", "Businesses started by returnees"),
    "businesses_alive": (("community",), "businesses", "Returnee businesses whose owner is at home"),
    "business_jobs": (("community",), "jobs", "Jobs for other members of the community in returnee businesses"),
    "unemployed": (("community",), "persons", "Unemployed at home (after the jobs of returnee businesses)"),
    "household_income": (("community",), "EUR/month", "Income of households at home: members' expected earnings at "
                                                       "home, yield of remittance-bought assets, remittances received"),
    "residents": (("community",), "persons", "Living members of the community, at home or abroad"),
    "experienced": (("community",), "persons", "Living members of the community who have ever migrated (prevalence)"),
    "returnee_earnings": (("community",), "EUR/month", "Expected earnings at home of returnees at home"),
    "returnee_earnings_base": (("community",), "EUR/month",
                               "The same returnees' earnings at the community's rate for the inexperienced"),
    "migration_debt": (("community",), "EUR", "Debt owed for migration costs and shortfalls abroad"),
    "entries": (("community",), "persons/month", "New working-age entrants"),
    "exits": (("community",), "persons/month", "Persons leaving the working-age population"),
    "pool_size": (("origin", "channel"), "persons", "Persons registered in the origin agency's recruitment pool"),
    "seasonal_first_timers": (OD, "persons/month", "Seasonal departures of first-time seasonal workers"),
    "seasonal_repeat": (OD, "persons/month", "Seasonal departures of workers with an earlier seasonal stay"),
    "seasonal_came_back": (OD, "persons", "First-timers of this month's season who came back the next season "
                                          "(recorded at the month of their first season)"),
    "ever_migrants": (("origin",), "persons", "Persons who have ever migrated (legally or irregularly)"),
    "circular_migrants": (("origin",), "persons", "Ever-migrants with two or more legal trips"),
    "legal_trips": (("origin",), "trips", "Legal trips made by ever-migrants, in total"),
    "skilled_home": (("origin",), "persons", "Persons with tertiary education at home"),
    "skilled_abroad": (("origin",), "persons", "Persons with tertiary education abroad"),
    "human_capital_returned": (("origin",), "human-capital units/month", "Human capital gained abroad brought home by returnees"),
    "stay_duration": (("origin", "duration"), "persons/month", "Returns by months since departure (60: 60 or more)"),
    "returns_skilled": (OD, "persons/month", "Returns home of skilled (tertiary) persons, all reasons"),
    "returns_highly_skilled": (OD, "persons/month", "Returns home of highly skilled workers (from that status)"),
    "skill_upgrades": (("origin",), "persons/month", "Returnees moved up a skill level by a skills-transfer programme"),
    "trained": (("origin",), "persons/month", "Departing legal migrants trained before departure"),
    "facilitated_readmissions": (OD, "persons/month", "Former legal residents re-admitted without quota or queue"),
    "ltr_granted": (OD, "persons/month", "Long-term resident status granted"),
    "family_reunified": (OD, "persons/month", "Family members who joined a legal resident abroad (family reunification)"),
    "family_sponsors": (OD, "persons/month", "Legal residents abroad who brought (sponsored) a family member"),
    "ltr_status_lost": (OD, "persons/month", "Long-term resident status lost by an absence beyond the allowed months"),
    "intra_eu_moves": (OD, "persons/month", "Researchers moving on to another destination (from this one)"),
    "graduate_jobs": (OD, "persons/month", "Graduating students taking a skilled job"),
    "regularisations": (OD, "persons/month", "Irregular persons regularised"),
    "short_stays": (("origin",), "persons/month", "Short stays abroad with a multiple-entry visa"),
    "ltr_comebacks": (OD, "persons/month", "Long-term residents back from a stay in the origin country (not a departure or a trip)"),
}
Records = namedtuple("Records", list(RECORDS))
#: records of firms and rounds, not of sampled persons: not weighted by ``scale``
UNSCALED = ("recruitment_rounds", "hiring_decisions", "noncompliant", "inspections", "sanctions")


def dim_sizes(n_origin: int, n_dest: int, n_comm: int, n_market: int) -> dict[str, int]:
    return {"status": N_STATUS, "origin": n_origin, "destination": n_dest + 1, "channel": N_CHANNEL,
            "reason": N_REASON, "community": n_comm, "market": n_market, "duration": DURATION_BINS}


def allocate(months: int, sizes: dict[str, int]) -> Records:
    """Zeroed record arrays ``[month, ...]``."""
    return Records(**{name: np.zeros((months, *[sizes[d] for d in dims])) for name, (dims, _, _) in RECORDS.items()})
