namespace CrsCdsHooks.Api.Errors;

/// <summary>
/// An unexpected exception as the service logs it: the type and stack trace of it and of each inner exception, but
/// not their messages. A message is free text that may quote the request (a parser's "cannot parse '…'" quotes the
/// value, a test's fake core names the patient), and the log promises no identifier or resource content; the type,
/// the stack and the correlation id in the same line are what an operator needs to find the failing request.
/// </summary>
internal sealed class WithheldMessageException : Exception
{
    private const string Withheld = "(message withheld: it may quote request data)";

    private readonly Exception _original;

    private WithheldMessageException(Exception original, Exception? inner)
        : base($"{original.GetType().FullName} {Withheld}", inner)
    {
        _original = original;
        HResult = original.HResult;
    }

    public override string? StackTrace => _original.StackTrace;

    /// <summary>The original exception, for a debugger; never logged.</summary>
    public Exception Original => _original;

    public static WithheldMessageException Of(Exception exception)
    {
        Exception? inner = exception is AggregateException { InnerExceptions.Count: > 1 } aggregate
            ? new AggregateException(aggregate.InnerExceptions.Select(e => (Exception)Of(e)))
            : exception.InnerException is { } one ? Of(one) : null;
        return new WithheldMessageException(exception, inner);
    }

    /// <summary>As <see cref="Exception.ToString"/> with the original type names and without messages.</summary>
    public override string ToString()
    {
        var text = $"{_original.GetType().FullName}: {Withheld}";
        if (InnerException is not null) text += $"{Environment.NewLine} ---> {InnerException}{Environment.NewLine}   --- End of inner exception stack trace ---";
        if (StackTrace is { } stack) text += Environment.NewLine + stack;
        return text;
    }
}
