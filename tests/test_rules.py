"""The behavioural formulas against closed forms written here, independently of both implementations.

Each ``check_*`` function computes a formula of docs/ODD.md §3.3 in its own way and compares it with
an implementation: the engine's ``circsim.rules`` (compiled) and the reference's
``circsim.reference.formulas`` (plain Python) are both checked. Property tests (hypothesis) check the
monotonicity stated in the docstrings and that probabilities stay in [0, 1].
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circsim import rules
from circsim.reference import formulas

IMPLEMENTATIONS = [pytest.param(rules, id="rules"), pytest.param(formulas, id="reference")]

close = dict(rel=1e-12, abs=1e-15)


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0


# --- closed forms ---------------------------------------------------------------------------

def check_logistic(impl):
    assert impl.logistic(0.0) == 0.5
    for x in (-800.0, -30.0, -2.5, -1e-9, 1e-9, 0.7, 3.0, 40.0, 800.0):
        assert impl.logistic(x) == pytest.approx(sigmoid(x), **close)
        assert impl.logistic(x) + impl.logistic(-x) == pytest.approx(1.0, **close)  # symmetry
    assert impl.logistic(800.0) == 1.0 and impl.logistic(-800.0) == 0.0  # no overflow


def check_age_and_consider_hazard(impl):
    assert impl.age_hazard(0.01, 0.05, 25.0) == 0.01  # the base at 25
    assert impl.age_hazard(0.01, -0.04, 35.0) == pytest.approx(0.01 * math.exp(-0.4), **close)
    assert impl.consider_hazard(0.02, 1.5) == pytest.approx(0.03, **close)
    assert impl.consider_hazard(0.5, 3.0) == 1.0  # capped


def check_channel_utility(impl):
    # gain 12,000 EUR a year, cost 3,000 EUR, risk 0.2, network 0.5, asc -1
    v = impl.channel_utility(12000.0, 3000.0, 0.2, 0.5, -1.0, 0.1, 0.3, 2.0, 1.5)
    assert v == pytest.approx(0.1 * 12 - 0.3 * 3 - 2.0 * 0.2 + 1.5 * 0.5 - 1.0, **close)
    assert impl.channel_utility(0.0, 0.0, 0.0, 0.0, 0.4, 1.0, 1.0, 1.0, 1.0) == 0.4


def check_removal_probability(impl):
    for d, r in ((0.0, 0.9), (0.05, 0.9), (0.3, 0.5), (1.0, 1.0), (0.01, 0.0)):
        never_detected = math.prod([1.0 - d] * 12)
        # everyone held, no passports: the origin's cooperation decides
        assert impl.removal_probability_year(d, r, 1.0, 0.0) == pytest.approx((1.0 - never_detected) * r, **close)
        # a third held, half with a passport
        assert impl.removal_probability_year(d, r, 1 / 3, 0.5) == pytest.approx(
            (1.0 - never_detected) / 3 * (0.5 + 0.5 * r), **close)
    assert impl.removal_probability_year(0.5, 0.0, 1.0, 1.0) == pytest.approx(1.0 - 0.5 ** 12, **close)


def check_wage_multiplier(impl):
    assert impl.wage_multiplier(1.0, 0.7) == 1.0  # 1 at entry
    assert impl.wage_multiplier(1.2, 0.5) == pytest.approx(1.1, **close)


def return_linear_form(permit, rehire, savings, removal, gain, years, *, b=(-0.5, 1.0, 2.0, 0.8, 3.0, 0.1, 0.2)):
    """The documented linear form of the return decision, with its coefficients named in order."""
    intercept, b_permit, b_rehire, b_savings, b_enforce, b_gain, b_years = b
    return (intercept + b_permit * permit + b_rehire * rehire + b_savings * min(max(savings, 0.0), 2.0)
            + b_enforce * removal - b_gain * gain / 1000.0 - b_years * years)


def return_probability(impl, permit, rehire, savings, removal, gain, years):
    return impl.return_probability(-0.5, 1.0, permit, 2.0, rehire, 0.8, savings, 3.0, removal, 0.1, gain, 0.2, years)


def check_return_probability(impl):
    for args in ((0.0, 0.0, 0.0, 0.0, 0.0, 0.0), (1.0, 0.6, 1.3, 0.2, 8000.0, 4.5), (0.0, 0.3, 5.0, 0.1, 15000.0, 12.0),
                 (1.0, 0.9, -2.0, 0.5, 2000.0, 0.5)):
        assert return_probability(impl, *args) == pytest.approx(sigmoid(return_linear_form(*args)), **close)
    # savings over target count up to twice the target
    assert return_probability(impl, 0, 0, 2.0, 0, 0, 0) == return_probability(impl, 0, 0, 9.0, 0, 0, 0)
    # a declared cap: 1.5 targets
    capped = impl.return_probability(-0.5, 1.0, 0.0, 2.0, 0.0, 0.8, 9.0, 3.0, 0.0, 0.1, 0.0, 0.2, 0.0, 1.5)
    assert capped == pytest.approx(sigmoid(-0.5 + 0.8 * 1.5), **close)


def voluntary(impl, savings=1.0, age=30.0, bonus=0.0, support=0.0, network=0.0, home=0.0, way_back=0.0, years=0.0,
              onset=40.0, cap=20.0):
    return impl.voluntary_return_hazard(0.002, 1.2, savings, 0.05, onset, age, 0.3, bonus, 2000.0, support, 0.7, network,
                                        0.04, home, 0.6, way_back, 0.1, cap, years)


def check_voluntary_return_hazard(impl):
    assert voluntary(impl) == pytest.approx(0.002, **close)  # every term zero
    x = 1.2 * 0.5 + 0.05 * 10 + 0.3 * (1500 + 0.8 * 2000) / 1000 - 0.7 * 0.4 + 0.04 * 6 + 0.6 - 0.1 * 3
    assert voluntary(impl, 1.5, 50.0, 1500.0, 0.8, 0.4, 6000.0, 1.0, 3.0) == pytest.approx(0.002 * math.exp(x), **close)
    assert voluntary(impl, years=20.0) == voluntary(impl, years=35.0)  # years abroad capped at the cap (20)
    assert voluntary(impl, years=8.0, cap=5.0) == pytest.approx(0.002 * math.exp(-0.1 * 5), **close)
    assert voluntary(impl, age=50.0, onset=45.0) == pytest.approx(0.002 * math.exp(0.05 * 5), **close)
    assert voluntary(impl, age=44.0, onset=45.0) == pytest.approx(0.002, **close)  # no effect below the onset
    assert voluntary(impl, savings=2.0) == voluntary(impl, savings=4.0)  # savings capped at twice the target
    half = impl.voluntary_return_hazard(0.002, 1.2, 4.0, 0.05, 40.0, 30.0, 0.3, 0.0, 2000.0, 0.0, 0.7, 0.0, 0.04, 0.0,
                                        0.6, 0.0, 0.1, 20.0, 0.0, 0.5)  # a declared cap: half a target above
    assert half == pytest.approx(0.002 * math.exp(1.2 * 0.5), **close)
    assert voluntary(impl, age=60.0, bonus=1e5) == 1.0  # capped at 1


def check_business_hazard(impl):
    assert impl.business_hazard(0.01, 0.5, 9000.0, 6000.0, 0.4, 0.5, 0.7, 0.0) == pytest.approx(
        0.01 * math.exp(0.5 * 1.5 + 0.2), **close)
    assert impl.business_hazard(0.01, 0.5, 9000.0, 6000.0, 0.4, 0.5, 0.7, 1.0) == pytest.approx(
        0.01 * math.exp(0.5 * 1.5 + 0.2 - 0.7), **close)  # was irregular abroad
    assert impl.business_hazard(0.01, 0.5, 5999.0, 6000.0, 0.4, 0.5, 0.7, 0.0) == 0.0  # not the capital
    assert impl.business_hazard(0.01, 0.5, 1e6, 6000.0, 0.0, 0.0, 0.0, 0.0) == pytest.approx(0.01 * math.exp(1.5), **close)
    assert impl.business_hazard(0.01, 0.5, 100.0, 0.0, 0.0, 0.0, 0.0, 0.0) == pytest.approx(0.01 * math.exp(0.5), **close)
    assert impl.business_hazard(0.5, 5.0, 1e6, 1.0, 0.0, 0.0, 0.0, 0.0) == 1.0
    assert impl.business_hazard(0.01, 0.5, 1e6, 6000.0, 0.0, 0.0, 0.0, 0.0, 2.0) == pytest.approx(
        0.01 * math.exp(1.0), **close)  # a declared cap: twice the capital


def check_households_and_communities(impl):
    assert impl.target_progress(1000.0, 2000.0, 500.0, 5000.0) == pytest.approx(0.5, **close)
    assert impl.target_progress(1000.0, 0.0, 3000.0, 5000.0) == pytest.approx(-0.4, **close)  # debt first
    assert impl.target_progress(1000.0, 0.0, 0.0, 0.0) == 2.0  # no target
    assert impl.home_earnings(300.0, 1.2, 0.5, 0.0, 0.3) == pytest.approx(330.0, **close)
    assert impl.home_earnings(300.0, 1.2, 0.5, 1.0, 0.3) == pytest.approx(330.0 * 1.3, **close)  # skills transfer
    assert impl.home_earnings(300.0, 0.9, 0.5, 0.0, 0.3) == 300.0  # never below the community's
    assert impl.network_tie(1.0, 0.3, 0.5) == 1.0
    assert impl.network_tie(0.0, 0.4, 0.5) == pytest.approx(0.2, **close)
    assert impl.network_tie(0.2, 1.0, 1.0) == pytest.approx(1.0, **close)
    assert impl.home_wage_effect(0.4, 10.0, 100.0) == pytest.approx(1.04, **close)  # Mishra (2007): 10 % -> 4 %
    assert impl.home_wage_effect(0.4, 0.0, 0.0) == 1.0
    assert impl.local_unemployment(0.2, 5.0, 100.0) == pytest.approx(0.15, **close)  # 20 unemployed, 5 jobs
    assert impl.local_unemployment(0.2, 50.0, 100.0) == 0.0
    assert impl.local_unemployment(0.0, 5.0, 100.0) == 0.0
    assert impl.remittance_jobs(0.2, 30000.0, 300.0) == pytest.approx(20.0, **close)  # EUR 6,000 of local wages
    assert impl.remittance_jobs(0.2, 30000.0, 0.0) == 0.0


def check_rehire_probability(impl):
    p, q, a, b = 0.4, 0.3, 0.2, 0.1
    assert impl.rehire_probability(p, q, a, b) == pytest.approx(1 - (1 - p) * (1 - q) * (1 - a) * (1 - b), **close)
    assert impl.rehire_probability(p, q) == pytest.approx(1 - (1 - p) * (1 - q), **close)
    assert impl.rehire_probability(0.0, 0.0, 0.0, 0.0) == 0.0
    assert impl.rehire_probability(0.2, 1.0, 0.0, 0.0) == 1.0


def check_geometric_months(impl):
    u = (np.arange(200_000) + 0.5) / 200_000  # evenly spread uniforms
    for mean in (1.5, 4.0, 9.0):
        months = np.array([impl.geometric_months(mean, x) for x in u])
        assert months.min() >= 1
        assert months.mean() == pytest.approx(mean, rel=0.01)
        assert np.mean(months == 1) == pytest.approx(1.0 / mean, abs=1e-4)  # P(1) = 1 / mean
    assert impl.geometric_months(0.5, 0.99) == 1 and impl.geometric_months(1.0, 0.5) == 1


def check_savings_target(impl):
    assert impl.savings_target(5000.0, 0.4, 0.0) == 5000.0  # the typical target is the median
    assert impl.savings_target(5000.0, 0.4, 1.0) == pytest.approx(5000.0 * math.exp(0.4), **close)
    assert math.log(impl.savings_target(5000.0, 0.4, -2.0) / 5000.0) == pytest.approx(-0.8, **close)  # log-normal
    assert impl.savings_target(5000.0, 0.0, 2.5) == 5000.0  # no spread


def check_employers(impl):
    # withdrawal after selection: the complement of leaving, logistic in the stay's gain (kEUR)
    assert impl.departure_probability(1.0, 1.0, 0.0) == pytest.approx(sigmoid(1.0), **close)
    assert impl.departure_probability(-0.5, 2.0, 1500.0) == pytest.approx(sigmoid(-0.5 + 3.0), **close)
    # a callback accepted: the known employer (intercept) and its pay over the sector's across a stay
    assert impl.loyalty_probability(1.9, 1.0, 0.0) == pytest.approx(sigmoid(1.9), **close)
    assert impl.loyalty_probability(1.9, 1.0, -900.0) == pytest.approx(sigmoid(1.0), **close)
    # demand relative to a cost equal to the wage bill: (W / (W + c)) ^ elasticity
    assert impl.labour_demand_factor(2700.0, 300.0, 0.5) == pytest.approx(0.9 ** 0.5, **close)
    assert impl.labour_demand_factor(2700.0, 0.0, 0.5) == 1.0
    assert impl.labour_demand_factor(0.0, 300.0, 0.5) == 1.0
    assert impl.labour_demand_factor(1000.0, 1000.0, 1.0) == pytest.approx(0.5, **close)
    # Becker: (1 - compliance) x exp(-deterrence x expected fine / 1000)
    assert impl.irregular_hiring_probability(0.85, 1.0, 0.0) == pytest.approx(0.15, **close)
    assert impl.irregular_hiring_probability(0.6, 0.5, 2000.0) == pytest.approx(0.4 * math.exp(-1.0), **close)
    assert impl.irregular_hiring_probability(1.0, 1.0, 100.0) == 0.0
    # a yearly probability as a monthly one: 12 months compound back to it
    for rate in (0.0, 0.01, 0.3, 1.0):
        assert 1.0 - (1.0 - impl.monthly_probability(rate)) ** 12 == pytest.approx(rate, abs=1e-12)
    assert impl.deterrence_factor(0.5, 2000.0) == pytest.approx(math.exp(-1.0), **close)
    assert impl.deterrence_factor(0.5, 0.0) == 1.0
    # the domestic and EU queue: half the supply willing at the median reservation wage; log-logistic tails
    assert impl.domestic_willing(900.0, 1000.0, 1000.0, 0.5) == pytest.approx(450.0, **close)
    assert impl.domestic_willing(900.0, 500.0, 1000.0, 1.0) == pytest.approx(900.0 / 3.0, **close)
    assert impl.domestic_willing(0.0, 500.0, 1000.0, 1.0) == 0.0
    # ranking by experience: odds `weight` for the experienced, capped at certainty, the rest to newcomers
    assert impl.experience_selection(10.0, 10.0, 30.0, 1.0) == pytest.approx((0.25, 0.25), **close)
    assert impl.experience_selection(10.0, 10.0, 30.0, 3.0) == pytest.approx((0.5, 1.0 / 6.0), **close)
    assert impl.experience_selection(30.0, 10.0, 30.0, 8.0) == pytest.approx((1.0, 2.0 / 3.0), **close)
    assert impl.experience_selection(50.0, 10.0, 30.0, 2.0) == pytest.approx((1.0, 1.0), **close)
    assert impl.experience_selection(0.0, 10.0, 30.0, 2.0) == (0.0, 0.0)
    # demand planned to the labour expected: 1 - response x last shortage
    assert impl.planned_demand_factor(0.3, 0.2) == pytest.approx(0.94, **close)
    assert impl.planned_demand_factor(0.3, 0.0) == 1.0


CHECKS = [check_employers, check_logistic, check_age_and_consider_hazard, check_channel_utility, check_removal_probability,
          check_wage_multiplier, check_return_probability, check_voluntary_return_hazard, check_business_hazard,
          check_rehire_probability, check_geometric_months, check_savings_target, check_households_and_communities]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__.removeprefix("check_"))
def test_closed_form(check, impl):
    check(impl)


def test_every_rule_is_checked_and_reimplemented():
    names = {n for n, f in vars(rules).items() if hasattr(f, "py_func")}  # the compiled functions
    assert names <= {n for n in vars(formulas) if not n.startswith("_")}, "a rule the reference lacks"
    called = set().union(*(f.__code__.co_names for f in [*CHECKS, return_probability, voluntary]))
    assert names <= called, f"rules without a closed-form check: {sorted(names - called)}"


def test_a_wrong_rule_is_caught(monkeypatch):
    """Flip the sign of the years-abroad term of the engine's return probability: its closed form fails."""
    right = rules.return_probability

    def wrong(*args):
        *head, b_years, years = args
        return right(*head, -b_years, years)

    check_return_probability(rules)
    monkeypatch.setattr(rules, "return_probability", wrong)
    with pytest.raises(AssertionError):
        check_return_probability(rules)


