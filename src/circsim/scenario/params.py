"""Every model parameter, declared once.

Each :class:`Param` carries its scope (which entity it belongs to), default, bounds, unit,
description and, where there is one, its source. Validation (``schema.py``), the CLI's
``circsim params`` listing, the documentation table, sweep bounds and the packing of
parameters into monthly arrays for the kernels (``pack.py``) all derive from this list.

Scopes and the TOML tables that hold them:

==============  ==================================================  ====================
scope           TOML table                                          kernel array
==============  ==================================================  ====================
``behaviour``   ``[behaviour]``                                     ``[month]``
``origin``      ``[origins.NAME]``                                  ``[month, origin]``
``community``   ``[origins.NAME.communities.NAME]``                 ``[month, community]``
``destination`` ``[destinations.NAME]``                             ``[month, destination]``
``market``      ``[destinations.NAME.sectors.NAME]``                ``[month, market]``
``corridor``    ``[corridors.ORIGIN.DESTINATION]``                  ``[month, origin, dest]``
==============  ==================================================  ====================

Parameters with ``dynamic=True`` may change during a run through the scenario's timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

SCOPES = ("behaviour", "origin", "community", "destination", "market", "corridor")


@dataclass(frozen=True)
class Param:
    name: str
    scope: str
    default: float
    lo: float
    hi: float
    unit: str
    description: str
    source: str = ""
    integer: bool = False
    dynamic: bool = True

    @property
    def range_text(self) -> str:
        fmt = (lambda v: f"{int(v)}") if self.integer else (lambda v: f"{v:g}")
        return f"{fmt(self.lo)} to {fmt(self.hi)}"


def _p(*args, **kw) -> Param:
    return Param(*args, **kw)


B, O, C, D, M, K = SCOPES
ECA = "European Court of Auditors, Special Report 17/2021"
HUELVA = "press on the Cartaya / Huelva seasonal scheme (shared/TARGETS.md)"
IOM = "IOM news on the Unió de Pagesos Colombia-Spain scheme (shared/TARGETS.md)"
SEASONAL_DIRECTIVE = "Directive 2014/36/EU (seasonal workers): 5 to 9 months in any 12"

PARAMS: list[Param] = [
    # --- behaviour: migration consideration and channel choice -------------------------
    _p("consider_hazard", B, 0.01, 0.0, 0.5, "1/month",
       "Monthly probability that an at-home person aged 25 with the median propensity (1) considers migrating"),
    _p("consider_age_slope", B, -0.04, -0.5, 0.5, "1/year",
       "Change of the log consideration hazard per year of age above 25"),
    _p("propensity_sd", B, 0.8, 0.0, 3.0, "log-hazard",
       "Standard deviation of the log of the individual hazard multiplier (propensity)", dynamic=False),
    _p("beta_income", B, 1.0, 0.0, 10.0, "per 1000 EUR/year",
       "Utility weight of the expected net income gain of a channel over staying"),
    _p("beta_cost", B, 0.5, 0.0, 10.0, "per 1000 EUR",
       "Utility weight of a channel's one-off monetary cost (fees, smuggling)"),
    _p("beta_risk", B, 3.0, 0.0, 30.0, "per unit probability",
       "Utility weight of the perceived probability of failure (interception, removal)"),
    _p("beta_network", B, 1.0, 0.0, 10.0, "per unit tie",
       "Utility weight of a network tie abroad on every migration channel"),
    _p("asc_seasonal", B, 0.0, -10.0, 10.0, "utility", "Constant of the seasonal-scheme channel"),
    _p("asc_temporary", B, -0.5, -10.0, 10.0, "utility", "Constant of the temporary-work channel"),
    _p("asc_irregular", B, -3.0, -10.0, 10.0, "utility", "Constant of the irregular route"),
    _p("asc_highly_skilled", B, 0.0, -10.0, 10.0, "utility", "Constant of the highly skilled channel"),
    _p("asc_student", B, 1.0, -10.0, 10.0, "utility", "Constant of the student channel (study abroad has no income gain)"),
    _p("asc_researcher", B, 0.0, -10.0, 10.0, "utility", "Constant of the researcher channel"),
    _p("asc_trainee", B, 0.0, -10.0, 10.0, "utility", "Constant of the remunerated-trainee channel"),
    _p("student_age_max", B, 30, 14, 80, "years", "Oldest age at which a person may apply to study abroad", integer=True),
    _p("trainee_age_max", B, 35, 14, 80, "years", "Oldest age at which a person may apply for a traineeship", integer=True),
    _p("risk_underestimation", B, 0.5, 0.0, 1.0, "share",
       "Share of the irregular route's risk that people without information underestimate (campaigns correct it)"),
    _p("document_fraud_share", B, 0.3, 0.0, 1.0, "share",
       "Share of irregular attempts relying on fraudulent documents (stopped by travel-document security)"),
    _p("smuggling_cost_effect", B, 1.0, 0.0, 10.0, "per unit", "Rise of the smuggling price per unit of anti-smuggling action"),
    _p("smuggling_success_effect", B, 0.3, 0.0, 1.0, "per unit",
       "Share of smuggled attempts stopped per unit of anti-smuggling action"),
    # --- behaviour: return or overstay at the end of an allowed stay -------------------
    _p("return_intercept", B, 1.5, -10.0, 10.0, "log-odds", "Log-odds of returning at the end of an allowed stay, all else zero"),
    _p("return_permit", B, 1.5, 0.0, 10.0, "log-odds",
       "Effect of holding a valid multi-annual permit (a sure legal way back) on returning"),
    _p("return_rehire", B, 1.5, 0.0, 10.0, "log-odds per unit probability",
       "Effect of the expected probability of being rehired by the same employer"),
    _p("return_savings", B, 1.0, 0.0, 10.0, "log-odds per target",
       "Effect of progress towards the person's target (up to return_savings_cap targets)"),
    _p("return_savings_cap", B, 2.0, 0.5, 10.0, "targets",
       "Progress towards the savings target beyond which more no longer raises the return probability",
       source="assumption"),
    _p("return_enforcement", B, 4.0, 0.0, 30.0, "log-odds per unit probability",
       "Effect of the expected yearly probability of removal if irregular (detection x readmission)"),
    _p("return_gain", B, 0.5, 0.0, 10.0, "log-odds per 1000 EUR/year",
       "Effect (negative) of the expected income gain of irregular work over income at home"),
    _p("return_years_abroad", B, 0.3, 0.0, 5.0, "log-odds per year",
       "Effect (negative) of the years already spent abroad"),
    _p("graduate_job_rate", B, 0.4, 0.0, 1.0, "probability", "Probability that a graduating student finds a skilled job"),
    _p("graduate_search_rate", B, 0.3, 0.0, 1.0, "probability",
       "Probability that a graduate without a job stays to search (if not, the end-of-stay decision)"),
    _p("graduate_search_months", B, 12, 1, 36, "months", "Length of the job-search permit after graduation", integer=True),
    _p("researcher_mobility", B, 0.01, 0.0, 1.0, "1/month",
       "Monthly probability that a researcher moves to another destination (intra-EU mobility, no new permit)"),
    _p("reunification_hazard", B, 0.008, 0.0, 0.2, "1/month",
       "Monthly probability that a legal resident abroad who has not yet done so brings a family member "
       "(family reunification), once the destination's reunification_min_years have passed",
       source="of the order of Spain's reunification permits to Moroccans (19,510 in Jan-Aug 2008) over its "
              "Moroccan legal residents; fitted to the family share of first permits (docs/VALIDATION.md)"),
    _p("family_age_min", B, 18.0, 14.0, 30.0, "years", "Youngest age of a family member who joins a sponsor",
       source="Directive 2003/86/EC art. 4(5) lets a Member State require up to 21; Spain: adults from 18"),
    _p("ltr_circular_hazard", B, 0.02, 0.0, 1.0, "1/month",
       "Monthly probability that a long-term resident plans a stay in the origin country (business, professional, voluntary)"),
    _p("circular_stay_months", B, 8.0, 1.0, 60.0, "months", "Mean intended length of such a stay (geometric)"),
    _p("absence_overrun", B, 0.2, 0.0, 1.0, "probability",
       "Probability of going anyway when the intended stay exceeds the allowed absence (the status is then lost)"),
    _p("voluntary_readmission", B, 1.0, 0.0, 10.0, "log-hazard",
       "Effect of facilitated re-admission (a sure way back) on the voluntary return of former legal residents"),
    _p("short_stay_hazard", B, 0.05, 0.0, 1.0, "1/month",
       "Monthly probability that a returnee holding a multiple-entry visa makes a short stay (at most one per "
       "short_stay_spacing months)"),
    _p("short_stay_spacing", B, 6, 1, 24, "months", "Fewest months between two short stays with a multiple-entry visa",
       source="Schengen Borders Code, Regulation (EU) 2016/399 art. 6: 90 days in any 180-day period", integer=True),
    _p("short_stay_rehire_gain", B, 0.3, 0.0, 1.0, "share",
       "Share of the gap to certain rehire closed for a worker who kept the tie to the employer by a short stay"),
    _p("training_hc_gain", B, 0.05, 0.0, 1.0, "human capital", "Human capital gained by pre-departure training"),
    _p("training_rehire_gain", B, 0.2, 0.0, 1.0, "share", "Share of the gap to certain rehire closed for a trained worker"),
    _p("lmi_match_gain", B, 0.5, 0.0, 1.0, "share",
       "Share of the unmatched offers that full labour-market information turns into matches"),
    _p("cvac_capacity_gain", B, 0.3, 0.0, 5.0, "share", "Capacity gain of a common visa application centre"),
    # --- behaviour: voluntary return, reintegration ------------------------------------
    _p("voluntary_hazard", B, 0.004, 0.0, 0.5, "1/month",
       "Monthly probability of a voluntary return from abroad, all effects at zero"),
    _p("voluntary_savings", B, 1.0, 0.0, 10.0, "log-hazard per target",
       "Effect of savings above the target (up to voluntary_savings_cap targets above)"),
    _p("voluntary_savings_cap", B, 1.0, 0.1, 10.0, "targets",
       "Progress beyond the savings target up to which more raises the voluntary return hazard", source="assumption"),
    _p("voluntary_age", B, 0.03, 0.0, 1.0, "log-hazard per year",
       "Effect of each year of age above voluntary_age_onset"),
    _p("voluntary_age_onset", B, 40.0, 18.0, 80.0, "years",
       "Age above which each further year raises the voluntary return hazard", source="assumption"),
    _p("voluntary_bonus", B, 0.5, 0.0, 10.0, "log-hazard per 1000 EUR", "Effect of the origin's return bonus"),
    _p("voluntary_network", B, 0.5, 0.0, 10.0, "log-hazard per unit tie", "Effect (negative) of a network tie abroad"),
    _p("voluntary_home", B, 0.3, 0.0, 10.0, "log-hazard per 1000 EUR/year",
       "Effect of expected income at home (better conditions at home raise returns)"),
    _p("voluntary_years_abroad", B, 0.15, 0.0, 2.0, "log-hazard per year",
       "Effect (negative) of each year abroad, up to voluntary_years_cap: returns concentrate in the first years "
       "after arrival",
       source="Dustmann & Weiss (2007), British Journal of Industrial Relations 45(2); Flahaux, Beauchemin & "
              "Schoumaker (2014): 20-50 % of immigrants leave within 5 years (shared/TARGETS.md)"),
    _p("voluntary_years_cap", B, 20.0, 1.0, 60.0, "years",
       "Years abroad beyond which further years no longer lower the voluntary return hazard", source="assumption"),
    _p("business_hazard", B, 0.01, 0.0, 0.5, "1/month",
       "Monthly probability that a returnee starts a business in the first year home, all effects at zero"),
    _p("business_savings", B, 1.0, 0.0, 10.0, "log-hazard per capital", "Effect of savings relative to the capital needed"),
    _p("business_savings_cap", B, 3.0, 1.0, 20.0, "capitals",
       "Savings (in business capitals) beyond which more no longer raises the business hazard", source="assumption"),
    _p("business_support", B, 1.5, 0.0, 10.0, "log-hazard per unit", "Effect of reintegration support"),
    _p("business_capital", B, 3000.0, 0.0, 1e6, "EUR",
       "Savings a returnee puts into a new business (a start needs at least this much saved)"),
    _p("business_closure", B, 0.08, 0.0, 1.0, "1/year",
       "Yearly probability that a returnee's business closes (while its owner is at home)",
       source="McKenzie & Paffhausen (2019), Review of Economics and Statistics 101(4): small firms in developing "
              "countries close at about 8 % a year"),
    _p("business_irregular", B, 0.7, 0.0, 5.0, "log-hazard",
       "Effect (negative) of having been irregular abroad on starting a business",
       source="Vandenbunder, Beauchemin et al. (2021, INED): returnees who entered Europe irregularly are less "
              "likely to become employers in Senegal (shared/TARGETS.md); size assumed"),
    _p("business_jobs", B, 1.0, 0.0, 10.0, "jobs per business",
       "Jobs for other members of the community in each returnee business (lower local unemployment)",
       source="Mesnard (2004), Journal of Population Economics 17(2); Wahba & Zenou (2012), Regional Science and "
              "Urban Economics 42(5): returnee firms are small; uncertain, range for sensitivity analysis"),
    # --- behaviour: life abroad ---------------------------------------------------------
    _p("hc_growth", B, 0.003, 0.0, 0.1, "1/month", "Growth of human capital per month worked abroad"),
    _p("hc_wage", B, 0.5, 0.0, 5.0, "elasticity", "Wage gain per unit of human capital above 1"),
    _p("home_spending", B, 0.03, 0.0, 1.0, "1/month", "Share of savings a person at home spends each month"),
    _p("hc_home_wage", B, 0.6, 0.0, 5.0, "elasticity",
       "Wage gain at home per unit of human capital gained abroad (returnees' earnings premium, brain gain)",
       source="Reinhold & Thom (2013), Journal of Human Resources 48(1): Mexican returnees earn about 2 % more per "
              "year abroad; Wahba (2015), Journal of Population Economics 28(2)"),
    _p("skill_home_premium", B, 0.3, 0.0, 2.0, "ratio",
       "Rise of earnings at home for a returnee moved up a skill level by a skills-transfer programme",
       source="Psacharopoulos & Patrinos (2018), Education Economics 26(5): about 9 % per year of schooling, "
              "a skill level taken as three years"),
    # --- behaviour: households and communities at home ----------------------------------
    _p("remittance_yield", B, 0.04, 0.0, 0.2, "1/year",
       "Yearly income of the household from the assets its remittances bought (housing, land, livestock, a shop), "
       "as a share of their value",
       source="de Haas (2006), Journal of Rural Studies 22(4): Moroccan migrant households invest remittances mostly "
              "in housing (an imputed rent of a few per cent a year), also land and shops; Taylor (1999), "
              "International Migration 37(1): remittances raise household income beyond their amount; uncertain, "
              "range for sensitivity analysis"),
    _p("prevalence_network", B, 0.5, 0.0, 1.0, "share",
       "Share of the gap to a full network tie that a person's community closes at full migration prevalence "
       "(cumulative causation)",
       source="Massey (1990), Population Index 56(1); Massey & Espinosa (1997), American Journal of Sociology "
              "102(4); Klabunde (2014); uncertain, range for sensitivity analysis"),
    _p("remittance_local_wages", B, 0.2, 0.0, 1.0, "share",
       "Share of the remittances received that households spend on local goods, services and building and that is "
       "paid out as local wages (jobs for the unemployed at the home wage)",
       source="Adelman & Taylor (1990), Journal of Development Studies 26(3): remittance multipliers of about 2.7-3.2 "
              "for Mexico's GNP; the wage share is uncertain, range for sensitivity analysis"),
    _p("emigration_wage_elasticity", B, 0.4, 0.0, 2.0, "elasticity",
       "Rise of the home wage per unit share of the community's workers abroad",
       source="Mishra (2007), Journal of Development Economics 82(1): a 10 % emigration-driven fall in labour "
              "supply raised Mexican wages by about 4 %"),
    _p("irregular_wage_factor", B, 0.85, 0.0, 1.0, "ratio", "Wage of irregular work relative to the legal wage",
       source="legalisation wage premia of 6-20 %: Kossoudji & Cobb-Clark (2002), Journal of Labor Economics "
              "20(3); Amuedo-Dorantes, Bansak & Raphael (2007), American Economic Review 97(2)"),
    _p("irregular_living_cost", B, 0.6, 0.2, 1.0, "ratio",
       "Living cost of an irregular migrant relative to a legal worker's (shared or informal housing, no "
       "contributions)", source="FRA (2011), Migrants in an irregular situation employed in domestic work / "
       "fundamental rights of migrants in an irregular situation: overcrowded shared housing; uncertain"),
    _p("irregular_employment", B, 0.6, 0.0, 1.0, "1/month",
       "Probability that an irregular person without an employer finds informal work in a month"),
    _p("departure_intercept", B, 1.0, -10.0, 10.0, "log-odds",
       "Log-odds that a selected person still leaves at the job start before the stay's income gain, which enters with "
       "beta_income (withdrawal after selection: family circumstances, other work; unobserved)",
       source=HUELVA + ": 14,411 of 19,179 authorised travelled in 2019 (fitted there)"),
    _p("loyalty_intercept", B, 1.9, -10.0, 10.0, "log-odds",
       "Log-odds that a former worker accepts the former employer's callback when it pays the sector's wage (the "
       "known employer); better pay enters with beta_income over a stay, the rest seek another employer",
       source="NZ RSE: 86.9 % of returning workers went back to the same employer (logistic(1.9) = 0.87)"),
    _p("labour_demand_elasticity", B, 0.5, 0.0, 3.0, "elasticity",
       "Elasticity of employers' demand for migrant labour with respect to its full cost per stay (wage bill plus "
       "recruitment cost and the work-permit fee per stay); demand is stated at a cost equal to the wage bill",
       source="hired farm labour demand: own-wage elasticities about -0.3 to -1 (uncertain; see docs/ODD.md)"),
    _p("deterrence", B, 0.03, 0.0, 1.0, "log-probability per 1000 EUR",
       "Fall of employers' willingness to hire irregular workers (and of informal work) per 1000 EUR of expected "
       "fine per irregular worker (yearly inspection probability perceived x fine); declared uncertain (Becker 1968)",
       source="no published elasticity; kept small because US employer sanctions without verification at hire "
              "were found ineffective (Lofstrom, Bohn & Raphael 2011, PPIC): see docs/VALIDATION.md"),
    _p("experience_weight", B, 3.0, 1.0, 20.0, "odds",
       "Odds that the agency selects a registered candidate with a good record from an earlier legal stay, "
       "relative to a newcomer (employers rank recruits by record and experience; 1: no ranking)",
       source="no published odds ratio; declared uncertain (1 to 10). In Huelva returning on time is the condition "
              "for being hired again, and repeaters were 60-70 % of the Moroccan contingent 2019-2023; Canadian farmers "
              "name over three-quarters of their SAWP workers (Martin 2019)"),
    _p("shortage_response", B, 0.3, 0.0, 1.0, "share",
       "Share of the places left unfilled at the sector's last job start by which employers cut their demand for "
       "migrant labour (work planned to the labour they expect: acreage, crops left unharvested)",
       source="Rutledge & Merel (2023, AJAE 105(2)): a 10 % fall in farm labour supply cuts production by at most "
              "4.2 % and harvested acreage by at most 2.4 % (elasticities 0.24-0.42); declared uncertain 0 to 0.5"),
    _p("removal_held_share", B, 0.3, 0.0, 1.0, "share",
       "Share of detections of a person with a return decision after which the person is held for removal "
       "(pre-removal detention); the others are released with the order to leave",
       source="Spain: 8,814 CIE internments in 2017, 13-32 % of return orders 2017-2019, and a similar number "
              "expelled from police custody within 72 hours (6,462 vs 4,726 from CIEs in 2013; Defensor del Pueblo, "
              "Fiscalia, SJM reports via press); declared uncertain 0.1 to 0.5"),
    _p("passport_share", B, 0.5, 0.0, 1.0, "share",
       "Share of irregular migrants holding a valid passport, whose removal needs no travel document from the origin",
       source="Germany: 51.8 % of adult first-time asylum applicants had no identity papers (2020); missing "
              "papers the reason for 41 % of tolerated stays (end 2018); declared uncertain 0.3 to 0.7"),
    _p("initial_repeat_share", B, 0.7, 0.0, 0.95, "share",
       "Share of the seasonal workforce at the start that had worked an earlier season (past seasons are "
       "geometric with this ratio)", source=HUELVA + ": about 15,000 repeat workers of 21,500", dynamic=False),
    _p("retirement_age", B, 65, 40, 80, "years", "Age at which a person leaves the working-age population",
       integer=True, dynamic=False),
    _p("entry_age", B, 18, 14, 30, "years", "Age at which new entrants join their community",
       integer=True, dynamic=False),
    _p("pool_expiry_months", B, 24, 1, 120, "months",
       "Months a registration in an origin agency's recruitment pool stays valid", integer=True),
    _p("savings_target_sd", B, 0.4, 0.0, 3.0, "log-EUR",
       "Standard deviation of the log of a person's savings target around the community's typical target",
       source="assumption", dynamic=False),
    _p("skills_transfer_hc", B, 1.1, 1.0, 5.0, "human capital",
       "Human capital (1 at entry) a returnee needs to move up a skill level with skills_transfer", source="assumption"),
    _p("came_back_min_months", B, 9, 1, 60, "months",
       "Shortest gap between a first-time seasonal worker's departure and the next seasonal departure that counts "
       "as coming back the next season (seasonal_came_back)", source="assumption", integer=True, dynamic=False),
    _p("came_back_max_months", B, 15, 1, 60, "months",
       "Longest gap between a first-time seasonal worker's departure and the next seasonal departure that counts "
       "as coming back the next season (seasonal_came_back)", source="assumption", integer=True, dynamic=False),
    # --- origin countries: third-country commitments -----------------------------------
    _p("readmission_cooperation", O, 0.2, 0.0, 1.0, "share",
       "Share of requests for a person without a valid passport that the origin country answers with identification "
       "and a travel document (the link readmission agreements act on)",
       source=ECA + ": non-cooperation of countries of origin is a main obstacle to return; fitted where a return "
              "rate is a target"),
    _p("border_control", O, 0.2, 0.0, 1.0, "probability",
       "Probability that an irregular departure is intercepted by the origin's border control"),
    _p("smuggling_cost", O, 3000.0, 0.0, 50000.0, "EUR", "Price of the irregular route (smugglers, travel)"),
    _p("remittance_share", O, 0.4, 0.0, 1.0, "share", "Share of net income abroad sent home",
       source=IOM + ": 54 % remit, about EUR 331 a month"),
    _p("matching_efficiency", O, 0.6, 0.0, 1.0, "probability",
       "Probability that the origin's employment agency turns an employer's request into a suitable match",
       source="the Communication (capacity assistance; ANAPEC in Morocco)"),
    _p("home_wage_growth", O, 0.02, -0.2, 0.3, "1/year", "Real growth of home wages (decent work and economic conditions)"),
    _p("reintegration_support", O, 0.0, 0.0, 1.0, "coverage", "Coverage of reintegration support for returnees"),
    _p("reintegration_value", O, 2000.0, 0.0, 20000.0, "EUR per supported returnee",
       "What reintegration support is worth to a returnee it covers; it pulls towards voluntary return like a return "
       "bonus of coverage x value (voluntary_bonus per 1000 EUR)",
       source="StarthilfePlus paid EUR 800-1,200 per adult, with a later second instalment (BAMF Forschungsbericht 34, 2019); "
              "reintegration packages of assisted-return programmes are about EUR 1,000-4,000 (docs/ODD.md, phase 8)"),
    _p("return_bonus", O, 0.0, 0.0, 50000.0, "EUR", "Bonus paid on voluntary return"),
    _p("selection_female_only", O, 0, 0, 1, "flag",
       "1: the origin agency recruits only women for seasonal offers", source=HUELVA, integer=True),
    _p("selection_age_min", O, 18, 14, 80, "years", "Youngest age the origin agency recruits", integer=True),
    _p("selection_age_max", O, 45, 14, 80, "years", "Oldest age the origin agency recruits",
       source=HUELVA + ": women aged 18-40", integer=True),
    _p("information_campaign", O, 0.0, 0.0, 1.0, "coverage",
       "Information campaigns: correct the underestimated risk of the irregular route and raise awareness of legal channels"),
    _p("legal_awareness", O, 0.7, 0.0, 1.0, "share", "Share of people who know of the legal channels without a campaign"),
    _p("travel_document_security", O, 0.0, 0.0, 1.0, "probability", "Probability that a fraudulent document is detected"),
    _p("anti_smuggling", O, 0.0, 0.0, 1.0, "intensity", "Anti-smuggling and anti-trafficking action"),
    _p("predeparture_training", O, 0.0, 0.0, 1.0, "coverage", "Share of legal migrants trained before departure"),
    _p("labour_market_information", O, 0.0, 0.0, 1.0, "coverage",
       "Labour-market information given to the origin's employment agency (better matches)"),
    _p("ethical_recruitment_cap", O, 1.0, 0.0, 1.0, "share/year",
       "Ethical recruitment: at most this share of the skilled at home is recruited by legal channels in a year"),
    _p("skilled_return_bonus", O, 0.0, 0.0, 50000.0, "EUR", "Return bonus paid to the skilled (tertiary) on voluntary return"),
    _p("skills_transfer", O, 0.0, 0.0, 1.0, "probability",
       "Skills-transfer programme: probability that a returnee who gained human capital abroad moves up a skill level"),
    _p("common_visa_centre", O, 0, 0, 1, "flag",
       "1: the destinations' consulates share a common visa application centre (pooled, larger capacity)", integer=True),
    # --- origin communities -------------------------------------------------------------
    _p("population_share", C, 1.0, 0.0, 1e9, "weight",
       "Weight of the community in its country's population (normalised over all communities)", dynamic=False),
    _p("home_wage", C, 250.0, 0.0, 1e5, "EUR/month", "Monthly wage at home at the start of the run"),
    _p("unemployment", C, 0.2, 0.0, 1.0, "share", "Unemployment rate at home"),
    _p("share_medium", C, 0.3, 0.0, 1.0, "share", "Share of entrants with medium skill", dynamic=False),
    _p("share_high", C, 0.1, 0.0, 1.0, "share", "Share of entrants with tertiary education (skilled)", dynamic=False),
    _p("female_share", C, 0.5, 0.0, 1.0, "share", "Share of women among entrants", dynamic=False),
    _p("network_share", C, 0.2, 0.0, 1.0, "share", "Share of the initial population with a tie to a network abroad",
       dynamic=False),
    _p("savings_target", C, 3000.0, 0.0, 1e6, "EUR", "Typical savings target of a migrant (individual targets vary)",
       source=IOM + ": more than 90 % save about EUR 3,000 a season"),
    _p("entry_rate", C, 1.0 / 47.0, 0.0, 0.2, "1/year",
       "New working-age entrants per year, as a share of the community's initial population"),
    # --- destinations: admission, enforcement ------------------------------------------
    _p("detection_rate", D, 0.01, 0.0, 1.0, "1/month", "Monthly probability that an irregular person is detected"),
    _p("return_capacity", D, 500.0, 0.0, 1e7, "persons/month", "Enforced returns the destination can carry out per month"),
    _p("ban_years", D, 3, 0, 20, "years", "Re-entry ban after an enforced return", integer=True),
    _p("seasonal_max_months", D, 9, 1, 12, "months", "Maximum months of seasonal stay in any 12",
       source=SEASONAL_DIRECTIVE, integer=True),
    _p("living_cost", D, 300.0, 0.0, 1e5, "EUR/month", "Monthly living cost of a migrant worker"),
    _p("temporary_permit_months", D, 12, 1, 60, "months", "Duration of a temporary work permit", integer=True),
    _p("renewal_probability", D, 0.6, 0.0, 1.0, "probability",
       "Probability that a temporary, highly skilled or research permit is renewed at expiry: the holder meets the "
       "work requirement, with the same employer or another (uncertain: no published renewal rate)",
       source="Spain, RD 557/2011 art. 71: renewed with the same employment, or after 6 months' work a year and a "
       "new contract, or 3 months and a dismissal with active job search, or on unemployment benefit"),
    _p("temporary_renewal_months", D, 24, 1, 60, "months", "Duration of a renewed temporary permit", integer=True,
       source="Spain, RD 557/2011 art. 71: the first permit lasts a year, each renewal two, long-term residence "
       "after five; Italy, TU 286/1998 art. 5: up to two years"),
    _p("offer_validity_months", D, 3, 1, 24, "months",
       "Months a non-seasonal job offer waits for the visa before it is lost", integer=True),
    _p("hs_permit_months", D, 24, 1, 120, "months", "Duration of a highly skilled work permit", integer=True),
    _p("study_months", D, 36, 1, 120, "months", "Duration of studies", integer=True),
    _p("research_months", D, 24, 1, 120, "months", "Duration of a research stay", integer=True),
    _p("training_months", D, 12, 1, 60, "months", "Duration of a remunerated traineeship", integer=True),
    _p("former_resident_years", D, 1.0, 0.0, 10.0, "years",
       "Continuous legal residence after which a person counts as a former legal resident (facilitated "
       "re-admission; a highly skilled or research stay counts at once)",
       source="the Communication: facilitated re-admission for former legal residents; length assumed"),
    _p("ltr_years", D, 5, 1, 20, "years", "Continuous legal residence needed for long-term resident status",
       source="Directive 2003/109/EC: 5 years", integer=True),
    _p("reunification_min_years", D, 1.0, 0.0, 5.0, "years",
       "Legal residence a sponsor needs before bringing a family member (long-term residents qualify at once)",
       source="Directive 2003/86/EC art. 8 (up to 2 years); Spain, Organic Law 4/2000 art. 18: one year"),
    _p("family_renewal_probability", D, 0.95, 0.0, 1.0, "probability",
       "Probability that a family residence permit is renewed at expiry (it needs no job)",
       source="assumption: renewal follows the sponsor's residence; no published refusal rate found"),
    _p("allowed_absence_months", D, 12, 1, 120, "months",
       "Absence from the EU a long-term resident may take without losing the status",
       source="Directive 2003/109/EC: 12 consecutive months", integer=True),
    _p("inspection_rate", D, 0.01, 0.0, 1.0, "1/year",
       "Share of employers in seasonal and temporary work that labour inspectors visit a year (irregular workers "
       "found are detected; the employer is fined and excluded)",
       source="Italy 2024: 8,847 agricultural inspections, under 1 % of farms (INL data via Fondazione Metes)"),
    _p("employer_fine", D, 10001.0, 0.0, 1e6, "EUR per worker",
       "Fine per irregular worker found at an inspected employer",
       source="Spain, Ley Organica 4/2000 art. 54.1.d and 55: EUR 10,001 to 100,000 per worker"),
    _p("exclusion_years", D, 5, 0, 20, "years",
       "Years an employer found with irregular workers may not recruit through the legal channels",
       source="Directive 2009/52/EC art. 7: exclusion from public benefits, aid and procurement for up to 5 years",
       integer=True),
    _p("work_permit_fee", D, 0.0, 0.0, 1e5, "EUR per permit",
       "Fee an employer pays for each new work authorisation (a multi-annual seasonal permit pays it once for its "
       "years)"),
    _p("regularisation", D, 0, 0, 1, "flag", "1 in a month when a regularisation programme runs (set it by the timeline)",
       integer=True),
    _p("regularisation_min_months", D, 12, 0, 240, "months", "Months present needed to be regularised", integer=True),
    _p("regularisation_employment", D, 1, 0, 1, "flag", "1: only irregular persons with an employer are regularised",
       integer=True),
    _p("arraigo_min_months", D, 0, 0, 240, "months",
       "Continuous regularisation (Spain's arraigo): months present after which an irregular person who works (an "
       "employer or the month's informal job) and has no return decision may be regularised in any month; 0: the "
       "destination has no such route",
       integer=True, source="Spain, RD 557/2011 art. 124: arraigo social after 3 years' residence with a job contract "
       "(arraigo laboral after 2); Italy regularises only by programmes (2002, 2009, 2012, 2020)"),
    _p("arraigo_rate", D, 0.9, 0.0, 1.0, "probability per year",
       "Probability a year that an eligible irregular person is regularised by arraigo",
       source="OPI: mean 2.8 years in irregularity before an arraigo permit (2023), 3.5 for Bolivians (2009), "
       "against a 2-3 year minimum: about half a year from eligibility to the permit"),
    # --- destination sectors (markets) ---------------------------------------------------
    _p("channel", M, 0, 0, 6, "code",
       "How the sector recruits: 0 seasonal, 1 temporary (all year), 3 highly skilled, 4 student (universities), "
       "5 researcher (institutes), 6 trainee; names may be written instead of codes", integer=True, dynamic=False),
    _p("season_start", M, 2, 1, 12, "month of year", "Calendar month the season (or academic year) starts",
       integer=True, source=HUELVA),
    _p("season_months", M, 3, 1, 12, "months", "Length of the season", integer=True,
       source=HUELVA + ": about 3 months"),
    _p("recruitment_lead", M, 3, 1, 11, "months", "Months before the season start that employers recruit", integer=True),
    _p("demand", M, 10000.0, 0.0, 1e8, "persons",
       "Migrant workers the sector's employers want at peak (for student, researcher and trainee sectors: places)"),
    _p("wage", M, 900.0, 0.0, 1e5, "EUR/month", "Monthly wage of a legal worker",
       source=HUELVA + ": about EUR 35 a day"),
    _p("employers", M, 50, 1, 100000, "firms", "Number of employers in the sector", integer=True, dynamic=False),
    _p("rehire_propensity", M, 0.6, 0.0, 1.0, "probability", "Mean probability an employer offers a former worker a new contract"),
    _p("compliance", M, 0.85, 0.0, 1.0, "probability", "Mean probability an employer refuses irregular workers when short"),
    _p("employer_size_sd", M, 0.7, 0.0, 3.0, "log-share",
       "Standard deviation of the log of an employer's share of its sector's demand (lognormal employer sizes)",
       source="assumption", dynamic=False),
    _p("employer_trait_sd", M, 0.1, 0.0, 1.0, "probability",
       "Standard deviation of an employer's rehire propensity and compliance around the sector's means",
       source="assumption", dynamic=False),
    _p("recruitment_cost", M, 0.0, 0.0, 1e5, "EUR per recruit",
       "Cost to the employer of bringing a worker for a stay (travel, agency, administration; not the permit fee)"),
    _p("employer_wage_sd", M, 0.05, 0.0, 1.0, "log-wage",
       "Standard deviation of an employer's log pay around the sector's wage (lognormal, mean 1)",
       source="firm pay premia: sd of firm wage effects about 0.1-0.2 across all firms (Card, Heining & Kline 2013); "
              "assumed smaller within a sector under a collective agreement", dynamic=False),
    _p("domestic_supply", M, 0.0, 0.0, 1e8, "persons",
       "Domestic and EU workers available to the sector (unemployed and mobile EU workers who would take its jobs at "
       "a high enough wage); those whose reservation wage is below the wage queue before third-country workers",
       source="Community preference (Council Resolution of 20 June 1994; the labour-market test of national law)"),
    _p("reservation_wage", M, 1000.0, 1.0, 1e5, "EUR/month",
       "Median reservation wage of the sector's domestic and EU labour supply (log-logistic)",
       source="assumption, declared uncertain: Huelva's regional job service drew 840 applicants for 11,900 harvest "
              "posts (2017/18) and 970 for 23,000 (2019) in a province with about 25 % unemployment"),
    _p("reservation_wage_scale", M, 1.0, 0.01, 3.0, "log-wage",
       "Scale of the logistic distribution of the log reservation wages of the domestic and EU supply (standard "
       "deviation = scale x 1.81); the willing share's wage elasticity is (1 - share) / scale",
       source="no published point elasticity (Hill, Ornelas & Taylor 2021: estimates sparse; wages had no significant "
              "effect on US farm workers' labour supply); declared uncertain 0.3 to 3"),
    _p("community_preference", M, 1.0, 0.0, 1.0, "share",
       "Share of the domestic and EU workers willing at the sector's wage who are hired before third-country workers "
       "(the reach of the labour-market test; 1: Community preference applied in full, 0: not applied)",
       source="the Communication: circular migration schemes respect the principle of Community preference"),
    # --- corridors (origin x destination pairs: bilateral agreements) --------------------
    _p("quota_seasonal", K, 1e7, 0.0, 1e8, "persons/year", "Seasonal-scheme offers per calendar year (partnership quota)"),
    _p("quota_temporary", K, 1e7, 0.0, 1e8, "persons/year", "Temporary-work offers per calendar year"),
    _p("quota_highly_skilled", K, 1e7, 0.0, 1e8, "persons/year", "Highly skilled admissions per calendar year"),
    _p("quota_student", K, 1e7, 0.0, 1e8, "persons/year", "Student visas per calendar year"),
    _p("quota_researcher", K, 1e7, 0.0, 1e8, "persons/year", "Researcher visas per calendar year"),
    _p("quota_trainee", K, 1e7, 0.0, 1e8, "persons/year", "Trainee visas per calendar year"),
    _p("consular_capacity", K, 2000.0, 0.0, 1e7, "applications/month", "Applications the consulate decides per month"),
    _p("refusal_rate", K, 0.05, 0.0, 1.0, "share", "Share of applications refused"),
    _p("visa_fee", K, 60.0, 0.0, 1e4, "EUR", "Fee of a visa / permit application"),
    _p("seasonal_permit_years", K, 1, 1, 5, "years",
       "Validity of a seasonal permit: 1 = single season; 2-5 = multi-annual, multi-entry",
       source="the Communication; " + SEASONAL_DIRECTIVE, integer=True),
    _p("rehire_priority", K, 0.0, 0.0, 1.0, "share",
       "Scheme priority for former workers: closes this share of the gap between the employer's rehire propensity and 1"),
    _p("irregular_route_share", K, 1.0, 0.0, 1e6, "weight", "Weight of this destination among irregular entrants from the origin"),
    _p("recruitment_share", K, 1.0, 0.0, 1e6, "weight", "Weight of this origin in the destination's recruitment of new workers"),
    _p("facilitated_readmission", K, 0, 0, 1, "flag",
       "1: former legal residents re-admitted without quota or consular queue (highly skilled, temporary, research)",
       source="the Communication (highly skilled directive proposal)", integer=True),
    _p("free_access_years", K, 0, 0, 20, "years",
       "Free labour-market access after this many years of legal employment (0: none)",
       source="EU-Turkey association: 4 years", integer=True),
    _p("consular_hours", K, 1.0, 0.0, 3.0, "ratio", "Opening hours of the consulate relative to the standard (capacity multiplier)"),
    _p("fee_exemption", K, 0.0, 0.0, 1.0, "share", "Share of applicants exempted from the visa fee"),
    _p("multiple_entry_visa_years", K, 0, 0, 5, "years",
       "Validity of a multiple-entry short-stay visa given to returnees with a clean record (0: none)",
       source="common consular instructions: up to 5 years", integer=True),
    _p("facilitation_agreement", K, 0, 0, 1, "flag",
       "1: students, researchers, trainees and bona fide returnees are decided first and pay no fee", integer=True),
    # --- the diaspora at the start (initial state; see docs/ODD.md section 3.1) ----------
    _p("diaspora_long_term", K, 0.0, 0.0, 1e8, "persons",
       "Long-term residents from the origin living in the destination at the start (working age, modelled communities)",
       source="national stocks (INE, ISTAT, OPI, ANPAL; shared/TARGETS.md) scaled to the modelled communities",
       dynamic=False),
    _p("diaspora_irregular", K, 0.0, 0.0, 1e8, "persons",
       "Irregular residents from the origin in the destination at the start (working age, modelled communities)",
       source="no register: an assumption stated in the scenario", dynamic=False),
    _p("diaspora_returnees", K, 0.0, 0.0, 1e8, "persons",
       "Former migrants to the destination living at home at the start (working age, modelled communities)",
       dynamic=False),
    _p("diaspora_years_abroad", K, 8.0, 0.0, 40.0, "years",
       "Mean years abroad of the long-term and irregular residents at the start (exponential, within working age; "
       "long-term residents have at least ltr_years)", dynamic=False),
]

BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}
assert len(BY_NAME) == len(PARAMS), "duplicate parameter name"


def of_scope(scope: str) -> list[Param]:
    """The parameters of one scope, in declaration order."""
    return [p for p in PARAMS if p.scope == scope]

# Top-level (run) keys of a scenario file; not time-varying.
RUN_KEYS = {
    "name": "Short name of the scenario",
    "description": "What the scenario is for",
    "extends": "Scenario this one starts from (bundled name or path)",
    "start": "First month of the recorded run, YYYY-MM",
    "years": "Years recorded (1 to 100)",
    "burn_in_years": "Years simulated before start and not recorded (0 to 50)",
    "persons": "Number of person agents (100 to 50,000,000)",
    "population": "Real working-age population they stand for (scale = population / persons)",
    "resolution_persons": "Fewest agents at which the scenario's headline indicators agree with four times as many "
                          "(measured, docs/VALIDATION.md); a run with fewer gets a warning (0: not measured)",
}


def markdown_table() -> str:
    """The parameter reference as Markdown (docs/PARAMETERS.md is this, generated)."""
    lines = ["# Parameters", "",
             "Generated from `src/circsim/scenario/params.py` by `circsim params --markdown`; do not edit by hand.",
             "Every parameter can be set in a scenario file, with `--set`, and (unless marked structural)",
             "changed at a date through the scenario's `[[timeline]]`.", ""]
    tables = {"behaviour": "[behaviour]", "origin": "[origins.NAME]", "community": "[origins.NAME.communities.NAME]",
              "destination": "[destinations.NAME]", "market": "[destinations.NAME.sectors.NAME]",
              "corridor": "[corridors.ORIGIN.DESTINATION]"}
    for scope in SCOPES:
        lines += [f"## {scope} — `{tables[scope]}`", "",
                  "| parameter | default | range | unit | description | source |", "|---|---|---|---|---|---|"]
        for p in of_scope(scope):
            default = f"{int(p.default)}" if p.integer else f"{p.default:g}"
            note = "" if p.dynamic else " (structural: fixed for the run)"
            lines.append(f"| `{p.name}` | {default} | {p.range_text} | {p.unit} | {p.description}{note} | {p.source} |")
        lines.append("")
    return "\n".join(lines)
