using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// Turns the current window's facts into the assessment: each system's grade with its "Why" and "UpperBoundWhy"
/// lines, the evidence table, the data gaps and the review notes. The numbers come from <see cref="WindowEvaluator"/>;
/// this class only says why.
/// </summary>
internal static class GradeExplainer
{
    private const string OtherCauses = "consider other causes (infection/sepsis, bleeding, cardiac dysfunction, pulmonary embolism, fluid overload, drug effect)";

    private sealed record BoundReason(string Text, int UpperBound, int Priority);

    public static CrsAssessment Explain(
        ClinicalTimeline timeline, InfusionContext infusion, WindowFacts facts, WindowGrades peak, CrsOptions options, GradingSystem primary)
    {
        var hours = $"{ClinicalText.Number(options.WindowHours)} h";
        var current = new Dictionary<GradingSystem, SystemGrade>
        {
            [GradingSystem.Astct2019] = System(GradingSystem.Astct2019, facts, facts.Grades.Astct, hours),
            [GradingSystem.Lee2014] = System(GradingSystem.Lee2014, facts, facts.Grades.Lee, hours),
            [GradingSystem.CtcaeV5] = System(GradingSystem.CtcaeV5, facts, facts.Grades.Ctcae, hours),
        };
        var peakGrades = new Dictionary<GradingSystem, int>
        {
            [GradingSystem.Astct2019] = peak.Astct.Grade,
            [GradingSystem.Lee2014] = peak.Lee.Grade,
            [GradingSystem.CtcaeV5] = peak.Ctcae.Grade,
        };

        return new CrsAssessment
        {
            AsOf = facts.AsOf,
            Infusion = infusion,
            Eligible = true,
            PrimarySystem = primary,
            WindowHours = options.WindowHours,
            Fever = facts.Fever,
            HighestTemperature = facts.Highest,
            FeverWaived = facts.Waived,
            MaskingDrug = facts.Masking?.Administration,
            Present = facts.Present,
            Hypotension = facts.Hypotension,
            Vasopressors = facts.Vasopressors.Select(v => v.Administration).Distinct().ToList(),
            Current = current,
            Peak = peakGrades,
            Evidence = Evidence(infusion, facts),
            Gaps = Gaps(timeline, facts, options, hours),
            ReviewNotes = ReviewNotes(facts, hours),
        };
    }