# --- properties -----------------------------------------------------------------------------

unit = st.floats(0.0, 1.0)
coef = st.floats(0.0, 5.0)
real = st.floats(-20.0, 20.0)
money = st.floats(0.0, 50_000.0)


def increasing(f, args, i, lo, hi):
    """f does not fall when argument i rises from lo to hi (hi >= lo)."""
    lo, hi = min(lo, hi), max(lo, hi)
    a, b = list(args), list(args)
    a[i], b[i] = lo, hi
    return f(*a) <= f(*b) + 1e-12


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(x=real, y=real)
def test_logistic_increasing_in_unit_interval(impl, x, y):
    assert 0.0 <= impl.logistic(x) <= 1.0
    assert increasing(impl.logistic, [0.0], 0, x, y)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(d=unit, r=unit, d2=unit, r2=unit, h=unit, h2=unit, q=unit, q2=unit)
def test_removal_probability_monotone(impl, d, r, d2, r2, h, h2, q, q2):
    assert 0.0 <= impl.removal_probability_year(d, r, h, q) <= 1.0
    for i, (a, b) in enumerate(((d, d2), (r, r2), (h, h2), (q, q2))):
        assert increasing(impl.removal_probability_year, [d, r, h, q], i, a, b)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(args=st.tuples(unit, unit, unit, unit), i=st.integers(0, 3), other=unit)
