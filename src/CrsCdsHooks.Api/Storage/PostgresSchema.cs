using Npgsql;

using NpgsqlTypes;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// The PostgreSQL schema as ordered migrations, applied in code in one transaction under an advisory lock and recorded
/// in <c>schema_version</c>: several instances starting together migrate one after the other, and running them again
/// changes nothing. Its own history (PostgreSQL storage began at what SQLite reached in its version 2).
/// </summary>
internal static class PostgresSchema
{
    /// <summary>The advisory lock every migration takes (an arbitrary constant: "crs cds hooks schema").</summary>
    private const long MigrationLock = 0x0C25_CD54_0001;

    /// <summary>The migrations, oldest first. Append only; never edit one that has shipped.</summary>
    public static readonly IReadOnlyList<SchemaMigration> Migrations =
    [
        new(1, "served cards with their kind, feedback, accepted suggestions, offered override reasons, store settings", """
            CREATE TABLE served_card (
                card_uuid     text        NOT NULL PRIMARY KEY,
                service_id    text        NOT NULL,
                hook_instance text        NOT NULL,
                served_at     timestamptz NOT NULL,
                card_kind     text        NOT NULL,
                summary       text        NOT NULL,
                patient_hash  text        NOT NULL
            );
            CREATE INDEX ix_served_card_service_kind_summary ON served_card (service_id, card_kind, summary);

            CREATE TABLE feedback (
                id                     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                service_id             text        NOT NULL,
                card_uuid              text        NOT NULL,
                outcome                text        NOT NULL,
                outcome_timestamp      timestamptz NOT NULL,
                override_reason_code   text,
                override_reason_system text,
                override_comment       text,
                received_at            timestamptz NOT NULL,
                -- Idempotency: the same card, outcome and instant is the same feedback (INSERT … ON CONFLICT DO NOTHING).
                CONSTRAINT ux_feedback_card_outcome_time UNIQUE (card_uuid, outcome, outcome_timestamp)
            );
            CREATE INDEX ix_feedback_override_reason ON feedback (override_reason_code) WHERE outcome = 'overridden';

            CREATE TABLE feedback_accepted_suggestion (
                feedback_id     bigint NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
                suggestion_uuid text   NOT NULL,
                PRIMARY KEY (feedback_id, suggestion_uuid)
            );

            CREATE TABLE card_override_reason (
                service_id text NOT NULL,
                card_kind  text NOT NULL,
                code       text NOT NULL,
                display    text NOT NULL,
                PRIMARY KEY (service_id, card_kind, code)
            );

            CREATE TABLE store_setting (
                name  text NOT NULL PRIMARY KEY,
                value text NOT NULL
            );
            """),
    ];

    /// <summary>The version the code expects.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>Applies the missing migrations; returns how many were applied (0 when up to date).</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of the service.</exception>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        NpgsqlTransaction transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            await using (NpgsqlCommand command = new("SELECT pg_advisory_xact_lock(@lock)", connection, transaction))
            {
                command.Parameters.AddWithValue("lock", MigrationLock);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await ExecuteAsync(connection, transaction, """
                CREATE TABLE IF NOT EXISTS schema_version (
                    version     integer     NOT NULL PRIMARY KEY,
                    description text        NOT NULL,
                    applied_at  timestamptz NOT NULL
                )
                """, cancellationToken).ConfigureAwait(false);

            int current;
            await using (NpgsqlCommand command = new("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
            {
                current = (int)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (current > CurrentVersion)
            {
                throw new InvalidOperationException(
                    $"The feedback database is at schema version {current}, newer than this service's {CurrentVersion}: "
                    + "run a newer CrsCdsHooks or point CdsHooks:Storage:ConnectionString at another database.");
            }

            int applied = 0;
            foreach (SchemaMigration migration in Migrations.Where(m => m.Version > current))
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken).ConfigureAwait(false);
                await using NpgsqlCommand record = new(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @t)", connection, transaction);
                record.Parameters.AddWithValue("v", migration.Version);
                record.Parameters.AddWithValue("d", migration.Description);
                record.Parameters.AddWithValue("t", NpgsqlDbType.TimestampTz, now.ToUniversalTime());
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                applied++;
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return applied;
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using NpgsqlCommand command = new(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
