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
    public static readonly IReadOnlyList<SqliteMigration> Migrations =
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
    ];

    /// <summary>The version the code expects.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>Applies the missing migrations; returns how many were applied (0 when up to date).</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of the service.</exception>
    public static async Task<int> MigrateAsync(SqliteConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
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
        foreach (SqliteMigration migration in Migrations.Where(m => m.Version > current))
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
internal sealed record SqliteMigration(int Version, string Description, string Sql);
