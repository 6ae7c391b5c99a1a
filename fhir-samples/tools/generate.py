#!/usr/bin/env python3
"""Regenerates fhir-samples/*.json, fhir-samples/expected.json and fhir-samples/README.md.

    python3 fhir-samples/tools/generate.py

The scenario data and the hand-computed expectations live in scenarios.py; this script only writes them
out. Output is deterministic (seeded by file name), so re-running it without changes gives no diff.
Do not edit the generated files by hand: edit scenarios.py and re-run.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scenarios import ALL  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def dumps(value, depth: int = 0) -> str:
    """JSON laid out for reading: one member of a FHIR resource per line, each member's value on that line.

    Bundles, entries and the request are expanded; inside a resource (a dict with a resourceType other than
    Bundle) every member value is written compactly on one line. About a third of the size of indent=2.
    """
    flat = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not isinstance(value, (dict, list)) or not value or (len(flat) <= 100 and "resourceType" not in value):
        return flat
    pad = "  " * (depth + 1)
    if isinstance(value, list):
        return "[\n" + ",\n".join(pad + dumps(v, depth + 1) for v in value) + "\n" + "  " * depth + "]"
    in_resource = "resourceType" in value and value["resourceType"] != "Bundle"
    items = []
    for k, v in value.items():
        text = json.dumps(v, ensure_ascii=False, separators=(",", ":")) if in_resource else dumps(v, depth + 1)
        items.append(f"{pad}{json.dumps(k)}: {text}")
    return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"


def system_cell(g) -> str:
    return "—" if g is None else f"{g[0]} (ub {g[1]}, peak {g[2]})"


def finding_cell(f) -> str:
    if f is None:
        return "—"
    level, reasons = f
    return level if not reasons else f"{level}: {', '.join(reasons)}"


def dose_cell(e) -> str:
    if not e.eligible:
        return "—"
    return str(e.dose_mg) if e.dose_mg is not None else f"none ({e.dose_note})"


def waived_cell(e) -> str:
    return "—" if e.fever_waived is None else ("yes" if e.fever_waived else "no")


HEADER = """# fhir-samples — synthetic CDS Hooks `patient-view` requests

Each file is one complete CDS Hooks 2.0 request for the `crs-patient-view` service: `hook`, a fixed
`hookInstance`, `context` (`userId`, `patientId`) and a `prefetch` with the seven keys of the service's
discovery document (`patient`, `vitalSigns`, `laboratory`, `medicationAdministrations`, `procedures`,
`conditions`, `allergies`). Every patient, name, id and URL is invented ("Test Patient", `https://ehr.example.org`);
the codes are real LOINC, SNOMED CT, RxNorm, NDC, UCUM and ICD-10-CM codes. Every resource except the
deliberate noise of `noise-data-issues.json` parses with Firely's strict `FhirJsonDeserializer`
(`tests/CrsCdsHooks.Core.Tests/Samples/SampleFilesTests.cs` checks it).

## Anchor time and the shifter

Every sample is written **as if the request were made at `2025-06-15T12:00:00Z`** — the anchor
(`SampleRequestShifter.Anchor`, src/CrsCdsHooks.Core/Samples). All expected values below are for
`asOf` = the anchor, so the evaluation window is (2025-06-14T12:00Z, 2025-06-15T12:00Z] (24 h, CRS-SPEC §1).
Times in this README are UTC, written `MM-DD HH:MM` (2025).

To use a sample "now" (Swagger examples, curl against a running service), `SampleRequestShifter.Shift(json, asOf)`
moves every FHIR `dateTime` and `instant` string by `asOf − anchor` (keeping the written precision and time
zone) and every full `date` (`yyyy-MM-dd`, e.g. `birthDate`) by the whole number of days `floor((asOf − anchor) / 1 day)`.
Partial dates (`2025`, `2025-06`) and every other string are left alone. The grades do not change under a shift
when the service's `asOf` equals the shifted anchor: the only quantity that can move is age, and no birthday falls
within a day of the anchor. Tests that compare against `expected.json` should use `asOf` = the anchor and the
files as written.

## Reading the table

- **ASTCT 2019 / Lee 2014 / CTCAE v5.0**: `grade (ub upperBound, peak peakGrade)` of `crs.current` and `crs.peak`.
- **Infection / Anaphylaxis**: the `differential` level, then the reasons. The reason codes are this folder's
  the codes the screens document (the spec leaves them to the project, §7): infection `positive-blood-culture`,
  `sepsis-diagnosis` (an active sepsis/septic shock/bacterial sepsis/bacteremia Condition), `procalcitonin-high`,
  `febrile-neutropenia`, `procalcitonin-intermediate`, `late-fever`, `lactate-high`; anaphylaxis
  `skin-and-respiratory-signs`, `skin-sign-and-hypotension`, `tryptase-rise` (likely), `skin-sign-after-exposure`,
  `respiratory-sign-after-exposure`, `hypotension-after-exposure`, `allergy-matched-drug` (possible). Every
  criterion met is listed, so a likely finding also lists the single signs behind it.
