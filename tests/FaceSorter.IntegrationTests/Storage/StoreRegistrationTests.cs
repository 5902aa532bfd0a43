using FaceSorter.IntegrationTests.Support;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.IntegrationTests.Storage;

/// <summary><c>AddFaceSorterStore</c>: consumers take small roles, and every role is served by the one store.</summary>
public sealed class StoreRegistrationTests
{
    [Fact]
    public async Task Every_role_of_the_store_resolves_to_the_one_store_instance()
    {
        using var folder = new TempFolder();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DatabaseOptions>().Configure(options =>
        {
            options.Provider = DatabaseProvider.Sqlite;
            options.ConnectionString = $"Data Source={folder.Combine("facesorter.db")}";
        });
        services.AddFaceSorterStore();
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<FaceSorterStore>();
        var roles = typeof(FaceSorterStore).GetInterfaces().Where(role => role.Namespace == typeof(FaceSorterStore).Namespace).ToList();

        roles.Should().HaveCount(11, "the store is split into eleven roles (docs/architecture.md, Storage)");
        roles.Should().AllSatisfy(role => provider.GetRequiredService(role).Should().BeSameAs(store, $"{role.Name} is the one store, not a copy"));
    }
}
