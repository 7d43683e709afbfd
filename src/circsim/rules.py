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


@njit(cache=True)
def logistic(x):
    """1 / (1 + exp(-x)), safe for large |x|."""
    if x >= 0:
        return 1.0 / (1.0 + np.exp(-x))
    z = np.exp(x)
    return z / (1.0 + z)


@njit(cache=True)
def age_hazard(base, age_slope, age_years):
    """Consideration hazard at an age for a person of propensity 1: base x exp(slope (age - 25))."""
    return base * np.exp(age_slope * (age_years - 25.0))


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
def removal_probability_year(detection_month, readmission):
    """Probability that an irregular person is removed within a year: detection x readmission."""
    return (1.0 - (1.0 - detection_month) ** 12) * readmission


@njit(cache=True)
def wage_multiplier(human_capital, hc_wage):
    """Wage multiplier of a person's human capital (1 at entry)."""
    return 1.0 + hc_wage * (human_capital - 1.0)


@njit(cache=True)
def return_probability(intercept, b_permit, has_permit, b_rehire, rehire_expected, b_savings, savings_ratio,
                       b_enforce, removal_year, b_gain, irregular_gain_eur_year, b_years, years_abroad):
    """Probability of returning (not overstaying) at the end of an allowed stay.

    Rises with a valid multi-annual permit, the expected rehire, savings relative to target
    (capped at 2) and the expected yearly removal probability; falls with the income gain of
    irregular work over home income and with the years already spent abroad.
    """
    x = (intercept + b_permit * has_permit + b_rehire * rehire_expected
         + b_savings * min(max(savings_ratio, 0.0), 2.0) + b_enforce * removal_year
         - b_gain * irregular_gain_eur_year / 1000.0 - b_years * years_abroad)
    return logistic(x)


@njit(cache=True)
def voluntary_return_hazard(base, b_savings, savings_ratio, b_age, age_years, b_bonus, bonus_eur,
                            b_reint, reintegration, b_network, network, b_home, home_income_eur_year,
                            b_way_back, way_back, b_years, years_abroad):
    """Monthly probability of a voluntary return from abroad.

    ``way_back`` is 1 for a former legal resident whose corridor facilitates re-admission. The
    hazard falls with the years spent abroad (capped at 20): returns concentrate in the first
    years after arrival (Dustmann & Weiss 2007; Flahaux, Beauchemin & Schoumaker 2014).
    """
    x = (b_savings * min(max(savings_ratio - 1.0, 0.0), 1.0) + b_age * max(age_years - 40.0, 0.0)
         + b_bonus * bonus_eur / 1000.0 + b_reint * reintegration - b_network * network
         + b_home * home_income_eur_year / 1000.0 + b_way_back * way_back
         - b_years * min(years_abroad, 20.0))
    return min(base * np.exp(x), 1.0)


@njit(cache=True)
def business_hazard(base, b_savings, savings, capital, b_support, support):
    """Monthly probability that a returnee in the first year home starts a business."""
    ratio = savings / capital if capital > 0 else 1.0
    return min(base * np.exp(b_savings * min(max(ratio, 0.0), 3.0) + b_support * support), 1.0)


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
