"""Struct-of-arrays state and the codes for statuses, channels and return reasons.

A person is an index into the arrays of :class:`Persons`; an employer an index into
:class:`Employers`. Codes are plain integers so that Numba kernels can use them; the name
lists (``STATUS_NAMES`` …) give the labels used in outputs. Append new codes at the end.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

# --- statuses (one per person at every step) ------------------------------------------
HOME = 0            # at home, never migrated
RETURNEE = 1        # at home after at least one stay abroad
APPLICANT = 2       # holds a job offer, application waiting at the consulate
APPROVED = 3        # permit issued (or valid multi-annual permit), waiting for the job start
SEASONAL = 4        # seasonal worker abroad
TEMPORARY = 5       # temporary (non-seasonal) worker abroad
HIGHLY_SKILLED = 6  # highly skilled worker abroad (policy-menu issue)
STUDENT = 7         # student abroad (policy-menu issue)
RESEARCHER = 8      # researcher abroad (policy-menu issue)
TRAINEE = 9         # remunerated trainee abroad (policy-menu issue)
LONG_TERM = 10      # long-term resident abroad (policy-menu issue)
LONG_TERM_AWAY = 11 # long-term resident staying in the origin country (policy-menu issue)
IRREGULAR = 12      # irregular abroad (overstayer or irregular entrant)
EXITED = 13         # retired / out of the working-age population (slot free for an entrant)
STATUS_NAMES = [
    "home", "returnee", "applicant", "approved", "seasonal", "temporary", "highly_skilled",
    "student", "researcher", "trainee", "long_term", "long_term_away", "irregular", "exited",
]
N_STATUS = len(STATUS_NAMES)
AT_HOME = (HOME, RETURNEE, APPLICANT, APPROVED, LONG_TERM_AWAY)

# --- channels (how a person moves, or wants to) ---------------------------------------
NO_CHANNEL = -1
CH_SEASONAL = 0
CH_TEMPORARY = 1
CH_IRREGULAR = 2
CH_HIGHLY_SKILLED = 3
CH_STUDENT = 4
CH_RESEARCHER = 5
CH_TRAINEE = 6
CH_LONG_TERM = 7      # a long-term resident coming back from a circular stay in the origin country
CHANNEL_NAMES = ["seasonal", "temporary", "irregular", "highly_skilled", "student", "researcher", "trainee",
                 "long_term"]
#: channels a person can register for with an origin agency (a market kind recruits each)
LEGAL_CHANNELS = (CH_SEASONAL, CH_TEMPORARY, CH_HIGHLY_SKILLED, CH_STUDENT, CH_RESEARCHER, CH_TRAINEE)
#: status of a person abroad in each legal channel (index: channel)
CHANNEL_STATUS = (4, 5, 12, 6, 7, 8, 9, 10)
N_CHANNEL = len(CHANNEL_NAMES)

# --- reasons for a return home ---------------------------------------------------------
R_END_OF_SEASON = 0
R_END_OF_PERMIT = 1
R_VOLUNTARY = 2
R_ENFORCED = 3
R_CIRCULAR_STAY = 4
REASON_NAMES = ["end_of_season", "end_of_permit", "voluntary", "enforced", "circular_stay"]
N_REASON = len(REASON_NAMES)

SKILL_NAMES = ["low", "medium", "high"]
N_SKILL = 3
LOW_SKILL, MEDIUM_SKILL, HIGH_SKILL = 0, 1, 2  # HIGH_SKILL: tertiary education (the skilled)
SEX_NAMES = ["male", "female"]

# --- person flags (bits of Persons.flags) ---------------------------------------------
F_EVER_MIGRATED = 1
F_EVER_IRREGULAR = 2
F_BUSINESS = 4
F_GOOD_RECORD = 8     # returned on time at the end of the last allowed stay
F_PREV_SEASONAL = 16  # the last departure was a seasonal one
F_BANNED_ONCE = 32    # ever removed with a re-entry ban
F_EVER_SEASONAL = 64  # has made at least one seasonal stay
F_REHIRE_OFFER = 128  # the current offer is a rehire by a former employer
F_FORMER_RESIDENT = 256  # has resided legally (12+ months, or a highly skilled / research stay)
F_TRAINED = 512       # took part in pre-departure training
F_TIE_RENEWED = 1024  # made a short stay with a multiple-entry visa since the last legal stay
F_OVERRUN = 2048      # long-term resident away longer than the allowed absence (status will be lost)
F_DECIDED = 4096      # a return decision was issued in the current irregular episode
F_UPGRADED = 8192     # moved up a skill level by a skills-transfer programme (the new level pays at home)
F_FAMILY = 16384      # abroad on a family residence permit (joined a sponsor by family reunification)
F_SPONSOR = 32768     # has brought a family member by family reunification (once)

NEVER = -32768        # "no month" in int16 month fields
HALF_MONTHS_PER_YEAR = 24  # unit of the legal-residence clock (study months count one half-month)
#: employers never expect more than this share of their selected recruits to withdraw (a guard: requests
#: stay within five times the places needed however few recruits a market's expectation rests on)
MAX_EXPECTED_WITHDRAWAL = 0.8
REFERENCE_AGE = 25.0  # age at which ``consider_hazard`` is stated (the age slope is relative to it)

#: One array per attribute. Months are indices from the start of the run (burn-in included).
PERSON_FIELDS = {
    "pid": np.int32,            # person id, never reused
    "community": np.int16,      # origin community index
    "birth": np.int16,          # month of birth (negative: before the run)
    "sex": np.int8,             # 0 male, 1 female
    "skill": np.int8,           # 0 low, 1 medium, 2 high (tertiary)
    "status": np.int8,          # one of the statuses above
    "flags": np.uint16,         # F_* bits
    "trips": np.uint8,          # legal departures made (capped at 255)
    "destination": np.int8,     # destination index, -1 when none
    "sector": np.int8,          # sector index within the destination, -1 when none
    "channel": np.int8,         # channel of the current stay, application or pool registration
    "propensity": np.float32,   # individual hazard multiplier exp(propensity_sd x z), z ~ N(0, 1)
    "network": np.float32,      # tie to a network abroad, 0..1
    "human_capital": np.float32,  # 1 at entry, grows abroad; multiplies wages
    "savings": np.float32,      # EUR, never negative (costs beyond savings become debt)
    "assets": np.float32,       # EUR: the household's assets at home bought with the person's remittances
    "debt": np.float32,         # EUR: migration costs and shortfalls borrowed from family and network
    "employer": np.int32,       # current employer (or employer of the offer), -1 none
    "last_employer": np.int32,  # employer of the last legal job, -1 none
    "permit_end": np.int16,     # month the residence/work permit ends (NEVER: none)
    "stay_end": np.int16,       # end of the allowed stay; for APPROVED the job start month
    "app_month": np.int16,      # month the application / pool registration was filed
    "last_move": np.int16,      # month of the last departure or return
    "last_departure": np.int16, # month of the last departure
    "months_abroad": np.int16,  # months abroad in total
    "legal_months": np.int16,   # continuous legal residence in half-months (study counts half)
    "ban_end": np.int16,        # month a re-entry ban ends (NEVER: none)
    "visa_end": np.int16,       # month a multiple-entry short-stay visa ends (NEVER: none)
    "short_stay": np.int16,     # month of the last short stay with that visa (NEVER: none)
}
Persons = namedtuple("Persons", list(PERSON_FIELDS))

EMPLOYER_FIELDS = {
    "market": np.int32,          # destination-sector index (see World.market_*)
    "size": np.float64,          # share of the market's demand (sums to 1 over the market)
    "rehire_offset": np.float64, # employer's deviation from the sector's rehire propensity
    "compliance_offset": np.float64,  # employer's deviation from the sector's compliance
    "pay": np.float64,           # employer's pay relative to its sector's wage (mean 1)
    "demand": np.int32,          # workers wanted this month
    "workers": np.int32,         # workers on the payroll now (legal and irregular)
    "offers": np.int32,          # offers out (applicants and approved not yet arrived)
    "irregular_ok": np.int8,     # this season the employer hires irregular workers
    "excluded_until": np.int32,  # month an exclusion from the legal channels ends (found with irregular workers)
    "callbacks": np.int32,       # former workers called back, in total (its record as an employer)
    "declined": np.int32,        # of them, those who declined for another employer
    "withdrawn": np.int32,       # selected recruits who withdrew at the job start, in total
}
Employers = namedtuple("Employers", list(EMPLOYER_FIELDS))


def empty_persons(n: int) -> Persons:
    """Persons arrays of length ``n``, every slot EXITED (free)."""
    arrays = {name: np.zeros(n, dtype=dt) for name, dt in PERSON_FIELDS.items()}
    arrays["status"][:] = EXITED
    for name in ("destination", "sector", "channel"):
        arrays[name][:] = -1
    for name in ("employer", "last_employer"):
        arrays[name][:] = -1
    for name in ("permit_end", "stay_end", "app_month", "last_move", "last_departure", "ban_end", "visa_end",
                 "short_stay"):
        arrays[name][:] = NEVER
    return Persons(**arrays)


def grow_persons(p: Persons, n_new: int) -> Persons:
    """A copy of ``p`` with ``n_new`` free slots appended."""
    extra = empty_persons(n_new)
    return Persons(*[np.concatenate([a, b]) for a, b in zip(p, extra)])


def bytes_per_person() -> int:
    """Bytes of engine state per person slot."""
    return sum(np.dtype(dt).itemsize for dt in PERSON_FIELDS.values())
