"""The scenarios of fhir-samples/: data and hand-computed expectations, each with its reasoning.

asOf = 2025-06-15T12:00:00Z for every sample; the evaluation window is (2025-06-14T12:00Z, 2025-06-15T12:00Z].
Times below are UTC, written 'MM-DD HH:MM' (year 2025). Section numbers (§) refer to CRS-SPEC.md.
"""
from __future__ import annotations

import datetime as dt

from samplekit import ASOF, NDC, RXNORM, SCT, LOCAL_PROC, Expected, Sample, T, cc

NONE = ("none-found", [])


def no_car_t() -> Sample:
    s = Sample("no-car-t-ineligible.json", "crs-no-car-t", "s01", "No CAR-T infusion: fever during bridging, leukapheresis only",
               "Bridging", "1961-09-14", "male")
    s.disease("dlbcl", "2024-10-02 00:00")
    s.procedure("apheresis", cc(LOCAL_PROC, "APHERESIS-CART", "Leukapheresis for CAR-T cell manufacturing",
                                "Leukapheresis for CAR-T cell manufacturing"), T("06-02 08:00"), T("06-02 12:00"))
    s.background("06-13 14:00", temps={"06-15 02:00": 38.4, "06-15 06:00": 38.1})
    s.weight(T("06-13 15:00"), 79.2)
    s.daily_labs("06-14", "06-15")
    s.acetaminophen("06-15 02:30")
    s.penicillin_allergy()
    s.expected = Expected(eligible=False, day=None, cards=0)
    s.why = [
        "No CAR-T product administration and no CAR-T infusion Procedure: T0 does not exist, so the patient is not eligible and the answer is `{\"cards\": []}` (§1).",
        "The leukapheresis Procedure names CAR-T but is not an infusion, so it never counts (§9.33). The fever of 38.4 °C changes nothing.",
    ]
    return s


def day2_afebrile() -> Sample:
    t0 = T("06-13 10:00")
    s = Sample("car-t-day2-afebrile.json", "crs-day2-afebrile", "s02", "Axi-cel day 2, no fever (37.9 °C at most)",
               "Afebrile", "1966-05-19", "female")
    s.disease("dlbcl", "2024-08-12 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-12 18:00", temps={"06-14 18:00": 37.6, "06-15 06:00": 37.9})
    s.weight(T("06-12 19:00"), 84.2)
    s.daily_labs("06-13", "06-15")
    s.no_known_allergies()
    s.expected = Expected(True, 2, 1, (0, 0, 0), (0, 0, 0), (0, 0, 0), False, NONE, NONE, None,
                          "grade 0", 0, 0)
    s.why = [
        "T0 = 06-13 10:00 (axi-cel); asOf − T0 = 50 h → day 2 (§1).",
        "Highest temperature in the window is 37.9 °C (06-15 06:00): not a fever (38.0 qualifies, 37.9 does not, §3). No fever ever after T0, so no waiver; the premedication acetaminophen precedes any fever and never waives (§3).",
        "CRS absent → grade 0 in all systems; temperatures and pressures are present in the window, so the upper bound is 0 (§9.27). Peak 0.",
        "No fever → no infection reason; the infusion is 50 h old, outside the 6 h exposure window → no anaphylaxis. Grade 0 → no tocilizumab. One card (CRS, info).",
    ]
    return s


def grade1() -> Sample:
    t0 = T("06-12 09:00")
    s = Sample("astct-grade1-fever-only.json", "crs-g1-fever", "s03", "ASTCT grade 1: fever only, room air, normal pressure",
               "FeverOnly", "1958-11-02", "male")
    s.disease("dlbcl", "2024-06-01 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("tisa-cel", t0)
    s.background("06-11 18:00", temps={"06-14 18:00": 38.3, "06-14 22:00": 38.9, "06-15 02:00": 38.6, "06-15 06:00": 38.1,
                                       "06-15 10:00": 38.0})
    s.acetaminophen("06-14 18:30", "06-15 02:30", "06-15 10:30")
    s.weight(T("06-11 19:00"), 70.8)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-14": 34.0, "06-15": 96.0}, "ferritin": {"06-15": 1450}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 1, (1, 1, 1), (1, 1, 1), (1, 1, 1), False, NONE, NONE, None,
                          "grade 1", 0, 0)
    s.why = [
        "T0 = 06-12 09:00 (tisa-cel); 75 h → day 3.",
        "Fever in the window (38.3–38.9 °C; 38.0 °C at 10:00 also qualifies). No hypotension (SBP ≥ 108, MAP ≥ 78), no oxygen recorded (→ room air), no vasopressor → ASTCT 1, Lee 1, CTCAE 1 (§3, §4). Organ labs are normal with ULNs → no Lee organ grade.",
        "Nothing missing → upper bound = grade. Peak 1 (no window ever had more than fever).",
        "Fever but ANC ≥ 1.1, no culture, no procalcitonin/lactate → infection none-found (the CRS card still says infection is not excluded). Grade 1 → supportive care, no tocilizumab (§6, §9.24). One card.",
    ]
    return s


def grade2_hypotension() -> Sample:
    t0 = T("06-12 16:00")
    s = Sample("astct-grade2-hypotension.json", "crs-g2-hypotension", "s04", "ASTCT grade 2: fever + hypotension, fluids only",
               "Hypotension", "1970-02-27", "male")
    s.disease("dlbcl", "2024-09-15 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-12 02:00",
                 temps={"06-14 16:00": 39.1, "06-14 18:00": 38.9, "06-14 22:00": 38.6, "06-15 02:00": 38.8, "06-15 06:00": 38.4,
                        "06-15 10:00": 38.2},
                 bps={"06-15 04:00": (84, 50, 61), "06-15 06:00": (92, 49, 63), "06-15 10:00": (98, 60, 73)},
                 spo2s={"06-15 04:00": 95})
    s.fluids("06-15 04:15", 1000)
    s.fluids("06-15 06:15", 500)
    s.acetaminophen("06-14 16:30", "06-15 00:30", "06-15 08:30")
    s.blood_culture(T("06-14 16:20"), status="preliminary", text="No growth to date")
    s.lab(T("06-15 04:30"), "lactate", 1.8)
    s.weight(T("06-12 03:00"), 78.0)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-15": 142.0}, "ferritin": {"06-15": 2100}})
    s.penicillin_allergy()
    s.expected = Expected(True, 2, 1, (2, 2, 2), (2, 2, 2), (2, 2, 2), False, NONE, NONE, 624,
                          "8 mg/kg × 78.0 kg = 624 mg", 0, 0)
    s.why = [
        "T0 = 06-12 16:00 (axi-cel); 68 h → day 2.",
        "Fever 38.2–39.1 °C in the window. 06-15 04:00 SBP 84 (< 90) and 06:00 MAP 63 (< 65, adult) → hypotension; fluids only, no vasopressor → ASTCT 2, Lee 2 (hypotension responsive to fluids = hypotension without vasopressor, §9.14), CTCAE 2.",
        "Room air (no oxygen data), nothing missing → upper bound 2. Peak 2.",
        "Tocilizumab: none given, weight 78.0 kg (06-12) → 8 mg/kg = 624 mg (§6).",
        "Blood culture 'No growth to date' (preliminary) is not positive (§9.39); lactate 1.8 < 4 → infection none-found. No exposure within 6 h of the hypotension → anaphylaxis none-found. One card.",
    ]
    return s


