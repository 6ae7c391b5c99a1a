namespace CrsCdsHooks.Api.Storage;

/// <summary>Log messages of the store: counts and paths, never feedback content.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Feedback database {DatabasePath} ready at schema version {Version} ({Applied} migrations applied now)")]
    public static partial void Ready(ILogger logger, string databasePath, int version, int applied);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "Feedback stored: {Stored} new, {AlreadyStored} already stored")]
    public static partial void FeedbackStored(ILogger logger, int stored, int alreadyStored);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning,
        Message = "Feedback database unreachable: {ErrorType}: {Error}")]
    public static partial void Unreachable(ILogger logger, string errorType, string error);
}
