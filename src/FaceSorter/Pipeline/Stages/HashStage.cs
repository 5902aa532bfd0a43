using FaceSorter.Decisions;
using FaceSorter.Hashing;
using FaceSorter.Media;
using FaceSorter.NearDuplicates;

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
public sealed class HashStage(Hasher hasher, DuplicateChecker duplicates, ClaimOrder claimOrder, PictureDecoder decoder, NearDuplicateChecker nearDuplicates)
{
    /// <exception cref="IOException">The file cannot be read.</exception>
    public async Task<HashOutcome> HashAsync(InboxFile file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file.Path))
        {
            return new HashOutcome.Gone();
        }

        var notAnImage = ImageSniffer.WhyNotAnImage(file.Path, file.Length);
        var hash = await hasher.HashAsync(file.Path, file.Length, file.LastWriteUtc, cancellationToken);
        if (hash is null)
        {
            return new HashOutcome.Changed();
        }

        if (notAnImage is not null)
        {
            // Hashed so the review watcher can follow the file by content, never claimed: identical
            // copies are ruled out by their bytes again, before any duplicate check.
            return new HashOutcome.Known(new CheckedFile(file, hash, DecisionInput.Invalid(notAnImage), ClaimsContent: false));
        }

        // The claim numbers the file, and its near-duplicate lookup waits for the files claimed before it.
        string? earlier = null;
        using var turn = await claimOrder.ClaimAsync(async () => earlier = await duplicates.FindEarlierCopyAsync(hash, file.Path, cancellationToken), cancellationToken);
        if (earlier is not null)
        {
            return new HashOutcome.Known(new CheckedFile(file, hash, DecisionInput.Duplicate(earlier)));
        }

        var picture = decoder.TryDecode(file.Path);
        if (await nearDuplicates.FindEarlierAsync(hash, file.Path, picture, cancellationToken, turn) is { } near)
        {
            return new HashOutcome.Known(new CheckedFile(file, hash, DecisionInput.NearDuplicate(near), Picture: picture is null ? null : picture with { Preview = null }));
        }

        return new HashOutcome.ToCheck(new HashedFile(file, hash, picture));
    }
}

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

    /// <summary>It vanished from the drop folder before it was looked at.</summary>
    public sealed record Gone : HashOutcome;
}
