using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

using Npgsql;

namespace CrsCdsHooks.Api.Storage;

/// <summary>Durable storage of feedback and served cards: section <c>CdsHooks:Storage</c>.</summary>
internal sealed class CdsStorageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "CdsHooks:Storage";

    /// <summary>The SQLite provider (the default): one file, no server.</summary>
    public const string SqliteProvider = "Sqlite";

    /// <summary>The PostgreSQL provider (Npgsql): for several instances, or a database the operator already runs.</summary>
    public const string PostgresProvider = "Postgres";

    /// <summary>The SQLite connection string used when none is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=crscdshooks.db";

    /// <summary><c>Sqlite</c> (default) or <c>Postgres</c>.</summary>
    public string Provider { get; set; } = SqliteProvider;

    /// <summary>
    /// SQLite: a connection string whose relative <c>Data Source</c> lives in the <c>data</c> folder under the content
    /// root (file and folder created on first run); unset, <see cref="DefaultSqliteConnectionString"/>. PostgreSQL: an
    /// Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>), required; the schema is created in
    /// the database (in the first schema of its search path) on first start.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>True when <see cref="Provider"/> is PostgreSQL (case-insensitive).</summary>
    public bool IsPostgres => string.Equals(Provider, PostgresProvider, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Base64 secret (≥ 16 bytes) keying the patient-id hash. Unset: a random secret is made on first run and kept in
    /// the database. Kept outside the database (environment, secret store) it also protects a stolen database file
    /// against guessing patient ids.
    /// </summary>
    public string? PatientHashSalt { get; set; }

    /// <summary>
    /// Whether the clinician's free-text override comment is stored. Default false: free text may carry PHI, and the
    /// reason code says why the card was overridden.
    /// </summary>
    /// <remarks>[operational] privacy by default (served cards keep no PHI; feedback follows the same rule).</remarks>
    public bool KeepOverrideComments { get; set; }
}

/// <summary>Start-up validation of <c>CdsHooks:Storage</c>; a bad value stops the service naming the key.</summary>
internal sealed class CdsStorageOptionsValidator : IValidateOptions<CdsStorageOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CdsStorageOptions options)
    {
        var failures = new List<string>();
        if (options.IsPostgres)
        {
            if (PostgresConnection.Check(options.ConnectionString) is { } problem)
            {
                failures.Add($"CdsHooks:Storage:ConnectionString {problem}.");
            }
        }
        else if (!string.Equals(options.Provider, CdsStorageOptions.SqliteProvider, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"CdsHooks:Storage:Provider '{options.Provider}' is unknown: use 'Sqlite' (the default) or 'Postgres'.");
        }
        else if (SqliteDatabasePath.Check(options.ConnectionString ?? CdsStorageOptions.DefaultSqliteConnectionString) is { } problem)
        {
            failures.Add($"CdsHooks:Storage:ConnectionString {problem}.");
        }

        if (!string.IsNullOrEmpty(options.PatientHashSalt) && !IsStrongBase64(options.PatientHashSalt))
        {
            failures.Add("CdsHooks:Storage:PatientHashSalt must be base64 of at least 16 random bytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsStrongBase64(string value)
    {
        Span<byte> buffer = stackalloc byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out int written) && written >= 16;
    }
}

/// <summary>Checks and resolves the SQLite file of a connection string.</summary>
internal static class SqliteDatabasePath
{
    /// <summary>The folder, under the content root, of a relative database file.</summary>
    public const string DataFolder = "data";

    /// <summary>Why the connection string cannot hold durable data, or null when it can.</summary>
    public static string? Check(string? connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            return $"is not a SQLite connection string ({ex.Message})";
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            return "needs a Data Source (the database file)";
        }

        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource.Trim() == ":memory:")
        {
            return "is an in-memory database: feedback must be durable, give a file";
        }

        if (builder.Mode == SqliteOpenMode.ReadOnly)
        {
            return "is read-only: the store writes";
        }

        return null;
    }

    /// <summary>The connection string with an absolute file path (relative ones go under contentRoot/data).</summary>
    public static string Resolve(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        string path = builder.DataSource.Trim();
        if (!path.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(path))
        {
            path = Path.GetFullPath(Path.Combine(contentRoot, DataFolder, path));
        }

        builder.DataSource = path;
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = true;
        builder.ForeignKeys = true;
        return builder.ToString();
    }
}

/// <summary>Checks and describes a PostgreSQL connection string (never its password).</summary>
internal static class PostgresConnection
{
    /// <summary>Why the connection string cannot reach a database, or null when it may.</summary>
    public static string? Check(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return "is required with CdsHooks:Storage:Provider 'Postgres': an Npgsql connection string such as "
                + "'Host=db.example.org;Database=crscdshooks;Username=crscdshooks;Password=…'";
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException ex)
        {
            return $"is not an Npgsql connection string ({ex.Message})";
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            return "needs a Host (the PostgreSQL server, or the folder of its unix socket) for Provider 'Postgres'";
        }

        return null;
    }

    /// <summary>"database crscdshooks on db.example.org:5432" — for logs and errors; no user, no password.</summary>
    public static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"database {builder.Database ?? "(the user's default)"} on {builder.Host}:{builder.Port}";
    }
}