    private static SystemGrade System(GradingSystem system, WindowFacts facts, Severity final, string hours)
    {
        var why = new List<string> { Presence(facts, hours) };
        var (circulation, circulationWhy) = system switch
        {
            GradingSystem.Lee2014 => (facts.LeeCirculation, LeeCirculationWhy(facts, hours)),
            GradingSystem.CtcaeV5 => (facts.CtcaeCirculation, CtcaeCirculationWhy(facts, hours)),
            _ => (facts.AstctCirculation, AstctCirculationWhy(facts, hours)),
        };
        var criteria = new List<string> { circulationWhy, OxygenWhy(system, facts, hours) };
        if (system == GradingSystem.Lee2014) criteria.AddRange(OrganWhy(facts, hours));
        var qualifier = facts.Present ? null
            : facts.Fever == FeverStatus.Unknown ? " (counts only if febrile)"
            : " (not CRS without fever)";
        why.AddRange(criteria.Select(c => qualifier is not null && c.Contains(" → ", StringComparison.Ordinal) && !c.EndsWith("→ 0", StringComparison.Ordinal) && !c.EndsWith("(0)", StringComparison.Ordinal)
            ? c + qualifier : c));
        why.Add(Conclusion(facts, final, hours));

        var bounds = new List<BoundReason>();
        if (facts.Fever == FeverStatus.Unknown && !facts.Waived)
            bounds.Add(new BoundReason($"no temperature in {hours}", final.UpperBound, 0));
        if (facts.Waived && facts.Masking is { } masking)
            bounds.Add(new BoundReason($"fever may be masked by {Name(masking.Administration)}", 1, 1));
        if (circulation.UpperBound > circulation.Grade)
        {
            if (facts.AssessablePressureCount == 0 && facts.Vasopressors.Count == 0)
                bounds.Add(new BoundReason($"no blood pressure in {hours}", circulation.UpperBound, 2));
            else if (system == GradingSystem.Lee2014 && facts.HighDose is { PossiblyHigh: true, High: false } hd)
                bounds.Add(new BoundReason(hd.WeightMissing ? "no weight to convert the vasopressor rate" : "vasopressor rate not recorded", circulation.UpperBound, 2));
        }

        foreach (var (_, grade) in facts.Oxygen)
        {
            var (severity, reason) = system == GradingSystem.Astct2019 ? (grade.Astct, grade.AstctBoundWhy) : (grade.Fio2, grade.Fio2BoundWhy);
            if (reason is not null && severity.UpperBound > severity.Grade) bounds.Add(new BoundReason(reason, severity.UpperBound, 3));
        }

        var upperWhy = final.UpperBound <= final.Grade
            ? []
            : bounds.Where(b => b.UpperBound > final.Grade)
                .OrderByDescending(b => Math.Min(b.UpperBound, final.UpperBound)).ThenBy(b => b.Priority)
                .Select(b => $"{b.Text} → up to {Math.Min(b.UpperBound, final.UpperBound)}")
                .Distinct(StringComparer.Ordinal)
                .ToList();
        return new SystemGrade(final.Grade, final.UpperBound, why, upperWhy);
    }

    private static string Presence(WindowFacts facts, string hours)
    {
        if (facts.Fever == FeverStatus.Febrile)
            return $"Fever {ClinicalText.Temperature(facts.Highest!)} at {ClinicalText.Time(facts.Highest!.Time)} → CRS present (grade 1 or higher)";
        if (facts.Waived && facts.Masking is { } m)
        {
            var noFever = facts.Fever == FeverStatus.Unknown ? $"No temperature in the last {hours}" : $"No fever in the last {hours}";
            return $"{noFever}; {Name(m.Administration)} ({m.ClassName}) started {ClinicalText.Time(m.Administration.When.Start)}, after the fever of "
                + $"{ClinicalText.Time(facts.FirstFever!.Time)}, masks fever for {ClinicalText.Hours(m.Period)} → fever no longer required: CRS present";
        }

        if (facts.Fever == FeverStatus.Afebrile)
            return $"No temperature ≥ 38.0 °C in the last {hours} (highest {ClinicalText.Temperature(facts.Highest!)}) and no fever waiver → CRS criteria not met";
        return $"No temperature recorded in the last {hours} and no fever waiver → graded as afebrile";
    }

    private static string Conclusion(WindowFacts facts, Severity final, string hours)
    {
        if (facts.Fever == FeverStatus.Febrile) return $"Grade = the highest criterion met → {final.Grade}";
        if (facts.Waived)
        {
            return final.Grade == 0
                ? "Under the fever waiver the fever-only grade 1 becomes 0 (upper bound 1); no other criterion met → 0"
                : $"Under the fever waiver the other criteria apply unchanged → {final.Grade}";
        }

        if (facts.Fever == FeverStatus.Unknown)
            return $"Without a temperature in the last {hours} the grade is 0; the upper bound is the grade if febrile → up to {final.UpperBound}";
        return "Without fever or a fever waiver, hypotension, hypoxia and vasopressors do not make CRS → 0";
    }

    private static string Names(WindowFacts facts) => ClinicalText.DrugNames(facts.Vasopressors.Select(v => v.Administration));

