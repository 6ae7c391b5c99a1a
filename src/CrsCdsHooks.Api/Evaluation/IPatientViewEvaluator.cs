using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;

using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Evaluation;

/// <summary>
/// The clinical core as the host sees it: one patient in, the evaluation and its cards out. Pure and synchronous.
/// The seam lets protocol tests replace the core with a fixed answer.
/// </summary>
public interface IPatientViewEvaluator
{
    /// <summary>Evaluates one patient at <see cref="PatientViewInput.AsOf"/>.</summary>
    CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids);
}

/// <summary>The production evaluator: the core's <see cref="CrsPatientView"/> with the validated <c>CdsHooks:Grading</c> options.</summary>
internal sealed class CrsPatientViewEvaluator(IOptions<CrsOptions> options) : IPatientViewEvaluator
{
    private readonly CrsPatientView _view = new(options.Value);

    public CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids) => _view.Evaluate(input, ids);
}
