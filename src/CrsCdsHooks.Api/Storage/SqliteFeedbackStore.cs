using System.Globalization;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Data.Sqlite;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// Feedback and served cards in one SQLite file: WAL journal, <c>synchronous=FULL</c> on every connection (a commit is
/// on disk when the call returns), schema migrations in code, writes serialised in-process and taken with
/// <c>BEGIN IMMEDIATE</c> (so several processes on one file wait for each other instead of failing).
/// </summary>
internal sealed class SqliteFeedbackStore : IFeedbackStore, IFeedbackReport, IPatientIdHasher, IDisposable
{
    private const string SaltSetting = "patient_hash_salt";
    private readonly string _connectionString;
    private readonly CdsStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Lock _initializationLock = new();
    private Task<byte[]>? _initialization;

    /// <param name="connectionString">A resolved connection string (absolute file path), see <see cref="SqliteDatabasePath.Resolve"/>.</param>
    /// <param name="options">Storage options (salt, comments).</param>
    /// <param name="timeProvider">The clock for migration records.</param>
    /// <param name="logger">Logger.</param>
    public SqliteFeedbackStore(string connectionString, CdsStorageOptions options, TimeProvider timeProvider, ILogger<SqliteFeedbackStore> logger)
    {
        _connectionString = connectionString;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The database file.</summary>
    public string DatabasePath => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    /// <summary>Creates the file and folder if needed, sets WAL, migrates. Idempotent; safe to call concurrently.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => EnsureInitializedAsync().WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<FeedbackWriteResult>> StoreFeedbackAsync(IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (FeedbackItem item in items)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(item.ServiceId);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.CardUuid);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.Outcome);
        }

        if (items.Count == 0)
        {
            return [];
        }

        await EnsureInitializedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<FeedbackWriteResult>(items.Count);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
                foreach (FeedbackItem item in items)
                {
                    results.Add(await InsertFeedbackAsync(connection, transaction, item, cancellationToken).ConfigureAwait(false));
                }

