using System.Globalization;

using Microsoft.Data.Sqlite;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// The SQLite schema as ordered migrations, applied in code inside one immediate transaction and recorded in
/// <c>schema_version</c>: running them again (or from two processes at once) changes nothing.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The migrations, oldest first. Append only; never edit one that has shipped.</summary>
    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "served cards, feedback, accepted suggestions, store settings", """
            CREATE TABLE served_card (
                card_uuid     TEXT NOT NULL PRIMARY KEY,
                service_id    TEXT NOT NULL,
                hook_instance TEXT NOT NULL,
                served_at     TEXT NOT NULL,
                summary       TEXT NOT NULL,
                patient_hash  TEXT NOT NULL
            );
            CREATE INDEX ix_served_card_service_summary ON served_card (service_id, summary);

            CREATE TABLE feedback (
                id                     INTEGER PRIMARY KEY,
                service_id             TEXT NOT NULL,
                card_uuid              TEXT NOT NULL,
                outcome                TEXT NOT NULL,
                outcome_timestamp      TEXT NOT NULL,
                override_reason_code   TEXT,
                override_reason_system TEXT,
                override_comment       TEXT,
                received_at            TEXT NOT NULL
            );
            CREATE UNIQUE INDEX ux_feedback_card_outcome_time ON feedback (card_uuid, outcome, outcome_timestamp);

            CREATE TABLE feedback_accepted_suggestion (
                feedback_id     INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
                suggestion_uuid TEXT NOT NULL,
                PRIMARY KEY (feedback_id, suggestion_uuid)
            );

            CREATE TABLE store_setting (
                name  TEXT NOT NULL PRIMARY KEY,
                value TEXT NOT NULL
            );
            """),
        new(2, "card kind of each served card (backfilled where the v1 order tells it), override reasons the cards offered", """
            ALTER TABLE served_card ADD COLUMN card_kind TEXT NOT NULL DEFAULT 'unknown';

            -- Version 1 wrote a response's cards in one transaction, in the core's order: the CRS card, then the
            -- infection card when the summary says infection likely/possible, then the anaphylaxis card likewise. Where
            -- the rows of one response (hook instance + served time) have exactly that shape, their order names them;
            -- any other shape (a fake evaluator, a partial write) stays 'unknown' rather than be guessed.
            WITH ranked AS (
                SELECT rowid AS id,
                       ROW_NUMBER() OVER (PARTITION BY hook_instance, served_at ORDER BY rowid) AS position,
                       COUNT(*) OVER (PARTITION BY hook_instance, served_at) AS cards,
                       summary LIKE 'crs %' AS graded,
                       (summary LIKE '%; infection likely;%' OR summary LIKE '%; infection possible;%') AS infection,
                       (summary LIKE '%; anaphylaxis likely' OR summary LIKE '%; anaphylaxis possible') AS anaphylaxis
                FROM served_card
            )
            UPDATE served_card
            SET card_kind = CASE
                    WHEN ranked.position = 1 THEN 'crs'
                    WHEN ranked.position = 2 AND ranked.infection THEN 'infection'
                    ELSE 'anaphylaxis'
                END
            FROM ranked
            WHERE served_card.rowid = ranked.id AND ranked.graded
              AND ranked.cards = 1 + ranked.infection + ranked.anaphylaxis;

            DROP INDEX ix_served_card_service_summary;
            CREATE INDEX ix_served_card_service_kind_summary ON served_card (service_id, card_kind, summary);
            CREATE INDEX ix_feedback_override_reason ON feedback (override_reason_code) WHERE outcome = 'overridden';

            CREATE TABLE card_override_reason (
                service_id TEXT NOT NULL,
                card_kind  TEXT NOT NULL,
                code       TEXT NOT NULL,
                display    TEXT NOT NULL,
                PRIMARY KEY (service_id, card_kind, code)
            );
            """),
    ];

    /// <summary>The version the code expects.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>Applies the missing migrations; returns how many were applied (0 when up to date).</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="now">Recorded as each migration's time.</param>
    /// <param name="cancellationToken">Cancels the migration (it is one transaction).</param>
    /// <param name="upTo">Stop after this version (tests build a database of an earlier version); default the current one.</param>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of the service.</exception>
    public static async Task<int> MigrateAsync(SqliteConnection connection, DateTimeOffset now, CancellationToken cancellationToken, int? upTo = null)
    {
        // IMMEDIATE: the write lock is taken first, so two processes starting together migrate one after the other.
        using SqliteTransaction transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version     INTEGER NOT NULL PRIMARY KEY,
                description TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            );
            """, cancellationToken).ConfigureAwait(false);

        int current = await CurrentDatabaseVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (current > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The feedback database is at schema version {current}, newer than this service's {CurrentVersion}: "
                + "run a newer CrsCdsHooks or point CdsHooks:Storage:ConnectionString at another file.");
        }

        int applied = 0;
        foreach (SchemaMigration migration in Migrations.Where(m => m.Version > current && m.Version <= (upTo ?? CurrentVersion)))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
            using SqliteCommand record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, description, applied_at) VALUES ($v, $d, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$d", migration.Description);
            record.Parameters.AddWithValue("$t", SqliteFeedbackStore.FormatInstant(now));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            applied++;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return applied;
    }

    private static async Task<int> CurrentDatabaseVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        object? value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt32(value, CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>One schema step.</summary>
/// <param name="Version">Its number (1, 2, …).</param>
/// <param name="Description">What it adds.</param>
/// <param name="Sql">The statements.</param>
internal sealed record SchemaMigration(int Version, string Description, string Sql);