def test_rehire_probability_monotone(impl, args, i, other):
    q = impl.rehire_probability(*args)
    assert 0.0 <= q <= 1.0 and q >= max(args) - 1e-12  # at least each of its sources
    assert increasing(impl.rehire_probability, args, i, args[i], other)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(coefs=st.tuples(real, coef, coef, coef, coef, coef, coef), values=st.tuples(unit, unit, real, unit, money, real),
       i=st.integers(0, 5), other=st.floats(-20.0, 50_000.0))
def test_return_probability_monotone(impl, coefs, values, i, other):
    """Rises with the permit, the rehire, savings and removal; falls with the irregular gain and the years."""
    intercept, b_permit, b_rehire, b_savings, b_enforce, b_gain, b_years = coefs

    def p(permit, rehire, savings, removal, gain, years):
        return impl.return_probability(intercept, b_permit, permit, b_rehire, rehire, b_savings, savings, b_enforce,
                                       removal, b_gain, gain, b_years, years)

    assert 0.0 <= p(*values) <= 1.0
    if i < 4:
        assert increasing(p, values, i, values[i], other)
    else:
        assert increasing(lambda *v: -p(*v), values, i, values[i], other)


#: ranges of the arguments of ``voluntary``: savings ratio, age, bonus, support, network, home income, way back, years
VOLUNTARY_RANGES = [(0, 3), (15, 80), (0, 50_000), (0, 1), (0, 1), (0, 50_000), (0, 1), (0, 40)]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(shares=st.lists(unit, min_size=8, max_size=8), i=st.integers(0, 7), other=unit)
def test_voluntary_return_hazard_monotone(impl, shares, i, other):
    """Rises with savings, age, bonus, support, home income and a way back; falls with network and years."""
    values = [lo + s * (hi - lo) for s, (lo, hi) in zip(shares, VOLUNTARY_RANGES)]
    lo, hi = VOLUNTARY_RANGES[i]
    assert 0.0 <= voluntary(impl, *values) <= 1.0
    f = (lambda *v: voluntary(impl, *v)) if i not in (4, 7) else (lambda *v: -voluntary(impl, *v))
    assert increasing(f, values, i, values[i], lo + other * (hi - lo))


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(base=unit, b=coef, savings=money, capital=money, support=unit, irregular=unit, i=st.sampled_from([2, 5]),
       other=money)
