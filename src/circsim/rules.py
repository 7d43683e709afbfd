"""Behavioural formulas of the engine: small pure @njit functions.

The reference model does not call them: it computes the same formulas itself
(``reference/formulas.py``), so a wrong formula here shows up as a difference between the two
models; ``tests/test_rules.py`` checks both against closed forms.

Units: money in EUR, incomes per year in thousands of EUR where a coefficient says so,
hazards per month, probabilities in [0, 1].
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .state import REFERENCE_AGE


@njit(cache=True)
def logistic(x):
    """1 / (1 + exp(-x)), safe for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    z = np.exp(x)
    return z / (1.0 + z)


@njit(cache=True)
def age_hazard(base, age_slope, age_years):
    """Consideration hazard at an age for a person of propensity 1: base x exp(slope (age - REFERENCE_AGE))."""
    return base * np.exp(age_slope * (age_years - REFERENCE_AGE))


@njit(cache=True)
def consider_hazard(age_hazard_value, propensity):
    """Monthly probability of considering migration: the age hazard times the person's propensity.

    ``propensity`` is the person's lognormal hazard multiplier exp(propensity_sd x z), z ~ N(0, 1).
    """
    return min(age_hazard_value * propensity, 1.0)


@njit(cache=True)
def channel_utility(gain_eur_year, cost_eur, risk, network, asc, b_income, b_cost, b_risk, b_network):
    """Utility of a migration channel relative to staying (staying has utility 0)."""
    return (b_income * gain_eur_year / 1000.0 - b_cost * cost_eur / 1000.0 - b_risk * risk
            + b_network * network + asc)


@njit(cache=True)
def removal_probability_year(detection_month, readmission, held, passport):
    """Probability that an irregular person is removed within a year: detected, held for removal, and
    travel documents (a valid passport, or the origin's identification and documents):
    (1 - (1 - detection)^12) x held x (passport + (1 - passport) x readmission). The twelfth power is taken as
    ((q^2)^2)^2 x (q^2)^2, written out: a compiled integer power and Python's ``**`` round differently."""
    q2 = (1.0 - detection_month) * (1.0 - detection_month)
    q4 = q2 * q2
    return (1.0 - q4 * q4 * q4) * held * (passport + (1.0 - passport) * readmission)


@njit(cache=True)
def wage_multiplier(human_capital, hc_wage):
    """Wage multiplier of a person's human capital (1 at entry)."""
    return 1.0 + hc_wage * (human_capital - 1.0)


@njit(cache=True)
def return_probability(intercept, b_permit, has_permit, b_rehire, rehire_expected, b_savings, savings_ratio,
                       b_enforce, removal_year, b_gain, irregular_gain_eur_year, b_years, years_abroad, savings_cap=2.0):
    """Probability of returning (not overstaying) at the end of an allowed stay.

    Rises with a valid multi-annual permit, the expected rehire, savings relative to target
    (capped at ``savings_cap`` targets) and the expected yearly removal probability; falls with the income gain of
    irregular work over home income and with the years already spent abroad.
    """
    x = (intercept + b_permit * has_permit + b_rehire * rehire_expected
         + b_savings * min(max(savings_ratio, 0.0), savings_cap) + b_enforce * removal_year
         - b_gain * irregular_gain_eur_year / 1000.0 - b_years * years_abroad)
    return logistic(x)