    private static string NoVasopressor(WindowFacts facts, string hours, string hypotensionGrade)
    {
        if (facts.Hypotension) return $"Hypotension without vasopressor{hypotensionGrade}: {Reading(facts.HypotensiveReading!)} → 2";
        if (facts.AssessablePressureCount == 0) return $"No blood pressure in the last {hours} and no vasopressor → hypotension not assessed";
        var lowest = facts.LowestSystolic is { } low ? $"lowest {ClinicalText.Pressure(low)}" : $"lowest {ClinicalText.Pressure(facts.LowestMean!)}";
        return $"No hypotension ({lowest}; hypotension is systolic < {facts.SystolicThreshold} mmHg"
            + (facts.MeanThreshold is { } map ? $" or MAP < {map} mmHg" : string.Empty)
            + (facts.AgeYears is { } age ? $" at {age} years" : " (adult; no birth date)") + ") and no vasopressor → 0";
    }

    private static string Reading(ArterialPressure p) => $"{ClinicalText.Pressure(p)} at {ClinicalText.Time(p.Time)}";

    private static string AstctCirculationWhy(WindowFacts facts, string hours)
    {
        if (facts.Vasopressors.Count == 0) return NoVasopressor(facts, hours, string.Empty);
        if (facts.NonVasopressinPair is { } pair)
            return $"Two vasopressors running at the same time ({Name(pair.First)}, {Name(pair.Second)}; vasopressin excluded) → 4";
        var note = facts.AnyPair is not null ? "; vasopressin does not count as a second agent"
            : DistinctAgents(facts) > 1 ? "; the agents did not run at the same time" : string.Empty;
        return $"Vasopressor ({Names(facts)}{note}) → 3";
    }

    private static string LeeCirculationWhy(WindowFacts facts, string hours)
    {
        if (facts.Vasopressors.Count == 0) return NoVasopressor(facts, hours, " (taken as responsive to fluids)");
        if (facts.NonVasopressinPair is { } pair)
            return $"Multiple vasopressors ({Name(pair.First)}, {Name(pair.Second)}) → 3";
        if (facts.HighDose.High) return $"High-dose vasopressor: {facts.HighDose.Rule} (Lee 2014 Table 2) → 3";
        if (facts.HighDose.PossiblyHigh)
            return $"Vasopressor ({Names(facts)}) with a rate unknown over {facts.HighDose.Rule?.Split(" for ").LastOrDefault()}"
                + (facts.HighDose.WeightMissing ? " (no weight to convert it)" : string.Empty) + ": high dose not shown → 2";
        return $"Low-dose vasopressor ({Names(facts)}; no high-dose rule sustained ≥ 3 h) → 2";
    }

    private static string CtcaeCirculationWhy(WindowFacts facts, string hours)
    {
        if (facts.Vasopressors.Count == 0) return NoVasopressor(facts, hours, string.Empty);
        if (facts.AnyPair is { } pair)
            return $"Two vasopressor agents running at the same time ({Name(pair.First)}, {Name(pair.Second)}; vasopressin counted) → 4";
        var note = DistinctAgents(facts) > 1 ? "; the agents did not run at the same time" : string.Empty;
        return $"One vasopressor agent ({Names(facts)}{note}) → 3";
    }

    private static int DistinctAgents(WindowFacts facts) => facts.Vasopressors.Select(v => v.Administration.Drug).Distinct().Count();

    private static string OxygenWhy(GradingSystem system, WindowFacts facts, string hours)
    {
        if (facts.Oxygen.Count == 0) return $"No oxygen support recorded in the last {hours} → room air (0)";
        var astct = system == GradingSystem.Astct2019;
        var (support, grade) = facts.Oxygen
            .OrderByDescending(o => astct ? o.Grade.Astct.Grade : o.Grade.Fio2.Grade)
            .ThenByDescending(o => astct ? o.Grade.Astct.UpperBound : o.Grade.Fio2.UpperBound)
            .ThenByDescending(o => o.Support.When.Start)
            .First();
        var text = astct ? grade.AstctWhy : grade.Fio2Why;
        return $"Oxygen ({ClinicalText.Period(support.When)}): {text}";
    }

