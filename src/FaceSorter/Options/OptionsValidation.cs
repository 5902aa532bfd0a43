using System.ComponentModel;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceSorter.Options;

/// <summary>Builds validation failures that name the full key, the bad value and the fix.</summary>
internal sealed class Failures
{
    private readonly List<string> _messages = [];

    public void Check(bool ok, string key, object? value, string fix)
    {
        if (!ok)
        {
            _messages.Add($"{key} = '{value}' is not valid: {fix}");
        }
    }

    public ValidateOptionsResult Result() =>
        _messages.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_messages);

    /// <summary>A set secret file must be readable and hold something; empty means "not used".</summary>
    public void CheckSecretFile(string file, string key, string example)
    {
        if (file.Length == 0)
        {
            return;
        }

        string? why;
        try
        {
            why = SecretFiles.ReadSecret(file).Length == 0 ? "it is empty" : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            why = $"it cannot be read ({exception.Message})";
        }

        Check(why is null, key, file, $"{why}: put the secret in it on one line, readable by the user FaceSorter runs as (e.g. {example}), or remove the setting");
    }

    private const string NoSqlitePassword = "SQLite as shipped (e_sqlite3) cannot encrypt its file, so it takes no Password";
    private const string NoSqlitePasswordFix = "remove Password, and protect the file with its permissions instead";

    /// <summary>
    /// A set connection string must read as <c>keyword=value;…</c> with keywords and values its driver knows
    /// (Microsoft.Data.Sqlite's for SQLite, Npgsql's for PostgreSQL): "Data Sorce" otherwise stops start-up
    /// later with the driver's ArgumentException and a stack trace.
    /// </summary>
    public void CheckConnectionString(string value, bool postgres, string key, string example)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        var driver = postgres ? "PostgreSQL (Npgsql)" : "SQLite";
        var specific = postgres ? PostgresBuilder() : new SqliteConnectionStringBuilder();
        string? why = null;
        string? fix = null;
        string? unknown = null;
        try
        {
            var given = new DbConnectionStringBuilder { ConnectionString = value };
            foreach (string keyword in given.Keys)
            {
                var written = Written(value, keyword);
                if (!postgres && !specific.ContainsKey(keyword) && IsSecret(keyword))
                {
                    // Pwd=, Passwd=: whatever its spelling, SQLite as shipped takes no password (below); it was "did you mean 'Mode'?".
                    unknown = written;
                    why = NoSqlitePassword;
                    fix = NoSqlitePasswordFix.Replace("Password", written, StringComparison.Ordinal);
                    break;
                }

                if (!specific.ContainsKey(keyword))
                {
                    // Npgsql's Keys are only the keywords set; its keywords are its properties' display names.
                    var known = specific.Keys.Cast<string>()
                        .Concat(specific.GetType().GetProperties().Select(property => property.GetCustomAttribute<DisplayNameAttribute>()?.DisplayName).OfType<string>())
                        .ToList();
                    var meant = known.MinBy(name => UnknownSettings.Distance(name, keyword));
                    why = $"{driver} has no keyword '{written}'{(meant is not null && UnknownSettings.Distance(meant, keyword) <= 3 ? $" (did you mean '{meant}'?)" : "")}";
                    unknown = written; // its value is not shown: a misspelt Password's is the password
                    break;
                }

                try
                {
                    specific[keyword] = given[keyword];
                }
                catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException or OverflowException or NotSupportedException)
                {
                    why = IsSecret(keyword)
                        ? $"the value of {written} is not one {driver} accepts ({exception.Message})"
                        : $"{written} = '{given[keyword]}' is not a value {driver} accepts ({exception.Message})";
                    break;
                }
            }
        }
        catch (ArgumentException exception)
        {
            why = $"it does not read as keyword=value pairs separated by ';' ({exception.Message})";
        }

        // SQLite's Password is an encryption key, which the SQLite FaceSorter ships (e_sqlite3) cannot use: every verb
        // crashed on opening the store with "… doesn't support encryption", after creating an empty file.
        if (why is null && !postgres && !string.IsNullOrEmpty(((SqliteConnectionStringBuilder)specific).Password))
        {
            why = NoSqlitePassword;
            fix = NoSqlitePasswordFix;
        }

        Check(why is null, key, Redacted(value, unknown), $"{why}. Fix: {fix ?? $"e.g. {example}"}");
    }

    /// <summary>
    /// A SQLite connection string's <c>Data Source</c> (resolved by then, <see cref="ResolvePaths"/>) must not be a folder:
    /// SQLite cannot open it and start-up stopped with its "unable to open database file" and a stack trace
    /// (a config's <c>Data Source=~</c>, say). An unreadable string is <see cref="CheckConnectionString"/>'s to report.
    /// </summary>
    public void CheckSqliteFile(string connectionString, string key)
    {
        try
        {
            var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
            Check(string.IsNullOrEmpty(dataSource) || !System.IO.Directory.Exists(dataSource), key, Redacted(connectionString),
                $"its Data Source {dataSource} is a folder. Fix: name the database file in it, e.g. Data Source={Path.Combine(dataSource, "facesorter.db")}");
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
        }
    }

    // Npgsql's type is named only here: a method's types are loaded when it is entered, and a daemon on
    // SQLite never loads Npgsql (docs/operations.md, "Runtime settings").
    [MethodImpl(MethodImplOptions.NoInlining)]
    [SuppressMessage("Performance", "CA1859", Justification = "Npgsql's type in the signature would be loaded by the caller")]
    private static DbConnectionStringBuilder PostgresBuilder() => new NpgsqlConnectionStringBuilder();

    /// <summary>A keyword as the user wrote it (the parser gives it in lower case).</summary>
    private static string Written(string connectionString, string keyword)
    {
        var at = connectionString.IndexOf(keyword, StringComparison.OrdinalIgnoreCase);
        return at < 0 ? keyword : connectionString.Substring(at, keyword.Length);
    }

    // Keywords whose value is never shown: a password, also misspelt (Pasword, Passwort, Passwd), and other secrets.
    private const string SecretKeywords = "pas|pwd|secret|token";

    private static bool IsSecret(string keyword) => Regex.IsMatch(keyword, SecretKeywords, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// A connection string as it may be shown: the value of each password-like keyword (<see cref="SecretKeywords"/>) and of
    /// <paramref name="unknownKeyword"/> (a keyword the driver does not know, as written) is …, and one that does not parse is
    /// not shown at all. A value is hidden whole as <see cref="DbConnectionStringBuilder"/> reads it: after spaces, quoted
    /// with ' or " (a quote inside doubled, ';' allowed) or else up to the next ';'.
    /// </summary>
    private static string Redacted(string connectionString, string? unknownKeyword = null)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = connectionString };
            var hidden = unknownKeyword is null ? SecretKeywords : SecretKeywords + "|" + Regex.Escape(unknownKeyword);
            return Regex.Replace(connectionString, $@"(?<=(^|;)\s*[^;=]*({hidden})[^;=]*=)\s*(""(?:[^""]|"""")*""|'(?:[^']|'')*'|[^;]*)", "…", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return "(not shown: it may hold a password)";
        }
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

internal sealed class DirectoriesOptionsValidator : IValidateOptions<DirectoriesOptions>
{
    public ValidateOptionsResult Validate(string? name, DirectoriesOptions options)
    {
        var failures = new Failures();
        failures.Check(!string.IsNullOrWhiteSpace(options.Inbox), $"{DirectoriesOptions.Section}:Inbox", options.Inbox, "set it to the drop folder, e.g. data/temp_downloads");
        failures.Check(!string.IsNullOrWhiteSpace(options.Faces), $"{DirectoriesOptions.Section}:Faces", options.Faces, "set it to the sorted collection, e.g. data/faces");
        failures.Check(!string.IsNullOrWhiteSpace(options.Review), $"{DirectoriesOptions.Section}:Review", options.Review, "set it to the review folder, e.g. data/review");
        // Where the folders really are: a symbolic link made Faces the drop folder itself, and every file a copy of itself.
        var folders = new[] { ("Inbox", options.Inbox), ("Faces", options.Faces), ("Review", options.Review) }
            .Where(folder => !string.IsNullOrWhiteSpace(folder.Item2))
            .Select(folder => (Key: folder.Item1, Value: folder.Item2, Full: Path.GetFullPath(folder.Item2).TrimEnd('/') + "/"))
            .Select(folder => (folder.Key, folder.Value, folder.Full, Real: RealFolders.Of(folder.Full).TrimEnd('/') + "/"))
            .Select(folder => (folder.Key, folder.Value, Linked: folder.Real != folder.Full, folder.Real))
            .ToList();
        // The inner folder is named; of two that are the same folder, the one reached through a symbolic link.
        var clash = folders
            .SelectMany(inner => folders.Where(outer => outer.Key != inner.Key && inner.Real.StartsWith(outer.Real, StringComparison.Ordinal)).Select(outer => (Inner: inner, Outer: outer)))
            .OrderBy(pair => pair.Inner.Real == pair.Outer.Real && !pair.Inner.Linked ? 1 : 0)
            .FirstOrDefault();
        if (clash.Inner.Key is { } key)
        {
            var where = clash.Inner.Real == clash.Outer.Real ? "is the same folder as" : "is inside";
            var really = clash.Inner.Linked ? $" (through a symbolic link it is {clash.Inner.Real.TrimEnd('/')})" : "";
            failures.Check(false, $"{DirectoriesOptions.Section}:{key}", clash.Inner.Value,
                $"it {where} {clash.Outer.Key} ({clash.Outer.Value}){really}; Inbox, Faces and Review must be three separate folders, none inside another");
        }

        return failures.Result();
    }
}

internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var failures = new Failures();
        failures.Check(Enum.IsDefined(options.Provider), $"{DatabaseOptions.Section}:Provider", options.Provider, "use Sqlite (embedded, default) or Postgres (shared)");
        failures.Check(!string.IsNullOrWhiteSpace(options.ConnectionString), $"{DatabaseOptions.Section}:ConnectionString", options.ConnectionString,
            options.Provider == DatabaseProvider.Postgres ? "set a PostgreSQL connection string, e.g. Host=localhost;Username=facesorter;Password=…;Database=facesorter" : "set it, e.g. Data Source=data/facesorter.db");
        failures.CheckConnectionString(options.ConnectionString, options.Provider == DatabaseProvider.Postgres, $"{DatabaseOptions.Section}:ConnectionString",
            options.Provider == DatabaseProvider.Postgres ? "Host=localhost;Username=facesorter;Password=…;Database=facesorter" : "Data Source=data/facesorter.db");
        if (options.Provider == DatabaseProvider.Sqlite && !string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.CheckSqliteFile(options.ConnectionString, $"{DatabaseOptions.Section}:ConnectionString");
        }

        return failures.Result();
    }
}

internal sealed class SortingOptionsValidator : IValidateOptions<SortingOptions>
{
    public ValidateOptionsResult Validate(string? name, SortingOptions options)
    {
        const string root = SortingOptions.Section;
        var failures = new Failures();
        failures.Check(options.MinConfidence is >= 0 and <= 1, $"{root}:MinConfidence", options.MinConfidence, "use a number from 0 to 1, e.g. 0.6");
        failures.Check(options.MaxFacesPerImage >= 1, $"{root}:MaxFacesPerImage", options.MaxFacesPerImage, "use a whole number of at least 1");
        failures.Check(options.MinFaceAreaRatio is >= 0 and <= 1, $"{root}:MinFaceAreaRatio", options.MinFaceAreaRatio, "use a number from 0 (keep every face) to 1");
        failures.Check(options.NearDuplicateMaxDistance is >= 0 and <= FaceSorter.NearDuplicates.FingerprintIndex.MaxDistance, $"{root}:NearDuplicateMaxDistance", options.NearDuplicateMaxDistance,
            $"use a whole number of differing bits from 0 (off) to {FaceSorter.NearDuplicates.FingerprintIndex.MaxDistance}, e.g. 12");
        failures.Check(options.SettleTime >= TimeSpan.FromMilliseconds(100), $"{root}:SettleTime", options.SettleTime, "use a duration of at least 00:00:00.1, e.g. 00:00:02");
        failures.Check(options.BlindSettleTime >= options.SettleTime, $"{root}:BlindSettleTime", options.BlindSettleTime,
            $"use a duration no shorter than SettleTime ({options.SettleTime}), e.g. {(options.SettleTime > TimeSpan.FromSeconds(10) ? options.SettleTime : TimeSpan.FromSeconds(10))} (curl stalls for about 5 s mid-download)");
        failures.Check(options.EmptyFileTimeout > TimeSpan.Zero, $"{root}:EmptyFileTimeout", options.EmptyFileTimeout, "use a positive duration, e.g. 00:10:00");
        failures.Check(options.RescanInterval >= TimeSpan.FromSeconds(1), $"{root}:RescanInterval", options.RescanInterval, "use a duration of at least 00:00:01, e.g. 00:05:00");
        failures.Check(Enum.IsDefined(options.Watching), $"{root}:Watching", options.Watching, "use Auto (events, and polling on network shares), Events or Poll");
        failures.Check(options.PollInterval >= TimeSpan.FromMilliseconds(100) && options.PollInterval <= TimeSpan.FromHours(1), $"{root}:PollInterval", options.PollInterval, "use a duration from 00:00:00.1 to 01:00:00, e.g. 00:00:05");
        failures.Check(options.PipelineCapacity is >= 1 and <= 100_000, $"{root}:PipelineCapacity", options.PipelineCapacity, "use a whole number from 1 to 100000, e.g. 256");
        foreach (var entry in options.Whitelist.Concat(options.Blacklist))
        {
            failures.Check(Decisions.PersonName.Sanitize(entry) is not null, $"{root}:Whitelist/Blacklist", entry, "every entry must contain a letter or digit");
        }

        return failures.Result();
    }
}

internal sealed class ReviewOptionsValidator : IValidateOptions<ReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewOptions options)
    {
        var failures = new Failures();
        failures.Check(options.RejectGrace >= TimeSpan.Zero, $"{ReviewOptions.Section}:RejectGrace", options.RejectGrace, "use a duration such as 00:00:05");
        failures.Check(options.RecheckInterval >= TimeSpan.FromSeconds(1), $"{ReviewOptions.Section}:RecheckInterval", options.RecheckInterval, "use a duration such as 01:00:00");
        return failures.Result();
    }
}

internal sealed class ImmichOptionsValidator : IValidateOptions<ImmichOptions>
{
    public ValidateOptionsResult Validate(string? name, ImmichOptions options)
    {
        const string root = ImmichOptions.Section;
        var failures = new Failures();
        failures.Check(Enum.IsDefined(options.Mode), $"{root}:Mode", options.Mode, "use Upload or MachineLearning");
        failures.Check(Failures.IsHttpUrl(options.Url), $"{root}:Url", options.Url, "use Immich's address, e.g. http://localhost:2283");
        // An empty ApiKey is not fatal: the embedded defaults must start on a fresh machine. Immich
        // then refuses requests, which is an outage (files wait), and `doctor` says what to fix.
        if (options.Mode == ImmichMode.MachineLearning)
        {
            failures.Check(Failures.IsHttpUrl(options.MachineLearningUrl), $"{root}:MachineLearningUrl", options.MachineLearningUrl, "use the ML service's address, e.g. http://localhost:3003");
            failures.Check(!string.IsNullOrWhiteSpace(options.DatabaseConnectionString), $"{root}:DatabaseConnectionString", options.DatabaseConnectionString,
                "MachineLearning mode reads named faces from Immich's PostgreSQL: set e.g. Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=immich");
            failures.CheckConnectionString(options.DatabaseConnectionString, postgres: true, $"{root}:DatabaseConnectionString", "Host=localhost;Port=5432;Username=postgres;Password=postgres;Database=immich");
        }

        failures.CheckSecretFile(options.ApiKeyFile, $"{root}:ApiKeyFile", "install -m 0640 -g facesorter /dev/stdin /etc/facesorter/immich-api-key");
        failures.Check(!string.IsNullOrWhiteSpace(options.ModelName), $"{root}:ModelName", options.ModelName, "use buffalo_l (Immich's default), buffalo_m, buffalo_s or antelopev2");
        failures.Check(options.MinScore is > 0 and <= 1, $"{root}:MinScore", options.MinScore, "use a number above 0 and at most 1, e.g. 0.7");
        failures.Check(options.MaxDistance is > 0 and <= 2, $"{root}:MaxDistance", options.MaxDistance, "use a cosine distance above 0 and at most 2, e.g. 0.5");
        failures.Check(options.PreviewSize is >= 256 and <= 8192, $"{root}:PreviewSize", options.PreviewSize, "use the long side of Immich's preview in pixels, 256 to 8192 (Immich's default is 1440)");
        failures.Check(options.MinMargin is >= 0 and < 2, $"{root}:MinMargin", options.MinMargin, "use a distance from 0 (never ambiguous) below 2, e.g. 0.05");
        failures.Check(options.FaceWaitTimeout > TimeSpan.Zero, $"{root}:FaceWaitTimeout", options.FaceWaitTimeout, "use a positive duration, e.g. 00:02:00");
        failures.Check(options.MaxConcurrentRequests is >= 1 and <= 64, $"{root}:MaxConcurrentRequests", options.MaxConcurrentRequests, "use a whole number from 1 to 64, e.g. 4");
        failures.Check(options.RequestTimeout > TimeSpan.Zero, $"{root}:RequestTimeout", options.RequestTimeout, "use a positive duration, e.g. 00:00:30");
        failures.Check(options.MaxRetryDelay >= TimeSpan.FromSeconds(1), $"{root}:MaxRetryDelay", options.MaxRetryDelay, "use a duration of at least 00:00:01, e.g. 00:00:30");
        failures.Check(options.GalleryRefreshInterval >= TimeSpan.FromSeconds(1), $"{root}:GalleryRefreshInterval", options.GalleryRefreshInterval, "use a duration such as 00:10:00");
        return failures.Result();
    }
}

internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        var failures = new Failures();
        if (!options.Enabled)
        {
            return failures.Result();
        }

        failures.CheckSecretFile(options.TokenFile, $"{WebOptions.Section}:TokenFile", "install -m 0640 -g facesorter /dev/stdin /etc/facesorter/web-token");
        var urls = options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var wellFormed = urls.Length > 0 && urls.All(Failures.IsHttpUrl);
        failures.Check(wellFormed, $"{WebOptions.Section}:Urls", options.Urls, "use e.g. http://127.0.0.1:8765");

        // Only addresses that parse can be judged loopback or not: a malformed one has its own message above.
        var loopbackOnly = !wellFormed || urls.All(IsLoopback);
        failures.Check(loopbackOnly || !string.IsNullOrWhiteSpace(options.Token), $"{WebOptions.Section}:Token", options.Token,
            "listening on a non-loopback address needs a token: set FaceSorter:Web:Token to a long random string, or listen on 127.0.0.1");
        failures.Check(string.IsNullOrEmpty(options.NotifyUrl) || Failures.IsHttpUrl(options.NotifyUrl), $"{WebOptions.Section}:NotifyUrl", options.NotifyUrl, "use an http(s) URL such as https://ntfy.sh/my-topic, or leave it empty");
        return failures.Result();
    }

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || uri.Host is "localhost" || (System.Net.IPAddress.TryParse(uri.Host, out var ip) && System.Net.IPAddress.IsLoopback(ip)));
}
