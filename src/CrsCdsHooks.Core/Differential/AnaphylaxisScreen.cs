using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Differential;

/// <summary>The reason codes of the anaphylaxis / infusion-reaction screen (CRS-SPEC §5, §9.21–23, §9.38, §9.40).</summary>
public static class AnaphylaxisReasons
{
    /// <summary>likely: a skin/mucosal sign and a respiratory sign after the same exposure.</summary>
    public const string SkinAndRespiratorySigns = "skin-and-respiratory-signs";
    /// <summary>likely: a skin/mucosal sign and hypotension after the same exposure.</summary>
    public const string SkinSignAndHypotension = "skin-sign-and-hypotension";
    /// <summary>likely: hypotension or bronchospasm after an exposure with a positive tryptase rule (Valent 2019).</summary>
    public const string TryptaseRise = "tryptase-rise";
    /// <summary>possible: a skin/mucosal sign within 6 h after an exposure.</summary>
    public const string SkinSignAfterExposure = "skin-sign-after-exposure";
    /// <summary>possible: a respiratory sign within 6 h after an exposure.</summary>
    public const string RespiratorySignAfterExposure = "respiratory-sign-after-exposure";
    /// <summary>possible: hypotension within 6 h after the CAR-T product or an allergy-matched drug.</summary>
    public const string HypotensionAfterExposure = "hypotension-after-exposure";
    /// <summary>possible: a drug the patient is recorded as allergic to was given in the last 6 h.</summary>
    public const string AllergyMatchedDrug = "allergy-matched-drug";
}

/// <summary>
/// Screens for anaphylaxis or an infusion reaction beside CRS (CRS-SPEC §5, §9.17, §9.21–23, §9.38, §9.40;
/// NIAID/FAAN 2006, WAO 2020, Valent 2019). The screen never excludes CRS: both can coexist.
/// </summary>
/// <remarks>
/// <para>Exposures (§9.21): the start of a CAR-T product (<see cref="ClinicalTimeline.Infusions"/>); any
/// administration of a monoclonal antibody; any administration matching an active drug allergy by RxNorm code,
/// by the allergy's substance name occurring as whole words in the drug's names, or by the §8.2 names and
/// synonyms of the drug recognised on both sides (<see cref="MatchesAllergy"/>; class allergies are not
/// expanded). Blood products are not exposures (§9.35).</para>
/// <para>Signs (§9.22) in the evaluation window, each with an exposure up to 6 h before it (the exposure may lie
/// before the window): skin/mucosal (urticaria, weal, angioedema, flushing), respiratory (bronchospasm,
/// wheezing, stridor), hypotension (a reading below the §3 age threshold, or a vasopressor started within 6 h
/// after the exposure). Hypotension counts only after the CAR-T product or an allergy-matched drug (§9.38,
/// §9.40): after tocilizumab, siltuximab or any other antibody the patient is not allergic to, hypotension is
/// expected in CRS.</para>
/// <para>Tryptase (§9.23): acute = collected from the sign to 4 h after it; baseline = the latest sample at least
/// 24 h before the exposure. Positive when acute &gt; 1.2 × baseline + 2 ng/mL, or &gt; 11.4 ng/mL with no
/// baseline. Values are rounded half away from zero to 0.1 ng/mL first (§9.5, §9.31).</para>
/// <para>likely: after one exposure, a skin/mucosal sign plus a respiratory sign or hypotension; or hypotension
/// or bronchospasm with a positive tryptase rule. possible: any one sign after an exposure, or an allergy-matched
/// drug given in the last 6 h.</para>
/// <para>[operational] An exposure that ran over a period (an infusion) lasts from its start to its end (an
/// in-progress one to asOf); a sign counts from the exposure's start to 6 h after its end, inclusive. A
/// vasopressor is a sign when it runs during the window and started within that span. "Bronchospasm" in the
/// tryptase rule is the bronchospasm finding itself (SNOMED 4386001 or text), as §5 words it. An epinephrine dose given
/// IM/SC or at a single point in time counts as a vasopressor sign as §9.22 says; when such doses alone make
/// "hypotension" a sign after an exposure, a note asks for review (<see cref="EpinephrineDoseReview"/>).</para>
/// </remarks>
public static class AnaphylaxisScreen
{
    /// <summary>How long after an exposure a sign is attributed to it (CRS-SPEC §5).</summary>
    public static readonly TimeSpan SignAfterExposure = TimeSpan.FromHours(6);
    /// <summary>An acute tryptase is collected from the sign to this long after it (CRS-SPEC §9.23).</summary>
    public static readonly TimeSpan AcuteTryptaseAfterSign = TimeSpan.FromHours(4);
    /// <summary>A baseline tryptase is collected at least this long before the exposure (CRS-SPEC §9.23).</summary>
    public static readonly TimeSpan BaselineTryptaseBeforeExposure = TimeSpan.FromHours(24);
    /// <summary>"An allergy-matched drug given in the last 6 h" (CRS-SPEC §5).</summary>
    public static readonly TimeSpan RecentAllergyMatchedDrug = TimeSpan.FromHours(6);