def test_business_hazard_monotone(impl, base, b, savings, capital, support, irregular, i, other):
    """Rises with savings and support; lower for one who was irregular abroad; a probability."""
    args = [base, b, savings, capital, b, support, b, irregular]
    assert 0.0 <= impl.business_hazard(*args) <= 1.0
    assert increasing(impl.business_hazard, args, i, args[i], other if i == 2 else min(other, 1.0))
    assert impl.business_hazard(*args[:7], 1.0) <= impl.business_hazard(*args[:7], 0.0)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(base=unit, slope=st.floats(0, 0.2), age=st.floats(15, 80), age2=st.floats(15, 80), propensity=st.floats(0, 10),
       propensity2=st.floats(0, 10))
def test_consider_hazard_monotone(impl, base, slope, age, age2, propensity, propensity2):
    """With a rising age slope the hazard rises with age; it rises with the propensity; it is a probability."""
    assert increasing(impl.age_hazard, [base, slope, age], 2, age, age2)
    h = impl.age_hazard(base, slope, age)
    assert 0.0 <= impl.consider_hazard(h, propensity) <= 1.0
    assert increasing(impl.consider_hazard, [h, propensity], 1, propensity, propensity2)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(values=st.tuples(money, money, unit, unit), i=st.integers(0, 3), other=money,
       b=st.tuples(coef, coef, coef, coef))
