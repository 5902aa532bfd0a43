using System.Security.Cryptography;
using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.IntegrationTests.Support;
using FaceSorter.Media;
using FaceSorter.NearDuplicates;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaceSorter.IntegrationTests.NearDuplicates;

/// <summary>
/// Issue 14, found in a new-user trial: two daemons, each with its own drop folder, share one PostgreSQL
/// store. Both store a drop-folder file as <c>inbox:…</c>, so one daemon cannot tell that such a claim is
/// the other's live file, and must never release it as stale because its own drop folder has no such file
/// (docs/contracts.md, "Near duplicates"). Real PostgreSQL, real files, real photos.
/// </summary>
public sealed class SharedStoreClaimTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private PostgresDatabase? _database;

    public async ValueTask InitializeAsync() => _database = await PostgresDatabase.CreateAsync(_timeout.Token);

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _timeout.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task An_exact_copy_in_one_daemons_drop_folder_never_releases_the_claim_of_another_daemons_file_it_cannot_see()
    {
        var (first, firstInbox) = await DaemonAsync("first");
        var (second, secondInbox) = await DaemonAsync("second");
        var photo = Path.Combine(firstInbox, "sample.jpg");
        File.Copy(RealPhotos.All()[0], photo);
        var copy = Path.Combine(secondInbox, "again.jpg");
        File.Copy(photo, copy);

        (await new DuplicateChecker(first).FindEarlierCopyAsync(Sha256(photo), photo, _timeout.Token)).Should().BeNull("the first daemon's file is the original");
        var earlier = await new DuplicateChecker(second).FindEarlierCopyAsync(Sha256(copy), copy, _timeout.Token);

        earlier.Should().NotBeNull("the content is claimed by the first daemon's live file");
        earlier!.Describe().Should().EndWith(", which is being sorted");
        (await first.ListDropFolderClaimsAsync(_timeout.Token)).Select(claim => claim.Path).Should().Equal([photo], "the first daemon's claim is kept");
    }

    [Fact]
    public async Task A_near_copy_in_one_daemons_drop_folder_never_releases_the_claim_of_another_daemons_file_it_cannot_see()
    {
        var (first, firstInbox) = await DaemonAsync("first");
        var (second, secondInbox) = await DaemonAsync("second");
        var copies = NearCopies.CopiesOf(RealPhotos.All()[0], Directory.CreateDirectory(Path.Combine(_folder.Path, "staging")).FullName).ToDictionary(copy => copy.Kind, copy => copy.Path);
        var photo = Path.Combine(firstInbox, "sample.jpg");
        File.Move(copies["half"], photo);
        var copy = Path.Combine(secondInbox, "again.jpg");
        File.Move(copies["q30"], copy);
        var decoder = new PictureDecoder(previewSize: null);

        (await NearCheckAsync(first, photo, decoder)).Should().BeNull("the first daemon's file is the original");
        var near = await NearCheckAsync(second, copy, decoder);

        near.Should().NotBeNull("the first daemon's live file is the earlier copy").And.Match<NearCopy>(found => found.EarlierState == ContentState.Claimed);
        (await first.ListDropFolderClaimsAsync(_timeout.Token)).Select(claim => claim.Path).Should().Contain(photo, "the first daemon's claim is kept");
    }

    private async Task<NearCopy?> NearCheckAsync(FaceSorterStore store, string path, PictureDecoder decoder)
    {
        (await new DuplicateChecker(store).FindEarlierCopyAsync(Sha256(path), path, _timeout.Token)).Should().BeNull("its bytes are new");
        using var checker = new NearDuplicateChecker(store, store, new Fingerprinter(), new FingerprintIndex(),
            Microsoft.Extensions.Options.Options.Create(new SortingOptions()), NullLogger<NearDuplicateChecker>.Instance);
        return await checker.FindEarlierAsync(Sha256(path), path, decoder.Decode(path), _timeout.Token);
    }

    /// <summary>One daemon's store on the shared database, with its own drop folder (and faces/, review/).</summary>
    private async Task<(FaceSorterStore Store, string Inbox)> DaemonAsync(string name)
    {
        string Folder(string sub) => Directory.CreateDirectory(Path.Combine(_folder.Path, name, sub)).FullName;
        var directories = new DirectoriesOptions { Inbox = Folder("in"), Faces = Folder("faces"), Review = Folder("review") };
        var store = FaceSorterStore.ForPostgres(_database!.DataSource, TimeProvider.System, StorePaths.For(directories));
        await store.MigrateAsync(_timeout.Token);
        return (store, directories.Inbox);
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
