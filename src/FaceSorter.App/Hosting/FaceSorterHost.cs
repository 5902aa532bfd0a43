using FaceSorter.Diagnostics;
using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;
using FaceSorter.Pipeline;
using FaceSorter.Review;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using FaceSorter.App.Web;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace FaceSorter.App.Hosting;

/// <summary>
/// The one host composition, shared by every verb: <c>run</c> gets the watchers, the pipeline and
/// (when <c>Web:Enabled</c>) the web server; <c>scan</c> the pipeline in one-shot mode; <c>doctor</c>
/// the checks; the other verbs only the options and the store.
/// </summary>
internal static class FaceSorterHost
{
    public enum Purpose
    {
        Run,
        Scan,
        Query,
        Doctor,
    }

    public static IHost Build(string? configPath, Purpose purpose, bool quiet = false)
    {
        var (locationPath, readFrom) = ConfigFile.Find(configPath, create: purpose != Purpose.Doctor);
        var location = new ConfigLocation(locationPath);
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(readFrom, optional: false, reloadOnChange: false);
        configuration.AddInMemoryCollection(EnvironmentOverrides.Read(Environment.GetEnvironmentVariables()));

        var webEnabled = purpose == Purpose.Run && configuration.GetValue("FaceSorter:Web:Enabled", true);
        IHostApplicationBuilder builder = webEnabled
            ? WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = location.Directory, Args = [] })
            : Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = location.Directory, DisableDefaults = true });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.AddFaceSorterLogging(location.Directory, quiet);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSystemd();

        builder.Services.AddFaceSorterOptions(location).AddFaceSorterStore();
        builder.Services.AddSingleton<InstanceLockHolder>();
        if (purpose == Purpose.Doctor)
        {
            builder.Services.AddFaceSorterDoctor(
                configuration.GetValue("FaceSorter:Immich:Mode", ImmichMode.Upload),
                !string.IsNullOrWhiteSpace(configuration.GetValue<string>("FaceSorter:Immich:DatabaseConnectionString")));
        }
        else if (purpose != Purpose.Query)
        {
            builder.Services.AddFaceSorterPipeline(purpose == Purpose.Scan ? RunMode.Scan : RunMode.Daemon);
            builder.Services.AddFaceService(configuration);
        }

        if (purpose == Purpose.Run)
        {
            builder.Services.AddFaceSorterReview().AddFaceSorterSecondLook();
            if (configuration.GetValue("FaceSorter:Immich:Mode", ImmichMode.Upload) == ImmichMode.MachineLearning)
            {
                builder.Services.AddApprovalLearning();
            }

            if (configuration.GetValue("FaceSorter:Immich:AssignApprovals", false))
            {
                builder.Services.AddApprovalAssignment();
            }
        }

        if (purpose == Purpose.Run)
        {
            builder.Services.AddSingleton<StartupReport>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<StartupReport>());
        }

        if (builder is WebApplicationBuilder web)
        {
            web.WebHost.UseUrls(configuration.GetValue("FaceSorter:Web:Urls", "http://127.0.0.1:8765")!);
            web.Services.AddFaceSorterWeb();
            var app = web.Build();
            ValidateOptions(app);
            TakeInstanceLock(app, purpose);
            app.MapFaceSorterWeb();
            return app;
        }

        return TakeInstanceLock(ValidateOptions(((HostApplicationBuilder)builder).Build()), purpose);
    }

    /// <summary>
    /// <c>run</c> and <c>scan</c> own their drop folder and SQLite file (<see cref="InstanceLock"/>):
    /// a second one stops here, before anything is watched, created or moved, and so does a web
    /// address another program holds (one line, not Kestrel's stack trace). The lock lives as long
    /// as the host: it is a singleton the container disposes.
    /// </summary>
    private static IHost TakeInstanceLock(IHost host, Purpose purpose)
    {
        if (purpose is not (Purpose.Run or Purpose.Scan))
        {
            return host;
        }

        var services = host.Services;
        try
        {
            var directories = services.GetRequiredService<IOptions<DirectoriesOptions>>().Value;
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            services.GetRequiredService<InstanceLockHolder>().Hold(InstanceLock.Acquire(directories, database));
            var web = services.GetRequiredService<IOptions<WebOptions>>().Value;
            if (purpose == Purpose.Run && web.Enabled)
            {
                CheckWebAddresses(web);
            }
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    private static void CheckWebAddresses(WebOptions web)
    {
        foreach (var listener in WebAddress.Parse(web.Urls))
        {
            if (listener.EndPoint is not null && WebAddress.TryBind(listener.EndPoint) is { } error)
            {
                // Bounded by the probe's own 3 s timeout; Build is synchronous, as the host builder is.
                var faceSorter = WebAddress.IsFaceSorterAsync(listener.Probe, CancellationToken.None).GetAwaiter().GetResult();
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

    private static void AddFaceService(this IServiceCollection services, IConfiguration configuration)
    {
        var mode = configuration.GetValue("FaceSorter:Immich:Mode", ImmichMode.Upload);
        if (mode == ImmichMode.MachineLearning)
        {
            services.AddImmichMachineLearning();
        }
        else
        {
            services.AddImmichUpload();
            if (!string.IsNullOrWhiteSpace(configuration.GetValue<string>("FaceSorter:Immich:DatabaseConnectionString")))
            {
                services.AddImmichGallery(); // real confidence in Upload mode too (issue 4, part 4)
            }
        }
    }
}
