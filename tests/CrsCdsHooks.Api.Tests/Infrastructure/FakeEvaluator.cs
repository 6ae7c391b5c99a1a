using System.Collections.Concurrent;

using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>Stands in for the clinical core: records what the host passed and answers one fixed card.</summary>
public sealed class FakeEvaluator : IPatientViewEvaluator
{
    public const string CardSummary = "CRS grade 1 (ASTCT 2019) — protocol test card";

    public ConcurrentQueue<PatientViewInput> Inputs { get; } = new();

    /// <summary>When set, Evaluate throws it (the core failing).</summary>
    public Exception? Failure { get; set; }

    /// <summary>When true, the patient is not eligible: no cards.</summary>
    public bool NoCards { get; set; }

    public PatientViewInput Input => Assert.Single(Inputs);

    public CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids)
    {
        Inputs.Enqueue(input);
        if (Failure is not null) throw Failure;
        var primary = input.PrimarySystem ?? GradingSystem.Astct2019;
        var card = new CdsCard
        {
            Uuid = ids.NewId(),
            Summary = CardSummary,
            Indicator = "warning",
            Source = new CdsSource("ASTCT 2019 consensus grading", "https://doi.org/10.1016/j.bbmt.2018.12.758"),
        };
        var assessment = new CrsAssessment
        {
            AsOf = input.AsOf,
            Eligible = !NoCards,
            PrimarySystem = primary,
            Current = new Dictionary<GradingSystem, SystemGrade> { [primary] = new(1, 2, ["fever"], ["no blood pressure"]) },
        };
        return new CrsEvaluation(
            new ClinicalTimeline(),
            assessment,
            DifferentialFinding.None with { Level = FindingLevel.Possible },
            DifferentialFinding.None,
            new TocilizumabStatus(0, 0, null, null, null),
            NoCards ? CdsServiceResponse.Empty : new CdsServiceResponse([card]));
    }
}