    private static IEnumerable<string> OrganWhy(WindowFacts facts, string hours)
    {
        var graded = facts.OrganLabs.Where(l => l.Grade is not null).ToList();
        var ungraded = facts.OrganLabs.Where(l => l.Grade is null).ToList();
        if (graded.Count == 0 && ungraded.Count == 0)
        {
            yield return $"Organ toxicity: no AST, ALT, bilirubin or creatinine in the last {hours}";
            yield break;
        }

        if (graded.Count > 0)
        {
            var (lab, g) = graded.OrderByDescending(l => l.Grade!.Value.LeeGrade).ThenByDescending(l => l.Grade!.Value.CtcaeGrade).ThenByDescending(l => l.Lab.Time).First();
            var grade = g!.Value;
            yield return grade.LeeGrade > 0
                ? $"Organ toxicity: {OrganToxicity.Name(lab.Analyte)} {OrganToxicity.Describe(lab, grade)} at {ClinicalText.Time(lab.Time)}: CTCAE grade {grade.CtcaeGrade}"
                    + (grade.CtcaeGrade == 4 && lab.Analyte is LabAnalyte.AspartateAminotransferase or LabAnalyte.AlanineAminotransferase ? " transaminitis" : string.Empty)
                    + $" → {grade.LeeGrade}"
                : "Organ toxicity: AST/ALT, bilirubin and creatinine below CTCAE grade 2 → 0";
        }

        if (ungraded.Count > 0)
            yield return $"Organ toxicity not graded for {string.Join(", ", ungraded.Select(u => $"{OrganToxicity.Name(u.Lab.Analyte)} ({u.Lab.Source})"))}: no upper limit of normal";
    }

    private static string Name(DrugAdministration d) => d.Drug?.GenericName() ?? d.Name;

