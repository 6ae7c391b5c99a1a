using System.Globalization;

using Microsoft.Data.Sqlite;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// Feedback and served cards in one SQLite file: WAL journal, <c>synchronous=FULL</c> on every connection (a commit is
/// on disk when the call returns), schema migrations in code, writes serialised in-process and taken with
/// <c>BEGIN IMMEDIATE</c> (so several processes on one file wait for each other instead of failing).
/// </summary>
internal sealed class SqliteFeedbackStore : IDurableFeedbackStore
{
    private readonly string _connectionString;
    private readonly CdsStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly StoreInitialization _initialization;
    private readonly OfferedReasonCache _offeredReasons = new();

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
        _initialization = new StoreInitialization(InitializeCoreAsync);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    /// <summary>Creates the file and folder if needed, sets WAL, migrates. Idempotent; safe to call concurrently.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _initialization.EnsureAsync().WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<FeedbackWriteResult>> StoreFeedbackAsync(IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken)
    {
        StoredFeedback.ThrowIfInvalid(items);

        if (items.Count == 0)
        {
            return [];
        }

        await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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

        await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        List<OfferedReasonEntry> reasons = _offeredReasons.Unwritten(cards);
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
                    INSERT INTO served_card (card_uuid, service_id, hook_instance, served_at, card_kind, summary, patient_hash)
                    VALUES ($card, $service, $hook, $served, $kind, $summary, $patient)
                    ON CONFLICT (card_uuid) DO NOTHING
                    """;
                SqliteParameter card = insert.Parameters.Add("$card", SqliteType.Text);
                SqliteParameter service = insert.Parameters.Add("$service", SqliteType.Text);
                SqliteParameter hook = insert.Parameters.Add("$hook", SqliteType.Text);
                SqliteParameter served = insert.Parameters.Add("$served", SqliteType.Text);
                SqliteParameter kind = insert.Parameters.Add("$kind", SqliteType.Text);
                SqliteParameter summary = insert.Parameters.Add("$summary", SqliteType.Text);
                SqliteParameter patient = insert.Parameters.Add("$patient", SqliteType.Text);
                foreach (CardAuditRecord record in cards)
                {
                    card.Value = record.CardUuid;
                    service.Value = record.ServiceId;
                    hook.Value = record.HookInstance;
                    served.Value = FormatInstant(record.ServedAt);
                    kind.Value = record.Kind;
                    summary.Value = record.Summary;
                    patient.Value = record.PatientHash;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (reasons.Count > 0)
                {
                    await UpsertOfferedReasonsAsync(connection, transaction, reasons, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeGate.Release();
        }

        _offeredReasons.Written(reasons);
    }

    /// <inheritdoc />
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
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
    public async Task<IReadOnlyList<FeedbackReportRow>> GetFeedbackReportAsync(FeedbackReportWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One read transaction: the three queries see the same snapshot (WAL readers do not block writers).
            using SqliteTransaction transaction = connection.BeginTransaction(deferred: true);
            var counts = new List<FeedbackCounts>();
            await ReadAsync(connection, transaction, """
                WITH per_card AS (
                    SELECT card_uuid,
                           COUNT(*)                   AS items,
                           MAX(outcome = 'accepted')   AS accepted,
                           MAX(outcome = 'overridden') AS overridden
                    FROM feedback
                    GROUP BY card_uuid
                )
                SELECT c.service_id, c.card_kind, c.summary, COUNT(*),
                       COALESCE(SUM(p.items), 0), COALESCE(SUM(p.accepted), 0), COALESCE(SUM(p.overridden), 0)
                FROM served_card c LEFT JOIN per_card p ON p.card_uuid = c.card_uuid
                WHERE ($since IS NULL OR c.served_at >= $since) AND ($until IS NULL OR c.served_at < $until)
                GROUP BY c.service_id, c.card_kind, c.summary
                UNION ALL
                SELECT f.service_id, NULL, NULL, 0, COUNT(*),
                       COUNT(DISTINCT CASE WHEN f.outcome = 'accepted' THEN f.card_uuid END),
                       COUNT(DISTINCT CASE WHEN f.outcome = 'overridden' THEN f.card_uuid END)
                FROM feedback f
                WHERE NOT EXISTS (SELECT 1 FROM served_card c WHERE c.card_uuid = f.card_uuid)
                  AND ($since IS NULL OR f.outcome_timestamp >= $since) AND ($until IS NULL OR f.outcome_timestamp < $until)
                GROUP BY f.service_id
                """, window, r => counts.Add(new FeedbackCounts(
                    r.GetString(0), NullableText(r, 1), NullableText(r, 2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6))),
                cancellationToken).ConfigureAwait(false);

            var reasons = new List<OverrideReasonTally>();
            await ReadAsync(connection, transaction, """
                SELECT COALESCE(c.service_id, f.service_id), c.card_kind, c.summary, f.override_reason_code, COUNT(DISTINCT f.card_uuid)
                FROM feedback f LEFT JOIN served_card c ON c.card_uuid = f.card_uuid
                WHERE f.outcome = 'overridden' AND f.override_reason_code IS NOT NULL
                  AND CASE WHEN c.card_uuid IS NULL
                           THEN ($since IS NULL OR f.outcome_timestamp >= $since) AND ($until IS NULL OR f.outcome_timestamp < $until)
                           ELSE ($since IS NULL OR c.served_at >= $since) AND ($until IS NULL OR c.served_at < $until)
                      END
                GROUP BY 1, 2, 3, 4
                """, window, r => reasons.Add(new OverrideReasonTally(r.GetString(0), NullableText(r, 1), NullableText(r, 2), r.GetString(3), r.GetInt64(4))),
                cancellationToken).ConfigureAwait(false);

            var offered = new List<OfferedReasonEntry>();
            await ReadAsync(connection, transaction, "SELECT service_id, card_kind, code, display FROM card_override_reason", null,
                r => offered.Add(new OfferedReasonEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3))),
                cancellationToken).ConfigureAwait(false);

            return FeedbackReports.Assemble(counts, reasons, offered);
        }
    }

    /// <inheritdoc />
    public async Task<string> HashAsync(string patientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        byte[] salt = await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return PatientIdHash.Compute(salt, patientId);
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
        command.Parameters.AddWithValue("$name", PatientIdHash.SaltSetting);
        command.Parameters.AddWithValue("$value", PatientIdHash.NewSalt());
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
        insert.Parameters.AddWithValue("$timestamp", FormatInstant(StoredInstant.ToMicroseconds(item.OutcomeTimestamp)));
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

    private static async Task UpsertOfferedReasonsAsync(
        SqliteConnection connection, SqliteTransaction transaction, List<OfferedReasonEntry> reasons, CancellationToken cancellationToken)
    {
        using SqliteCommand upsert = connection.CreateCommand();
        upsert.Transaction = transaction;
        upsert.CommandText = """
            INSERT INTO card_override_reason (service_id, card_kind, code, display) VALUES ($service, $kind, $code, $display)
            ON CONFLICT (service_id, card_kind, code) DO UPDATE SET display = excluded.display
            """;
        SqliteParameter service = upsert.Parameters.Add("$service", SqliteType.Text);
        SqliteParameter kind = upsert.Parameters.Add("$kind", SqliteType.Text);
        SqliteParameter code = upsert.Parameters.Add("$code", SqliteType.Text);
        SqliteParameter display = upsert.Parameters.Add("$display", SqliteType.Text);
        foreach (OfferedReasonEntry reason in reasons)
        {
            service.Value = reason.ServiceId;
            kind.Value = reason.CardKind;
            code.Value = reason.Code;
            display.Value = reason.Display;
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a report query; <c>$since</c> and <c>$until</c> are the window's ends as stored (UTC text), or NULL; no window: no parameters.</summary>
    private static async Task ReadAsync(
        SqliteConnection connection, SqliteTransaction transaction, string sql, FeedbackReportWindow? window, Action<SqliteDataReader> row,
        CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (window is not null)
        {
            command.Parameters.Add("$since", SqliteType.Text).Value = window.Since is { } since ? FormatInstant(since) : DBNull.Value;
            command.Parameters.Add("$until", SqliteType.Text).Value = window.Until is { } until ? FormatInstant(until) : DBNull.Value;
        }
        SqliteDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }
    }

    private static string? NullableText(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