def test_channel_utility_monotone(impl, values, i, other, b):
    """Rises with the gain and the network; falls with the cost and the risk."""
    def v(gain, cost, risk, network):
        return impl.channel_utility(gain, cost, risk, network, 0.0, *b)

    other = other if i < 2 else min(other, 1.0)
    f = v if i in (0, 3) else (lambda *a: -v(*a))
    assert increasing(f, values, i, values[i], other)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(mean=st.floats(0.5, 60), mean2=st.floats(0.5, 60), u=st.floats(0, 0.999999), u2=st.floats(0, 0.999999))
def test_geometric_months_monotone(impl, mean, mean2, u, u2):
    assert impl.geometric_months(mean, u) >= 1
    assert increasing(impl.geometric_months, [mean, u], 1, u, u2)
    assert increasing(impl.geometric_months, [mean, u], 0, mean, mean2)


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@given(typical=money, sd=st.floats(0, 3), z=real, z2=real, hc=st.floats(0.5, 3), hc2=st.floats(0.5, 3), hc_wage=coef)
def test_savings_target_and_wage_multiplier_monotone(impl, typical, sd, z, z2, hc, hc2, hc_wage):
    assert increasing(impl.savings_target, [typical, sd, z], 2, z, z2)
    assert impl.savings_target(typical, sd, z) >= 0.0
    assert increasing(impl.wage_multiplier, [hc, hc_wage], 0, hc, hc2)