    private static List<EvidenceItem> Evidence(InfusionContext infusion, WindowFacts facts)
    {
        var items = new List<EvidenceItem>();
        foreach (var a in infusion.Administrations)
        {
            var t0 = a.Start == infusion.Start ? " (T0)" : string.Empty;
            items.Add(new EvidenceItem("infusion", $"CAR-T infusion: {a.Product.GenericName()}{t0}", a.Start, [a.Source]));
        }

        if (facts.Highest is { } highest)
        {
            var finding = facts.Fever == FeverStatus.Febrile ? "Fever" : "No fever";
            items.Add(new EvidenceItem("fever", $"{finding}: highest of {facts.TemperatureCount} temperature(s) in the window", highest.Time, [highest.Source])
            {
                Value = ClinicalText.Temperature(highest),
            });
        }

        if (facts.Waived && facts.Masking is { } m)
        {
            items.Add(new EvidenceItem("fever-waiver", $"First fever after infusion", facts.FirstFever!.Time, [facts.FirstFever.Source])
            {
                Value = ClinicalText.Temperature(facts.FirstFever),
            });
            items.Add(new EvidenceItem("fever-waiver", $"{Name(m.Administration)} ({m.ClassName}): masks fever for {ClinicalText.Hours(m.Period)}",
                m.Administration.When.Start, [m.Administration.Source]));
        }

        if (facts.Hypotension && facts.HypotensiveReading is { } low)
        {
            items.Add(new EvidenceItem("hypotension", $"Below the threshold (systolic < {facts.SystolicThreshold} mmHg"
                + (facts.MeanThreshold is { } map ? $" or MAP < {map} mmHg" : string.Empty) + ")", low.Time, [low.Source])
            {
                Value = ClinicalText.Pressure(low),
            });
        }
        else if ((facts.LowestSystolic ?? facts.LowestMean) is { } lowest)
        {
            items.Add(new EvidenceItem("blood-pressure", $"Lowest of {facts.AssessablePressureCount} reading(s) in the window: not hypotensive", lowest.Time, [lowest.Source])
            {
                Value = ClinicalText.Pressure(lowest),
            });
        }

        var converted = false;
        foreach (var v in facts.Vasopressors.Select(c => c.Administration).Distinct())
        {
            var value = ClinicalText.Rate(v.Rate);
            if (v.Drug is { } drug && drug != Drug.Vasopressin && v.Rate is { } rate && rate.PerKilogram != (drug == Drug.Dopamine)
                && facts.Weight is { } w && LeeHighDose.Convert(v, w.Kilograms).Value is { } inThresholdUnit)
            {
                value += $" = {ClinicalText.Number(Math.Round(inThresholdUnit, 2, MidpointRounding.AwayFromZero))} {LeeHighDose.ThresholdUnit(drug)} at {ClinicalText.Number(w.Kilograms)} kg";
                converted = true;
            }

            items.Add(new EvidenceItem("vasopressor", $"{Name(v)} {ClinicalText.Period(v.When)}{Status(v)}", v.When.Start, [v.Source])
            {
                Value = value,
            });
        }

        foreach (var i in facts.Inotropes)
        {
            items.Add(new EvidenceItem("inotrope", $"{Name(i)} {ClinicalText.Period(i.When)} (inotrope: not counted as a vasopressor)", i.When.Start, [i.Source])
            {
                Value = ClinicalText.Rate(i.Rate),
            });
        }

        if (converted && facts.Weight is { } weight)
        {
            items.Add(new EvidenceItem("weight", "Weight used to convert vasopressor rates", weight.Time, [weight.Source]) { Value = ClinicalText.Weight(weight) });
        }

        foreach (var (support, grade) in OxygenEvidence(facts))
        {
            items.Add(new EvidenceItem("oxygen-support",
                $"{grade.Description} ({ClinicalText.Period(support.When)}): ASTCT {Bound(grade.Astct)}, FiO2 tier {Bound(grade.Fio2)}",
                support.When.Start, support.Sources)
            {
                Value = OxygenSettings(support, grade),
            });
        }

        if (facts.LowestSaturation is { } spo2)
        {
            items.Add(new EvidenceItem("spo2", "Lowest SpO2 in the window (evidence only: SpO2 never grades)", spo2.Time, [spo2.Source])
            {
                Value = $"{ClinicalText.Number(spo2.Percent)} %",
            });
        }

        foreach (var (lab, grade) in facts.OrganLabs)
        {
            var finding = grade is { } g
                ? $"{OrganToxicity.Name(lab.Analyte)}: CTCAE grade {g.CtcaeGrade}{(g.LeeGrade > 0 ? $" (Lee 2014 → {g.LeeGrade})" : string.Empty)}"
                : $"{OrganToxicity.Name(lab.Analyte)}: not graded (no upper limit of normal)";
            items.Add(new EvidenceItem("organ-toxicity", finding, lab.Time, [lab.Source]) { Value = OrganToxicity.Describe(lab, grade) + Recorded(lab) });
        }

        return items;
    }

    /// <summary>
    /// The criteria table's value for an oxygen event: the device, flow and FiO2 as recorded ("nasal cannula, 4 L/min"),
    /// "flow not recorded" for a nasal cannula without flow, and the FiO2 Lee/CTCAE used when it was estimated.
    /// </summary>
    private static string OxygenSettings(OxygenSupport support, OxygenGrade grade)
    {
        var settings = OxygenGrading.Describe(support);
        if (support.Device == OxygenDevice.NasalCannula && support.FlowLitresPerMinute is null) settings += ", flow not recorded";
        if (support.FiO2Percent is null && grade.FiO2Percent is { } f)
            settings += $", FiO2 {ClinicalText.Number(f)} %{(grade.FiO2Estimated ? " (estimated)" : string.Empty)}";
        return settings;
    }

    private static string Recorded(LabResult lab) =>
        lab.Recorded.Unit == lab.Unit && lab.Recorded.Value == lab.Value ? string.Empty : $" (recorded {lab.Recorded})";