- **Tocilizumab (mg)**: `tocilizumab.suggestedDoseMg` — present only when a tocilizumab MedicationRequest is
  suggested (§9.24); otherwise `none (why)`: the primary grade is below 2, or a limit applies (§6, §9.36).
- **Cards**: 0 when not eligible; 1 (the unreadable-infusion card, `eligibility` `undetermined` in expected.json) when
  a CAR-T infusion record could not be used (`car-t-record-status-unknown.json`); else 1 (CRS) + 1 if infection is
  likely/possible + 1 if anaphylaxis is likely/possible (§7).
- `expected.json` holds the same values, machine-readable (plus `day`, `tocilizumab.dosesLast24h/dosesTotal/noDoseReason`, and for
  the noise and unreadable-record samples the `dataIssues` they must produce). The tests keep it equal to this table.

"""

FOOTER = """
## Readings taken where the spec leaves room

- **Peak** = the highest *grade* (not upper bound) over the windows ending at every data-point time between T0
  and asOf, and at asOf itself (§1, §9.25). A window's data includes everything timed in it, even before T0;
  no sample has an abnormal value before T0, so this never matters here.
- **Anaphylaxis signs after tocilizumab**: §9.38 excludes hypotension (readings and vasopressor starts) after an
  anti-cytokine antibody, so vasopressors started within 6 h of tocilizumab are not signs (samples 06, 08, 13, 23).
- **Gram-negative rods in a preliminary culture** is positive (§9.35 names it an organism; §9.39 excludes
  only preliminary cultures *without* an organism).
- **A CAR-T product at the hook's own time** (anaphylaxis sample, day 0) is eligible: asOf − T0 = 3 h.
- **Tocilizumab "next allowed"**: the later of (last start + 8 h) and (the moment the 24 h count drops below 3).
- **Reasons** list every criterion met, not only the one that sets the level (sepsis mimic: one; bacteraemia: two;
  anaphylaxis at infusion: three).
- **Late fever**: §5 says "the first fever of the current febrile episode" and §9.19 "a fever in the window" more than
  14 days after T0; the day-20 sample satisfies both (its episode starts on day 19.8, after 17 afebrile days).
- **Epinephrine given to treat anaphylaxis** is both a vasopressor for ASTCT (no effect without fever) and, started
  within 6 h of the CAR-T product, a hypotension sign for the anaphylaxis screen (§9.22).
- **A lab without `referenceRange.high`** is a grading gap (named in the card), not a `dataIssue` (§9.16).
- **Vasopressin charted in units/min** (`[iU]/min`): its rate is never needed (§9.15); a reader may still report
  `rate-not-convertible`, which changes nothing.
- **Ineligible rows** of `expected.json` carry `null` for every assessment value: no assessment is shown (`{"cards": []}`,
  or the unreadable-infusion card, which shows no grade, when `eligibility` is `undetermined`).

## Regenerating

The files are generated: `python3 fhir-samples/tools/generate.py` (scenario data and the hand-computed
expectations with their reasoning live in `tools/scenarios.py`; `tools/samplekit.py` builds the FHIR). The output
is deterministic. Edit the scenario, re-run, review the diff — never edit the JSON by hand, or README, `expected.json`
and the file will drift apart.
"""


def main() -> None:
    samples = [make() for make in ALL]
    files = [s.file for s in samples]
    assert len(set(files)) == len(files), "duplicate file names"
    assert "patient-view-minimal.json" not in files
    expected = []
    rows = ["| File | Scenario | Day | ASTCT 2019 | Lee 2014 | CTCAE v5.0 | Fever waived | Infection | Anaphylaxis | Tocilizumab (mg) | Cards |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    why = ["## Why each expected value\n"]
    for s in samples:
        e = s.expected
        request = s.request()
        (ROOT / s.file).write_text(dumps(request) + "\n", encoding="utf-8")
        expected.append(e.as_json(s.file, s.scenario))
        day = "—" if e.day is None else str(e.day)
        rows.append(f"| [`{s.file}`]({s.file}) | {s.scenario} | {day} | {system_cell(e.astct)} | {system_cell(e.lee)} | "
                    f"{system_cell(e.ctcae)} | {waived_cell(e)} | {finding_cell(e.infection)} | {finding_cell(e.anaphylaxis)} | "
                    f"{dose_cell(e)} | {e.cards} |")
        why.append(f"### `{s.file}` — patient `{s.patient_id}`\n")
        why.extend(f"- {line}" for line in s.why)
        why.append("")
    (ROOT / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    readme = HEADER + "## Index\n\n" + "\n".join(rows) + "\n\n" + "\n".join(why) + FOOTER
    (ROOT / "README.md").write_text(readme, encoding="utf-8")
    print(f"wrote {len(samples)} samples, expected.json and README.md")


if __name__ == "__main__":
    main()