                // synchronous=FULL: the WAL is synced before Commit returns.
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeGate.Release();
        }

        int stored = 0;
        foreach (FeedbackWriteResult result in results)
        {
            stored += result == FeedbackWriteResult.Stored ? 1 : 0;
        }

        StorageLog.FeedbackStored(_logger, stored, results.Count - stored);
        return results;
    }

    /// <inheritdoc />
    public async Task RecordCardsAsync(IReadOnlyList<CardAuditRecord> cards, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cards);
        if (cards.Count == 0)
        {
            return;
        }

        await EnsureInitializedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
                using SqliteCommand insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = """
                    INSERT INTO served_card (card_uuid, service_id, hook_instance, served_at, summary, patient_hash)
                    VALUES ($card, $service, $hook, $served, $summary, $patient)
                    ON CONFLICT (card_uuid) DO NOTHING
                    """;
                SqliteParameter card = insert.Parameters.Add("$card", SqliteType.Text);
                SqliteParameter service = insert.Parameters.Add("$service", SqliteType.Text);
                SqliteParameter hook = insert.Parameters.Add("$hook", SqliteType.Text);
                SqliteParameter served = insert.Parameters.Add("$served", SqliteType.Text);
                SqliteParameter summary = insert.Parameters.Add("$summary", SqliteType.Text);
                SqliteParameter patient = insert.Parameters.Add("$patient", SqliteType.Text);
                foreach (CardAuditRecord record in cards)
                {
                    card.Value = record.CardUuid;
                    service.Value = record.ServiceId;
                    hook.Value = record.HookInstance;
                    served.Value = FormatInstant(record.ServedAt);
                    summary.Value = record.Summary;
                    patient.Value = record.PatientHash;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureInitializedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using SqliteCommand command = connection.CreateCommand();
                command.CommandText = "SELECT MAX(version) FROM schema_version";
                return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture)
                    == SqliteSchema.CurrentVersion;
            }
        }
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            StorageLog.Unreachable(_logger, ex.GetType().Name, ex.Message);
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<FeedbackReportRow>> GetFeedbackReportAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = """
                WITH per_card AS (
                    SELECT card_uuid,
                           SUM(outcome = 'accepted')   AS accepted,
                           SUM(outcome = 'overridden') AS overridden
                    FROM feedback
                    GROUP BY card_uuid
                )
                SELECT c.service_id, c.summary, COUNT(*),
                       COALESCE(SUM(p.accepted), 0), COALESCE(SUM(p.overridden), 0)
                FROM served_card c LEFT JOIN per_card p ON p.card_uuid = c.card_uuid
                GROUP BY c.service_id, c.summary
                UNION ALL
                SELECT f.service_id, NULL, 0, SUM(f.outcome = 'accepted'), SUM(f.outcome = 'overridden')
                FROM feedback f
                WHERE NOT EXISTS (SELECT 1 FROM served_card c WHERE c.card_uuid = f.card_uuid)
                GROUP BY f.service_id
                ORDER BY 1, 2
                """;
            var rows = new List<FeedbackReportRow>();
            SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(new FeedbackReportRow(
                        reader.GetString(0),
                        reader.IsDBNull(1) ? null : reader.GetString(1),
                        reader.GetInt64(2),
                        reader.GetInt64(3),
                        reader.GetInt64(4)));
                }
            }

            return rows;
        }
    }

    /// <inheritdoc />
    public async Task<string> HashAsync(string patientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        byte[] salt = await EnsureInitializedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(patientId)));
    }

    /// <summary>Opens a connection with this store's per-connection settings (tests read them back).</summary>
    internal async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using SqliteCommand pragmas = connection.CreateCommand();
            // synchronous is per connection (not stored in the file): set it on every open.
            pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases pooled connections so the file can be reopened, moved or deleted.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeGate.Dispose();
    }

    /// <summary>An instant as stored: UTC, fixed width, so equal instants compare equal whatever their offset.</summary>
    internal static string FormatInstant(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private Task<byte[]> EnsureInitializedAsync()
    {
        lock (_initializationLock)
        {
            // A failed attempt (disk full, locked file) is retried by the next call rather than cached forever.
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = InitializeCoreAsync();
            }

            return _initialization;
        }
    }

    private async Task<byte[]> InitializeCoreAsync()
    {
        string? folder = Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        SqliteConnection connection = await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using (SqliteCommand wal = connection.CreateCommand())
            {
                // journal_mode=WAL is stored in the file: set once, it stays.
                wal.CommandText = "PRAGMA journal_mode = WAL";
                string? mode = (string?)await wal.ExecuteScalarAsync().ConfigureAwait(false);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"The feedback database '{DatabasePath}' could not use WAL (journal mode '{mode}').");
                }
            }

            int applied = await SqliteSchema.MigrateAsync(connection, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            StorageLog.Ready(_logger, DatabasePath, SqliteSchema.CurrentVersion, applied);
            return string.IsNullOrEmpty(_options.PatientHashSalt)
                ? await StoredSaltAsync(connection).ConfigureAwait(false)
                : Convert.FromBase64String(_options.PatientHashSalt);
        }
    }

    private static async Task<byte[]> StoredSaltAsync(SqliteConnection connection)
    {
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO store_setting (name, value) VALUES ($name, $value) ON CONFLICT (name) DO NOTHING;
            SELECT value FROM store_setting WHERE name = $name;
            """;
        command.Parameters.AddWithValue("$name", SaltSetting);
        command.Parameters.AddWithValue("$value", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        string stored = (string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        await transaction.CommitAsync().ConfigureAwait(false);
        return Convert.FromBase64String(stored);
    }

    private async Task<FeedbackWriteResult> InsertFeedbackAsync(
        SqliteConnection connection, SqliteTransaction transaction, FeedbackItem item, CancellationToken cancellationToken)
    {
        using SqliteCommand insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO feedback (service_id, card_uuid, outcome, outcome_timestamp,
                                  override_reason_code, override_reason_system, override_comment, received_at)
            VALUES ($service, $card, $outcome, $timestamp, $code, $system, $comment, $received)
            ON CONFLICT (card_uuid, outcome, outcome_timestamp) DO NOTHING
            RETURNING id
            """;
        insert.Parameters.AddWithValue("$service", item.ServiceId);
        insert.Parameters.AddWithValue("$card", item.CardUuid);
        insert.Parameters.AddWithValue("$outcome", item.Outcome);
        insert.Parameters.AddWithValue("$timestamp", FormatInstant(item.OutcomeTimestamp));
        insert.Parameters.AddWithValue("$code", (object?)item.OverrideReasonCode ?? DBNull.Value);
        insert.Parameters.AddWithValue("$system", (object?)item.OverrideReasonSystem ?? DBNull.Value);
        insert.Parameters.AddWithValue("$comment", _options.KeepOverrideComments && item.OverrideComment is not null ? item.OverrideComment : DBNull.Value);
        insert.Parameters.AddWithValue("$received", FormatInstant(item.ReceivedAt));
        object? id = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (id is null or DBNull)
        {
            return FeedbackWriteResult.AlreadyStored;
        }

        using SqliteCommand suggestion = connection.CreateCommand();
        suggestion.Transaction = transaction;
        suggestion.CommandText = """
            INSERT INTO feedback_accepted_suggestion (feedback_id, suggestion_uuid) VALUES ($id, $uuid)
            ON CONFLICT DO NOTHING
            """;
        suggestion.Parameters.AddWithValue("$id", id);
        SqliteParameter uuid = suggestion.Parameters.Add("$uuid", SqliteType.Text);
        foreach (string accepted in item.AcceptedSuggestionIds ?? [])
        {
            uuid.Value = accepted;
            await suggestion.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return FeedbackWriteResult.Stored;
    }
}
