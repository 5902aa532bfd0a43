using FaceSorter.Diagnostics;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using FaceSorter.App.Web;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Hosting;

/// <summary>
/// The one host for every verb: logging, systemd, the library's composition
/// (<see cref="FaceSorterServiceCollectionExtensions.AddFaceSorter"/>: <c>run</c> the watchers, the
/// pipeline, review and notifications; <c>scan</c> the pipeline in one-shot mode; <c>doctor</c> the
/// checks; the other verbs only the options and the store), and for <c>run</c> with
/// <c>Web:Enabled</c> the web server.
/// </summary>
internal static class FaceSorterHost
{
    public static IHost Build(string? configPath, FaceSorterVerb verb, bool quiet = false)
    {
        var (locationPath, readFrom) = ConfigFile.Find(configPath, create: verb != FaceSorterVerb.Doctor);
        var location = new ConfigLocation(locationPath);
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(readFrom, optional: false, reloadOnChange: false);
        configuration.AddInMemoryCollection(EnvironmentOverrides.Read(Environment.GetEnvironmentVariables()));
        ConfigValues.Check(configuration); // before the first binding below: "twelve" names its key and what is accepted

        // Read before the container exists: whether this host serves the web decides its builder.
        var web = configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        var webEnabled = verb == FaceSorterVerb.Run && web.Enabled;
        IHostApplicationBuilder builder = webEnabled
            ? WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = location.Directory, Args = [] })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = location.Directory, DisableDefaults = true });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.AddFaceSorterLogging(location.Directory, quiet);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSystemd();

        builder.Services.AddFaceSorter(configuration, location, verb);
        builder.Services.AddSingleton<InstanceLockHolder>();
        if (verb == FaceSorterVerb.Run)
        {
            builder.Services.AddSingleton<StartupReport>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<StartupReport>());
        }

        if (builder is WebApplicationBuilder webBuilder)
        {
            webBuilder.WebHost.UseUrls(web.Urls);
            webBuilder.Services.AddFaceSorterWeb();
            var app = webBuilder.Build();
            ValidateOptions(app);
            TakeInstanceLock(app, verb);
            app.MapFaceSorterWeb();
            return app;
        }

        return TakeInstanceLock(ValidateOptions(((HostApplicationBuilder)builder).Build()), verb);
    }

    /// <summary>
    /// <c>run</c> and <c>scan</c> own their drop folder and SQLite file (<see cref="InstanceLock"/>):
    /// a second one stops here, before anything is watched, created or moved, and so does a web
    /// address another program holds (one line, not Kestrel's stack trace). The lock lives as long
    /// as the host: it is a singleton the container disposes.
    /// </summary>
    private static IHost TakeInstanceLock(IHost host, FaceSorterVerb verb)
    {
        if (verb is not (FaceSorterVerb.Run or FaceSorterVerb.Scan))
        {
            return host;
        }

        var services = host.Services;
        try
        {
            var directories = services.GetRequiredService<IOptions<DirectoriesOptions>>().Value;
            CheckFoldersCanExist(directories);
            var web = services.GetRequiredService<IOptions<WebOptions>>().Value;
            var serves = verb == FaceSorterVerb.Run && web.Enabled;
            if (serves)
            {
                // Another program on the address: refused before the lock, which may create the data folder.
                // Another FaceSorter there: the lock says which one, with its pid, if it runs on these folders.
                CheckWebAddresses(web, heldByFaceSorterToo: false);
            }

            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            services.GetRequiredService<InstanceLockHolder>().Hold(InstanceLock.Acquire(directories, database));
            if (serves)
            {
                CheckWebAddresses(web, heldByFaceSorterToo: true);
            }
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>
    /// A folder the start must make but cannot, or use but may not write (a file in its way, a folder or parent that
    /// may not be written), a review category folder too, is a config error for <c>run</c> and <c>scan</c> (exit 2, the key and the fix), found before
    /// the lock tries to open it; it had crashed the start with a stack trace. <c>doctor</c> reports the same as a
    /// failed check (<see cref="FolderChecks"/>).
    /// </summary>
    private static void CheckFoldersCanExist(DirectoriesOptions directories)
    {
        foreach (var (key, path) in FolderChecks.MadeAtStart(directories))
        {
            var setting = $"{DirectoriesOptions.Section}:{key}";
            if (FolderChecks.CannotUse(path, setting) is var (problem, fix))
            {
                var configured = key switch { "Inbox" => directories.Inbox, "Faces" => directories.Faces, _ => directories.Review };
                throw new ConfigFileException($"{setting} = '{configured}' is not valid: {problem}. Fix: {fix}.");
            }
        }
    }

    /// <param name="heldByFaceSorterToo">False: refuse only for an address another program holds.</param>
    private static void CheckWebAddresses(WebOptions web, bool heldByFaceSorterToo)
    {
        foreach (var listener in WebAddress.Parse(web.Urls))
        {
            if (listener.EndPoint is not null && WebAddress.TryBind(listener.EndPoint) is { } error)
            {
                // Bounded by the probe's own 3 s timeout; Build is synchronous, as the host builder is.
                var faceSorter = WebAddress.IsFaceSorterAsync(listener.Probe, CancellationToken.None).GetAwaiter().GetResult();
                if (faceSorter && !heldByFaceSorterToo)
                {
                    continue;
                }

                throw new StartupRefusedException(
                    $"{WebAddress.Describe(listener, error, faceSorter)}; not starting. Fix: set {WebOptions.Section}:Urls to a free port (e.g. http://127.0.0.1:8766), or {WebOptions.Section}:Enabled to false, or stop what uses it.");
            }
        }
    }

    /// <summary>Every verb refuses a bad config at once, naming the key, the value and the fix.</summary>
    private static IHost ValidateOptions(IHost host)
    {
        host.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        return host;
    }
}