    private static string Status(DrugAdministration d) => d.Status switch
    {
        AdministrationStatus.InProgress => ", in progress",
        AdministrationStatus.Stopped => ", stopped",
        _ => string.Empty,
    };

    private static string Bound(Severity s) => s.UpperBound > s.Grade ? $"{s.Grade} (up to {s.UpperBound})" : $"{s.Grade}";

    /// <summary>The events that decide a grade (ASTCT, Lee/CTCAE), the latest event, and any tracheostomy tube alone.</summary>
    private static IEnumerable<(OxygenSupport Support, OxygenGrade Grade)> OxygenEvidence(WindowFacts facts)
    {
        if (facts.Oxygen.Count == 0) return [];
        var chosen = new List<(OxygenSupport Support, OxygenGrade Grade)>
        {
            facts.Oxygen.OrderByDescending(o => o.Grade.Astct.Grade).ThenByDescending(o => o.Grade.Astct.UpperBound).ThenByDescending(o => o.Support.When.Start).First(),
            facts.Oxygen.OrderByDescending(o => o.Grade.Fio2.Grade).ThenByDescending(o => o.Grade.Fio2.UpperBound).ThenByDescending(o => o.Support.When.Start).First(),
            facts.Oxygen[^1],
        };
        chosen.AddRange(facts.Oxygen.Where(o => o.Grade.TracheostomyTubeAlone));
        return chosen.Distinct().OrderBy(o => o.Support.When.Start);
    }

    private static List<DataGap> Gaps(ClinicalTimeline timeline, WindowFacts facts, CrsOptions options, string hours)
    {
        var gaps = new List<DataGap>();
        var graded = facts.Present || facts.Fever == FeverStatus.Unknown;
        if (facts.Fever == FeverStatus.Unknown)
        {
            gaps.Add(new DataGap(DataGapCodes.NoTemperature, facts.Waived
                ? $"No temperature recorded in the last {hours}; the fever waiver applies."
                : $"No temperature recorded in the last {hours}: graded as afebrile; the upper bound assumes a fever. Record a temperature."));
        }

        if (facts.AssessablePressureCount == 0 && facts.Vasopressors.Count == 0)
        {
            gaps.Add(new DataGap(DataGapCodes.NoBloodPressure, graded
                ? $"No blood pressure recorded in the last {hours} and no vasopressor: hypotension cannot be excluded (upper bound at least 2). Record a blood pressure."
                : $"No blood pressure recorded in the last {hours} (CRS criteria are not met, so the grade does not change)."));
        }

        if (timeline.Patient.EarliestBirthDate is null)
        {
            var o = options.Hypotension;
            gaps.Add(new DataGap(DataGapCodes.NoBirthDate,
                $"No birth date: adult hypotension thresholds used (systolic < {o.AdultSystolicMmHg} mmHg, MAP < {o.AdultMeanMmHg} mmHg)."));
        }

        if (facts.HighDose is { PossiblyHigh: true, High: false } hd && facts.Grades.Lee.Grade < 3)
        {
            var names = ClinicalText.DrugNames(hd.UnknownRates);
            var sources = string.Join(", ", hd.UnknownRates.Select(u => u.Source));
            if (hd.WeightMissing)
            {
                gaps.Add(new DataGap(DataGapCodes.NoWeight,
                    $"No body weight in the {ClinicalText.Hours(GradingCriteria.WeightLookBack)} before asOf: the {names} rate cannot be converted between µg/kg/min and µg/min ({sources})."));
            }

            gaps.Add(new DataGap(DataGapCodes.RateUnknown,
                $"Vasopressor rate unknown for {names} ({sources}) over a run of 3 h or more: Lee 2014 high dose cannot be excluded (upper bound 3)."));
        }

        var highestGrade = Math.Min(Math.Min(facts.Grades.Astct.Grade, facts.Grades.Lee.Grade), facts.Grades.Ctcae.Grade);
        foreach (var (support, grade) in facts.Oxygen)
        {
            var matters = graded && (grade.Astct.UpperBound > highestGrade || grade.Fio2.UpperBound > highestGrade);
            if (!matters) continue;
            var where = $"{grade.Description} ({string.Join(", ", support.Sources)}, {ClinicalText.Period(support.When)})";
            if (grade.AstctGap is { } astctGap && grade.Astct.UpperBound > grade.Astct.Grade)
                gaps.Add(new DataGap(astctGap, GapText(astctGap, where, grade.Astct.UpperBound)));
            if (grade.Fio2Gap is { } fio2Gap && grade.Fio2.UpperBound > grade.Fio2.Grade && fio2Gap != grade.AstctGap)
                gaps.Add(new DataGap(fio2Gap, GapText(fio2Gap, where, grade.Fio2.UpperBound)));
        }

        foreach (var (lab, _) in facts.OrganLabs.Where(l => l.Grade is null))
        {
            gaps.Add(new DataGap(DataGapCodes.NoUpperLimitOfNormal,
                $"{OrganToxicity.Name(lab.Analyte)} ({lab.Source}) has no reference range upper limit: not graded for organ toxicity (the upper bound is not raised)."));
        }

        return gaps.DistinctBy(g => (g.Code, g.Description)).ToList();
    }