    /// <summary>Acute tryptase above this with no baseline is positive (ng/mL).</summary>
    public const decimal TryptaseWithoutBaselineAbove = 11.4m;
    /// <summary>The 20 % of the 20 % + 2 rule.</summary>
    public const decimal TryptaseBaselineFactor = 1.2m;
    /// <summary>The + 2 ng/mL of the 20 % + 2 rule.</summary>
    public const decimal TryptaseIncrementNgPerMl = 2m;

    private const int TryptaseDecimals = 1;

    private static readonly string[] NonSpecificAllergyNames =
        ["drug", "drugs", "medication", "medications", "medicine", "medicines", "other", "unknown", "none", "allergy", "allergies"];

    /// <summary>Screens the timeline at <see cref="CrsAssessment.AsOf"/>.</summary>
    /// <param name="timeline">What the reader understood.</param>
    /// <param name="crs">The CRS assessment (asOf and measured fever are used).</param>
    /// <param name="options">The evaluation window and the hypotension thresholds.</param>
    public static DifferentialFinding Screen(ClinicalTimeline timeline, CrsAssessment crs, CrsOptions options)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(crs);
        ArgumentNullException.ThrowIfNull(options);

        var asOf = crs.AsOf;
        var latest = asOf + ScreenFormat.ClockSkew;
        var windowStart = asOf - TimeSpan.FromHours(options.WindowHours);
        var exposures = Exposures(timeline, asOf, latest);
        var signs = Signs(timeline, asOf, latest, windowStart, options);

        var likely = new List<string>();
        var possible = new List<string>();
        var evidence = new List<EvidenceItem>();
        var notes = new List<string>();
        var pairedSigns = new List<Sign>();
        var uncountedHypotension = new List<(Exposure Exposure, List<Sign> Signs)>();
        var doseNotes = new List<string>();