@njit(cache=True)
def voluntary_return_hazard(base, b_savings, savings_ratio, b_age, age_onset, age_years, b_bonus, bonus_eur,
                            support_value_eur, support, b_network, network, b_home, home_income_eur_year,
                            b_way_back, way_back, b_years, years_cap, years_abroad, savings_cap=1.0):
    """Monthly probability of a voluntary return from abroad.

    Reintegration support covering a share ``support`` of returnees, worth ``support_value_eur`` to
    each, pulls like a bonus of its expected value (the same weight per euro as the bonus: the
    StarthilfePlus evaluation fits it). ``way_back`` is 1 for a former legal resident whose corridor facilitates re-admission. The
    hazard rises with each year of age above ``age_onset`` and falls with the years spent abroad
    (up to ``years_cap``): returns concentrate in the first years after arrival (Dustmann & Weiss
    2007; Flahaux, Beauchemin & Schoumaker 2014).
    """
    x = (b_savings * min(max(savings_ratio - 1.0, 0.0), savings_cap) + b_age * max(age_years - age_onset, 0.0)
         + b_bonus * (bonus_eur + support * support_value_eur) / 1000.0 - b_network * network
         + b_home * home_income_eur_year / 1000.0 + b_way_back * way_back
         - b_years * min(years_abroad, years_cap))
    return min(base * np.exp(x), 1.0)


@njit(cache=True)
def business_hazard(base, b_savings, savings, capital, b_support, support, b_irregular, was_irregular, savings_cap=3.0):
    """Monthly probability that a returnee in the first year home starts a business.

    Zero without the capital saved; rises with savings beyond it (up to ``savings_cap`` times) and with
    reintegration support; lower for one who was irregular abroad.
    """
    if savings < capital:
        return 0.0
    ratio = savings / capital if capital > 0 else 1.0
    x = b_savings * min(ratio, savings_cap) + b_support * support - b_irregular * was_irregular
    return min(base * np.exp(x), 1.0)


@njit(cache=True)
def target_progress(savings, assets, debt, target):
    """Progress towards the savings target: (savings + the household's remittance-bought assets - debt) / target.

    The household's target, not the migrant's purse (new economics of labour migration: Stark &
    Bloom 1985): what was remitted counts as much as what was saved; 2 without a target.
    """
    if target <= 0:
        return 2.0
    return (savings + assets - debt) / target


@njit(cache=True)
def home_earnings(community_earnings, human_capital, hc_home_wage, upgraded, skill_premium):
    """Expected monthly earnings at home of a person: the community's, raised by human capital gained abroad
    and, for one moved up a skill level by a skills-transfer programme (``upgraded`` 1), by ``skill_premium``."""
    return community_earnings * (1.0 + hc_home_wage * max(human_capital - 1.0, 0.0)) * (1.0 + skill_premium * upgraded)


@njit(cache=True)
def network_tie(own, prevalence, prevalence_network):
    """A person's tie to a network abroad: their own, plus a share of the gap closed by the community's
    migration prevalence (cumulative causation: Massey 1990)."""
    return own + (1.0 - own) * prevalence_network * prevalence


@njit(cache=True)
def home_wage_effect(elasticity, abroad, residents):
    """Multiplier of the home wage by emigration: 1 + elasticity x share of the community's workers abroad."""
    return 1.0 + elasticity * (abroad / residents if residents > 0 else 0.0)


@njit(cache=True)
def remittance_jobs(local_wage_share, remittances, wage):
    """Jobs (agents) paid by the remittances households spend locally: share x remittances / home wage."""
    return local_wage_share * remittances / wage if wage > 0 else 0.0


@njit(cache=True)
def local_unemployment(unemployment, jobs, at_home):
    """Unemployment at home after the jobs of returnees' businesses and of remittance-financed spending
    (taken by the unemployed first)."""
    unemployed = unemployment * at_home
    if unemployed <= 0:
        return unemployment
    return unemployment * max(1.0 - jobs / unemployed, 0.0)


@njit(cache=True)
def rehire_probability(propensity, priority, trained_gain=0.0, tie_gain=0.0):
    """Probability an employer re-offers a former worker.

    The scheme's rehire priority, pre-departure training and a tie kept by short stays each
    close their share of the gap between the employer's propensity and certainty.
    """
    return 1.0 - (1.0 - propensity) * (1.0 - priority) * (1.0 - trained_gain) * (1.0 - tie_gain)


@njit(cache=True)
def geometric_months(mean, u):
    """A whole number of months >= 1 with the given mean (geometric), from a uniform draw."""
    if mean <= 1.0:
        return 1
    return 1 + int(np.floor(np.log(1.0 - u) / np.log(1.0 - 1.0 / mean)))


