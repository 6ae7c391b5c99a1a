using System.Data;
using System.Net.Sockets;

using Npgsql;

using NpgsqlTypes;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// Feedback and served cards in PostgreSQL (Npgsql): the same contract as <see cref="SqliteFeedbackStore"/> for
/// several instances on one database. Idempotent feedback is a unique constraint with <c>INSERT … ON CONFLICT DO
/// NOTHING</c> (concurrent duplicates wait for each other, one row stays); a write returns once its transaction has
/// committed (with the server's default <c>synchronous_commit=on</c>, once it is on the server's disk); the schema is
/// created and migrated in code on first start (<see cref="PostgresSchema"/>).
/// </summary>
internal sealed class PostgresFeedbackStore : IDurableFeedbackStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _description;
    private readonly CdsStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly StoreInitialization _initialization;
    private readonly OfferedReasonCache _offeredReasons = new();

    /// <param name="connectionString">An Npgsql connection string (checked by <see cref="PostgresConnection.Check"/>).</param>
    /// <param name="options">Storage options (salt, comments).</param>
    /// <param name="timeProvider">The clock for migration records.</param>
    /// <param name="logger">Logger.</param>
    public PostgresFeedbackStore(string connectionString, CdsStorageOptions options, TimeProvider timeProvider, ILogger<PostgresFeedbackStore> logger)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _description = PostgresConnection.Describe(connectionString);
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _initialization = new StoreInitialization(InitializeCoreAsync);
    }

    /// <inheritdoc />
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
        var results = new FeedbackWriteResult[items.Count];
        // Rows are inserted in key order, so two calls with overlapping items lock them in the same order (no deadlock).
        int[] order = [.. Enumerable.Range(0, items.Count)
            .OrderBy(i => items[i].CardUuid, StringComparer.Ordinal)
            .ThenBy(i => items[i].Outcome, StringComparer.Ordinal)
            .ThenBy(i => StoredInstant.ToMicroseconds(items[i].OutcomeTimestamp))];
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (int i in order)
                {
                    results[i] = await InsertFeedbackAsync(connection, transaction, items[i], cancellationToken).ConfigureAwait(false);
                }

                // The answer (200) waits for this: the feedback is committed before the EHR is told so.
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        int stored = results.Count(r => r == FeedbackWriteResult.Stored);
        StorageLog.FeedbackStored(_logger, stored, results.Length - stored);
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
        List<OfferedReasonEntry> reasons = [.. _offeredReasons.Unwritten(cards)
            .OrderBy(r => r.ServiceId, StringComparer.Ordinal).ThenBy(r => r.CardKind, StringComparer.Ordinal).ThenBy(r => r.Code, StringComparer.Ordinal)];
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // One round trip for all the cards of a response.
                await using (NpgsqlCommand insert = new("""
                    INSERT INTO served_card (card_uuid, service_id, hook_instance, served_at, card_kind, summary, patient_hash)
                    SELECT * FROM unnest(@cards, @services, @hooks, @served, @kinds, @summaries, @patients)
                    ON CONFLICT (card_uuid) DO NOTHING
                    """, connection, transaction))
                {
                    insert.Parameters.Add(TextArray("cards", cards.Select(c => c.CardUuid)));
                    insert.Parameters.Add(TextArray("services", cards.Select(c => c.ServiceId)));
                    insert.Parameters.Add(TextArray("hooks", cards.Select(c => c.HookInstance)));
                    insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("served", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
                    {
                        TypedValue = [.. cards.Select(c => c.ServedAt.ToUniversalTime())],
                    });
                    insert.Parameters.Add(TextArray("kinds", cards.Select(c => c.Kind)));
                    insert.Parameters.Add(TextArray("summaries", cards.Select(c => c.Summary)));
                    insert.Parameters.Add(TextArray("patients", cards.Select(c => c.PatientHash)));
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                if (reasons.Count > 0)
                {
                    await using NpgsqlCommand upsert = new("""
                        INSERT INTO card_override_reason (service_id, card_kind, code, display)
                        SELECT * FROM unnest(@services, @kinds, @codes, @displays)
                        ON CONFLICT (service_id, card_kind, code) DO UPDATE SET display = EXCLUDED.display
                        """, connection, transaction);
                    upsert.Parameters.Add(TextArray("services", reasons.Select(r => r.ServiceId)));
                    upsert.Parameters.Add(TextArray("kinds", reasons.Select(r => r.CardKind)));
                    upsert.Parameters.Add(TextArray("codes", reasons.Select(r => r.Code)));
                    upsert.Parameters.Add(TextArray("displays", reasons.Select(r => r.Display)));
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        _offeredReasons.Written(reasons);
    }

    /// <inheritdoc />
    public async Task<bool> IsReachableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await using NpgsqlCommand command = new("SELECT MAX(version) FROM schema_version", connection);
                return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int version
                    && version == PostgresSchema.CurrentVersion;
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException or InvalidOperationException)
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
        NpgsqlConnection connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            // One snapshot for the three queries.
            NpgsqlTransaction transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var counts = new List<FeedbackCounts>();
                await ReadAsync(connection, transaction, """
                    WITH per_card AS (
                        SELECT card_uuid,
                               COUNT(*)                                  AS items,
                               bool_or(outcome = 'accepted')::integer   AS accepted,
                               bool_or(outcome = 'overridden')::integer AS overridden
                        FROM feedback
                        GROUP BY card_uuid
                    )
                    SELECT c.service_id, c.card_kind, c.summary, COUNT(*)::bigint,
                           COALESCE(SUM(p.items), 0)::bigint, COALESCE(SUM(p.accepted), 0)::bigint, COALESCE(SUM(p.overridden), 0)::bigint
                    FROM served_card c LEFT JOIN per_card p ON p.card_uuid = c.card_uuid
                    WHERE (@since IS NULL OR c.served_at >= @since) AND (@until IS NULL OR c.served_at < @until)
                    GROUP BY c.service_id, c.card_kind, c.summary
                    UNION ALL
                    SELECT f.service_id, NULL, NULL, 0::bigint, COUNT(*)::bigint,
                           COUNT(DISTINCT f.card_uuid) FILTER (WHERE f.outcome = 'accepted')::bigint,
                           COUNT(DISTINCT f.card_uuid) FILTER (WHERE f.outcome = 'overridden')::bigint
                    FROM feedback f
                    WHERE NOT EXISTS (SELECT 1 FROM served_card c WHERE c.card_uuid = f.card_uuid)
                      AND (@since IS NULL OR f.outcome_timestamp >= @since) AND (@until IS NULL OR f.outcome_timestamp < @until)
                    GROUP BY f.service_id
                    """, window, r => counts.Add(new FeedbackCounts(
                        r.GetString(0), NullableText(r, 1), NullableText(r, 2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6))),
                    cancellationToken).ConfigureAwait(false);

                var reasons = new List<OverrideReasonTally>();
                await ReadAsync(connection, transaction, """
                    SELECT COALESCE(c.service_id, f.service_id), c.card_kind, c.summary, f.override_reason_code, COUNT(DISTINCT f.card_uuid)::bigint
                    FROM feedback f LEFT JOIN served_card c ON c.card_uuid = f.card_uuid
                    WHERE f.outcome = 'overridden' AND f.override_reason_code IS NOT NULL
                      AND CASE WHEN c.card_uuid IS NULL
                               THEN (@since IS NULL OR f.outcome_timestamp >= @since) AND (@until IS NULL OR f.outcome_timestamp < @until)
                               ELSE (@since IS NULL OR c.served_at >= @since) AND (@until IS NULL OR c.served_at < @until)
                          END
                    GROUP BY 1, 2, 3, 4
                    """, window, r => reasons.Add(new OverrideReasonTally(r.GetString(0), NullableText(r, 1), NullableText(r, 2), r.GetString(3), r.GetInt64(4))),
                    cancellationToken).ConfigureAwait(false);

                var offered = new List<OfferedReasonEntry>();
                await ReadAsync(connection, transaction, "SELECT service_id, card_kind, code, display FROM card_override_reason", null,
                    r => offered.Add(new OfferedReasonEntry(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3))),
                    cancellationToken).ConfigureAwait(false);

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return FeedbackReports.Assemble(counts, reasons, offered);
            }
        }
    }

    /// <inheritdoc />
    public async Task<string> HashAsync(string patientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patientId);
        byte[] salt = await _initialization.EnsureAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        return PatientIdHash.Compute(salt, patientId);
    }

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    private async Task<byte[]> InitializeCoreAsync()
    {
        try
        {
            NpgsqlConnection connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                int applied = await PostgresSchema.MigrateAsync(connection, _timeProvider.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                StorageLog.Ready(_logger, "PostgreSQL " + _description, PostgresSchema.CurrentVersion, applied);
                return string.IsNullOrEmpty(_options.PatientHashSalt)
                    ? await StoredSaltAsync(connection).ConfigureAwait(false)
                    : Convert.FromBase64String(_options.PatientHashSalt);
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or SocketException or TimeoutException)
        {
            // The operator's key, the server as configured (never the password), and what the server or network said.
            throw new InvalidOperationException(
                $"The PostgreSQL {_description} of CdsHooks:Storage:ConnectionString cannot be used: {ex.Message}", ex);
        }
    }

    private static async Task<byte[]> StoredSaltAsync(NpgsqlConnection connection)
    {
        await using NpgsqlCommand command = new("""
            INSERT INTO store_setting (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING;
            SELECT value FROM store_setting WHERE name = @name;
            """, connection);
        command.Parameters.AddWithValue("name", PatientIdHash.SaltSetting);
        command.Parameters.AddWithValue("value", PatientIdHash.NewSalt());
        string stored = (string)(await command.ExecuteScalarAsync().ConfigureAwait(false))!;
        return Convert.FromBase64String(stored);
    }

    private async Task<FeedbackWriteResult> InsertFeedbackAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, FeedbackItem item, CancellationToken cancellationToken)
    {
        long id;
        await using (NpgsqlCommand insert = new("""
            INSERT INTO feedback (service_id, card_uuid, outcome, outcome_timestamp,
                                  override_reason_code, override_reason_system, override_comment, received_at)
            VALUES (@service, @card, @outcome, @timestamp, @code, @system, @comment, @received)
            ON CONFLICT (card_uuid, outcome, outcome_timestamp) DO NOTHING
            RETURNING id
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("service", item.ServiceId);
            insert.Parameters.AddWithValue("card", item.CardUuid);
            insert.Parameters.AddWithValue("outcome", item.Outcome);
            insert.Parameters.AddWithValue("timestamp", NpgsqlDbType.TimestampTz, StoredInstant.ToMicroseconds(item.OutcomeTimestamp));
            insert.Parameters.Add(Text("code", item.OverrideReasonCode));
            insert.Parameters.Add(Text("system", item.OverrideReasonSystem));
            insert.Parameters.Add(Text("comment", _options.KeepOverrideComments ? item.OverrideComment : null));
            insert.Parameters.AddWithValue("received", NpgsqlDbType.TimestampTz, item.ReceivedAt.ToUniversalTime());
            if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long inserted)
            {
                return FeedbackWriteResult.AlreadyStored;
            }

            id = inserted;
        }

        if (item.AcceptedSuggestionIds is { Count: > 0 } accepted)
        {
            await using NpgsqlCommand suggestions = new("""
                INSERT INTO feedback_accepted_suggestion (feedback_id, suggestion_uuid)
                SELECT @id, uuid FROM unnest(@uuids) AS uuid
                ON CONFLICT DO NOTHING
                """, connection, transaction);
            suggestions.Parameters.AddWithValue("id", id);
            suggestions.Parameters.Add(TextArray("uuids", accepted));
            await suggestions.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return FeedbackWriteResult.Stored;
    }

    private static NpgsqlParameter<string[]> TextArray(string name, IEnumerable<string> values) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. values] };

    private static NpgsqlParameter Instant(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } instant ? instant.ToUniversalTime() : DBNull.Value };

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    /// <summary>Runs a report query; <c>@since</c> and <c>@until</c> are the window's ends (timestamptz), or NULL; no window: no parameters.</summary>
    private static async Task ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, FeedbackReportWindow? window, Action<NpgsqlDataReader> row,
        CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = new(sql, connection, transaction);
        if (window is not null)
        {
            command.Parameters.Add(Instant("since", window.Since));
            command.Parameters.Add(Instant("until", window.Until));
        }

        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                row(reader);
            }
        }
    }

    private static string? NullableText(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
