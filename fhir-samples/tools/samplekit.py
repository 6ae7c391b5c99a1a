"""Building blocks for the synthetic CDS Hooks patient-view requests in fhir-samples/.

Everything here is synthetic: invented patients ("Test Patient"), invented ids, an invented EHR base URL
(https://ehr.example.org). Codes are real public code systems (LOINC, SNOMED CT, RxNorm, NDC, UCUM,
ICD-10-CM) so that the files look like what an EHR sends. Every sample is written for the anchor time
ASOF = 2025-06-15T12:00:00Z (SampleRequestShifter.Anchor in src/CrsCdsHooks.Core/Samples).
"""
from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

UTC = dt.timezone.utc
ASOF = dt.datetime(2025, 6, 15, 12, 0, tzinfo=UTC)
EHR = "https://ehr.example.org/fhir"
USER = "Practitioner/crs-demo-clinician"

LOINC = "http://loinc.org"
SCT = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NDC = "http://hl7.org/fhir/sid/ndc"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
OBS_CAT = "http://terminology.hl7.org/CodeSystem/observation-category"
COND_CAT = "http://terminology.hl7.org/CodeSystem/condition-category"
COND_CLIN = "http://terminology.hl7.org/CodeSystem/condition-clinical"
COND_VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ALLERGY_CLIN = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
ALLERGY_VER = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
FLOWSHEET = "https://ehr.example.org/fhir/CodeSystem/flowsheet-row"
LOCAL_PROC = "https://ehr.example.org/fhir/CodeSystem/procedure"


def T(text: str) -> dt.datetime:
    """'06-15 04:00' (year 2025) or '2025-05-28 02:00' as a UTC datetime."""
    if len(text) == 11:
        text = "2025-" + text
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


def iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cc(system: str, code: str, display: str, text: str | None = None) -> dict:
    c: dict[str, Any] = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        c["text"] = text
    return c


