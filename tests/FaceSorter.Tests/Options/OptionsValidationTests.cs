using FaceSorter.Options;
using Microsoft.Extensions.Options;

namespace FaceSorter.Tests.Options;

/// <summary>
/// Every rule of the options validators, one row each: from valid defaults, one setting is broken and
/// the single failure names the full configuration key, echoes the bad value and says how to fix it.
/// </summary>
public sealed class OptionsValidationTests
{
    private sealed record Rule(string Key, string Value, string Fix, Func<ValidateOptionsResult> Validate);

    private static ValidateOptionsResult Directories(Action<DirectoriesOptions> change) => Run(new DirectoriesOptionsValidator(), change);

    private static ValidateOptionsResult Database(Action<DatabaseOptions> change) => Run(new DatabaseOptionsValidator(), change);

    private static ValidateOptionsResult Sorting(Action<SortingOptions> change) => Run(new SortingOptionsValidator(), change);

    private static ValidateOptionsResult Review(Action<ReviewOptions> change) => Run(new ReviewOptionsValidator(), change);

    private static ValidateOptionsResult Immich(Action<ImmichOptions> change) => Run(new ImmichOptionsValidator(), change);

    private static ValidateOptionsResult Web(Action<WebOptions> change) => Run(new WebOptionsValidator(), change);

