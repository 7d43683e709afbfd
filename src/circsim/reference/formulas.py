"""The behavioural formulas of the reference model, in plain Python (``math``).

These intentionally re-implement ``circsim.rules`` — written from the formulas of docs/ODD.md §3.3,
not by calling the engine's functions — so that the reference is an independent oracle: a wrong
formula in ``rules.py`` makes the engine and the reference disagree, and the bit-for-bit
equivalence test fails. To stay bit-identical the arithmetic is float64 in the order the ODD
writes each formula (the order ``rules.py`` uses too). ``tests/test_rules.py`` checks both
implementations against closed forms.
"""

from __future__ import annotations

import math

from ..state import REFERENCE_AGE


def logistic(x: float) -> float:
    """1 / (1 + e^-x), computed from e^x for negative x so that it never overflows."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def age_hazard(base: float, age_slope: float, age_years: float) -> float:
    """``consider_hazard × exp(consider_age_slope × (age − 25))``, 25 being ``state.REFERENCE_AGE`` (ODD 3a)."""
    return base * math.exp(age_slope * (age_years - REFERENCE_AGE))


def consider_hazard(age_hazard_value: float, propensity: float) -> float:
    """The monthly probability of considering migration: the age hazard × propensity, at most 1 (ODD 3a)."""
    return min(age_hazard_value * propensity, 1.0)


def channel_utility(gain_eur_year, cost_eur, risk, network, asc, b_income, b_cost, b_risk, b_network) -> float:
    """``V = beta_income × gain / 1000 − beta_cost × cost / 1000 − beta_risk × risk + beta_network ×
    network + asc`` (ODD 3a; ``gain`` already carries the prospect)."""
    v = b_income * gain_eur_year / 1000.0
    v -= b_cost * cost_eur / 1000.0
    v -= b_risk * risk
    v += b_network * network
    return v + asc


def _twelfth_power(x: float) -> float:
    """x^12 by repeated squaring (x^4 × x^8), as the compiled kernels evaluate ``x ** 12``."""
    x2 = x * x
    x4 = x2 * x2
    return x4 * (x4 * x4)


def removal_probability_year(detection_month: float, readmission: float, held: float, passport: float) -> float:
    """``(1 − (1 − detection)^12) × held × (passport + (1 − passport) × readmission)`` (ODD 1)."""
    q2 = (1.0 - detection_month) * (1.0 - detection_month)  # the twelfth power written out (as rules.py)
    q4 = q2 * q2
    return (1.0 - q4 * q4 * q4) * held * (passport + (1.0 - passport) * readmission)


def wage_multiplier(human_capital: float, hc_wage: float) -> float:
    """``1 + hc_wage × (human_capital − 1)`` (ODD 5)."""
    return 1.0 + hc_wage * (human_capital - 1.0)


def return_probability(intercept, b_permit, has_permit, b_rehire, rehire_expected, b_savings, savings_ratio,
                       b_enforce, removal_year, b_gain, irregular_gain_eur_year, b_years, years_abroad,
                       savings_cap=2.0) -> float:
    """``logistic(return_intercept + return_permit × H + return_rehire × R + return_savings × min(S,
    return_savings_cap) + return_enforcement × X − return_gain × G / 1000 − return_years_abroad × Y)``, S
    clipped at 0 too (ODD 6)."""
    s = min(max(savings_ratio, 0.0), savings_cap)
    x = intercept + b_permit * has_permit
    x += b_rehire * rehire_expected
    x += b_savings * s
    x += b_enforce * removal_year
    x -= b_gain * irregular_gain_eur_year / 1000.0
    x -= b_years * years_abroad
    return logistic(x)


def voluntary_return_hazard(base, b_savings, savings_ratio, b_age, age_onset, age_years, b_bonus, bonus_eur,
                            support_value_eur, support, b_network, network, b_home, home_income_eur_year,
                            b_way_back, way_back, b_years, years_cap, years_abroad, savings_cap=1.0) -> float:
    """``min(voluntary_hazard × exp(voluntary_savings × min(max(S − 1, 0), voluntary_savings_cap) + voluntary_age × max(age −
    voluntary_age_onset, 0) + voluntary_bonus × (bonus + support × reintegration_value) / 1000 −
    voluntary_network × network + voluntary_home × home income / 1000 + voluntary_readmission × W −
    voluntary_years_abroad × min(years abroad, voluntary_years_cap)), 1)`` (ODD 8; the caller gives the
    household's yearly income at home)."""
    x = b_savings * min(max(savings_ratio - 1.0, 0.0), savings_cap)
    x += b_age * max(age_years - age_onset, 0.0)
    x += b_bonus * (bonus_eur + support * support_value_eur) / 1000.0
    x -= b_network * network
    x += b_home * home_income_eur_year / 1000.0
    x += b_way_back * way_back
    x -= b_years * min(years_abroad, years_cap)
    return min(base * math.exp(x), 1.0)


def business_hazard(base, b_savings, savings, capital, b_support, support, b_irregular, was_irregular,
                    savings_cap=3.0) -> float:
    """0 below the capital; else ``min(business_hazard × exp(business_savings × min(savings / capital,
    business_savings_cap) +
    business_support × support − business_irregular × I), 1)``, the savings ratio 1 when no capital is
    needed, I = 1 for one who was irregular abroad (ODD 8)."""
    if savings < capital:
        return 0.0
    ratio = savings / capital if capital > 0 else 1.0
    x = b_savings * min(ratio, savings_cap) + b_support * support
    x -= b_irregular * was_irregular
    return min(base * math.exp(x), 1.0)


def target_progress(savings, assets, debt, target) -> float:
    """``(savings + household assets − debt) / target``; 2 without a target (ODD 6)."""
    if target <= 0:
        return 2.0
    return (savings + assets - debt) / target


def home_earnings(community_earnings, human_capital, hc_home_wage, upgraded, skill_premium) -> float:
    """``community earnings × (1 + hc_home_wage × max(human capital − 1, 0)) × (1 + skill_home_premium × U)``,
    U = 1 for one moved up a skill level by skills transfer (ODD 1)."""
    experience = 1.0 + hc_home_wage * max(human_capital - 1.0, 0.0)
    return community_earnings * experience * (1.0 + skill_premium * upgraded)


def network_tie(own, prevalence, prevalence_network) -> float:
    """``own + (1 − own) × prevalence_network × prevalence`` (ODD 3a)."""
    return own + (1.0 - own) * prevalence_network * prevalence


def home_wage_effect(elasticity, abroad, residents) -> float:
    """``1 + emigration_wage_elasticity × abroad / residents`` (ODD 1)."""
    return 1.0 + elasticity * (abroad / residents if residents > 0 else 0.0)


def remittance_jobs(local_wage_share, remittances, wage) -> float:
    """``remittance_local_wages × remittances received / home wage`` (ODD 1)."""
    return local_wage_share * remittances / wage if wage > 0 else 0.0


def local_unemployment(unemployment, jobs, at_home) -> float:
    """``unemployment × max(1 − jobs / (unemployment × at home), 0)`` (ODD 1)."""
    unemployed = unemployment * at_home
    if unemployed <= 0:
        return unemployment
    return unemployment * max(1.0 - jobs / unemployed, 0.0)


def rehire_probability(propensity, priority, trained_gain=0.0, tie_gain=0.0) -> float:
    """``q = 1 − (1 − p)(1 − rehire_priority)(1 − training gain)(1 − short-stay tie gain)`` (ODD 2)."""
    stays_away = (1.0 - propensity) * (1.0 - priority)
    stays_away *= 1.0 - trained_gain
    stays_away *= 1.0 - tie_gain
    return 1.0 - stays_away


def geometric_months(mean: float, u: float) -> int:
    """A geometric number of months >= 1 with the given mean, by inversion of the uniform ``u``:
    ``1 + floor(log(1 − u) / log(1 − 1 / mean))``; 1 when the mean is at most 1."""
    if mean <= 1.0:
        return 1
    return 1 + math.floor(math.log(1.0 - u) / math.log(1.0 - 1.0 / mean))


def savings_target(typical: float, sd: float, individual_normal: float) -> float:
    """``savings_target × exp(savings_target_sd × z)``: the community's typical target, lognormal across
    persons (ODD 6)."""
    return typical * math.exp(sd * individual_normal)


def departure_probability(intercept, b_income, gain_eur) -> float:
    """A selected person still leaves at the job start: logistic(intercept + b_income × gain / 1000)."""
    return logistic(intercept + b_income * gain_eur / 1000.0)


def loyalty_probability(intercept, b_income, pay_gain_eur) -> float:
    """A former worker accepts the former employer's callback: logistic(intercept + b_income × pay gain / 1000)."""
    return logistic(intercept + b_income * pay_gain_eur / 1000.0)


def labour_demand_factor(wage_bill, extra_cost, elasticity) -> float:
    """Employers' demand relative to its level at a cost equal to the wage bill."""
    if wage_bill <= 0:
        return 1.0
    return (wage_bill / (wage_bill + max(extra_cost, 0.0))) ** elasticity


def domestic_willing(supply, wage, reservation_wage, scale) -> float:
    """Domestic and EU workers taking a job at ``wage``: supply × logistic((ln wage − ln reservation wage) / scale)."""
    if supply <= 0 or wage <= 0:
        return 0.0
    return supply * logistic((math.log(wage) - math.log(reservation_wage)) / scale)


def experience_selection(wanted, experienced, newcomers, weight) -> tuple[float, float]:
    """Selection probabilities (experienced, newcomer): the experienced ``weight`` times as likely, capped at 1."""
    if wanted <= 0 or experienced + newcomers <= 0:
        return 0.0, 0.0
    lam = wanted / (weight * experienced + newcomers)
    if weight * lam <= 1.0:
        return weight * lam, min(lam, 1.0)
    if newcomers <= 0:
        return 1.0, 0.0
    return 1.0, min(max(wanted - experienced, 0.0) / newcomers, 1.0)


def planned_demand_factor(response, last_shortage) -> float:
    """Demand planned to the labour expected: 1 − response × last job start's unfilled share."""
    return 1.0 - response * min(max(last_shortage, 0.0), 1.0)


def deterrence_factor(deterrence, expected_fine_eur) -> float:
    """What the expected fine leaves of a willingness to hire or of informal work: exp(-deterrence × fine / 1000)."""
    return math.exp(-deterrence * expected_fine_eur / 1000.0)


def irregular_hiring_probability(compliance, deterrence, expected_fine_eur) -> float:
    """An employer short of workers takes on irregular ones: (1 - compliance) × the deterrence factor."""
    return (1.0 - compliance) * deterrence_factor(deterrence, expected_fine_eur)


def monthly_probability(rate_year) -> float:
    """Monthly probability of an event with the given probability per year."""
    return 1.0 - (1.0 - min(max(rate_year, 0.0), 1.0)) ** (1.0 / 12.0)