def qty(value: float, unit: str, code: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


# --- code sets --------------------------------------------------------------------------------------

VITAL = {"coding": [{"system": OBS_CAT, "code": "vital-signs", "display": "Vital Signs"}]}
LAB = {"coding": [{"system": OBS_CAT, "code": "laboratory", "display": "Laboratory"}]}
EXAM = {"coding": [{"system": OBS_CAT, "code": "exam", "display": "Exam"}]}

ROUTES = {
    "IV": cc(SCT, "47625008", "Intravenous route"),
    "PO": cc(SCT, "26643006", "Oral route"),
    "IM": cc(SCT, "78421000", "Intramuscular route"),
    "INH": cc(SCT, "447694001", "Respiratory tract route"),
}

# RxNorm ingredient codes (CRS-SPEC §8.2 and a few background drugs).
DRUGS = {
    "tocilizumab": ("612865", "tocilizumab"),
    "dexamethasone": ("3264", "dexamethasone"),
    "methylprednisolone": ("6902", "methylprednisolone"),
    "acetaminophen": ("161", "acetaminophen"),
    "norepinephrine": ("7512", "norepinephrine"),
    "epinephrine": ("3992", "epinephrine"),
    "phenylephrine": ("8163", "phenylephrine"),
    "vasopressin": ("11149", "vasopressin"),
    "diphenhydramine": ("3498", "diphenhydramine"),
    "fludarabine": ("24698", "fludarabine"),
    "cyclophosphamide": ("3002", "cyclophosphamide"),
    "cefepime": ("20481", "cefepime"),
    "meropenem": ("29561", "meropenem"),
    "sodium chloride": ("9863", "sodium chloride"),
    "albuterol": ("435", "albuterol"),
}

# CAR-T products (CRS-SPEC §8.1): NDC where the spec gives one, else the name only.
PRODUCTS = {
    "axi-cel": ("71287-119-01", "YESCARTA (axicabtagene ciloleucel) suspension for intravenous infusion", "axicabtagene ciloleucel (Yescarta)"),
    "tisa-cel": ("0078-0846-19", "KYMRIAH (tisagenlecleucel) suspension for intravenous infusion", "tisagenlecleucel (Kymriah)"),
    "brexu-cel": ("71287-219-01", "TECARTUS (brexucabtagene autoleucel) suspension for intravenous infusion", "brexucabtagene autoleucel (Tecartus)"),
    "cilta-cel": ("57894-111-01", "CARVYKTI (ciltacabtagene autoleucel) suspension for intravenous infusion", "ciltacabtagene autoleucel (Carvykti)"),
    "liso-cel": (None, None, "lisocabtagene maraleucel (Breyanzi) CAR-T cell infusion"),
    "ide-cel": (None, None, "idecabtagene vicleucel (Abecma) CAR-T cell infusion"),
    "obe-cel": (None, None, "obecabtagene autoleucel (Aucatzyl) CAR-T cell infusion"),
}

# Oxygen devices and support (CRS-SPEC §8.3).
DEVICES = {
    "room-air": ("15158005", "Room air", "Room air"),
    "nasal-cannula": ("336623009", "Oxygen nasal cannula", "Nasal cannula"),
    "blow-by": ("425478008", "Blow-by oxygen", "Blow-by"),
    "hfnc": ("426854004", "High flow oxygen nasal cannula", "High flow nasal cannula"),
    "simple-mask": ("336602003", "Oxygen mask", "Simple face mask"),
    "non-rebreather": ("427591007", "Non-rebreather oxygen mask", "Non-rebreather mask"),
    "venturi": ("465433006", "Venturi mask", "Venturi mask"),
    "bipap": ("243142003", "Dual pressure spontaneous ventilation support", "BiPAP"),
}

DISEASES = {
    "dlbcl": ("C83.30", "Diffuse large B-cell lymphoma, unspecified site"),
    "b-all": ("C91.00", "Acute lymphoblastic leukemia not having achieved remission"),
    "myeloma": ("C90.00", "Multiple myeloma not having achieved remission"),
    "mcl": ("C83.10", "Mantle cell lymphoma, unspecified site"),
}

# LOINC, display, UCUM unit text, UCUM code, (low, high) reference range or None.
LABS = {
    "crp": ("1988-5", "C reactive protein [Mass/volume] in Serum or Plasma", "mg/L", "mg/L", (0, 5)),
    "ferritin": ("2276-4", "Ferritin [Mass/volume] in Serum or Plasma", "ng/mL", "ng/mL", (30, 400)),
    "creatinine": ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL", (0.7, 1.2)),
    "ast": ("1920-8", "Aspartate aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", "U/L", (10, 40)),
    "alt": ("1742-6", "Alanine aminotransferase [Enzymatic activity/volume] in Serum or Plasma", "U/L", "U/L", (7, 45)),
    "bilirubin": ("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL", "mg/dL", (0.1, 1.2)),
    "wbc": ("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", "10*3/uL", (4.0, 11.0)),
    "anc": ("751-8", "Neutrophils [#/volume] in Blood by Automated count", "10*3/uL", "10*3/uL", (1.5, 8.0)),
    "platelets": ("777-3", "Platelets [#/volume] in Blood by Automated count", "10*3/uL", "10*3/uL", (150, 400)),
    "lactate": ("2524-7", "Lactate [Moles/volume] in Serum or Plasma", "mmol/L", "mmol/L", (0.5, 2.2)),
    "procalcitonin": ("33959-8", "Procalcitonin [Mass/volume] in Serum or Plasma", "ng/mL", "ng/mL", None),
    "tryptase": ("21582-2", "Tryptase [Mass/volume] in Serum or Plasma", "ng/mL", "ng/mL", (0, 11.4)),
    "il6": ("26881-3", "Interleukin 6 [Mass/volume] in Serum or Plasma", "pg/mL", "pg/mL", (0, 7)),
}
DAILY_PANEL = ["wbc", "anc", "platelets", "creatinine", "ast", "alt", "bilirubin", "crp", "ferritin"]


@dataclass
class Expected:
    """The hand-computed expectations of one sample (see README.md for the reasoning)."""

    eligible: bool
    day: int | None
    cards: int
    astct: tuple[int, int, int] | None = None  # grade, upper bound, peak
    lee: tuple[int, int, int] | None = None
    ctcae: tuple[int, int, int] | None = None
    fever_waived: bool | None = None
    infection: tuple[str, list[str]] | None = None
    anaphylaxis: tuple[str, list[str]] | None = None
    dose_mg: int | None = None
    dose_note: str = ""
    toci_last24h: int | None = None
    toci_total: int | None = None
    data_issues: list[tuple[str, str]] | None = None
    eligibility: str | None = None  # "undetermined" when a CAR-T record could not be used (the unreadable-infusion card)

    def as_json(self, file: str, scenario: str) -> dict:
        def system(g):
            return None if g is None else {"grade": g[0], "upperBound": g[1], "peak": g[2]}

        def finding(f):
            return None if f is None else {"level": f[0], "reasons": f[1]}

        out: dict[str, Any] = {
            "file": file,
            "scenario": scenario,
            "eligible": self.eligible,
            **({"eligibility": self.eligibility} if self.eligibility is not None else {}),
            "day": self.day,
            "cards": self.cards,
            "astct2019": system(self.astct),
            "lee2014": system(self.lee),
            "ctcae5": system(self.ctcae),
            "feverWaived": self.fever_waived,
            "infection": finding(self.infection),
            "anaphylaxis": finding(self.anaphylaxis),
            "suggestedDoseMg": self.dose_mg,
        }
        if self.toci_last24h is not None:
            out["tocilizumab"] = {"dosesLast24h": self.toci_last24h, "dosesTotal": self.toci_total}
            if self.dose_mg is None:
                out["tocilizumab"]["noDoseReason"] = self.dose_note
        if self.data_issues is not None:
            out["dataIssues"] = [{"resource": r, "reason": why} for r, why in self.data_issues]
        return out


@dataclass
class Sample:
    """One hook request under construction."""

    file: str
    patient_id: str
    prefix: str
    scenario: str
    given: str
    birth_date: str
    gender: str
    expected: Expected | None = None
    why: list[str] = field(default_factory=list)
    notes: str = ""

    def __post_init__(self) -> None:
        self.rng = random.Random(self.file)
        self.vitals: list[tuple[dt.datetime | None, dict]] = []
        self.labs: list[tuple[dt.datetime | None, dict]] = []
        self.meds: list[tuple[dt.datetime, dict]] = []
        self.medications: list[dict] = []
        self.procedures: list[tuple[dt.datetime, dict]] = []
        self.conditions: list[dict] = []
        self.allergies: list[dict] = []
        self.raw_prefetch: dict[str, Any] = {}
        self._ids: set[str] = set()
        self.noise = False  # True only for the sample whose noise is intentional (entries that are not valid FHIR)

    # --- ids and references ---------------------------------------------------------------------
    def new_id(self, kind: str, t: dt.datetime | None = None) -> str:
        base = f"{self.prefix}-{kind}" + (f"-{t:%m%d-%H%M}" if t else "")
        rid, n = base, 1
        while rid in self._ids:
            n += 1
            rid = f"{base}-{n}"
        self._ids.add(rid)
        assert len(rid) <= 64, rid
        return rid

    @property
    def subject(self) -> dict:
        return {"reference": f"Patient/{self.patient_id}"}

    # --- observations ---------------------------------------------------------------------------
    def observation(self, kind: str, t: dt.datetime | None, code: dict, category: dict, *, value: dict | None = None,
                    status: str = "final", components: list | None = None, subject: dict | None = None,
                    rid: str | None = None, extra: dict | None = None, lab: bool = False) -> dict:
        r: dict[str, Any] = {
            "resourceType": "Observation",
            "id": rid or self.new_id(kind, t),
            "status": status,
            "category": [category],
            "code": code,
            "subject": subject or self.subject,
        }
        if t is not None:
            r["effectiveDateTime"] = iso(t)
        if value:
            r.update(value)
        if components:
            r["component"] = components
        if extra:
            r.update(extra)
        (self.labs if lab else self.vitals).append((t, r))
        return r

    def temp(self, t: dt.datetime, value: float, unit: str = "Cel", code: str = "8310-5", **kw) -> dict:
        display = {"8310-5": "Body temperature", "8331-1": "Oral temperature"}[code]
        unit_text = {"Cel": "°C", "[degF]": "°F"}.get(unit, unit)
        return self.observation("temp", t, cc(LOINC, code, display, "Temperature"), VITAL,
                                value={"valueQuantity": qty(value, unit_text, unit)}, **kw)

    def bp(self, t: dt.datetime, sbp: int, dbp: int, mean: int | None = None, **kw) -> dict:
        comps = [
            {"code": cc(LOINC, "8480-6", "Systolic blood pressure"), "valueQuantity": qty(sbp, "mmHg", "mm[Hg]")},
            {"code": cc(LOINC, "8462-4", "Diastolic blood pressure"), "valueQuantity": qty(dbp, "mmHg", "mm[Hg]")},
        ]
        if mean is not None:
            comps.append({"code": cc(LOINC, "8478-0", "Mean blood pressure"), "valueQuantity": qty(mean, "mmHg", "mm[Hg]")})
        return self.observation("bp", t, cc(LOINC, "85354-9", "Blood pressure panel with all children optional", "Blood pressure"),
                                VITAL, components=comps, **kw)

    def spo2(self, t: dt.datetime, pct: int, flow: float | None = None, fio2: int | None = None, **kw) -> dict:
        code = {"coding": [
            {"system": LOINC, "code": "59408-5", "display": "Oxygen saturation in Arterial blood by Pulse oximetry"},
            {"system": LOINC, "code": "2708-6", "display": "Oxygen saturation in Arterial blood"}], "text": "SpO2"}
        comps = []
        if flow is not None:
            comps.append({"code": cc(LOINC, "3151-8", "Inhaled oxygen flow rate"), "valueQuantity": qty(flow, "L/min", "L/min")})
        if fio2 is not None:
            comps.append({"code": cc(LOINC, "3150-0", "Inhaled oxygen concentration"), "valueQuantity": qty(fio2, "%", "%")})
        return self.observation("spo2", t, code, VITAL, value={"valueQuantity": qty(pct, "%", "%")},
                                components=comps or None, **kw)

    def hr(self, t: dt.datetime, bpm: int) -> dict:
        return self.observation("hr", t, cc(LOINC, "8867-4", "Heart rate"), VITAL,
                                value={"valueQuantity": qty(bpm, "beats/minute", "/min")})

    def device(self, t: dt.datetime, key: str, **kw) -> dict:
        code, display, text = DEVICES[key]
        return self.observation("o2dev", t, cc(FLOWSHEET, "O2-DEVICE", "O2 device", "Oxygen delivery device"), VITAL,
                                value={"valueCodeableConcept": cc(SCT, code, display, text)}, **kw)

    def o2_flow(self, t: dt.datetime, lpm: float, unit: str = "L/min", code: str = "L/min", **kw) -> dict:
        return self.observation("o2flow", t, cc(LOINC, "3151-8", "Inhaled oxygen flow rate", "O2 flow"), VITAL,
                                value={"valueQuantity": qty(lpm, unit, code)}, **kw)

    def fio2(self, t: dt.datetime, pct: int, **kw) -> dict:
        return self.observation("fio2", t, cc(LOINC, "3150-0", "Inhaled oxygen concentration", "FiO2"), VITAL,
                                value={"valueQuantity": qty(pct, "%", "%")}, **kw)

    def weight(self, t: dt.datetime, value: float, unit: str = "kg") -> dict:
        unit_text = {"kg": "kg", "[lb_av]": "lb"}[unit]
        return self.observation("weight", t, cc(LOINC, "29463-7", "Body weight", "Weight"), VITAL,
                                value={"valueQuantity": qty(value, unit_text, unit)})

    def lab(self, t: dt.datetime, key: str, value: float, *, reference: bool = True, status: str = "final", **kw) -> dict:
        loinc, display, unit_text, unit, rng = LABS[key]
        extra = {}
        if reference and rng is not None:
            low, high = rng
            extra["referenceRange"] = [{"low": qty(low, unit_text, unit), "high": qty(high, unit_text, unit)}]
        return self.observation(key, t, cc(LOINC, loinc, display), LAB, value={"valueQuantity": qty(value, unit_text, unit)},
                                status=status, extra=extra or None, lab=True, **kw)

    def blood_culture(self, t: dt.datetime, *, status: str, organism: tuple[str, str] | None = None,
                      text: str | None = None, positive: bool = False) -> dict:
        value: dict[str, Any] = {}
        if organism:
            value["valueCodeableConcept"] = cc(SCT, organism[0], organism[1])
        elif text:
            value["valueString"] = text
        extra = {}
        if positive:
            extra["interpretation"] = [cc(INTERP, "POS", "Positive")]
        return self.observation("bcx", t, cc(LOINC, "600-7", "Bacteria identified in Blood by Culture", "Blood culture"), LAB,
                                value=value or None, status=status, extra=extra or None, lab=True)

    def finding_observation(self, t: dt.datetime, code: str, display: str) -> dict:
        return self.observation("exam", t, cc(SCT, code, display), EXAM, value={"valueBoolean": True})

    # --- background ----------------------------------------------------------------------------
    def background(self, start: str, end: dt.datetime = ASOF, *, step_h: int = 4, temps=None, bps=None, spo2s=None,
                   adult: bool = True, child: bool = False, unit: str = "Cel", temp_code: str = "8310-5",
                   with_mean: bool = True) -> None:
        """Vital signs every step_h hours from start (inclusive) to end (exclusive), with overrides.

        Overrides are dicts keyed by 'MM-DD HH:MM'. A key on the grid replaces that reading; a key off the
        grid adds a reading of that kind only. temps: value; bps: (sbp, dbp[, mean]); spo2s: pct or (pct, flow, fio2).
        """
        temps = {T(k): v for k, v in (temps or {}).items()}
        bps = {T(k): v for k, v in (bps or {}).items()}
        spo2s = {T(k): v for k, v in (spo2s or {}).items()}
        grid = []
        t = T(start)
        while t < end:
            grid.append(t)
            t += dt.timedelta(hours=step_h)
        gridset = set(grid)
        for t in sorted(gridset | set(temps) | set(bps) | set(spo2s)):
            on_grid = t in gridset
            febrile = False
            if on_grid or t in temps:
                v = temps.get(t)
                if v is None:
                    c = self.rng.choice([36.5, 36.6, 36.7, 36.8, 36.9, 37.0, 37.1, 37.2, 37.3])
                    v = round(c * 9 / 5 + 32, 1) if unit == "[degF]" else c
                febrile = (v >= 38.0) if unit == "Cel" else (v >= 100.4)
                self.temp(t, v, unit=unit, code=temp_code)
            if on_grid or t in bps:
                b = bps.get(t)
                if b is None:
                    if child:
                        s_, d_ = self.rng.randint(96, 110), self.rng.randint(56, 66)
                    else:
                        s_, d_ = self.rng.randint(108, 130), self.rng.randint(64, 78)
                    b = (s_, d_)
                sbp, dbp = b[0], b[1]
                mean = b[2] if len(b) > 2 else round((sbp + 2 * dbp) / 3)
                self.bp(t, sbp, dbp, mean if with_mean else None)
            if on_grid or t in spo2s:
                o = spo2s.get(t)
                if o is None:
                    o = self.rng.randint(95, 99)
                if isinstance(o, tuple):
                    self.spo2(t, o[0], o[1] if len(o) > 1 else None, o[2] if len(o) > 2 else None)
                else:
                    self.spo2(t, o)
            if on_grid and (t.hour // step_h) % 2 == 0:  # heart rate at every other round (context only)
                self.hr(t, self.rng.randint(104, 124) if febrile else self.rng.randint(68, 94))

    def daily_labs(self, first: str, last: str, *, at: str = "05:30", overrides=None, panel=None) -> None:
        """The daily morning panel from first to last ('MM-DD'), with per-analyte overrides {key: {'MM-DD': value}}."""
        overrides = overrides or {}
        day = T(f"{first} {at}")
        stop = T(f"{last} {at}")
        n = 0
        while day <= stop:
            key = day.strftime("%m-%d")
            for analyte in panel or DAILY_PANEL:
                v = overrides.get(analyte, {}).get(key)
                if v is None:
                    v = self._default_lab(analyte, n)
                self.lab(day, analyte, v)
            day += dt.timedelta(days=1)
            n += 1

    def _default_lab(self, analyte: str, n: int) -> float:
        r = self.rng
        return {
            "wbc": round(r.uniform(2.2, 4.8), 1),
            "anc": round(r.uniform(1.1, 2.9), 1),
            "platelets": r.randint(95, 180),
            "creatinine": round(r.uniform(0.7, 1.0), 2),
            "ast": r.randint(16, 34),
            "alt": r.randint(14, 38),
            "bilirubin": round(r.uniform(0.3, 0.9), 1),
            "crp": round(r.uniform(3, 12), 1),
            "ferritin": r.randint(250, 600),
        }[analyte]

    # --- medications ----------------------------------------------------------------------------
    def med(self, drug: str | None, start: dt.datetime, end: dt.datetime | None = None, *, status: str = "completed",
            point: bool = False, dose: tuple | None = None, rate: tuple | None = None, route: str = "IV",
            text: str | None = None, concept: dict | None = None, medication: dict | None = None,
            subject: dict | None = None, kind: str = "ma") -> dict:
        r: dict[str, Any] = {"resourceType": "MedicationAdministration", "id": self.new_id(kind, start), "status": status}
        if medication is not None:
            r["medicationReference"] = {"reference": f"Medication/{medication['id']}"}
            if medication not in self.medications:
                self.medications.append(medication)
        elif concept is not None:
            r["medicationCodeableConcept"] = concept
        else:
            code, display = DRUGS[drug]
            r["medicationCodeableConcept"] = cc(RXNORM, code, display, drug)
        r["subject"] = subject or self.subject
        if point:
            r["effectiveDateTime"] = iso(start)
        else:
            period = {"start": iso(start)}
            if end is not None:
                period["end"] = iso(end)
            r["effectivePeriod"] = period
        dosage: dict[str, Any] = {}
        if text:
            dosage["text"] = text
        dosage["route"] = ROUTES[route]
        if dose:
            dosage["dose"] = qty(*dose)
        if rate:
            dosage["rateQuantity"] = qty(*rate)
        r["dosage"] = dosage
        self.meds.append((start, r))
        return r

    def medication_resource(self, key: str, code: dict) -> dict:
        return {"resourceType": "Medication", "id": f"{self.prefix}-med-{key}", "code": code}

    def car_t(self, product: str, start: dt.datetime, minutes: int = 20, *, via_medication: bool = False,
              status: str = "completed") -> dict:
        ndc, display, text = PRODUCTS[product]
        concept: dict[str, Any] = {"coding": [{"system": NDC, "code": ndc, "display": display}], "text": text} if ndc else {"text": text}
        kw: dict[str, Any] = {}
        if via_medication:
            kw["medication"] = self.medication_resource(product, concept)
        else:
            kw["concept"] = concept
        return self.med(None, start, start + dt.timedelta(minutes=minutes), status=status,
                        text="CAR-T cell product, single intravenous infusion per label", kind="cart", **kw)

    def lymphodepletion(self, t0: dt.datetime) -> None:
        """Fludarabine + cyclophosphamide on days -5, -4, -3 (background; never graded)."""
        for d in (5, 4, 3):
            day = (t0 - dt.timedelta(days=d)).replace(hour=9, minute=0)
            self.med("fludarabine", day, day + dt.timedelta(minutes=30), dose=(30, "mg/m2", "mg/m2"),
                     text="fludarabine 30 mg/m2 IV over 30 min")
            self.med("cyclophosphamide", day + dt.timedelta(minutes=45), day + dt.timedelta(minutes=105),
                     dose=(500, "mg/m2", "mg/m2"), text="cyclophosphamide 500 mg/m2 IV over 1 h")

    def premedication(self, t0: dt.datetime, apap_mg: int = 650, dph_mg: int = 25) -> None:
        """Acetaminophen + diphenhydramine 30 min before the product (never waives: it precedes any fever)."""
        t = t0 - dt.timedelta(minutes=30)
        self.med("acetaminophen", t, point=True, route="PO", dose=(apap_mg, "mg", "mg"), text=f"acetaminophen {apap_mg} mg PO premedication")
        self.med("diphenhydramine", t, point=True, dose=(dph_mg, "mg", "mg"), text=f"diphenhydramine {dph_mg} mg IV premedication")

    def acetaminophen(self, *times: str, mg: int = 650) -> None:
        for s in times:
            self.med("acetaminophen", T(s), point=True, route="PO", dose=(mg, "mg", "mg"), text=f"acetaminophen {mg} mg PO for fever")

    def fluids(self, start: str, ml: int) -> None:
        t = T(start)
        self.med("sodium chloride", t, t + dt.timedelta(hours=1), dose=(ml, "mL", "mL"), text=f"sodium chloride 0.9% {ml} mL IV bolus")

    def panel(self, at: str, overrides: dict | None = None, n: int = 0) -> None:
        """One morning panel at a given time (clinic or ED draws)."""
        t = T(at)
        for analyte in DAILY_PANEL:
            v = (overrides or {}).get(analyte)
            self.lab(t, analyte, self._default_lab(analyte, n) if v is None else v)

    def tocilizumab(self, start: str, mg: int, *, medication: dict | None = None, concept: dict | None = None) -> dict:
        t = T(start)
        kw: dict[str, Any] = {}
        if medication is not None:
            kw["medication"] = medication
        elif concept is not None:
            kw["concept"] = concept
        return self.med(None if kw else "tocilizumab", t, t + dt.timedelta(hours=1), dose=(mg, "mg", "mg"),
                        text=f"tocilizumab {mg} mg IV over 1 h for CRS", **kw)

    def dexamethasone(self, *times: str) -> None:
        for s in times:
            self.med("dexamethasone", T(s), point=True, dose=(10, "mg", "mg"), text="dexamethasone 10 mg IV every 6 h")

    # --- procedures, conditions, allergies ----------------------------------------------------------
    def procedure(self, kind: str, code: dict, start: dt.datetime, end: dt.datetime | None, status: str = "completed") -> dict:
        r: dict[str, Any] = {"resourceType": "Procedure", "id": self.new_id(kind, start), "status": status,
                             "code": code, "subject": self.subject}
        period = {"start": iso(start)}
        if end is not None:
            period["end"] = iso(end)
        r["performedPeriod"] = period
        self.procedures.append((start, r))
        return r

    def condition(self, kind: str, code: dict, onset: dt.datetime, *, category: str = "problem-list-item",
                  clinical: str = "active", verification: str = "confirmed", recorded: dt.datetime | None = None) -> dict:
        cat_display = {"problem-list-item": "Problem List Item", "encounter-diagnosis": "Encounter Diagnosis"}[category]
        r = {
            "resourceType": "Condition",
            "id": self.new_id(kind),
            "clinicalStatus": cc(COND_CLIN, clinical, clinical.capitalize()),
            "verificationStatus": cc(COND_VER, verification, verification.capitalize()),
            "category": [cc(COND_CAT, category, cat_display)],
            "code": code,
            "subject": self.subject,
            "onsetDateTime": iso(onset),
            "recordedDate": iso(recorded or onset),
        }
        self.conditions.append(r)
        return r

    def disease(self, key: str, onset: str) -> dict:
        code, display = DISEASES[key]
        return self.condition("dx", cc(ICD10CM, code, display), T(onset))

    def penicillin_allergy(self) -> dict:
        """An active penicillin allergy with hives in its history (CRS-SPEC §9.3: reactions are history, never signs)."""
        r = {
            "resourceType": "AllergyIntolerance",
            "id": self.new_id("allergy-pcn"),
            "clinicalStatus": cc(ALLERGY_CLIN, "active", "Active"),
            "verificationStatus": cc(ALLERGY_VER, "confirmed", "Confirmed"),
            "type": "allergy",
            "category": ["medication"],
            "criticality": "low",
            "code": cc(RXNORM, "7980", "penicillin G", "Penicillin"),
            "patient": self.subject,
            "recordedDate": "2019-04-02",
            "reaction": [{"manifestation": [cc(SCT, "126485001", "Urticaria", "Hives")], "severity": "mild"}],
        }
        self.allergies.append(r)
        return r

    def no_known_allergies(self) -> dict:
        r = {
            "resourceType": "AllergyIntolerance",
            "id": self.new_id("allergy-nka"),
            "clinicalStatus": cc(ALLERGY_CLIN, "active", "Active"),
            "verificationStatus": cc(ALLERGY_VER, "confirmed", "Confirmed"),
            "code": cc(SCT, "716186003", "No known allergy", "NKA"),
            "patient": self.subject,
            "recordedDate": "2024-11-20",
        }
        self.allergies.append(r)
        return r

    # --- output ---------------------------------------------------------------------------------
    def patient(self) -> dict:
        return {
            "resourceType": "Patient",
            "id": self.patient_id,
            "identifier": [{"system": "https://ehr.example.org/mrn", "value": f"SYN-{self.prefix.upper()}"}],
            "active": True,
            "name": [{"use": "official", "family": "Patient", "given": ["Test", self.given]}],
            "gender": self.gender,
            "birthDate": self.birth_date,
        }

    def _bundle(self, key: str, query: str, matches: list[tuple[dt.datetime | None, dict]], includes: list[dict] | None = None) -> dict:
        epoch = dt.datetime(1900, 1, 1, tzinfo=UTC)
        ordered = sorted(matches, key=lambda p: (p[0] or epoch, p[1]["id"]), reverse=True)
        entries = [{"fullUrl": f"{EHR}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "match"}} for _, r in ordered]
        for r in includes or []:
            entries.append({"fullUrl": f"{EHR}/{r['resourceType']}/{r['id']}", "resource": r, "search": {"mode": "include"}})
        b: dict[str, Any] = {"resourceType": "Bundle", "id": f"{self.prefix}-{key}", "type": "searchset", "total": len(matches),
                             "link": [{"relation": "self", "url": f"{EHR}/{query}"}]}
        if entries:
            b["entry"] = entries
        return b

    def request(self) -> dict:
        pid = self.patient_id
        prefetch: dict[str, Any] = {
            "patient": self.patient(),
            "vitalSigns": self._bundle("vitals", f"Observation?patient={pid}&category=vital-signs&_sort=-date&_count=500", self.vitals),
            "laboratory": self._bundle("labs", f"Observation?patient={pid}&category=laboratory&_sort=-date&_count=500", self.labs),
            "medicationAdministrations": self._bundle(
                "meds", f"MedicationAdministration?patient={pid}&_include=MedicationAdministration:medication&_sort=-effective-time&_count=500",
                self.meds, self.medications),
            "procedures": self._bundle("procedures", f"Procedure?patient={pid}&_sort=-date&_count=200", self.procedures),
            "conditions": self._bundle("conditions", f"Condition?patient={pid}&_count=200", [(None, c) for c in self.conditions]),
            "allergies": self._bundle("allergies", f"AllergyIntolerance?patient={pid}&_count=100", [(None, a) for a in self.allergies]),
        }
        prefetch.update(self.raw_prefetch)
        return {
            "hook": "patient-view",
            "hookInstance": str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://github.com/crs-cds-hooks/fhir-samples/{self.file}")),
            "context": {"userId": USER, "patientId": pid},
            "prefetch": prefetch,
        }