        foreach (var exposure in exposures)
        {
            var after = signs.Where(s => s.Time >= exposure.Start && s.Time <= exposure.LastExposed + SignAfterExposure).ToList();
            var paired = after.Where(s => s.Kind != SignKind.Hypotension || exposure.HypotensionCounts).ToList();
            if (!exposure.HypotensionCounts && after.Any(s => s.Kind == SignKind.Hypotension))
                uncountedHypotension.Add((exposure, after.Where(s => s.Kind == SignKind.Hypotension).ToList()));

            var recentAllergen = exposure.Allergy is not null && exposure.LastExposed >= asOf - RecentAllergyMatchedDrug;
            if (paired.Count == 0 && !recentAllergen) continue;

            AddExposureEvidence(evidence, exposure);
            if (recentAllergen) possible.Add(AnaphylaxisReasons.AllergyMatchedDrug);
            if (paired.Count == 0) continue;

            pairedSigns.AddRange(paired);
            var skin = paired.Where(s => s.Kind == SignKind.Skin).ToList();
            var respiratory = paired.Where(s => s.Kind == SignKind.Respiratory).ToList();
            var hypotension = paired.Where(s => s.Kind == SignKind.Hypotension).ToList();

            if (skin.Count > 0 && respiratory.Count > 0) likely.Add(AnaphylaxisReasons.SkinAndRespiratorySigns);
            if (skin.Count > 0 && hypotension.Count > 0) likely.Add(AnaphylaxisReasons.SkinSignAndHypotension);
            if (skin.Count > 0) possible.Add(AnaphylaxisReasons.SkinSignAfterExposure);
            if (respiratory.Count > 0) possible.Add(AnaphylaxisReasons.RespiratorySignAfterExposure);
            if (hypotension.Count > 0) possible.Add(AnaphylaxisReasons.HypotensionAfterExposure);
            // [operational] When only IM/SC or single epinephrine doses make "hypotension" a sign, flag them (§9.22 counts them).
            if (hypotension.Count > 0 && hypotension.All(s => s.EpinephrineDose is not null))
                doseNotes.AddRange(hypotension.Select(s => EpinephrineDoseReview.AnaphylaxisNote(s.EpinephrineDose!)));

            foreach (var s in skin.Concat(respiratory)) evidence.Add(s.ToEvidence());
            foreach (var s in hypotension.Where(s => s.Criterion == "vasopressor")) evidence.Add(s.ToEvidence());
            if (hypotension.Where(s => s.Criterion == "hypotension").OrderBy(s => s.Time).FirstOrDefault() is { } firstLow)
                evidence.Add(firstLow.ToEvidence());

            foreach (var s in paired.Where(s => s.TryptaseEligible))
            {
                var result = TryptaseRule(timeline, s, exposure, latest);
                if (result is null) continue;
                evidence.Add(SepsisScreen.LabEvidence("tryptase-acute", "Tryptase (acute)", result.Acute, TryptaseDecimals));
                if (result.Baseline is not null)
                    evidence.Add(SepsisScreen.LabEvidence("tryptase-baseline", "Tryptase (baseline)", result.Baseline, TryptaseDecimals));
                if (result.Positive)
                {
                    likely.Add(AnaphylaxisReasons.TryptaseRise);
                    evidence.Add(s.ToEvidence());
                }
            }
        }

        var classNotes = ClassAllergyNotes(timeline);
        if (likely.Count == 0 && possible.Count == 0)
            return classNotes.Count == 0 ? DifferentialFinding.None : new DifferentialFinding(FindingLevel.NoneFound, [], [], classNotes);

        if (crs.Fever == FeverStatus.Febrile)
            notes.Add(FeverArguesForCrsNote);

        if (pairedSigns.Count > 0 && LacksAcuteTryptase(timeline, pairedSigns.Select(s => s.Time), latest))
        {
            var first = pairedSigns.OrderBy(s => s.Time).First();
            notes.Add($"No tryptase collected after the first sign ({ScreenFormat.Time(first.Time)}): {TryptaseTiming(first.Time, asOf)}; compare it with a baseline (positive when > 1.2 × baseline + 2 ng/mL, Valent 2019).");
        }

        notes.AddRange(doseNotes.Distinct(StringComparer.Ordinal));

        var notCounted = uncountedHypotension
            .Where(u => u.Signs.Any(s => !pairedSigns.Contains(s)))
            .Select(u => u.Exposure)
            .DistinctBy(e => e.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var e in notCounted)
            notes.Add($"Hypotension within 6 h after {e.Name} is not counted as an anaphylaxis sign: the patient is not recorded as allergic to it, and hypotension after an anti-cytokine or other antibody is expected in CRS.");

        if (classNotes.Count > 0)
            notes.AddRange(classNotes);
        else if (timeline.Allergies.Count > 0)
            notes.Add("Drug allergies are matched by RxNorm code or whole-word substance name; class allergies (e.g. \"penicillins\", \"sulfonamides\") are not expanded to their member drugs: review the allergy list against recent administrations.");

