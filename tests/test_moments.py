"""Statistics that published figures measure, checked on a hand-made dataset."""

import numpy as np
import pytest
import xarray as xr

from circsim.moments import return_within_5_years, long_term_share, pick, remittances_per_resident_year


def _dataset():
    time = np.arange(24)
    origin, destination = ["A", "B"], ["X", "Y"]
    duration = np.arange(61)
    stay = np.zeros((24, 2, 61))
    stay[0, 0, 3] = 50      # seasonal-length stays: not migrants
    stay[5, 0, 20] = 10     # back after 20 months
    stay[6, 0, 59] = 5      # back just within 5 years
    stay[7, 0, 60] = 7      # 5 years or more
    departures = xr.DataArray(np.zeros((24, 2, 2, 2)), dims=("time", "channel", "origin", "destination"),
                              coords={"channel": ["seasonal", "long_term"], "origin": origin, "destination": destination})
    departures[0, 0, 0, 0] = 120  # 120 departures of A, 50 of them back within a year
    departures[1, 1, 0, 0] = 30   # long-term residents coming back from a stay at home: not migrants
    status = ["seasonal", "temporary", "highly_skilled", "student", "researcher", "trainee", "long_term",
              "long_term_away", "irregular", "home"]
    stock = np.zeros((24, len(status), 2, 2))
    stock[:, status.index("long_term"), 0, 0] = 30
    stock[:, status.index("temporary"), 0, 0] = 60
    stock[:, status.index("irregular"), 0, 0] = 500   # irregular residents hold no permit
    stock[:, status.index("home"), 0, 0] = 10**6
    return xr.Dataset({
        "stay_duration": (("time", "origin", "duration"), stay),
        "departures": departures,
        "stock": (("time", "status", "origin", "destination"), stock),
        "remittances": (("time", "community"), np.full((24, 3), 100.0)),
    }, coords={"time": time, "origin": origin, "destination": destination, "duration": duration, "status": status,
               "community": ["a1", "a2", "b1"], "community_origin": ("community", ["A", "A", "B"])})


def test_return_within_5_years_counts_migrants_back_after_one_to_five_years():
    ds = _dataset()
    # (10 + 5) back within 1-5 years of (120 - 50) who stayed a year or more; comebacks and 60+ left out
    assert return_within_5_years(ds, {"origin": "A"}) == pytest.approx(15 / 70)


def test_long_term_share_is_among_permit_holders_only():
    assert long_term_share(_dataset(), {"origin": "A", "destination": "X"}) == pytest.approx(30 / 90)


def test_community_records_are_selected_through_their_origin():
    ds = _dataset()
    assert float(pick(ds.remittances, {"origin": "A"}).sum()) == 2 * 24 * 100.0
    # EUR 2,400 a year for A's communities over 590 persons abroad (permit holders and irregular)
    assert remittances_per_resident_year(ds, {"origin": "A"}) == pytest.approx(2 * 1200.0 / 590)
    with pytest.raises(ValueError, match="not recorded by destination"):
        pick(ds.remittances, {"destination": "X"})
