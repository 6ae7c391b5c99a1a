using System.Collections.Concurrent;

using Microsoft.Extensions.Logging;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>
/// Keeps every log line (message, exception text and the scopes it was written in) so tests can assert what is, and
/// is not, logged; each line is checked by the run's <see cref="LeakGuard"/> as it is written.
/// </summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public CapturingLoggerProvider(string source = "host")
    {
        Leaks = new LeakRecorder(source);
    }

    public ConcurrentQueue<(string Category, LogLevel Level, int EventId, string Text, IReadOnlyList<string> Scopes)> Entries { get; } = new();

    public string AllText => string.Join("\n", Entries.Select(e => e.Text));

    /// <summary>What of these lines leaked, per the run's guard.</summary>
    public LeakRecorder Leaks { get; }

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    /// <summary>The logger factory's scopes (BeginScope on any logger of the host), so a line sees the request's scopes.</summary>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>
    /// A scope as a sink would write it: its text, or for a structured scope without one (a dictionary's ToString is
    /// its type name) each key and value.
    /// </summary>
    public static string Describe(object? scope)
    {
        if (scope is null) return "";
        var text = scope.ToString() ?? "";
        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs && text == scope.GetType().ToString())
            text = "{" + string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) + "}";
        return text;
    }

    public static List<string> ScopesOf(IExternalScopeProvider scopes)
    {
        var list = new List<string>();
        scopes.ForEachScope((scope, l) => l.Add(Describe(scope)), list);
        return list;
    }

    private sealed class Logger(string category, CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception) + (exception is null ? "" : "\n" + exception);
            var scopes = ScopesOf(owner._scopes);
            // The structured values too: a sink that writes them (JSON console, OpenTelemetry) would show them.
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Where(p => p.Key != "{OriginalFormat}").Select(p => p.Value))
                : "";
            owner.Leaks.Line(category, logLevel.ToString(), text, scopes, values);
            owner.Entries.Enqueue((category, logLevel, eventId.Id, text, scopes));
        }
    }
}