@njit(cache=True)
def savings_target(typical, sd, individual_normal):
    """A person's savings target: the community's typical target times a lognormal effect exp(sd z)."""
    return typical * np.exp(sd * individual_normal)


@njit(cache=True)
def departure_probability(intercept, b_income, gain_eur):
    """Probability that a selected person still leaves at the job start: logistic(intercept + b_income x gain/1000).

    ``gain_eur``: the stay's income gain over staying home (wage less living cost less home earnings,
    over the stay's months, at most a year). Withdrawal after selection is its complement."""
    return logistic(intercept + b_income * gain_eur / 1000.0)


@njit(cache=True)
def loyalty_probability(intercept, b_income, pay_gain_eur):
    """Probability a former worker accepts the former employer's callback rather than seek another through
    the agency: logistic(intercept + b_income x pay_gain / 1000), ``pay_gain_eur`` the employer's pay over
    the sector's wage across a stay (the known employer is the intercept)."""
    return logistic(intercept + b_income * pay_gain_eur / 1000.0)


@njit(cache=True)
def labour_demand_factor(wage_bill, extra_cost, elasticity):
    """Employers' demand relative to its level at a cost equal to the wage bill:
    (wage bill / (wage bill + recruitment cost + permit fee)) ^ elasticity."""
    if wage_bill <= 0:
        return 1.0
    return (wage_bill / (wage_bill + max(extra_cost, 0.0))) ** elasticity


@njit(cache=True)
def domestic_willing(supply, wage, reservation_wage, scale):
    """Domestic and EU workers who take a job at ``wage``: the supply whose reservation wage is below it, log
    reservation wages logistic around log ``reservation_wage`` with ``scale``:
    supply x logistic((log wage - log reservation wage) / scale)."""
    if supply <= 0 or wage <= 0:
        return 0.0
    return supply * logistic((np.log(wage) - np.log(reservation_wage)) / scale)


@njit(cache=True)
def experience_selection(wanted, experienced, newcomers, weight):
    """Selection probabilities (experienced, newcomer) when the agency fills ``wanted`` places from a pool of
    ``experienced`` and ``newcomers``, the experienced ``weight`` times as likely to be chosen (capped at 1;
    what the experienced cannot take goes to newcomers)."""
    if wanted <= 0 or experienced + newcomers <= 0:
        return 0.0, 0.0
    lam = wanted / (weight * experienced + newcomers)
    if weight * lam <= 1.0:
        return weight * lam, min(lam, 1.0)
    if newcomers <= 0:
        return 1.0, 0.0
    return 1.0, min(max(wanted - experienced, 0.0) / newcomers, 1.0)


@njit(cache=True)
def planned_demand_factor(response, last_shortage):
    """Employers plan work to the labour they expect: demand x (1 - response x the share of places left unfilled
    at the sector's last job start)."""
    return 1.0 - response * min(max(last_shortage, 0.0), 1.0)


@njit(cache=True)
def deterrence_factor(deterrence, expected_fine_eur):
    """What the expected fine leaves of a willingness to hire (or of informal work): exp(-deterrence x expected
    fine / 1000), the expected fine being the yearly inspection probability perceived times the fine per worker
    (Becker 1968)."""
    return np.exp(-deterrence * expected_fine_eur / 1000.0)


@njit(cache=True)
def irregular_hiring_probability(compliance, deterrence, expected_fine_eur):
    """Probability an employer short of workers takes on irregular ones: (1 - compliance) x the deterrence factor."""
    return (1.0 - compliance) * deterrence_factor(deterrence, expected_fine_eur)


@njit(cache=True)
def monthly_probability(rate_year):
    """Monthly probability of an event with the given probability per year: 1 - (1 - rate)^(1/12)."""
    return 1.0 - (1.0 - min(max(rate_year, 0.0), 1.0)) ** (1.0 / 12.0)
