using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Media;
using FaceSorter.NearDuplicates;
using Microsoft.Extensions.Logging;

namespace FaceSorter.Pipeline.Stages;

/// <summary>
/// The first stage: rule 0 by the leading bytes (before the duplicate check, so empty and unrecognised
/// files never count as duplicates of each other), the SHA-256 with its change check (for every file,
/// so every review item can be followed by its content), rule 1 (the content claim, docs/contracts.md,
/// "Decision rules") and rule 1b (the perceptual fingerprint, "Near duplicates"), from the file's one
/// decode (<see cref="PictureDecoder"/>), which travels on with the file for the ML preview and the
/// review thumbnail. The near-duplicate lookups run in the order of the claims (<see cref="ClaimOrder"/>).
/// Knows nothing of channels; the pipeline routes what it returns.
/// </summary>
public sealed class HashStage(Hasher hasher, ReturnedReviewFiles returned, DuplicateChecker duplicates, ClaimOrder claimOrder, PictureDecoder decoder, NearDuplicateChecker nearDuplicates, ILogger<HashStage> logger)
{
    private readonly ReportedVersions _failed = new();

    /// <summary>
    /// The first half, for one file: rule 0 and the SHA-256. Returns <see cref="HashOutcome.Hashed"/>
    /// when the content is to be claimed next (<see cref="FindEarlierCopiesAsync"/>, once for a batch of
    /// files), else the file's outcome.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<HashOutcome> ReadAsync(InboxFile file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file.Path))
        {
            return new HashOutcome.Gone();
        }

        if (await hasher.DigestAsync(file.Path, file.Length, file.LastWriteUtc, cancellationToken) is not { } digest)
        {
            return new HashOutcome.Changed();
        }

        var hash = digest.Sha256;
        file = file with { HashedAs = digest.Stamp };
        if (await returned.TakeBackAsync(hash, file.Path, cancellationToken) is { } original) // before rule 0: a file that is no picture comes back too
        {
            file = file with { NameToSortUnder = original };
        }
        if (ImageSniffer.WhyNotAnImage(file.Length, digest.Type) is { } notAnImage)
        {
            // Hashed so the review watcher can follow the file by content, never claimed: identical
            // copies are ruled out by their bytes again, before any duplicate check.
            return new HashOutcome.Known(new CheckedFile(file, hash, DecisionInput.Invalid(notAnImage), ClaimsContent: false));
        }

        return new HashOutcome.Hashed(file, hash);
    }

    /// <summary>
    /// Rule 1 for a batch of hashed files: their contents claimed over one connection
    /// (<see cref="DuplicateChecker.FindEarlierCopiesAsync"/>); per file, in the order given, null when it
    /// is the original, else its earlier copy (one earlier in the batch included).
    /// </summary>
    /// <remarks>
    /// The claims number the files in the same step (<see cref="ClaimOrder"/>): each file's
    /// near-duplicate lookup waits for the files claimed before it. Pass each answer to
    /// <see cref="CheckAsync"/>, which ends its turn; a file that never gets there must have its turn
    /// disposed.
    /// </remarks>
    public async Task<IReadOnlyList<ClaimedFile>> FindEarlierCopiesAsync(IReadOnlyList<HashOutcome.Hashed> files, CancellationToken cancellationToken)
    {
        IReadOnlyList<ExactCopy?> earlier = [];
        var turns = await claimOrder.ClaimAsync(
            async () => earlier = await duplicates.FindEarlierCopiesAsync(files.Select(file => (file.Hash, file.File.Path)).ToList(), cancellationToken),
            files.Count,
            cancellationToken);
        return files.Select((file, i) => new ClaimedFile(file, earlier[i], turns[i])).ToList();
    }

    /// <summary>
    /// The second half, once the content claim answered (<see cref="ClaimedFile.Earlier"/>: null when this
    /// file is the original, else the earlier copy): rule 1, then rule 1b from the file's one decode, in
    /// the claim order. Ends the file's turn.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<HashOutcome> CheckAsync(ClaimedFile claimed, CancellationToken cancellationToken)
    {
        var ((file, hash), earlier, turn) = claimed;
        using var _ = turn;
        if (earlier is not null)
        {
            return new HashOutcome.Known(new CheckedFile(file, hash, DecisionInput.Duplicate(earlier)));
        }

        var picture = decoder.TryDecode(file.Path, out var failure, out var kind);
        if (picture is null)
        {
            LogNotDecoded(file, failure!, kind); // it goes on without a fingerprint; Immich decides where it goes
        }

        if (await nearDuplicates.FindEarlierAsync(hash, file.Path, picture, cancellationToken, turn) is { } near)
        {
            return new HashOutcome.Known(new CheckedFile(file, hash, DecisionInput.NearDuplicate(near), Picture: picture is null ? null : picture with { Preview = null }));
        }

        return new HashOutcome.ToCheck(new HashedFile(file, hash, picture));
    }

    /// <summary>
    /// Bad input (over the pixel limit, or a format libvips knows that fails to decode) is a Warning once
    /// per version of the file (path, length, modification time): a file that waits in the drop folder
    /// (Immich unavailable) is looked at again at every retry (<see cref="ReportedVersions"/>).
    /// A format libvips does not know is no bad input: Debug.
    /// </summary>
    private void LogNotDecoded(InboxFile file, string reason, DecodeFailure kind)
    {
        if (kind == DecodeFailure.UnknownFormat)
        {
            logger.PictureFormatUnknown(file.Path);
            return;
        }

        if (!_failed.IsNew(file.Path, file.Length, file.LastWriteUtc))
        {
            return;
        }

        if (kind == DecodeFailure.Refused)
        {
            logger.PictureNotDecoded(file.Path, reason);
        }
        else
        {
            logger.PictureBroken(file.Path, reason);
        }
    }
}

/// <summary>A hashed file whose content was claimed: its earlier copy (null: it is the original) and its place in the claim order.</summary>
public sealed record ClaimedFile(HashOutcome.Hashed File, ExactCopy? Earlier, ClaimOrder.Turn Turn);

/// <summary>What <see cref="HashStage"/> learned about one file, and so where it goes next.</summary>
public abstract record HashOutcome
{
    private HashOutcome()
    {
    }

    /// <summary>Hashed, the original of its content: the face service is asked next.</summary>
    public sealed record ToCheck(HashedFile File) : HashOutcome;

    /// <summary>Decided without the face service: not an image (rule 0), a duplicate (rule 1) or a near duplicate (rule 1b).</summary>
    public sealed record Known(CheckedFile File) : HashOutcome;

    /// <summary>It changed while it was hashed: it goes back to the settle rule.</summary>
    public sealed record Changed : HashOutcome;

    /// <summary>Read and hashed, an image: its content claim is asked next (<see cref="HashStage.CheckAsync"/>).</summary>
    public sealed record Hashed(InboxFile File, string Hash) : HashOutcome;

    /// <summary>It vanished from the drop folder before it was looked at.</summary>
    public sealed record Gone : HashOutcome;
}