    private static ValidateOptionsResult Run<T>(IValidateOptions<T> validator, Action<T> change)
        where T : class, new()
    {
        var options = new T();
        change(options);
        return validator.Validate(Microsoft.Extensions.Options.Options.DefaultName, options);
    }

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        ["Directories:Inbox empty"] = new("FaceSorter:Directories:Inbox", "", "drop folder", () => Directories(o => o.Inbox = "")),
        ["Directories:Faces empty"] = new("FaceSorter:Directories:Faces", " ", "sorted collection", () => Directories(o => o.Faces = " ")),
        ["Directories:Review empty"] = new("FaceSorter:Directories:Review", "", "review folder", () => Directories(o => o.Review = "")),
        ["Directories nested"] = new("FaceSorter:Directories:Inbox", "data/faces/inbox", "it is inside Faces (data/faces); Inbox, Faces and Review", () => Directories(o => o.Inbox = "data/faces/inbox")),
        ["Directories nested, the inner one named"] = new("FaceSorter:Directories:Review", "data/temp_downloads/review", "it is inside Inbox (data/temp_downloads); Inbox, Faces and Review", () => Directories(o => o.Review = "data/temp_downloads/review")),
        ["Database:Provider unknown"] = new("FaceSorter:Database:Provider", "7", "Sqlite", () => Database(o => o.Provider = (DatabaseProvider)7)),
        ["Database:ConnectionString empty (SQLite)"] = new("FaceSorter:Database:ConnectionString", "", "Data Source=", () => Database(o => o.ConnectionString = "")),
        ["Database:ConnectionString empty (PostgreSQL)"] = new("FaceSorter:Database:ConnectionString", "", "Host=localhost", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "";
        })),
        ["Database:ConnectionString misspelt keyword (SQLite)"] = new("FaceSorter:Database:ConnectionString", "Data Sorce=…", "SQLite has no keyword 'Data Sorce' (did you mean 'Data Source'?). Fix: e.g. Data Source=data/facesorter.db", () => Database(o => o.ConnectionString = "Data Sorce=x.db")),
        ["Database:ConnectionString bad value (SQLite)"] = new("FaceSorter:Database:ConnectionString", "Data Source=x.db;Mode=Sometimes", "Mode = 'Sometimes' is not a value SQLite accepts", () => Database(o => o.ConnectionString = "Data Source=x.db;Mode=Sometimes")),
        ["Database:ConnectionString not keyword=value (SQLite)"] = new("FaceSorter:Database:ConnectionString", "(not shown: it may hold a password)", "it does not read as keyword=value pairs separated by ';'", () => Database(o => o.ConnectionString = "data/facesorter.db")),
        ["Database:ConnectionString misspelt keyword (PostgreSQL), password not shown"] = new("FaceSorter:Database:ConnectionString", "Host=localhost;Usrname=…;Password=…", "PostgreSQL (Npgsql) has no keyword 'Usrname' (did you mean 'Username'?). Fix: e.g. Host=localhost;Username=facesorter;Password=…;Database=facesorter", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "Host=localhost;Usrname=facesorter;Password=secret";
        })),
        ["Database:ConnectionString misspelt password (PostgreSQL), not shown"] = new("FaceSorter:Database:ConnectionString", "Host=localhost;Username=facesorter;Pasword=…", "PostgreSQL (Npgsql) has no keyword 'Pasword' (did you mean 'Password'?)", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "Host=localhost;Username=facesorter;Pasword=secret";
        })),
        ["Database:ConnectionString password misspelt otherwise (PostgreSQL), not shown"] = new("FaceSorter:Database:ConnectionString", "Host=localhost;Passwort=…;Username=facesorter", "PostgreSQL (Npgsql) has no keyword 'Passwort'", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "Host=localhost;Passwort=secret;Username=facesorter";
        })),
        ["Database:ConnectionString misspelt password with a doubled single quote, not shown"] = new("FaceSorter:Database:ConnectionString", "Host=localhost;Username=facesorter;Pasword=…", "PostgreSQL (Npgsql) has no keyword 'Pasword'", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "Host=localhost;Username=facesorter;Pasword='hunter''TWO'";
        })),
        ["Database:ConnectionString password with a doubled double quote, not shown"] = new("FaceSorter:Database:ConnectionString", "Host=localhost;Usrname=…;Password=…;Database=x", "PostgreSQL (Npgsql) has no keyword 'Usrname'", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "Host=localhost;Usrname=facesorter;Password=\"hunter\"\"TWO\";Database=x";
        })),
        ["Database:ConnectionString password quoted after a space, holding ';', not shown"] = new("FaceSorter:Database:ConnectionString", "Host=localhost;Usrname=…;Password =…", "PostgreSQL (Npgsql) has no keyword 'Usrname'", () => Database(o =>
        {
            o.Provider = DatabaseProvider.Postgres;
            o.ConnectionString = "Host=localhost;Usrname=facesorter;Password = 'hunter;TWO'";
        })),
        ["Database:ConnectionString unknown keyword (SQLite), its value not shown"] = new("FaceSorter:Database:ConnectionString", "Data Source=x.db;Pasword=…", "SQLite as shipped (e_sqlite3) cannot encrypt its file, so it takes no Password", () => Database(o => o.ConnectionString = "Data Source=x.db;Pasword=secret")),
        ["Database:ConnectionString with a Pwd (SQLite), not shown"] = new("FaceSorter:Database:ConnectionString", "Data Source=x.db;Pwd=…", "SQLite as shipped (e_sqlite3) cannot encrypt its file, so it takes no Password. Fix: remove Pwd", () => Database(o => o.ConnectionString = "Data Source=x.db;Pwd=hunter2")),
        ["Database:ConnectionString with a Password (SQLite), not shown"] = new("FaceSorter:Database:ConnectionString", "Data Source=x.db;Password=…", "SQLite as shipped (e_sqlite3) cannot encrypt its file, so it takes no Password. Fix: remove Password", () => Database(o => o.ConnectionString = "Data Source=x.db;Password=hunter2")),
        ["Database:ConnectionString a folder (SQLite)"] = new("FaceSorter:Database:ConnectionString", "Data Source=/tmp", "its Data Source /tmp is a folder. Fix: name the database file in it, e.g. Data Source=/tmp/facesorter.db", () => Database(o => o.ConnectionString = "Data Source=/tmp")),
        ["MinConfidence above 1"] = new("FaceSorter:MinConfidence", "1.5", "from 0 to 1", () => Sorting(o => o.MinConfidence = 1.5)),
        ["MaxFacesPerImage zero"] = new("FaceSorter:MaxFacesPerImage", "0", "at least 1", () => Sorting(o => o.MaxFacesPerImage = 0)),
        ["MinFaceAreaRatio negative"] = new("FaceSorter:MinFaceAreaRatio", "-0.1", "from 0", () => Sorting(o => o.MinFaceAreaRatio = -0.1)),
        ["NearDuplicateMaxDistance negative"] = new("FaceSorter:NearDuplicateMaxDistance", "-1", "from 0 (off) to 16", () => Sorting(o => o.NearDuplicateMaxDistance = -1)),
        ["NearDuplicateMaxDistance too large"] = new("FaceSorter:NearDuplicateMaxDistance", "17", "from 0 (off) to 16", () => Sorting(o => o.NearDuplicateMaxDistance = 17)),
        ["SettleTime too short"] = new("FaceSorter:SettleTime", "00:00:00.0500000", "at least 00:00:00.1", () => Sorting(o => o.SettleTime = TimeSpan.FromMilliseconds(50))),
        ["BlindSettleTime below SettleTime"] = new("FaceSorter:BlindSettleTime", "00:00:01", "no shorter than SettleTime", () => Sorting(o =>
        {
            o.SettleTime = TimeSpan.FromSeconds(2);
            o.BlindSettleTime = TimeSpan.FromSeconds(1);
        })),
        ["BlindSettleTime below a long SettleTime"] = new("FaceSorter:BlindSettleTime", "00:00:10", "no shorter than SettleTime (00:01:00), e.g. 00:01:00", () => Sorting(o => o.SettleTime = TimeSpan.FromMinutes(1))),
        ["EmptyFileTimeout zero"] = new("FaceSorter:EmptyFileTimeout", "00:00:00", "positive duration", () => Sorting(o => o.EmptyFileTimeout = TimeSpan.Zero)),
        ["RescanInterval too short"] = new("FaceSorter:RescanInterval", "00:00:00.5000000", "at least 00:00:01", () => Sorting(o => o.RescanInterval = TimeSpan.FromMilliseconds(500))),
        ["Watching unknown"] = new("FaceSorter:Watching", "9", "Auto", () => Sorting(o => o.Watching = (global::FaceSorter.Watching.WatchingMode)9)),
        ["PollInterval too long"] = new("FaceSorter:PollInterval", "02:00:00", "00:00:00.1 to 01:00:00", () => Sorting(o => o.PollInterval = TimeSpan.FromHours(2))),
        ["PipelineCapacity zero"] = new("FaceSorter:PipelineCapacity", "0", "from 1 to 100000", () => Sorting(o => o.PipelineCapacity = 0)),
        ["Whitelist entry without a letter"] = new("FaceSorter:Whitelist/Blacklist", "--", "letter or digit", () => Sorting(o => o.Whitelist = ["--"])),
        ["Blacklist entry without a letter"] = new("FaceSorter:Whitelist/Blacklist", "!!", "letter or digit", () => Sorting(o => o.Blacklist = ["!!"])),
        ["Review:RejectGrace negative"] = new("FaceSorter:Review:RejectGrace", "-00:00:01", "00:00:05", () => Review(o => o.RejectGrace = TimeSpan.FromSeconds(-1))),
        ["Review:RecheckInterval too short"] = new("FaceSorter:Review:RecheckInterval", "00:00:00", "01:00:00", () => Review(o => o.RecheckInterval = TimeSpan.Zero)),
        ["Immich:Mode unknown"] = new("FaceSorter:Immich:Mode", "5", "Upload or MachineLearning", () => Immich(o => o.Mode = (ImmichMode)5)),
        ["Immich:Url not http"] = new("FaceSorter:Immich:Url", "ftp://immich", "http://localhost:2283", () => Immich(o => o.Url = "ftp://immich")),
        ["Immich:MachineLearningUrl missing"] = new("FaceSorter:Immich:MachineLearningUrl", "", "http://localhost:3003", () => Immich(o =>
        {
            o.Mode = ImmichMode.MachineLearning;
            o.MachineLearningUrl = "";
            o.DatabaseConnectionString = "Host=localhost";
        })),
        ["Immich:DatabaseConnectionString missing"] = new("FaceSorter:Immich:DatabaseConnectionString", "", "Database=immich", () => Immich(o =>
        {
            o.Mode = ImmichMode.MachineLearning;
            o.MachineLearningUrl = "http://localhost:3003";
            o.DatabaseConnectionString = "";
        })),
        ["Immich:DatabaseConnectionString bad value"] = new("FaceSorter:Immich:DatabaseConnectionString", "Host=localhost;Port=postgres", "Port = 'postgres' is not a value PostgreSQL (Npgsql) accepts", () => Immich(o =>
        {
            o.Mode = ImmichMode.MachineLearning;
            o.DatabaseConnectionString = "Host=localhost;Port=postgres";
        })),
        ["Immich:ApiKeyFile unreadable"] = new("FaceSorter:Immich:ApiKeyFile", "/nonexistent/facesorter/api-key", "put the secret in it", () => Immich(o => o.ApiKeyFile = "/nonexistent/facesorter/api-key")),
        ["Immich:ModelName empty"] = new("FaceSorter:Immich:ModelName", "", "buffalo_l", () => Immich(o => o.ModelName = "")),
        ["Immich:MinScore zero"] = new("FaceSorter:Immich:MinScore", "0", "above 0 and at most 1", () => Immich(o => o.MinScore = 0)),
        ["Immich:MaxDistance above 2"] = new("FaceSorter:Immich:MaxDistance", "2.5", "at most 2", () => Immich(o => o.MaxDistance = 2.5)),
        ["Immich:PreviewSize too small"] = new("FaceSorter:Immich:PreviewSize", "100", "256 to 8192", () => Immich(o => o.PreviewSize = 100)),
        ["Immich:MinMargin at 2"] = new("FaceSorter:Immich:MinMargin", "2", "below 2", () => Immich(o => o.MinMargin = 2)),
        ["Immich:FaceWaitTimeout zero"] = new("FaceSorter:Immich:FaceWaitTimeout", "00:00:00", "positive duration", () => Immich(o => o.FaceWaitTimeout = TimeSpan.Zero)),
        ["Immich:MaxConcurrentRequests too many"] = new("FaceSorter:Immich:MaxConcurrentRequests", "65", "from 1 to 64", () => Immich(o => o.MaxConcurrentRequests = 65)),
        ["Immich:RequestTimeout negative"] = new("FaceSorter:Immich:RequestTimeout", "-00:00:01", "positive duration", () => Immich(o => o.RequestTimeout = TimeSpan.FromSeconds(-1))),
        ["Immich:MaxRetryDelay too short"] = new("FaceSorter:Immich:MaxRetryDelay", "00:00:00.5000000", "at least 00:00:01", () => Immich(o => o.MaxRetryDelay = TimeSpan.FromMilliseconds(500))),
        ["Immich:GalleryRefreshInterval too short"] = new("FaceSorter:Immich:GalleryRefreshInterval", "00:00:00", "00:10:00", () => Immich(o => o.GalleryRefreshInterval = TimeSpan.Zero)),
        ["Web:TokenFile unreadable"] = new("FaceSorter:Web:TokenFile", "/nonexistent/facesorter/web-token", "put the secret in it", () => Web(o => o.TokenFile = "/nonexistent/facesorter/web-token")),
        ["Web:Urls not http"] = new("FaceSorter:Web:Urls", "ftp://127.0.0.1:8765", "http://127.0.0.1:8765", () => Web(o => o.Urls = "ftp://127.0.0.1:8765")),
        ["Web:Urls without a scheme (one error, not a token one too)"] = new("FaceSorter:Web:Urls", "127.0.0.1:8765", "http://127.0.0.1:8765", () => Web(o => o.Urls = "127.0.0.1:8765")),
        ["Web:Token missing off loopback"] = new("FaceSorter:Web:Token", "", "needs a token", () => Web(o => o.Urls = "http://0.0.0.0:8765")),
        ["Web:NotifyUrl not http"] = new("FaceSorter:Web:NotifyUrl", "ntfy.sh/topic", "https://ntfy.sh/my-topic", () => Web(o => o.NotifyUrl = "ntfy.sh/topic")),
    };

    public static TheoryData<string> RuleNames => new(Rules.Keys);

    [Theory]
    [MemberData(nameof(RuleNames))]
    public void Each_broken_setting_fails_with_its_full_key_its_value_and_a_fix(string rule)
    {
        var (key, value, fix, validate) = Rules[rule];

        var result = validate();

        result.Failed.Should().BeTrue();
        var failure = result.Failures.Should().ContainSingle("only the broken setting is reported").Subject;
        failure.Should().StartWith($"{key} = '{value}' is not valid: ").And.Contain(fix);
        failure.Should().NotContain("hunter", "no part of a password is shown");
    }

    [Fact]
    public void The_shipped_defaults_pass_every_validator()
    {
        Directories(_ => { }).Succeeded.Should().BeTrue();
        Database(_ => { }).Succeeded.Should().BeTrue();
        Sorting(_ => { }).Succeeded.Should().BeTrue();
        Review(_ => { }).Succeeded.Should().BeTrue();
        Immich(_ => { }).Succeeded.Should().BeTrue();
        Web(_ => { }).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void A_faces_folder_that_is_a_symbolic_link_to_the_drop_folder_is_the_same_folder()
    {
        // Compared as text, these passed, and every sorted file came back from faces/ as a duplicate of itself (helper-66's trial).
        var data = Directory.CreateTempSubdirectory("facesorter-folders-");
        try
        {
            var inbox = Directory.CreateDirectory(Path.Combine(data.FullName, "temp_downloads")).FullName;
            var link = Path.Combine(data.FullName, "flink");
            File.CreateSymbolicLink(link, "temp_downloads");

            var result = Directories(o =>
            {
                o.Inbox = inbox;
                o.Faces = Path.Combine(link, "people"); // not made yet: below the link
            });

            result.Failed.Should().BeTrue();
            result.Failures.Should().ContainSingle().Which.Should().StartWith("FaceSorter:Directories:Faces = ").And.Contain($"it is inside Inbox ({inbox}) (through a symbolic link it is {inbox}/people)");

            var same = Directories(o =>
            {
                o.Inbox = inbox;
                o.Faces = link; // the drop folder itself: Faces is named, the one reached through the link
            });

            same.Failures.Should().ContainSingle().Which.Should().StartWith("FaceSorter:Directories:Faces = ").And.Contain($"it is the same folder as Inbox ({inbox}) (through a symbolic link it is {inbox})");
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_disabled_web_page_is_not_validated()
    {
        Web(o =>
        {
            o.Enabled = false;
            o.Urls = "not a url";
        }).Succeeded.Should().BeTrue();
    }

    [Fact]
    public void Several_broken_settings_are_all_reported_at_once()
    {
        var result = Immich(o =>
        {
            o.Url = "";
            o.MinScore = 5;
        });

        result.Failures.Should().HaveCount(2);
        result.Failures.Should().Contain(f => f.StartsWith("FaceSorter:Immich:Url = ''", StringComparison.Ordinal));
        result.Failures.Should().Contain(f => f.StartsWith("FaceSorter:Immich:MinScore = '5'", StringComparison.Ordinal));
    }
}
