"""The only source of randomness: a counter-based generator.

Every draw is a pure function of ``(seed, stream, month, key)`` where ``key`` is a person id
(or an employer, community or consulate index for draws that belong to them). Two rounds of
the SplitMix64 finaliser turn the packed counter into 64 random bits. Consequences:

* the same seed gives the same draws, whatever the order or the thread a kernel runs in;
* each decision has its own stream, so changing a policy lever that one decision uses does
  not reshuffle the draws of any other decision (common random numbers across scenarios).

Streams are numbered below. Append new streams; never renumber one (that would change the
results of every run that uses it).
"""

from __future__ import annotations

import numpy as np
from numba import njit

# --- streams: one per decision --------------------------------------------------------
CONSIDER = 1          # monthly hazard of considering migration
CHANNEL = 2           # multinomial choice among staying and the open channels
INTERCEPT = 3         # interception of an irregular departure at the border
IRREGULAR_DEST = 4    # destination of an irregular entrant
REHIRE = 5            # an employer offers a former worker a new contract
SELECT = 6            # the origin agency selects a pool member for an offer
REFUSAL = 7           # a consulate refuses an application
END_OF_STAY = 8       # return or overstay at the end of an allowed stay
DETECT = 9            # detection of an irregular person
READMIT = 10          # the origin country cooperates with the return decision
VOLUNTARY = 11        # voluntary return from abroad
BUSINESS = 12         # business start after return
ENTRY_COUNT = 13      # stochastic rounding of the number of new entrants of a community
ENTRANT = 14          # attributes of a new entrant (with sub-streams below)
INIT = 15             # attributes of the initial population (with sub-streams below)
COMPLIANCE = 16       # an employer is willing to hire irregular workers this season
IRREGULAR_JOB = 17    # an irregular person without an employer finds informal work
EMPLOYER_SIZE = 18    # employer sizes and traits at the start
RENEWAL = 19          # renewal of a temporary permit
DOMESTIC = 20         # stochastic rounding of Community-preference hires
TARGET = 21           # the person's savings target (a fixed individual effect)
CONSULAR = 22         # stochastic rounding of a consulate's monthly capacity
RETURN_CAPACITY = 23  # stochastic rounding of a destination's monthly return capacity
SKILLS = 24           # skills-transfer upgrade of a returnee
AWARE = 25            # a person considering migration knows of the legal channels
DOCUMENTS = 26        # a fraudulent-document attempt is detected
SMUGGLING = 27        # a smuggled attempt is stopped by anti-smuggling action
TRAINING = 28         # a departing legal migrant is trained before departure
FEE = 29              # an applicant is exempted from the visa fee
GRADUATE = 30         # a graduating student finds a skilled job / stays to search
MOBILITY = 31         # a researcher moves to another destination (and which)
CIRCULAR = 32         # a long-term resident plans a stay in the origin country (with sub-streams)
SHORT_STAY = 33       # a multiple-entry visa holder makes a short stay
DIASPORA = 34         # who is abroad at the start, and their histories (with sub-streams)
DEMAND_ROUND = 35     # a market's offset for rounding its demand to whole agents (fixed for the run)
BUSINESS_CLOSURE = 36 # a returnee's business closes
WITHDRAW = 37         # a selected person withdraws at the job start
REQUEST = 38          # an employer's offset for rounding its requests (fixed for the run)
INSPECT = 39          # a labour inspection visits an employer
LOYALTY = 40          # a former worker accepts the former employer's callback
REPUTATION = 41       # a recruit learns the employer's pay through the network before the job start
HELD = 42             # a detected person with a return decision is held for removal (or released with an order)
PASSPORT = 43         # a person holds a valid passport (fixed for the person: month 0)
FAMILY = 44           # a legal resident abroad brings a family member (family reunification)
FAMILY_JOIN = 45      # a person at home joins a sponsor of the community abroad (and where)
ARRAIGO = 46          # an eligible irregular person is regularised by arraigo this month
SUBSTREAM = 1 << 12   # offset between sub-streams of one stream (attribute k: stream + k*SUBSTREAM)

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_INV53 = 1.0 / 9007199254740992.0


@njit(cache=True)
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def bits(seed, stream, month, key):
    """64 random bits for the counter (seed, stream, month, key)."""
    counter = (np.uint64(stream) << np.uint64(44)) ^ (np.uint64(month) << np.uint64(32)) ^ np.uint64(
        np.uint32(key)
    )
    s = _mix(np.uint64(seed) * _GOLDEN + _GOLDEN)
    return _mix(_mix(counter ^ s) + _GOLDEN)


@njit(cache=True)
def uniform(seed, stream, month, key):
    """A uniform draw in [0, 1) for the counter (seed, stream, month, key)."""
    return np.float64(bits(seed, stream, month, key) >> np.uint64(11)) * _INV53


@njit(cache=True)
def normal(seed, stream, month, key):
    """A standard normal draw (Box-Muller on two uniforms of sub-streams of ``stream``)."""
    u1 = uniform(seed, stream, month, key)
    u2 = uniform(seed, stream + SUBSTREAM * 7, month, key)
    return np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True)
def stochastic_round(x, seed, stream, month, key):
    """Round ``x >= 0`` to an integer, up with probability equal to its fraction."""
    whole = np.floor(x)
    if uniform(seed, stream, month, key) < x - whole:
        whole += 1.0
    return np.int64(whole)
