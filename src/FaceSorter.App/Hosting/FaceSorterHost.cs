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
        var location = new ConfigLocation(ConfigFile.Locate(configPath));
        var configuration = new ConfigurationManager();
        configuration.AddJsonFile(location.FilePath, optional: false, reloadOnChange: false);
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

        if (builder is WebApplicationBuilder web)
        {
            web.WebHost.UseUrls(configuration.GetValue("FaceSorter:Web:Urls", "http://127.0.0.1:8765")!);
            web.Services.AddFaceSorterWeb();
            var app = web.Build();
            ValidateOptions(app);
            app.MapFaceSorterWeb();
            return app;
        }

        return ValidateOptions(((HostApplicationBuilder)builder).Build());
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