        var level = likely.Count > 0 ? FindingLevel.Likely : FindingLevel.Possible;
        var reasons = likely.Concat(possible).Distinct(StringComparer.Ordinal).ToList();
        var distinctEvidence = evidence
            .DistinctBy(e => (e.Criterion, e.Finding, e.Time, string.Join('|', e.Sources)))
            .OrderBy(e => e.Time).ToList();
        return new DifferentialFinding(level, reasons, distinctEvidence, notes);
    }

    /// <summary>The sentence the screen adds when fever is present beside a finding (CRS-SPEC §5 "Fever argues for CRS").</summary>
    public const string FeverArguesForCrsNote = "Fever is present: fever argues for CRS rather than anaphylaxis, but both can coexist.";

    /// <summary>Serum tryptase is most informative when drawn within this long after the reaction's onset (Valent 2019; WAO 2020).</summary>
    public static readonly TimeSpan TryptaseBestWithin = TimeSpan.FromHours(2);

    /// <summary>
    /// When to draw the tryptase, said truthfully: "draw serum tryptase now, within 2 h of onset (by 14:30 UTC)"
    /// while the first sign is at most 2 h old, else "draw serum tryptase as soon as possible; the sign began 5 h ago,
    /// and tryptase is most informative within 2 h of onset".
    /// </summary>
    internal static string TryptaseTiming(DateTimeOffset firstSign, DateTimeOffset asOf)
    {
        var since = asOf - firstSign;
        return since <= TryptaseBestWithin
            ? $"draw serum tryptase now, within 2 h of onset (by {ScreenFormat.Time(firstSign + TryptaseBestWithin)})"
            : $"draw serum tryptase as soon as possible; the sign began {ScreenFormat.Duration(since)} ago, and tryptase is most informative within 2 h of onset";
    }

    /// <summary>
    /// True when no tryptase was collected from any of the sign times to 4 h after it: the card then suggests a
    /// tryptase draw (CRS-SPEC §9.23).
    /// </summary>
    internal static bool LacksAcuteTryptase(ClinicalTimeline timeline, IEnumerable<DateTimeOffset> signTimes, DateTimeOffset latest)
    {
        var tryptase = timeline.Labs.Where(l => l.Analyte == LabAnalyte.Tryptase && l.Time <= latest).ToList();
        return !signTimes.Any(t => tryptase.Any(l => l.Time >= t && l.Time <= t + AcuteTryptaseAfterSign));
    }

    /// <summary>The evidence criteria that name a sign (used by the card to find sign times).</summary>
    internal static readonly IReadOnlySet<string> SignCriteria =
        new HashSet<string>(StringComparer.Ordinal) { "skin-sign", "respiratory-sign", "hypotension", "vasopressor" };

    /// <summary>
    /// Drug-class words of allergy lists (whole words, normalised): an allergy naming one is a class allergy, which
    /// CRS-SPEC §9.21 does not expand to its member drugs.
    /// </summary>
    /// <remarks>
    /// [operational] The list is ours (the spec names no class code set): plural class names and the usual class
    /// phrases. A singular ingredient-like name ("penicillin", often coded as penicillin G, RxNorm 7980) is read as
    /// the ingredient, not as a class.
    /// </remarks>
    private static readonly string[] DrugClassWords =
        [.. new[] { "penicillins", "cephalosporins", "carbapenems", "beta lactams", "beta lactam antibiotics", "sulfonamides",
            "sulphonamides", "sulfa", "sulpha", "sulfa drugs", "macrolides", "fluoroquinolones", "quinolones", "tetracyclines",
            "aminoglycosides", "glycopeptides", "antibiotics", "nsaids", "nsaid", "non steroidal anti inflammatory drugs",
            "salicylates", "opioids", "opiates", "narcotics", "corticosteroids", "steroids", "glucocorticoids", "statins",
            "ace inhibitors", "anticonvulsants", "antiepileptics", "benzodiazepines", "barbiturates", "local anesthetics",
            "local anaesthetics", "contrast media", "iodinated contrast", "contrast dye", "monoclonal antibodies", "biologics",
            "vaccines", "heparins", "platinum compounds", "taxanes" }
            .Select(WholeWords.Normalize)];

    /// <summary>
    /// One note per active class allergy that matched no administration (CRS-SPEC §9.21 "class allergies are not
    /// expanded; say so"), naming the allergy — shown on the CRS card's differential even when the screen finds nothing.
    /// </summary>
    private static List<string> ClassAllergyNotes(ClinicalTimeline timeline)
    {
        var notes = new List<string>();
        foreach (var allergy in timeline.Allergies)
        {
            var names = allergy.Names.Append(allergy.Substance).Select(WholeWords.Normalize).ToList();
            if (!names.Any(n => DrugClassWords.Any(c => WholeWords.ContainsNormalized(n, c)))) continue;
            if (timeline.Drugs.Any(d => MatchesAllergy(d, allergy))) continue;
            notes.Add($"Allergy to \"{allergy.Substance}\" ({allergy.Source}) names a drug class: class allergies are not expanded to their member drugs (CRS-SPEC §9.21), so no administration was matched to it; review recent administrations against it.");
        }

        return notes;
    }

    /// <summary>
    /// True when the drug matches the allergy (CRS-SPEC §9.21): by RxNorm code; by the allergy's substance name
    /// occurring as whole words in the drug's names; or, for the drugs of §8.2, by the same drug recognised on both
    /// sides from its RxNorm ingredient code or any of its §8.2 names and synonyms (§2, §8.2).
    /// </summary>
    /// <remarks>
    /// Both directions of a brand/generic match hold: an allergy to "Actemra" matches tocilizumab coded RxNorm
    /// 612865, and an allergy to "tocilizumab" matches an administration written only as "Actemra 400 mg IV".
    /// Recognition is whole-word (<see cref="DrugCodes.MatchNames"/>, CRS-SPEC §9.8): "epinephrine" is never
    /// norepinephrine. Drugs outside §8.2 match by the literal names only (no brand table is kept for them).
    /// </remarks>
    internal static bool MatchesAllergy(DrugAdministration drug, DrugAllergy allergy)
    {
        if (drug.RxNormCodes.Intersect(allergy.RxNormCodes, StringComparer.Ordinal).Any()) return true;
        var drugNames = drug.Names.Append(drug.Name).ToList();
        var allergyNames = allergy.Names.Append(allergy.Substance).ToList();
        foreach (var allergyName in allergyNames)
        {
            var phrase = WholeWords.Normalize(allergyName);
            var bare = phrase.Trim();
            if (bare.Length < 3 || NonSpecificAllergyNames.Contains(bare, StringComparer.Ordinal)) continue;
            if (drugNames.Any(n => WholeWords.ContainsNormalized(WholeWords.Normalize(n), phrase))) return true;
        }

        var allergens = RecognisedDrugs(allergy.RxNormCodes, allergyNames);
        if (allergens.Count == 0) return false;
        var given = RecognisedDrugs(drug.RxNormCodes, drugNames);
        if (drug.Drug is { } recognised) given.Add(recognised);
        return given.Overlaps(allergens);
    }

    /// <summary>The §8.2 drugs named by RxNorm ingredient code or by a §8.2 name or synonym (whole words).</summary>
    private static HashSet<Drug> RecognisedDrugs(IEnumerable<string> rxNormCodes, IEnumerable<string> names)
    {
        var drugs = new HashSet<Drug>();
        foreach (var code in rxNormCodes)
        {
            if (DrugCodes.TryMatchRxNorm(code, out var coded)) drugs.Add(coded);
        }
        foreach (var name in names) drugs.UnionWith(DrugCodes.MatchNames(name));
        return drugs;
    }

    private static List<Exposure> Exposures(ClinicalTimeline timeline, DateTimeOffset asOf, DateTimeOffset latest)
    {
        var list = new List<Exposure>();
        foreach (var infusion in timeline.Infusions.Where(i => i.Start <= latest))
            list.Add(new Exposure(infusion.Source, $"{infusion.Product.GenericName()} (CAR-T product)", infusion.Start, infusion.Start,
                IsCarT: true, Allergy: null, IsMonoclonal: false));

        foreach (var drug in timeline.Drugs.Where(d => d.When.Start <= latest))
        {
            var allergy = timeline.Allergies.FirstOrDefault(a => MatchesAllergy(drug, a));
            if (!drug.IsMonoclonalAntibody && allergy is null) continue;
            var start = drug.When.Start;
            var end = drug.When.End ?? (drug.Status == AdministrationStatus.InProgress ? asOf : start);
            list.Add(new Exposure(drug.Source, drug.Name, start, end < start ? start : end,
                IsCarT: false, Allergy: allergy, IsMonoclonal: drug.IsMonoclonalAntibody));
        }

        return [.. list.OrderBy(e => e.Start)];
    }

    private static List<Sign> Signs(ClinicalTimeline timeline, DateTimeOffset asOf, DateTimeOffset latest, DateTimeOffset windowStart, CrsOptions options)
    {
        var signs = new List<Sign>();
        foreach (var f in timeline.Findings.Where(f => f.Time > windowStart && f.Time <= latest))
        {
            var kind = f.Kind switch
            {
                FindingKind.Urticaria or FindingKind.Weal or FindingKind.Angioedema or FindingKind.Flushing => SignKind.Skin,
                FindingKind.Bronchospasm or FindingKind.Wheezing or FindingKind.Stridor => SignKind.Respiratory,
                _ => (SignKind?)null,
            };
            if (kind is not { } k) continue;
            var criterion = k == SignKind.Skin ? "skin-sign" : "respiratory-sign";
            signs.Add(new Sign(k, criterion, Describe(f.Kind), f.Time, f.Source, TryptaseEligible: f.Kind == FindingKind.Bronchospasm));
        }

        var age = timeline.Patient.AgeInYears(asOf);
        var sbpBelow = HypotensionThreshold.SystolicBelow(age, options.Hypotension);
        var mapBelow = HypotensionThreshold.MeanBelow(age, options.Hypotension);
        foreach (var p in timeline.Pressures.Where(p => p.Time > windowStart && p.Time <= latest))
        {
            if (!HypotensionThreshold.IsHypotensive(p, age, options.Hypotension)) continue;
            var threshold = mapBelow is { } m ? $"SBP < {sbpBelow} or MAP < {m} mmHg" : $"SBP < {sbpBelow} mmHg";
            signs.Add(new Sign(SignKind.Hypotension, "hypotension", $"Blood pressure {DescribePressure(p)} (hypotension: {threshold})",
                p.Time, p.Source, TryptaseEligible: true));
        }

        foreach (var d in timeline.Drugs.Where(d => d.Drug is { } drug && drug.IsVasopressor()))
        {
            var (start, end) = d.CountedSpan(asOf);
            if (start > latest || end <= windowStart) continue;
            signs.Add(new Sign(SignKind.Hypotension, "vasopressor", $"{d.Name} started (vasopressor)", start, d.Source, TryptaseEligible: true)
            {
                EpinephrineDose = EpinephrineDoseReview.NeedsReview(d) ? d : null,
            });
        }

        return signs;
    }

    private static TryptaseResult? TryptaseRule(ClinicalTimeline timeline, Sign sign, Exposure exposure, DateTimeOffset latest)
    {
        var tryptase = timeline.Labs.Where(l => l.Analyte == LabAnalyte.Tryptase && l.Time <= latest).ToList();
        var acute = tryptase.Where(l => l.Time >= sign.Time && l.Time <= sign.Time + AcuteTryptaseAfterSign)
            .OrderByDescending(l => ScreenFormat.Round(l.Value, TryptaseDecimals)).FirstOrDefault();
        if (acute is null) return null;
        var baseline = tryptase.Where(l => l.Time <= exposure.Start - BaselineTryptaseBeforeExposure)
            .OrderByDescending(l => l.Time).FirstOrDefault();
        return new TryptaseResult(acute, baseline, IsTryptaseRise(acute.Value, baseline?.Value));
    }

    /// <summary>
    /// The tryptase rule (CRS-SPEC §9.23, Valent 2019): acute &gt; 1.2 × baseline + 2 ng/mL, or &gt; 11.4 ng/mL
    /// with no baseline; both values rounded to 0.1 ng/mL first.
    /// </summary>
    internal static bool IsTryptaseRise(decimal acuteNgPerMl, decimal? baselineNgPerMl)
    {
        var acute = ScreenFormat.Round(acuteNgPerMl, TryptaseDecimals);
        if (baselineNgPerMl is not { } b) return acute > TryptaseWithoutBaselineAbove;
        var baseline = ScreenFormat.Round(b, TryptaseDecimals);
        return acute > (TryptaseBaselineFactor * baseline) + TryptaseIncrementNgPerMl;
    }

    private static void AddExposureEvidence(List<EvidenceItem> evidence, Exposure exposure)
    {
        var what = exposure.IsCarT ? $"{exposure.Name} infusion started"
            : exposure.IsMonoclonal ? $"{exposure.Name} started (monoclonal antibody)"
            : $"{exposure.Name} started";
        if (exposure.LastExposed > exposure.Start) what += $", ran until {ScreenFormat.Time(exposure.LastExposed)}";
        evidence.Add(new EvidenceItem("exposure", what, exposure.Start, [exposure.Source]));
        if (exposure.Allergy is { } a)
            evidence.Add(new EvidenceItem("allergy", $"Active allergy to {a.Substance} matches {exposure.Name}", exposure.Start, [a.Source]));
    }

    private static string DescribePressure(ArterialPressure p)
    {
        var sbp = p.SystolicMmHg?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–";
        var text = p.DiastolicMmHg is { } dbp ? $"{sbp}/{dbp} mmHg" : $"SBP {sbp} mmHg";
        if (p.MeanMmHg is { } map) text += $", MAP {map} mmHg";
        return text;
    }

    private static string Describe(FindingKind kind) => kind switch
    {
        FindingKind.Urticaria => "Urticaria",
        FindingKind.Weal => "Weal",
        FindingKind.Angioedema => "Angioedema",
        FindingKind.Flushing => "Flushing",
        FindingKind.Bronchospasm => "Bronchospasm",
        FindingKind.Wheezing => "Wheezing",
        FindingKind.Stridor => "Stridor",
        _ => kind.ToString(),
    };

    private enum SignKind
    {
        Skin,
        Respiratory,
        Hypotension,
    }

    private sealed record Exposure(string Source, string Name, DateTimeOffset Start, DateTimeOffset LastExposed, bool IsCarT, DrugAllergy? Allergy, bool IsMonoclonal)
    {
        /// <summary>Hypotension counts as a sign only after the CAR-T product or an allergy-matched drug (§9.38, §9.40).</summary>
        public bool HypotensionCounts => IsCarT || Allergy is not null;
    }

    private sealed record Sign(SignKind Kind, string Criterion, string Text, DateTimeOffset Time, string Source, bool TryptaseEligible)
    {
        /// <summary>The IM/SC or single epinephrine dose behind a vasopressor sign, flagged for review.</summary>
        public DrugAdministration? EpinephrineDose { get; init; }

        public EvidenceItem ToEvidence() => new(Criterion, Text, Time, [Source]);
    }

    private sealed record TryptaseResult(LabResult Acute, LabResult? Baseline, bool Positive);
}
