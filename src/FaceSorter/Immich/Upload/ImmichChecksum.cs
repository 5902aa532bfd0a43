using System.Security.Cryptography;

namespace FaceSorter.Immich.Upload;

/// <summary>How Immich identifies content: the SHA-1 of the file, in hex (docs/immich-facts.md, "Upload").</summary>
public static class ImmichChecksum
{
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
#pragma warning disable CA5350 // Immich's own checksum algorithm; not used for security.
        return Convert.ToHexStringLower(await SHA1.HashDataAsync(stream, cancellationToken));
#pragma warning restore CA5350
    }
}