    private static string GapText(string code, string where, int upperBound) => code switch
    {
        DataGapCodes.TracheostomyTube => $"Tracheostomy tube without oxygen settings: {where}. The mode of support is unknown (up to {upperBound}).",
        DataGapCodes.FiO2Indeterminate => $"FiO2 not recorded and not estimable for the device: {where} (Lee 2014/CTCAE v5.0 up to {upperBound}).",
        _ => $"Oxygen device, flow or FiO2 incomplete: {where} (up to {upperBound}).",
    };

    private static List<string> ReviewNotes(WindowFacts facts, string hours)
    {
        var notes = new List<string>();
        if (facts.Inotropes.Count > 0)
        {
            notes.Add($"Inotrope recorded ({ClinicalText.DrugNames(facts.Inotropes)}; {string.Join(", ", facts.Inotropes.Select(i => i.Source))}): "
                + "not counted as a vasopressor for grading. Review hemodynamic support.");
        }

        // [operational] The grade counts these doses as CRS-SPEC §3 says; the note asks for review (EpinephrineDoseReview).
        foreach (var dose in facts.Vasopressors.Select(v => v.Administration).Distinct().Where(EpinephrineDoseReview.NeedsReview))
            notes.Add(EpinephrineDoseReview.CrsNote(dose));

        foreach (var (support, _) in facts.Oxygen.Where(o => o.Grade.TracheostomyTubeAlone))
        {
            notes.Add($"Tracheostomy tube recorded without oxygen settings ({string.Join(", ", support.Sources)}): review the mode of oxygen support (graded 0, up to 4).");
        }

        var hypoxia = facts.Oxygen.Any(o => o.Grade.Astct.Grade >= 2);
        if (!facts.Present && (facts.Hypotension || facts.Vasopressors.Count > 0 || hypoxia))
        {
            var found = new List<string>();
            if (facts.Hypotension) found.Add("hypotension");
            if (facts.Vasopressors.Count > 0) found.Add("vasopressors");
            if (hypoxia) found.Add("supplemental oxygen");
            var what = string.Join(", ", found);
            notes.Add(facts.Fever == FeverStatus.Unknown
                ? $"No temperature in the last {hours}: if afebrile, {what} without fever or fever waiver do not meet CRS criteria; {OtherCauses}. Record a temperature."
                : $"Findings do not meet CRS criteria: {what} without fever or fever waiver; {OtherCauses}.");
        }

        return notes;
    }
}
