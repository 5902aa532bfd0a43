using System.Diagnostics;
using FaceSorter.Decisions;
using FaceSorter.Media;
using FaceSorter.Options;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceSorter.NearDuplicates;

/// <summary>
/// Rule 1b of docs/contracts.md, "Near duplicates": fingerprints a picture that passed the exact check,
/// records the fingerprint with its content, and finds the nearest known picture within
/// <c>FaceSorter:NearDuplicateMaxDistance</c> in the <see cref="FingerprintIndex"/>, which is built
/// from the store on first use (at start, by <see cref="FingerprintBackfill"/>) and kept current here.
/// </summary>
public sealed class NearDuplicateChecker(
    IFingerprints store,
    IContentClaims claims,
    Fingerprinter fingerprinter,
    FingerprintIndex index,
    IOptions<SortingOptions> options,
    ILogger<NearDuplicateChecker> logger) : IDisposable
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile bool _loaded;

    /// <summary>Builds the index from the store once; later calls return at once.</summary>
    public async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded)
            {
                var watch = Stopwatch.StartNew();
                var fingerprints = await store.ListFingerprintsAsync(cancellationToken);
                foreach (var fingerprint in fingerprints)
                {
                    index.Add(unchecked((ulong)fingerprint));
                }

                _loaded = true;
                if (options.Value.NearDuplicateMaxDistance > 0)
                {
                    logger.FingerprintIndexBuilt(fingerprints.Count, watch.ElapsedMilliseconds);
                }
                else
                {
                    logger.FingerprintIndexBuiltCheckOff(fingerprints.Count, watch.ElapsedMilliseconds);
                }
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>
    /// Fingerprints <paramref name="picture"/>, the one decode of the file at <paramref name="path"/> (null
    /// when it cannot be decoded), whose content <paramref name="fileHash"/> it has just claimed, records
    /// the fingerprint, and returns the nearest earlier picture within the configured distance; null when
    /// there is none, the rule is off, or the file has no fingerprint. With <paramref name="turn"/> (the file's
    /// place in the <see cref="ClaimOrder"/>) the lookup-then-insert waits for the files claimed before it, and
    /// the turn is over once this file's fingerprint is in the index.
    /// </summary>
    public async Task<NearCopy?> FindEarlierAsync(string fileHash, string path, DecodedPicture? picture, CancellationToken cancellationToken, ClaimOrder.Turn? turn = null)
    {
        var fingerprint = picture is null ? null : Fingerprinter.Of(picture);
        await store.SetFingerprintAsync(fileHash, fingerprint is { } known ? unchecked((long)known.Hash) : null, fingerprint?.Width ?? 0, fingerprint?.Height ?? 0, cancellationToken);
        if (fingerprint is not { } mine)
        {
            if (picture is not null) // a file that was not decoded was logged, with its reason, by whoever decoded it
            {
                logger.NoFingerprint(path, PerceptualHash.MinContrast);
            }

            return null;
        }

        await EnsureLoadedAsync(cancellationToken);
        var maxDistance = options.Value.NearDuplicateMaxDistance;
        if (maxDistance == 0)
        {
            index.Add(mine.Hash);
            return null;
        }

        if (turn is not null)
        {
            await turn.WaitAsync(cancellationToken);
        }

        var candidates = index.FindThenAdd(mine.Hash, maxDistance);
        turn?.Finish();
        if (candidates.Count == 0)
        {
            return null;
        }

        var distances = candidates.ToDictionary(candidate => unchecked((long)candidate.Fingerprint), candidate => candidate.Distance);
        var contents = await store.FindEarlierByFingerprintsAsync(fileHash, distances.Keys, cancellationToken);
        FingerprintedContent? earlier = null;
        foreach (var content in contents.OrderBy(content => distances[content.Fingerprint])) // stable: the earliest claim of the nearest
        {
            if (!await IsStaleClaimAsync(content, cancellationToken))
            {
                earlier = content;
                break;
            }
        }

        return earlier is null
            ? null
            : new NearCopy(earlier.Path, earlier.State, distances[earlier.Fingerprint], mine.Width, mine.Height, earlier.Width, earlier.Height);
    }

    /// <summary>
    /// A candidate whose file was still being sorted and is gone (deleted from the drop folder while it
    /// waited, or lost in a crash) is no earlier copy: its claim is released, as <c>DuplicateChecker</c>
    /// releases a stale exact claim, unless the release is refused because the file is being moved right now.
    /// Only in a store this daemon owns (<see cref="IContentClaims.OwnsDropFolderClaims"/>): in a shared
    /// PostgreSQL store an <c>inbox:</c> path may be another daemon's live file (docs/contracts.md, "Stored paths").
    /// </summary>
    private async Task<bool> IsStaleClaimAsync(FingerprintedContent content, CancellationToken cancellationToken) =>
        content.State == ContentState.Claimed && claims.OwnsDropFolderClaims && !File.Exists(content.Path)
        && await claims.ReleaseClaimAsync(content.FileHash, content.Path, cancellationToken);

    /// <summary>Fingerprints the settled content <paramref name="content"/> (added by hand, or known before fingerprints were) and adds it to the index.</summary>
    public async Task RememberAsync(ContentPlace content, CancellationToken cancellationToken)
    {
        var fingerprint = File.Exists(content.Path) ? fingerprinter.Compute(content.Path) : null;
        await store.SetFingerprintAsync(content.FileHash, fingerprint is { } known ? unchecked((long)known.Hash) : null, fingerprint?.Width ?? 0, fingerprint?.Height ?? 0, cancellationToken);
        if (fingerprint is { } mine && _loaded)
        {
            index.Add(mine.Hash);
        }
    }

    public void Dispose() => _loading.Dispose();
}