def grade2_low_flow() -> Sample:
    t0 = T("06-08 11:00")
    s = Sample("astct-grade2-low-flow-oxygen.json", "crs-g2-low-flow-o2", "s05", "ASTCT grade 2: fever + nasal cannula 2–4 L/min (cilta-cel, day 7)",
               "LowFlow", "1955-12-10", "female")
    s.disease("myeloma", "2021-03-04 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("cilta-cel", t0)
    s.background("06-07 22:00",
                 temps={"06-14 14:00": 38.7, "06-14 18:00": 39.0, "06-14 22:00": 38.4, "06-15 02:00": 38.5, "06-15 06:00": 38.2,
                        "06-15 10:00": 37.9},
                 spo2s={"06-15 02:00": 91, "06-15 02:10": (94, 2.0), "06-15 06:00": (92, 4.0), "06-15 10:00": (95, 4.0)})
    s.device(T("06-15 02:00"), "room-air")
    for t in ("06-15 02:10", "06-15 06:00", "06-15 10:00"):
        s.device(T(t), "nasal-cannula")
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30")
    s.weight(T("06-07 19:00"), 70.5)
    s.daily_labs("06-08", "06-15", overrides={"crp": {"06-15": 88.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 7, 1, (2, 2, 2), (2, 2, 2), (2, 2, 2), False, NONE, NONE, 564,
                          "8 mg/kg × 70.5 kg = 564 mg", 0, 0)
    s.why = [
        "T0 = 06-08 11:00 (cilta-cel, median onset day 7); 169 h → day 7.",
        "Fever in the window. Nasal cannula recorded with a flow of 2 then 4 L/min (device and flow in the same minute → one event, §9.9): ≤ 6 L/min → ASTCT 2.",
        "Lee/CTCAE: nasal cannula with flow → FiO2 = 21 + 4 × 4 = 37 % < 40 → 2 (§9.13); device recorded → no bound raised. Pressures normal. All 2/2, peak 2.",
        "Tocilizumab: 8 mg/kg × 70.5 kg = 564 mg. Infection and anaphylaxis none-found. One card.",
    ]
    return s


def grade3_one_vasopressor() -> Sample:
    t0 = T("06-12 11:00")
    s = Sample("astct-grade3-one-vasopressor.json", "crs-g3-one-vasopressor", "s06",
               "ASTCT grade 3: fever, hypotension, one low-dose norepinephrine (Lee 2, CTCAE 3)",
               "OnePressor", "1963-07-21", "male")
    s.disease("dlbcl", "2023-12-01 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-14 08:00": 38.4, "06-14 10:00": 38.2, "06-14 14:00": 39.2, "06-14 18:00": 39.4, "06-14 22:00": 38.9,
                        "06-15 02:00": 37.8, "06-15 06:00": 37.2, "06-15 10:00": 36.9},
                 bps={"06-14 21:30": (86, 52, 63), "06-15 02:00": (82, 48, 59), "06-15 04:00": (96, 58, 71),
                      "06-15 06:00": (104, 62, 76), "06-15 10:00": (108, 64, 79)})
    s.fluids("06-14 21:45", 1000)
    s.tocilizumab("06-14 22:00", 640)
    s.fluids("06-15 02:15", 500)
    s.med("norepinephrine", T("06-15 03:00"), None, status="in-progress", rate=(0.08, "mcg/kg/min", "ug/kg/min"),
          text="norepinephrine 4 mg/250 mL at 0.08 mcg/kg/min, titrate to MAP >= 65")
    s.acetaminophen("06-14 08:30", "06-14 14:30")
    s.blood_culture(T("06-14 14:20"), status="preliminary", text="No growth to date")
    s.lab(T("06-15 02:30"), "lactate", 2.4)
    s.weight(T("06-11 19:00"), 80.0)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-14": 120.0, "06-15": 186.0}, "ferritin": {"06-15": 3400}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 1, (3, 3, 3), (2, 2, 2), (3, 3, 3), False, NONE, NONE, 640,
                          "8 mg/kg × 80.0 kg = 640 mg; last dose 14 h ago", 1, 1)
    s.why = [
        "T0 = 06-12 11:00 (axi-cel); 73 h → day 3.",
        "Fever 38.9–39.4 °C in the window (before tocilizumab) → CRS present, feverWaived false (there is a fever in the window, §9.10).",
        "SBP 86 and 82; norepinephrine running since 06-15 03:00 (in-progress → counts to asOf) → ASTCT 3 (one vasopressor), CTCAE 3 (exactly one agent).",
        "Lee: rate 0.08 µg/kg/min × 80.0 kg = 6.4 µg/min < 20 → low dose of one vasopressor → 2; rate known → upper bound 2 (§4, §9.15). Systems disagree: 3 / 2 / 3.",
        "Tocilizumab: one dose 06-14 22:00 (14 h ago: ≥ 8 h, 1 in 24 h, 1 in total) → a new dose is allowed: 8 × 80.0 = 640 mg.",
        "Anaphylaxis: the hypotension and the norepinephrine start follow tocilizumab by 4–5 h, but after an anti-cytokine antibody only skin/respiratory signs count (§9.38) → none-found. Culture 'no growth to date' is not positive; lactate 2.4 → infection none-found. One card.",
    ]
    return s


def grade3_face_mask() -> Sample:
    t0 = T("06-11 10:00")
    s = Sample("astct-grade3-face-mask.json", "crs-g3-face-mask", "s07", "ASTCT grade 3: fever, nasal cannula then simple face mask 8 L/min",
               "FaceMask", "1957-04-08", "male")
    s.disease("dlbcl", "2024-02-19 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("liso-cel", t0)
    s.background("06-10 18:00",
                 temps={"06-14 14:00": 38.9, "06-14 18:00": 39.3, "06-14 22:00": 39.1, "06-15 02:00": 38.8, "06-15 06:00": 38.5,
                        "06-15 10:00": 38.3},
                 spo2s={"06-14 22:00": (92, 3.0), "06-15 02:00": (93, 3.0), "06-15 05:00": (89, 4.0), "06-15 05:20": (93, 8.0),
                        "06-15 06:00": (94, 8.0), "06-15 10:00": (94, 8.0)})
    for t in ("06-14 22:00", "06-15 02:00", "06-15 05:00"):
        s.device(T(t), "nasal-cannula")
    for t in ("06-15 05:20", "06-15 06:00", "06-15 10:00"):
        s.device(T(t), "simple-mask")
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30")
    s.weight(T("06-10 19:00"), 91.3)
    s.daily_labs("06-11", "06-15", overrides={"crp": {"06-15": 164.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 4, 1, (3, 3, 3), (3, 3, 3), (3, 3, 3), False, NONE, NONE, 730,
                          "8 mg/kg × 91.3 kg = 730.4 → 730 mg", 0, 0)
    s.why = [
        "T0 = 06-11 10:00 (liso-cel, name only); 98 h → day 4.",
        "Fever in the window. Nasal cannula 3–4 L/min (ASTCT 2) then a simple face mask at 8 L/min from 06-15 05:20 → any face mask → ASTCT 3.",
        "Lee/CTCAE: simple mask without a recorded FiO2 → FiO2 ≥ 40 % → 3 (§9.13). Pressures normal. All 3/3, peak 3.",
        "Tocilizumab: none given; 8 × 91.3 kg = 730.4 → 730 mg (rounded to the nearest mg, §9.5). Infection and anaphylaxis none-found. One card.",
    ]
    return s


def grade4_two_vasopressors() -> Sample:
    t0 = T("06-12 08:00")
    s = Sample("astct-grade4-two-vasopressors.json", "crs-g4-two-vasopressors", "s08",
               "ASTCT grade 4: norepinephrine + phenylephrine overlapping (Lee 3, CTCAE 4)", "TwoPressors", "1960-10-30", "female")
    s.disease("dlbcl", "2023-05-05 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-13 22:00": 38.6, "06-14 02:00": 39.0, "06-14 06:00": 39.4, "06-14 10:00": 39.6, "06-14 14:00": 39.8,
                        "06-14 18:00": 39.2, "06-14 22:00": 38.4, "06-15 02:00": 37.8, "06-15 06:00": 37.4, "06-15 10:00": 37.1},
                 bps={"06-14 16:00": (84, 46, 58), "06-14 18:00": (88, 50, 63), "06-14 20:00": (86, 48, 61), "06-14 22:00": (94, 54, 67),
                      "06-15 01:00": (86, 50, 62), "06-15 02:00": (96, 56, 69), "06-15 06:00": (98, 58, 71), "06-15 10:00": (100, 60, 73)})
    toci = s.medication_resource("tocilizumab", cc(RXNORM, "612865", "tocilizumab", "Tocilizumab (Actemra) IV"))
    s.fluids("06-14 16:15", 1000)
    s.tocilizumab("06-14 17:00", 685, medication=toci)
    s.med("norepinephrine", T("06-14 20:00"), T("06-15 02:00"), rate=(10, "mcg/min", "ug/min"),
          text="norepinephrine 8 mg/250 mL at 10 mcg/min")
    s.med("norepinephrine", T("06-15 02:00"), None, status="in-progress", rate=(14, "mcg/min", "ug/min"),
          text="norepinephrine 8 mg/250 mL increased to 14 mcg/min")
    s.tocilizumab("06-15 01:00", 685, medication=toci)
    s.med("phenylephrine", T("06-15 01:00"), None, status="in-progress", rate=(100, "mcg/min", "ug/min"),
          text="phenylephrine 40 mg/250 mL at 100 mcg/min")
    s.dexamethasone("06-14 21:00", "06-15 03:00", "06-15 09:00")
    s.acetaminophen("06-13 22:30", "06-14 06:30", "06-14 14:30")
    s.blood_culture(T("06-13 22:20"), status="preliminary", text="No growth to date")
    s.lab(T("06-14 05:30"), "procalcitonin", 0.3)
    s.lab(T("06-15 02:30"), "lactate", 3.1)
    s.weight(T("06-11 19:00"), 85.6)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-14": 150.0, "06-15": 240.0}, "ferritin": {"06-15": 5200}})
    s.no_known_allergies()
    s.expected = Expected(True, 3, 1, (4, 4, 4), (3, 3, 3), (4, 4, 4), False, NONE, NONE, 685,
                          "8 mg/kg × 85.6 kg = 684.8 → 685 mg; 2 doses in 24 h, last 11 h ago", 2, 2)
    s.why = [
        "T0 = 06-12 08:00 (axi-cel); 76 h → day 3.",
        "Fever in the window (39.8 °C at 14:00, 38.4 °C at 22:00) → feverWaived false even though dexamethasone and tocilizumab followed.",
        "Norepinephrine (10 then 14 µg/min, chained) and phenylephrine (100 µg/min from 06-15 01:00) overlap → two different non-vasopressin agents → ASTCT 4; CTCAE 4 (two agents).",
        "Lee: multiple vasopressors → 3 (and high-dose: NE-eq = 14 + 100/10 = 24 ≥ 20 for ≥ 3 h, §9.30). Lee has no grade 4 without positive pressure or grade 4 organ toxicity → 3/3. Systems disagree: 4 / 3 / 4.",
        "Tocilizumab: doses at 06-14 17:00 and 06-15 01:00 (8 h apart): 2 in 24 h, 2 in total, last 11 h ago → allowed: 8 × 85.6 = 684.8 → 685 mg.",
        "Anaphylaxis: vasopressors started within 6 h after tocilizumab, but after an anti-cytokine antibody hypotension is not a sign (§9.38) → none-found. Lactate 3.1, procalcitonin 0.3, culture pending → infection none-found. One card.",
    ]
    return s


def grade4_bipap() -> Sample:
    t0 = T("06-11 14:00")
    s = Sample("astct-grade4-bipap.json", "crs-g4-bipap", "s09", "ASTCT grade 4: fever, escalating oxygen to BiPAP (Procedure, open period)",
               "Bipap", "1963-01-08", "male")
    s.disease("dlbcl", "2022-11-11 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("tisa-cel", t0)
    s.background("06-10 22:00",
                 temps={"06-13 22:00": 38.5, "06-14 02:00": 38.9, "06-14 06:00": 39.2, "06-14 10:00": 39.4, "06-14 14:00": 39.5,
                        "06-14 18:00": 39.1, "06-14 22:00": 38.2, "06-15 02:00": 37.6, "06-15 06:00": 37.4, "06-15 10:00": 37.2},
                 spo2s={"06-14 20:00": (92, 4.0), "06-14 22:00": (91, 5.0), "06-15 01:00": (90, 15.0), "06-15 02:00": (91, 15.0),
                        "06-15 06:00": (88, 15.0), "06-15 07:00": (93, None, 60), "06-15 10:00": (95, None, 50)})
    for t in ("06-14 20:00", "06-14 22:00"):
        s.device(T(t), "nasal-cannula")
    for t in ("06-15 01:00", "06-15 02:00", "06-15 06:00"):
        s.device(T(t), "non-rebreather")
    for t in ("06-15 07:00", "06-15 10:00"):
        s.device(T(t), "bipap")
    s.procedure("bipap", cc(SCT, "243142003", "Dual pressure spontaneous ventilation support", "BiPAP (bilevel positive airway pressure)"),
                T("06-15 06:30"), None, status="in-progress")
    s.tocilizumab("06-14 15:00", 546)
    s.dexamethasone("06-15 01:30", "06-15 07:30")
    s.acetaminophen("06-14 02:30", "06-14 10:30")
    s.weight(T("06-10 23:00"), 68.2)
    s.daily_labs("06-11", "06-15", overrides={"crp": {"06-14": 180.0, "06-15": 210.0}, "ferritin": {"06-15": 4100}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 1, (4, 4, 4), (4, 4, 4), (4, 4, 4), False, NONE, NONE, 546,
                          "8 mg/kg × 68.2 kg = 545.6 → 546 mg; 1 dose 21 h ago", 1, 1)
    s.why = [
        "T0 = 06-11 14:00 (tisa-cel); 94 h → day 3.",
        "Fever in the window (39.5 °C 06-14 14:00, 38.2 °C at 22:00).",
        "Oxygen: nasal cannula 4–5 L/min, non-rebreather 15 L/min, then BiPAP (Procedure 243142003 in-progress from 06-15 06:30, no end → counts over its period, §9.34; also charted as a device with FiO2 60 % and 50 %) → positive pressure → ASTCT 4, Lee 4, CTCAE 4.",
        "Nothing raises a bound above 4. Peak 4.",
        "Tocilizumab: one dose 06-14 15:00 (21 h ago) → allowed: 8 × 68.2 = 545.6 → 546 mg (plus methylprednisolone for grade 4). Infection and anaphylaxis none-found. One card.",
    ]
    return s


def fever_waived_toci() -> Sample:
    t0 = T("06-12 11:30")
    s = Sample("fever-waived-after-tocilizumab.json", "crs-fever-waived-toci", "s10",
               "Fever waived: afebrile after tocilizumab, now on norepinephrine with no charted rate", "Waived", "1967-03-14", "female")
    s.disease("dlbcl", "2024-01-09 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-13 18:00": 38.4, "06-13 22:00": 38.9, "06-14 02:00": 39.2, "06-14 06:00": 38.8, "06-14 10:00": 38.7,
                        "06-14 14:00": 37.7, "06-14 18:00": 37.3, "06-14 22:00": 37.1, "06-15 02:00": 36.9, "06-15 06:00": 37.0,
                        "06-15 10:00": 36.8},
                 bps={"06-15 00:30": (86, 50, 62), "06-15 02:00": (94, 56, 69), "06-15 06:00": (104, 60, 75), "06-15 10:00": (106, 62, 77)})
    s.acetaminophen("06-13 18:30", "06-14 02:30")
    s.tocilizumab("06-14 11:00", 576)
    s.fluids("06-15 00:45", 1000)
    s.med("norepinephrine", T("06-15 01:30"), None, status="in-progress",
          text="norepinephrine infusion, titrate to MAP >= 65 (rate not charted)")
    s.weight(T("06-11 19:00"), 72.0)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-14": 160.0, "06-15": 95.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 3, 1, (3, 3, 3), (2, 3, 2), (3, 3, 3), True, NONE, NONE, 576,
                          "8 mg/kg × 72.0 kg = 576 mg; last dose 25 h ago", 0, 1)
    s.why = [
        "T0 = 06-12 11:30 (axi-cel); 72.5 h → day 3.",
        "No temperature ≥ 38.0 °C in the window (max 37.7 °C). Last fever 38.7 °C at 06-14 10:00 (≥ T0); tocilizumab started after it at 06-14 11:00, within 7 days → fever waived, CRS present (§3, §9.10).",
        "SBP 86 at 06-15 00:30; norepinephrine in-progress since 01:30 → ASTCT 3, CTCAE 3 (one agent).",
        "Lee: one vasopressor with no rate, running 10.5 h (≥ 3 h, so it could have been high-dose) → grade 2, upper bound 3 (§4, §9.15).",
        "Peak: the window ending 06-15 02:00 still holds the 06-14 06:00–10:00 fevers plus the hypotension and norepinephrine → 3 / 2 / 3 (peak uses the grade, not the bound).",
        "Tocilizumab: one dose 25 h ago (outside 24 h, 1 in total) → allowed: 8 × 72.0 = 576 mg. No measured fever → no febrile-neutropenia check; tocilizumab was 13.5 h before the hypotension → anaphylaxis none-found. One card.",
    ]
    return s


def fever_masked_apap() -> Sample:
    t0 = T("06-13 09:00")
    s = Sample("fever-masked-by-acetaminophen.json", "crs-fever-masked-apap", "s11",
               "Waiver with no other sign: afebrile on scheduled acetaminophen → grade 0, upper bound 1", "Masked", "1959-08-25", "male")
    s.disease("myeloma", "2020-06-30 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("ide-cel", t0)
    s.background("06-12 18:00",
                 temps={"06-14 06:00": 38.1, "06-14 10:00": 38.4, "06-14 14:00": 37.6, "06-14 18:00": 37.4, "06-14 22:00": 37.2,
                        "06-15 02:00": 37.5, "06-15 06:00": 37.3, "06-15 10:00": 37.0})
    s.acetaminophen("06-14 06:30", "06-14 10:30", "06-14 16:30", "06-14 22:30", "06-15 04:30", "06-15 10:00")
    s.weight(T("06-12 19:00"), 64.0)
    s.daily_labs("06-13", "06-15", overrides={"crp": {"06-14": 41.0, "06-15": 52.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 2, 1, (0, 1, 1), (0, 1, 1), (0, 1, 1), True, NONE, NONE, None,
                          "grade 0", 0, 0)
    s.why = [
        "T0 = 06-13 09:00 (ide-cel, name only, median onset day 1); 51 h → day 2.",
        "Fevers 38.1 and 38.4 °C at 06-14 06:00 and 10:00 (before the window). In the window every temperature is < 38.0 °C, and acetaminophen was given after the last fever and within the 12 h before asOf (06-15 04:30 and 10:00) → fever waived, CRS present.",
        "No hypotension, no oxygen, no vasopressor → under the waiver the fever-only 1 becomes grade 0 with upper bound 1 in every system (§3, §9.11).",
        "Peak 1 (the windows ending 06-14 06:00–10:30 held the measured fevers).",
        "No tocilizumab at grade 0. No measured fever in the window → no infection reason. One card.",
    ]
    return s


def paediatric() -> Sample:
    t0 = T("06-12 15:00")
    s = Sample("paediatric-15y-low-map-not-hypotension.json", "crs-peds-15y", "s12",
               "Paediatric (15 y): fever with MAP 61–63 but SBP ≥ 90 → not hypotension under 18 (grade 1)", "Teen", "2010-03-04", "male")
    s.disease("b-all", "2024-12-20 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("tisa-cel", t0)
    s.background("06-11 22:00", child=True,
                 temps={"06-14 18:00": 38.6, "06-14 22:00": 39.0, "06-15 02:00": 38.7, "06-15 06:00": 38.5, "06-15 10:00": 38.2},
                 bps={"06-15 02:00": (92, 46, 61), "06-15 06:00": (94, 48, 63)})
    s.acetaminophen("06-14 18:30", "06-15 02:30", "06-15 10:30", mg=650)
    s.weight(T("06-11 23:00"), 50.2)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-15": 70.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 2, 1, (1, 1, 1), (1, 1, 1), (1, 1, 1), False, NONE, NONE, None,
                          "grade 1", 0, 0)
    s.why = [
        "Born 2010-03-04 → 15 years at asOf (§9.4). T0 = 06-12 15:00 (tisa-cel); 69 h → day 2.",
        "Fever in the window. Pressures 92/46 (MAP 61) and 94/48 (MAP 63): from 10 years the systolic threshold is < 90 mmHg, and MAP < 65 applies only from 18 years (§3) → no hypotension. (The same readings in an adult would be grade 2.)",
        "Room air, no vasopressor → ASTCT 1, Lee 1, CTCAE 1; upper bound 1; peak 1.",
        "Grade 1 → no tocilizumab. Infection and anaphylaxis none-found. One card.",
    ]
    return s


def fahrenheit_codes() -> Sample:
    t0 = T("06-12 13:00")
    s = Sample("fahrenheit-product-codes-name-only.json", "crs-degf-product-codes", "s13",
               "°F temperatures, product-level drug codes (NDC, RxNorm SCD), name-only noradrenaline; 100.4 °F is the only fever",
               "Fahrenheit", "1964-06-03", "male")
    s.disease("dlbcl", "2024-03-22 00:00")
    s.lymphodepletion(t0)
    apap_scd = {"coding": [{"system": RXNORM, "code": "313782", "display": "acetaminophen 325 MG Oral Tablet"}]}
    s.med(None, t0 - dt.timedelta(minutes=30), point=True, route="PO", dose=(650, "mg", "mg"), concept=apap_scd,
          text="2 tablets PO premedication")
    s.med(None, t0 - dt.timedelta(minutes=30), point=True, dose=(25, "mg", "mg"), concept={"text": "Benadryl 25 mg IV"},
          text="premedication")
    yescarta = s.medication_resource("yescarta", {"coding": [{"system": NDC, "code": "71287-119-01",
                                                              "display": "YESCARTA suspension for intravenous infusion"}],
                                                  "text": "Yescarta"})
    s.med(None, t0, t0 + dt.timedelta(minutes=25), medication=yescarta, text="single IV infusion", kind="cart")
    s.background("06-11 18:00", unit="[degF]", temp_code="8331-1",
                 temps={"06-14 18:00": 99.9, "06-14 22:00": 100.2, "06-15 00:00": 100.4, "06-15 02:00": 100.2, "06-15 06:00": 99.5,
                        "06-15 10:00": 98.9},
                 bps={"06-15 02:00": (84, 48, 60), "06-15 03:30": (92, 54, 67), "06-15 06:00": (104, 62, 76), "06-15 10:00": (108, 64, 79)})
    s.med(None, T("06-15 00:30"), point=True, route="PO", dose=(650, "mg", "mg"), concept=apap_scd, text="2 tablets PO for fever")
    s.fluids("06-15 02:15", 1000)
    s.med(None, T("06-15 03:00"), None, status="in-progress", rate=(6, "mcg/min", "ug/min"),
          concept={"text": "Noradrenaline 4 mg in 250 mL infusion"}, text="6 mcg/min, titrate to MAP >= 65")
    actemra = {"coding": [{"system": NDC, "code": "50242-137-01", "display": "ACTEMRA injection, 400 mg/20 mL single-dose vial (tocilizumab)"}]}
    s.tocilizumab("06-15 05:00", 640, concept=actemra)
    s.weight(T("06-11 20:00"), 176.4, unit="[lb_av]")
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-15": 77.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 2, 1, (3, 3, 3), (2, 2, 2), (3, 3, 3), False, NONE, NONE, None,
                          "last dose 7 h ago, < 8 h; next from 13:00Z", 1, 1)
    s.why = [
        "T0 = 06-12 13:00: the product is a Medication (via _include) named only 'Yescarta' / NDC 71287-119-01 → axi-cel by brand name (§2, §8.1); 71 h → day 2.",
        "Temperatures are oral, in [degF]. 100.4 °F = 38.0 °C exactly → a fever (06-15 00:00); 100.2 °F = 37.9 °C is not. It is the only fever ever recorded, so without it there would be no CRS at all.",
        "SBP 84 at 06-15 02:00; 'Noradrenaline 4 mg in 250 mL infusion' (text only, synonym of norepinephrine, §8.2) in-progress since 03:00 at 6 µg/min → ASTCT 3, CTCAE 3, Lee 2 (low dose, rate known → 2/2). Peak 3 / 2 / 3.",
        "Acetaminophen is an RxNorm SCD (313782, name only in display); tocilizumab is an NDC (50242-137-01, name only in display). Both must be matched by name.",
        "Weight 176.4 [lb_av] = 80.0 kg. Tocilizumab started 06-15 05:00, 7 h before asOf → a dose in the last 8 h → no new dose suggested; next allowed 06-15 13:00Z (§6, §9.36). suggestedDoseMg omitted.",
        "No skin/respiratory sign after tocilizumab; hypotension after it does not count (§9.38) → anaphylaxis none-found. Infection none-found. One card.",
    ]
    return s


def noise() -> Sample:
    t0 = T("06-11 11:00")
    s = Sample("noise-data-issues.json", "crs-noise", "s14",
               "Grade 1 under noise: entered-in-error, another patient, unknown unit, implausible, untimed, future, invalid FHIR, failed allergies prefetch",
               "Noise", "1962-09-09", "female")
    s.disease("mcl", "2022-07-07 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("brexu-cel", t0)
    s.background("06-10 18:00", temps={"06-14 14:00": 37.9, "06-14 16:00": 38.5, "06-14 18:00": 38.2, "06-14 22:00": 37.8,
                                       "06-15 02:00": 37.6, "06-15 04:00": 38.3, "06-15 06:00": 37.4, "06-15 10:00": 37.2})
    s.acetaminophen("06-14 16:30", "06-15 04:30")
    s.weight(T("06-10 19:00"), 77.5)
    s.daily_labs("06-11", "06-14")
    s.panel("06-15 05:30", {"crp": 58.0})  # the creatinine of this panel is replaced below
    s.labs = [(t, r) for t, r in s.labs if not (r["code"]["coding"][0]["code"] == "2160-0" and t == T("06-15 05:30"))]
    s.lab(T("06-15 05:30"), "creatinine", 3.9, reference=False, rid="s14-noise-creatinine-no-uln")
    s.no_known_allergies()
    # --- the noise -----------------------------------------------------------------------------
    s.bp(T("06-15 06:30"), 72, 40, 51, status="entered-in-error", rid="s14-noise-eie-bp")
    s.med("norepinephrine", T("06-15 06:40"), None, status="entered-in-error", rate=(0.1, "mcg/kg/min", "ug/kg/min"),
          text="charted on the wrong patient", kind="noise-eie-ne")
    s.bp(T("06-15 08:00"), 78, 44, 55, subject={"reference": "Patient/crs-someone-else"}, rid="s14-noise-other-patient-bp")
    s.o2_flow(T("06-15 09:00"), 10, unit="cm[H2O]", code="cm[H2O]", rid="s14-noise-unit-o2flow")
    s.temp(T("06-15 10:30"), 98.6, unit="Cel", rid="s14-noise-implausible-temp")
    s.bp(None, 68, 38, 48, rid="s14-noise-untimed-bp")
    s.device(T("06-15 13:00"), "non-rebreather", rid="s14-noise-future-o2dev")
    invalid = {
        "resourceType": "Observation", "id": "s14-noise-invalid-sbp", "status": "final", "category": [s.vitals[0][1]["category"][0]],
        "code": cc("http://loinc.org", "8480-6", "Systolic blood pressure"), "subject": s.subject,
        "effectiveDateTime": "2025-06-15T09:30:00Z",
        "valueQuantity": {"value": "70", "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"},
    }
    s.vitals.append((T("06-15 09:30"), invalid))
    s.lab(T("06-15 07:00"), "procalcitonin", 5.2, status="registered", rid="s14-noise-registered-pct")
    s.conditions.append({
        "resourceType": "Condition", "id": "s14-noise-refuted-sepsis",
        "clinicalStatus": cc("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"),
        "verificationStatus": cc("http://terminology.hl7.org/CodeSystem/condition-ver-status", "refuted", "Refuted"),
        "category": [cc("http://terminology.hl7.org/CodeSystem/condition-category", "encounter-diagnosis", "Encounter Diagnosis")],
        "code": cc(SCT, "91302008", "Sepsis"), "subject": s.subject,
        "onsetDateTime": "2025-06-15T02:00:00Z", "recordedDate": "2025-06-15T02:10:00Z",
    })
    s.raw_prefetch["allergies"] = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout", "diagnostics": "AllergyIntolerance search timed out in the EHR (synthetic)"}],
    }
    eie_ne = next(r["id"] for _, r in s.meds if r["status"] == "entered-in-error")
    s.expected = Expected(True, 4, 1, (1, 1, 1), (1, 1, 1), (1, 1, 1), False, NONE, NONE, None,
                          "grade 1", 0, 0,
                          data_issues=[
                              ("Observation/s14-noise-eie-bp", "status-not-usable"),
                              (f"MedicationAdministration/{eie_ne}", "status-not-usable"),
                              ("Observation/s14-noise-other-patient-bp", "other-patient"),
                              ("Observation/s14-noise-unit-o2flow", "unit-not-convertible"),
                              ("Observation/s14-noise-implausible-temp", "implausible-value"),
                              ("Observation/s14-noise-untimed-bp", "no-usable-time"),
                              ("Observation/s14-noise-future-o2dev", "time-after-request"),
                              ("Observation/s14-noise-invalid-sbp", "not-valid-fhir"),
                              ("Observation/s14-noise-registered-pct", "status-not-usable"),
                              ("Condition/s14-noise-refuted-sepsis", "not-active"),
                              ("prefetch/allergies", "prefetch-failed"),
                          ])
    s.why = [
        "T0 = 06-11 11:00 (brexu-cel); 97 h → day 4. True data: fever 38.2–38.5 °C in the window, normal pressures, room air → grade 1 in all systems, upper bound 1, peak 1.",
        "Every noise item would raise something if it were used, and none may (§9.6): an entered-in-error BP 72/40 (→ 2) and norepinephrine (→ 3); another patient's BP 78/44 (→ 2, §2); O2 flow 10 'cm[H2O]' (a pressure charted as a flow → unit-not-convertible; → 3); 98.6 'Cel' (implausible > 45 °C); an untimed BP 68/38; a non-rebreather charted 1 h after asOf (> 5 min → time-after-request, §9.2; → 3); an SBP whose value is the string \"70\" (not valid FHIR; → 2); a 'registered' procalcitonin 5.2 (→ infection likely); a refuted sepsis Condition (§9.3; → infection likely).",
        "The allergies prefetch is an OperationOutcome (the EHR's fetch failed, no fhirServer to retry): answer anyway and say so (CDS-HOOKS.md).",
        "A creatinine of 3.9 mg/dL without referenceRange is not graded and does not raise Lee's bound (§9.16): it is a gap (no ULN), not a data issue.",
        "`dataIssues` in expected.json lists the issues the noise must produce (at least these; others, e.g. unrecognised codes, may be added). Infection and anaphylaxis none-found. Grade 1 → no tocilizumab. One card.",
    ]
    s.noise = True
    return s


def sepsis_mimic() -> Sample:
    t0 = T("06-10 10:00")
    s = Sample("sepsis-mimic-positive-blood-culture.json", "crs-sepsis-mimic", "s15",
               "Sepsis mimic: fever + hypotension on day 5 with E. coli in a blood culture (CRS grade 2 + infection likely)",
               "SepsisMimic", "1972-01-17", "male")
    s.disease("dlbcl", "2024-04-14 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-09 18:00",
                 temps={"06-14 14:00": 38.9, "06-14 18:00": 39.4, "06-14 22:00": 39.1, "06-15 02:00": 39.3, "06-15 06:00": 38.8,
                        "06-15 10:00": 38.6},
                 bps={"06-15 03:00": (84, 46, 59), "06-15 06:00": (88, 50, 63), "06-15 10:00": (94, 56, 69)})
    s.blood_culture(T("06-14 14:30"), status="final", organism=("112283007", "Escherichia coli"), positive=True)
    for start in ("06-14 15:30", "06-14 23:30", "06-15 07:30"):
        t = T(start)
        s.med("cefepime", t, t + dt.timedelta(minutes=30), dose=(2, "g", "g"), text="cefepime 2 g IV every 8 h")
    s.fluids("06-15 03:15", 1000)
    s.fluids("06-15 04:30", 1000)
    s.lab(T("06-15 03:30"), "lactate", 2.6)
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30")
    s.weight(T("06-09 19:00"), 66.7)
    s.daily_labs("06-10", "06-15", overrides={"crp": {"06-15": 230.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 5, 2, (2, 2, 2), (2, 2, 2), (2, 2, 2), False, ("likely", ["positive-blood-culture"]), NONE, 534,
                          "8 mg/kg × 66.7 kg = 533.6 → 534 mg", 0, 0)
    s.why = [
        "T0 = 06-10 10:00 (axi-cel); 122 h → day 5.",
        "Fever 38.6–39.4 °C, SBP 84 and 88, fluids only → ASTCT 2, Lee 2, CTCAE 2; nothing missing → 2/2; peak 2. The service never lets the infection finding lower or hide the CRS grade (§5).",
        "Blood culture collected 06-14 14:30 (< 7 days), final, interpretation POS, organism E. coli → infection likely (§5, §9.20), indicator critical because of the hypotension (§7).",
        "Tocilizumab: none given → 8 × 66.7 = 533.6 → 534 mg. Cefepime does not match the penicillin allergy (class allergies are not expanded, §9.21); the allergy's hives are history (§9.3) → anaphylaxis none-found. Two cards (CRS, infection).",
    ]
    return s


def febrile_neutropenia() -> Sample:
    t0 = T("06-05 10:00")
    s = Sample("febrile-neutropenia.json", "crs-febrile-neutropenia", "s16",
               "Febrile neutropenia (ANC 0.3) after obe-cel split dosing: T0 is the first dose (day 10)", "Neutropenic", "1979-07-30", "female")
    s.disease("b-all", "2023-10-03 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("obe-cel", t0)
    second = T("06-14 10:00")
    s.premedication(second)
    s.car_t("obe-cel", second)
    s.background("06-04 21:00", step_h=6, temps={"06-14 21:00": 38.3, "06-15 03:00": 38.6, "06-15 09:00": 38.2, "06-15 11:00": 37.8})
    s.acetaminophen("06-15 03:30")
    s.weight(T("06-04 21:10"), 61.8)
    s.daily_labs("06-05", "06-15", overrides={"anc": {"06-13": 0.6, "06-14": 0.4, "06-15": 0.3},
                                              "wbc": {"06-13": 0.9, "06-14": 0.7, "06-15": 0.6},
                                              "crp": {"06-15": 45.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 10, 2, (1, 1, 1), (1, 1, 1), (1, 1, 1), False, ("possible", ["febrile-neutropenia"]), NONE, None,
                          "grade 1", 0, 0)
    s.why = [
        "Obe-cel is given as a split dose: 06-05 10:00 and 06-14 10:00, < 21 days apart → one course; T0 is the first (§9.1, §9.32): 242 h → day 10 (not day 1).",
        "Fever 38.2–38.6 °C in the window (06-14 21:00 – 06-15 09:00), normal pressures, room air → 1/1 in all systems, peak 1.",
        "ANC 0.3 (06-15 05:30) and 0.4 (06-14 05:30) × 10³/µL (= 10⁹/L) within 48 h, with a measured fever → infection possible, 'febrile-neutropenia' (§5, §9.18); the card asks for cultures and antibiotics within 1 h.",
        "The second dose (06-14 10:00) is an exposure, but no sign follows it → anaphylaxis none-found. Grade 1 → no tocilizumab. Two cards (CRS, infection).",
    ]
    return s


def late_fever() -> Sample:
    t0 = T("2025-05-26 10:00")
    s = Sample("late-fever-day20.json", "crs-late-fever-day20", "s17",
               "Late fever on day 20 (CAR-T recorded as a Procedure); early grade 1 CRS resolved", "LateFever", "1969-12-12", "male")
    s.disease("dlbcl", "2024-07-01 00:00")
    s.procedure("apheresis", cc(LOCAL_PROC, "APHERESIS-CART", "Leukapheresis for CAR-T cell manufacturing",
                                "Leukapheresis for CAR-T cell manufacturing"), T("2025-04-28 08:00"), T("2025-04-28 12:00"))
    s.procedure("cart", cc(LOCAL_PROC, "CART-INFUSION", "CAR-T cell infusion",
                           "Infusion of chimeric antigen receptor (CAR-T) cells: tisagenlecleucel"), t0, t0 + dt.timedelta(minutes=20))
    s.lymphodepletion(t0)
    s.premedication(t0)
    # Inpatient stay, vitals every 6 h, early CRS grade 1 on day 1-2.
    s.background("2025-05-25 15:00", T("2025-06-04 10:00"), step_h=6,
                 temps={"2025-05-27 21:00": 38.4, "2025-05-28 03:00": 38.6, "2025-05-28 09:00": 38.1})
    s.acetaminophen("2025-05-27 21:30", "2025-05-28 03:30", "2025-05-28 09:30")
    # Clinic visits.
    for visit in ("06-09 09:00", "06-12 09:00"):
        t = T(visit)
        s.temp(t, 36.8)
        s.bp(t, 122, 74, 90)
        s.spo2(t, 98)
        s.hr(t, 76)
    # Readmission through the emergency department.
    s.background("06-14 21:00", step_h=4,
                 temps={"06-14 21:00": 37.6, "06-15 01:00": 37.9, "06-15 05:00": 38.4, "06-15 09:00": 38.7, "06-15 11:00": 38.3})
    s.acetaminophen("06-15 05:30")
    s.blood_culture(T("06-15 05:20"), status="preliminary", text="Pending")
    s.weight(T("2025-05-25 16:00"), 81.0)
    s.weight(T("06-14 21:10"), 79.4)
    s.daily_labs("05-26", "06-04")
    s.panel("06-09 08:30")
    s.panel("06-12 08:30")
    s.panel("06-14 21:30", {"anc": 1.1, "crp": 64.0})
    s.penicillin_allergy()
    s.expected = Expected(True, 20, 2, (1, 1, 1), (1, 1, 1), (1, 1, 1), False, ("possible", ["late-fever"]), NONE, None,
                          "grade 1", 0, 0)
    s.why = [
        "No product MedicationAdministration: the infusion is a Procedure whose text says 'Infusion of chimeric antigen receptor (CAR-T) cells' (§9.1, §9.33); the earlier leukapheresis does not count. T0 = 05-26 10:00; 20 days 2 h → day 20 (eligible: ≤ 30 days).",
        "Fever 38.3–38.7 °C in the window, normal pressures, room air → 1/1 in all systems. Peak 1 (the day-1–2 fevers of 05-27/05-28 were grade 1 too).",
        "The fever is measured more than 14 days after T0 → infection possible, 'late-fever' (§5, §9.19). The culture is 'Pending' (not positive, §9.39); ANC 1.1. Grade 1 → no tocilizumab. Two cards (CRS, infection).",
    ]
    return s


def anaphylaxis() -> Sample:
    t0 = T("06-15 09:00")
    s = Sample("anaphylaxis-at-infusion.json", "crs-anaphylaxis-infusion", "s18",
               "Anaphylaxis at infusion: urticaria + bronchospasm 30 min after cilta-cel, hypotension, tryptase 18.6; no fever (CRS 0)",
               "Anaphylaxis", "1956-02-11", "female")
    s.disease("myeloma", "2019-09-09 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("cilta-cel", t0, minutes=15)
    s.background("06-14 10:00", T("06-15 09:00"),
                 temps={"06-15 09:00": 36.8, "06-15 09:30": 37.1, "06-15 10:00": 37.3, "06-15 11:00": 37.2},
                 bps={"06-15 09:00": (124, 76), "06-15 09:30": (108, 64), "06-15 09:40": (82, 44, 57), "06-15 10:00": (96, 58, 71),
                      "06-15 10:30": (104, 62, 76), "06-15 11:00": (112, 68, 83), "06-15 11:30": (116, 70, 85)},
                 spo2s={"06-15 09:00": 98, "06-15 09:30": 93, "06-15 09:40": 90, "06-15 09:45": (91, 2.0), "06-15 10:00": (95, 2.0),
                        "06-15 11:00": (97, 2.0)})
    for t in ("06-15 09:45", "06-15 10:00", "06-15 11:00"):
        s.device(T(t), "nasal-cannula")
    s.condition("urticaria", cc(SCT, "126485001", "Urticaria", "Hives over trunk and arms"), T("06-15 09:30"), category="encounter-diagnosis")
    s.condition("bronchospasm", cc(SCT, "4386001", "Bronchospasm"), T("06-15 09:30"), category="encounter-diagnosis")
    s.finding_observation(T("06-15 09:32"), "56018004", "Wheezing")
    s.med("epinephrine", T("06-15 09:35"), point=True, route="IM", dose=(0.5, "mg", "mg"), text="epinephrine 0.5 mg IM (1 mg/mL)")
    s.med("diphenhydramine", T("06-15 09:40"), point=True, dose=(50, "mg", "mg"), text="diphenhydramine 50 mg IV")
    s.med("albuterol", T("06-15 09:40"), point=True, route="INH", dose=(2.5, "mg", "mg"), text="albuterol 2.5 mg nebulised")
    s.med("methylprednisolone", T("06-15 09:45"), point=True, dose=(125, "mg", "mg"), text="methylprednisolone 125 mg IV")
    s.fluids("06-15 09:45", 1000)
    s.lab(T("06-15 10:15"), "tryptase", 18.6)
    s.weight(T("06-14 10:30"), 72.4)
    s.daily_labs("06-14", "06-15")
    s.no_known_allergies()
    s.expected = Expected(True, 0, 2, (0, 0, 0), (0, 0, 0), (0, 0, 0), False, NONE,
                          ("likely", ["skin-and-respiratory-signs", "skin-sign-and-hypotension", "tryptase-rise", "skin-sign-after-exposure", "respiratory-sign-after-exposure", "hypotension-after-exposure"]), None,
                          "grade 0", 0, 0)
    s.why = [
        "T0 = 06-15 09:00 (cilta-cel), 3 h before asOf → day 0, eligible.",
        "No temperature ≥ 38.0 °C ever (max 37.3 °C) and no waiver (acetaminophen premedication precedes any fever) → CRS absent: grade 0 in every system although there is hypotension (SBP 82), oxygen and a vasopressor (epinephrine IM counts as [t, t + 1 h], §3; the CRS card flags the IM dose for review). Temperatures are present → upper bound 0 (§9.27). Peak 0. The CRS card says the findings do not meet CRS criteria.",
        "Anaphylaxis: exposure = the CAR-T product start 09:00 (§9.21); urticaria (Condition 126485001) and bronchospasm (4386001) at 09:30 and wheezing at 09:32, all within 6 h and after the same exposure → likely (skin + respiratory). Hypotension after the product counts as a sign (§9.38: SBP 82 and epinephrine started within 6 h) → skin + hypotension too. Tryptase 18.6 ng/mL at 10:15 (within 4 h after the sign, no baseline) > 11.4 → positive (§5, §9.23).",
        "No fever → no infection reason; grade 0 → no tocilizumab. Two cards (CRS grade 0 info, anaphylaxis critical).",
    ]
    return s


def crs_bacteraemia() -> Sample:
    t0 = T("06-12 10:00")
    s = Sample("crs-with-bacteraemia.json", "crs-bacteraemia-overlap", "s19",
               "CRS grade 3 with bacteraemia: fever, NC 2 L/min, high-dose norepinephrine, Gram-negative rods",
               "Bacteraemia", "1961-04-26", "male")
    s.disease("dlbcl", "2023-08-30 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-13 18:00": 38.4, "06-13 22:00": 38.9, "06-14 02:00": 39.1, "06-14 06:00": 39.3, "06-14 10:00": 39.4,
                        "06-14 14:00": 39.5, "06-14 18:00": 39.2, "06-14 22:00": 38.9, "06-15 02:00": 38.7, "06-15 06:00": 38.4,
                        "06-15 10:00": 38.1},
                 bps={"06-15 01:00": (82, 46, 58), "06-15 02:00": (88, 50, 63), "06-15 06:00": (90, 54, 66), "06-15 10:00": (98, 58, 71)},
                 spo2s={"06-15 00:00": (93, 2.0), "06-15 02:00": (94, 2.0), "06-15 06:00": (94, 2.0), "06-15 10:00": (95, 2.0)})
    for t in ("06-15 00:00", "06-15 02:00", "06-15 06:00", "06-15 10:00"):
        s.device(T(t), "nasal-cannula")
    s.tocilizumab("06-14 16:00", 600)
    s.fluids("06-15 01:15", 1000)
    s.med("norepinephrine", T("06-15 02:00"), T("06-15 06:00"), rate=(0.05, "mcg/kg/min", "ug/kg/min"),
          text="norepinephrine 8 mg/250 mL at 0.05 mcg/kg/min")
    s.med("norepinephrine", T("06-15 06:00"), None, status="in-progress", rate=(0.3, "mcg/kg/min", "ug/kg/min"),
          text="norepinephrine 8 mg/250 mL increased to 0.3 mcg/kg/min")
    s.blood_culture(T("06-14 14:30"), status="preliminary", text="Gram-negative rods")
    s.condition("bacteremia", cc(SCT, "5758002", "Bacteremia", "Gram-negative bacteraemia"), T("06-15 08:00"), category="encounter-diagnosis")
    s.med("cefepime", T("06-14 14:45"), T("06-14 15:15"), dose=(2, "g", "g"), text="cefepime 2 g IV every 8 h")
    s.med("meropenem", T("06-15 08:30"), T("06-15 09:00"), dose=(1, "g", "g"), text="meropenem 1 g IV every 8 h")
    s.lab(T("06-15 02:30"), "lactate", 3.2)
    s.acetaminophen("06-13 18:30", "06-14 02:30", "06-14 10:30")
    s.weight(T("06-11 19:00"), 75.0)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-14": 170.0, "06-15": 260.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 2, (3, 3, 3), (3, 3, 3), (3, 3, 3), False,
                          ("likely", ["positive-blood-culture", "sepsis-diagnosis"]), NONE, 600,
                          "8 mg/kg × 75.0 kg = 600 mg; 1 dose 20 h ago", 1, 1)
    s.why = [
        "T0 = 06-12 10:00 (axi-cel); 74 h → day 3.",
        "Fever 38.1–39.5 °C in the window; SBP 82; norepinephrine from 06-15 02:00; nasal cannula 2 L/min → ASTCT 3 (the paper's own example: 39.5 °C, one vasopressor, NC 2 L/min → 3); CTCAE 3 (one agent; FiO2 21 + 8 = 29 % → 2).",
        "Lee: norepinephrine 0.05 then 0.3 µg/kg/min × 75.0 kg = 3.75 then 22.5 µg/min; the two administrations chain (§9.30) and the run is ≥ 20 µg/min from 06:00 to asOf = 6 h ≥ 3 h → high dose → 3/3. Peak 3 in all (Lee from the window ending 06-15 10:00).",
        "Infection likely: a blood culture (collected 06-14 14:30) whose value string is 'Gram-negative rods' is positive even while preliminary (§9.35, §9.39), and an active Condition bacteremia 5758002 (§5); indicator critical (vasopressor).",
        "Tocilizumab: one dose 06-14 16:00 (20 h ago) → allowed: 8 × 75.0 = 600 mg. Tocilizumab preceded the vasopressor by 10 h and only skin/respiratory signs count after it → anaphylaxis none-found. Two cards (CRS, infection).",
    ]
    return s


def child_under_30kg() -> Sample:
    t0 = T("06-12 14:00")
    s = Sample("child-under-30kg-tocilizumab-12mgkg.json", "crs-child-under-30kg", "s20",
               "Child, 6 y, 21.4 kg: fever, SBP 80 (< 82 for age), blow-by oxygen → grade 2; tocilizumab 12 mg/kg",
               "Child", "2019-01-20", "female")
    s.disease("b-all", "2024-09-02 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0, apap_mg=320, dph_mg=20)
    s.car_t("tisa-cel", t0)
    s.background("06-11 18:00", child=True,
                 temps={"06-14 14:00": 38.8, "06-14 18:00": 39.3, "06-14 22:00": 39.0, "06-15 02:00": 38.6, "06-15 06:00": 38.4,
                        "06-15 10:00": 38.2},
                 bps={"06-14 22:00": (84, 48, 60), "06-15 02:00": (80, 44, 56), "06-15 06:00": (86, 50, 62), "06-15 10:00": (90, 52, 65)},
                 spo2s={"06-15 03:00": 93, "06-15 06:00": 95})
    s.device(T("06-15 03:00"), "blow-by")
    s.device(T("06-15 06:00"), "blow-by")
    s.fluids("06-15 02:15", 430)
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30", mg=320)
    s.weight(T("2025-05-01 08:00"), 22.0)
    s.weight(T("06-12 08:00"), 21.4)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-15": 110.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 2, 1, (2, 2, 2), (2, 2, 2), (2, 2, 2), False, NONE, NONE, 257,
                          "12 mg/kg × 21.4 kg = 256.8 → 257 mg (< 30 kg)", 0, 0)
    s.why = [
        "Born 2019-01-20 → 6 years. T0 = 06-12 14:00 (tisa-cel); 70 h → day 2.",
        "Hypotension threshold at 6 years: SBP < 70 + 2 × 6 = 82 mmHg (§3). SBP 80 at 06-15 02:00 → hypotension; 84 and 86 are not (an adult threshold would have called them). MAP is not used under 18.",
        "Blow-by oxygen → ASTCT 2; Lee/CTCAE: blow-by → FiO2 < 40 % → 2 (§9.13). No vasopressor. All 2/2, peak 2.",
        "Weight: the latest within 30 days is 21.4 kg (06-12; the 22.0 kg of 05-01 is older than 30 days) → < 30 kg → 12 mg/kg × 21.4 = 256.8 → 257 mg (§6). Infection and anaphylaxis none-found. One card.",
    ]
    return s


def toci_limit() -> Sample:
    t0 = T("06-11 16:00")
    s = Sample("tocilizumab-limit-three-doses-24h.json", "crs-toci-limit", "s21",
               "Tocilizumab limit: 3 doses in 24 h (last 7.5 h ago), fever waived, non-rebreather → grade 3, no new dose",
               "TociLimit", "1965-05-05", "male")
    s.disease("dlbcl", "2023-03-03 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-10 22:00",
                 temps={"06-13 02:00": 38.6, "06-13 06:00": 38.9, "06-13 10:00": 38.4, "06-13 14:00": 38.8, "06-13 18:00": 39.0,
                        "06-13 22:00": 38.7, "06-14 02:00": 39.1, "06-14 06:00": 39.2, "06-14 10:00": 39.0, "06-14 14:00": 37.8,
                        "06-14 18:00": 37.4, "06-14 22:00": 37.6, "06-15 02:00": 37.2, "06-15 06:00": 37.0, "06-15 10:00": 36.9},
                 spo2s={"06-14 22:00": (93, 3.0), "06-15 02:00": (91, 3.0), "06-15 03:00": (94, 12.0), "06-15 06:00": (93, 12.0),
                        "06-15 10:00": (94, 12.0)})
    for t in ("06-14 22:00", "06-15 02:00"):
        s.device(T(t), "nasal-cannula")
    for t in ("06-15 03:00", "06-15 06:00", "06-15 10:00"):
        s.device(T(t), "non-rebreather")
    for t in ("06-14 12:30", "06-14 20:30", "06-15 04:30"):
        s.tocilizumab(t, 704)
    s.dexamethasone("06-14 20:00", "06-15 02:00", "06-15 08:00")
    s.acetaminophen("06-13 02:30", "06-13 10:30", "06-13 18:30", "06-14 02:30", "06-14 10:30")
    s.weight(T("06-10 23:00"), 88.0)
    s.daily_labs("06-11", "06-15", overrides={"crp": {"06-14": 190.0, "06-15": 120.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 1, (3, 3, 3), (3, 3, 3), (3, 3, 3), True, NONE, NONE, None,
                          "3 doses in 24 h; next from 12:30Z", 3, 3)
    s.why = [
        "T0 = 06-11 16:00 (axi-cel); 92 h → day 3.",
        "No fever in the window (max 37.8 °C); last fever 39.0 °C at 06-14 10:00, tocilizumab after it at 06-14 12:30 (and dexamethasone) → fever waived, CRS present.",
        "Non-rebreather 12 L/min from 06-15 03:00 → ASTCT 3; Lee/CTCAE: non-rebreather → FiO2 ≥ 40 % → 3. Pressures normal. 3/3 everywhere; peak 3 (the window ending 06-15 03:00 also holds the 06-14 06:00–10:00 fevers).",
        "Tocilizumab at 06-14 12:30, 20:30 and 06-15 04:30: 3 in the last 24 h (≤ 3/24 h reached) and one 7.5 h ago (< 8 h), 3 in total → no dose (§6, §9.36). The oldest leaves the 24 h window at 06-15 12:30 and 8 h after the last is also 12:30 → next allowed 2025-06-15T12:30Z (a 4th and last dose of the course); the card names the alternatives (corticosteroids, siltuximab, anakinra).",
        "No measured fever → infection none-found; no skin/respiratory sign → anaphylaxis none-found. One card.",
    ]
    return s


def lee3_creatinine() -> Sample:
    t0 = T("06-12 09:00")
    s = Sample("disagree-lee3-by-creatinine.json", "crs-lee3-creatinine", "s22",
               "Systems disagree: fever with creatinine 4 × ULN → ASTCT 1, Lee 3 (organ toxicity), CTCAE 1", "Creatinine", "1967-10-19", "female")
    s.disease("dlbcl", "2024-05-05 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-14 14:00": 39.0, "06-14 18:00": 39.2, "06-14 22:00": 38.8, "06-15 02:00": 38.6, "06-15 06:00": 38.4,
                        "06-15 10:00": 38.2})
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30")
    s.weight(T("06-11 19:00"), 83.0)
    s.daily_labs("06-12", "06-15", overrides={"creatinine": {"06-12": 0.9, "06-13": 1.0, "06-14": 1.9, "06-15": 4.8},
                                              "crp": {"06-15": 150.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 3, 1, (1, 1, 1), (3, 3, 3), (1, 1, 1), False, NONE, NONE, None,
                          "primary grade 1", 0, 0)
    s.why = [
        "T0 = 06-12 09:00 (axi-cel); 75 h → day 3.",
        "Fever 38.2–39.2 °C, normal pressures, room air → ASTCT 1 and CTCAE 1: organ toxicity never changes ASTCT (§3) and CTCAE's CRS term does not use it.",
        "Lee: creatinine 4.8 mg/dL at 06-15 05:30 with referenceRange.high 1.2 → 4.0 × ULN → CTCAE grade 3 (> 3–6 ×) → Lee 3 (§4); below 6 × → not 4 → 3/3. The 1.9 mg/dL of 06-14 (1.6 × → grade 2) lies before the window. Peak: ASTCT 1, Lee 3, CTCAE 1.",
        "Worked check of §3: 39.0 °C with creatinine 4 × ULN → ASTCT 1. Primary grade 1 → no tocilizumab. One card.",
    ]
    return s


def ne_plus_vasopressin() -> Sample:
    t0 = T("06-12 07:00")
    s = Sample("disagree-norepinephrine-plus-vasopressin.json", "crs-ne-plus-vasopressin", "s23",
               "Systems disagree 3 / 2 / 4: low-dose norepinephrine + vasopressin", "Vasopressin", "1962-12-01", "male")
    s.disease("dlbcl", "2023-11-11 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-14 16:00": 39.4, "06-14 18:00": 39.6, "06-14 22:00": 39.1, "06-15 02:00": 38.7, "06-15 06:00": 38.5,
                        "06-15 10:00": 38.3},
                 bps={"06-14 23:00": (80, 42, 55), "06-15 01:00": (86, 48, 61), "06-15 02:00": (84, 46, 59), "06-15 04:00": (96, 56, 69),
                      "06-15 06:00": (102, 60, 74), "06-15 10:00": (104, 62, 76)})
    s.fluids("06-14 23:10", 1000)
    s.tocilizumab("06-14 23:30", 720)
    s.med("norepinephrine", T("06-15 00:00"), None, status="in-progress", rate=(8, "mcg/min", "ug/min"),
          text="norepinephrine 4 mg/250 mL at 8 mcg/min")
    s.med("vasopressin", T("06-15 02:00"), None, status="in-progress", rate=(0.03, "units/min", "[iU]/min"),
          text="vasopressin 20 units/100 mL at 0.03 units/min")
    s.acetaminophen("06-14 16:30", "06-15 00:30")
    s.weight(T("06-11 19:00"), 90.0)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-15": 205.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 1, (3, 3, 3), (2, 2, 2), (4, 4, 4), False, NONE, NONE, 720,
                          "8 mg/kg × 90.0 kg = 720 mg; 1 dose 12.5 h ago", 1, 1)
    s.why = [
        "T0 = 06-12 07:00 (axi-cel); 77 h → day 3.",
        "Fever 38.3–39.6 °C, SBP 80–86, norepinephrine 8 µg/min from 06-15 00:00 and vasopressin from 02:00, overlapping.",
        "ASTCT 3: vasopressin never makes the second agent for grade 4 (\"two or more different non-vasopressin agents\", §3).",
        "Lee 2: 'multiple' does not count vasopressin (§9.14); its own rule is vasopressin + NE-eq ≥ 10 µg/min, and NE-eq = 8 → not high-dose → low dose → 2; rates known (vasopressin's is never needed, §9.15) → 2/2.",
        "CTCAE 4: two vasopressor agents, vasopressin counted (§4, §9.14). The three systems give 3 / 2 / 4; peak the same.",
        "Tocilizumab: one dose 06-14 23:30 (12.5 h ago) → allowed: 8 × 90.0 = 720 mg. The vasopressors started after tocilizumab, but after it hypotension is not a sign (§9.38) → anaphylaxis none-found. One card.",
    ]
    return s


def venturi() -> Sample:
    t0 = T("06-11 09:00")
    s = Sample("disagree-venturi-mask-fio2-28.json", "crs-venturi-28", "s24",
               "Systems disagree 3 / 2 / 2: Venturi mask with a recorded FiO2 of 28 %", "Venturi", "1971-08-08", "female")
    s.disease("dlbcl", "2024-10-10 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("liso-cel", t0)
    s.background("06-10 18:00",
                 temps={"06-14 14:00": 38.6, "06-14 18:00": 38.9, "06-14 22:00": 38.7, "06-15 02:00": 38.5, "06-15 06:00": 38.4,
                        "06-15 10:00": 38.3},
                 spo2s={"06-15 01:00": 93, "06-15 02:00": 94, "06-15 06:00": 94, "06-15 10:00": 95})
    for t in ("06-15 01:00", "06-15 02:00", "06-15 06:00", "06-15 10:00"):
        s.device(T(t), "venturi")
        s.fio2(T(t), 28)
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30")
    s.weight(T("06-10 19:00"), 74.5)
    s.daily_labs("06-11", "06-15", overrides={"crp": {"06-15": 99.0}})
    s.no_known_allergies()
    s.expected = Expected(True, 4, 1, (3, 3, 3), (2, 2, 2), (2, 2, 2), False, NONE, NONE, 596,
                          "8 mg/kg × 74.5 kg = 596 mg", 0, 0)
    s.why = [
        "T0 = 06-11 09:00 (liso-cel); 99 h → day 4.",
        "Fever in the window. Venturi mask charted with FiO2 28 % at the same minute (one event, §9.9) → ASTCT 3 (any face mask, Venturi included; worked check 'Venturi 28 % → 3').",
        "Lee/CTCAE: a recorded FiO2 wins (§9.13): 28 % < 40 → 2; the device is recorded → no bound raised → 2/2. Systems disagree: 3 / 2 / 2, peak the same.",
        "Tocilizumab: none given, primary grade 3 → 8 × 74.5 = 596 mg. Infection and anaphylaxis none-found. One card.",
    ]
    return s


def nc_6_lpm() -> Sample:
    t0 = T("06-12 10:00")
    s = Sample("disagree-nasal-cannula-6-lpm.json", "crs-nc-6lpm", "s25",
               "Systems disagree 2 / 3 / 3: nasal cannula at 6 L/min (ASTCT ≤ 6 → 2; estimated FiO2 45 %)", "SixLitres", "1960-03-30", "male")
    s.disease("mcl", "2022-02-02 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("brexu-cel", t0)
    s.background("06-11 18:00",
                 temps={"06-14 14:00": 38.4, "06-14 18:00": 38.8, "06-14 22:00": 39.0, "06-15 02:00": 38.6, "06-15 06:00": 38.3,
                        "06-15 10:00": 38.1},
                 spo2s={"06-14 20:00": (94, 2.0), "06-14 22:00": (93, 2.0), "06-15 02:00": (92, 4.0), "06-15 04:00": (92, 6.0),
                        "06-15 06:00": (93, 6.0), "06-15 10:00": (94, 6.0)})
    for t in ("06-14 20:00", "06-14 22:00", "06-15 02:00", "06-15 04:00", "06-15 06:00", "06-15 10:00"):
        s.device(T(t), "nasal-cannula")
    s.acetaminophen("06-14 14:30", "06-14 22:30", "06-15 06:30")
    s.weight(T("06-11 19:00"), 69.0)
    s.daily_labs("06-12", "06-15", overrides={"crp": {"06-15": 115.0}})
    s.penicillin_allergy()
    s.expected = Expected(True, 3, 1, (2, 2, 2), (3, 3, 3), (3, 3, 3), False, NONE, NONE, 552,
                          "8 mg/kg × 69.0 kg = 552 mg", 0, 0)
    s.why = [
        "T0 = 06-12 10:00 (brexu-cel); 74 h → day 3.",
        "Fever in the window; nasal cannula 2 → 4 → 6 L/min. ASTCT: nasal cannula ≤ 6 L/min → 2 (worked check 'NC 6 L/min → 2').",
        "Lee/CTCAE: no recorded FiO2 → 21 + 4 × 6 = 45 % ≥ 40 → 3 (§4, §9.13); device recorded → 3/3. Systems disagree: 2 / 3 / 3; peak the same (from the window ending 06-15 04:00).",
        "Tocilizumab (primary ASTCT 2): 8 × 69.0 = 552 mg. Infection and anaphylaxis none-found. One card.",
    ]
    return s


def no_vitals() -> Sample:
    t0 = T("06-03 10:00")
    s = Sample("no-vitals-in-window-upper-bound.json", "crs-no-vitals", "s26",
               "Day 12 outpatient: no vital signs in the last 24 h → grade 0 with upper bound 2 (fever and pressure unknown)",
               "NoVitals", "1968-01-23", "female")
    s.disease("dlbcl", "2024-06-06 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    s.car_t("axi-cel", t0)
    s.background("06-02 21:00", T("06-09 10:00"), step_h=6, temps={"06-04 21:00": 38.3, "06-05 03:00": 38.6, "06-05 09:00": 38.2})
    s.acetaminophen("06-04 21:30", "06-05 03:30", "06-05 09:30")
    for visit in ("06-11 09:00", "06-14 09:00"):
        t = T(visit)
        s.temp(t, 36.7)
        s.bp(t, 118, 72, 87)
        s.spo2(t, 98)
        s.hr(t, 80)
    s.weight(T("06-02 19:00"), 77.0)
    s.weight(T("06-14 09:05"), 75.8)
    s.daily_labs("06-03", "06-09")
    s.panel("06-11 08:30")
    s.panel("06-14 08:30")
    s.panel("06-15 09:00", {"crp": 6.0})
    s.raw_prefetch["procedures"] = None
    s.raw_prefetch["allergies"] = None
    s.expected = Expected(True, 12, 1, (0, 2, 1), (0, 2, 1), (0, 2, 1), False, NONE, NONE, None,
                          "grade 0", 0, 0)
    s.why = [
        "T0 = 06-03 10:00 (axi-cel); 290 h → day 12. Early CRS grade 1 (fevers 06-04 21:00 – 06-05 09:00) → peak 1 in every system.",
        "The last vital signs are the clinic's at 06-14 09:00, 27 h before asOf: no temperature and no blood pressure in the window. Only labs (06-15 09:00, normal, with ULNs) are in the window.",
        "Fever unknown and no waiver (the last acetaminophen was 06-05 09:30) → graded as afebrile: grade 0; upper bound as if febrile (1), and with no blood pressure and no vasopressor the bound is at least 2 (§9.7, §9.27); no oxygen data → room air, no bound raised → 0 / upper bound 2 in every system.",
        "`procedures` and `allergies` are `null`: the EHR says there is nothing (not re-queried). No tocilizumab at grade 0; no measured fever → no infection reason. One card naming the gaps.",
    ]
    return s


def cart_status_unknown() -> Sample:
    t0 = T("06-12 14:00")
    s = Sample("car-t-record-status-unknown.json", "crs-cart-status-unknown", "s27",
               "CAR-T infusion recorded with status `unknown` (never confirmed), fever 38.7 °C → warning card: eligibility and grade undetermined",
               "StatusUnknown", "1971-03-08", "female")
    s.disease("dlbcl", "2024-09-20 00:00")
    s.lymphodepletion(t0)
    s.premedication(t0)
    cart = s.car_t("axi-cel", t0, status="unknown")
    s.background("06-11 18:00", temps={"06-14 20:00": 38.7, "06-15 04:00": 38.2})
    s.acetaminophen("06-14 20:30", "06-15 04:30")
    s.weight(T("06-11 19:00"), 66.3)
    s.daily_labs("06-12", "06-15")
    s.no_known_allergies()
    s.expected = Expected(eligible=False, day=None, cards=1, eligibility="undetermined",
                          data_issues=[(f"MedicationAdministration/{cart['id']}", "status-not-usable")])
    s.why = [
        f"The only CAR-T record is the axi-cel MedicationAdministration `{cart['id']}` (06-12 14:00) with status `unknown`: it does not say whether the product was given, so it cannot set T0 (§2) — and without T0 the patient is not eligible on the record (§1).",
        "Answering `{\"cards\": []}` would look like \"no CAR-T, nothing to see\" while the fevers of 38.7 and 38.2 °C sit in the window. The service answers one warning card instead: the record is named with its status and time, eligibility is `undetermined` (extension `eligibility.reason` `car-t-record-unusable`), no grade is shown or implied, and the screens are not run.",
        "Contrast `no-car-t-ineligible.json`: no CAR-T record at all → no card. Entered-in-error, not-done, on-hold, another patient's or a future record also give no card: those say the product was not given here and now.",
    ]
    return s


ALL = [
    no_car_t, day2_afebrile, grade1, grade2_hypotension, grade2_low_flow, grade3_one_vasopressor, grade3_face_mask,
    grade4_two_vasopressors, grade4_bipap, fever_waived_toci, fever_masked_apap, paediatric, fahrenheit_codes, noise,
    sepsis_mimic, febrile_neutropenia, late_fever, anaphylaxis, crs_bacteraemia, child_under_30kg, toci_limit,
    lee3_creatinine, ne_plus_vasopressin, venturi, nc_6_lpm, no_vitals, cart_status_unknown,
]
