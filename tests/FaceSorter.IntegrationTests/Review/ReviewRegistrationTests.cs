using FaceSorter.Options;
using FaceSorter.Review;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceSorter.IntegrationTests.Review;

public sealed class ReviewRegistrationTests
{
    [Fact]
    public async Task AddFaceSorterReview_registers_the_monitor_as_a_hosted_service_and_the_cli_actions()
    {
        await using var harness = new ReviewHarness();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(harness.Store).AddFaceSorterStoreRoles();
        services.Configure<DirectoriesOptions>(options => (options.Faces, options.Review) = (harness.Faces, harness.Review));
        services.Configure<ReviewOptions>(_ => { });
        services.Configure<SortingOptions>(_ => { });

        services.AddFaceSorterReview();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        provider.GetServices<IHostedService>().Should().ContainSingle().Which.Should().BeSameAs(provider.GetRequiredService<ReviewMonitor>());
        provider.GetRequiredService<ReviewActions>().Should().NotBeNull();
        provider.GetRequiredService<ReviewTree>().Faces.Should().Be(harness.Faces);
    }
}