@settings(max_examples=300)
@given(st.lists(st.floats(-3.0, 3.0), min_size=19, max_size=19))
def test_reference_formulas_match_the_engine_bit_for_bit(xs):
    """Same inputs, same float64 result: the reference's formulas are exact copies in value."""
    u = [abs(x) / 3.0 for x in xs]
    pairs = [
        ("logistic", xs[:1]), ("age_hazard", xs[:3]), ("consider_hazard", u[:2]), ("channel_utility", xs[:9]),
        ("removal_probability_year", u[:4]), ("wage_multiplier", xs[:2]), ("return_probability", xs[:13]),
        ("voluntary_return_hazard", xs), ("business_hazard", xs[:8]), ("rehire_probability", u[:4]),
        ("geometric_months", [1.0 + 10 * u[0], min(u[1], 0.999)]), ("savings_target", xs[:3]),
        ("target_progress", xs[:4]), ("home_earnings", xs[:5]), ("network_tie", u[:3]),
        ("home_wage_effect", xs[:3]), ("local_unemployment", xs[:3]), ("remittance_jobs", xs[:3]),
        ("departure_probability", xs[:3]), ("loyalty_probability", xs[:3]), ("labour_demand_factor", [1000 * abs(xs[0]), 1000 * xs[1], u[2]]),
        ("irregular_hiring_probability", [u[0], abs(xs[1]), 1000 * abs(xs[2])]), ("monthly_probability", u[:1]),
        ("deterrence_factor", [abs(xs[1]), 1000 * abs(xs[2])]),
        ("domestic_willing", [1000 * abs(xs[0]), 100 + 300 * abs(xs[1]), 100 + 300 * abs(xs[2]), 0.1 + u[3]]),
        ("planned_demand_factor", u[:2]),
    ]
    for name, args in pairs:
        assert getattr(rules, name)(*args) == getattr(formulas, name)(*args), name
    selection = [10 * u[0], 10 * u[1], 10 * u[2], 1.0 + 3 * u[3]]
    assert tuple(rules.experience_selection(*selection)) == tuple(formulas.experience_selection(*selection))
