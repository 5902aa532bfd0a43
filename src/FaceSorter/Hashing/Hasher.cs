using System.Security.Cryptography;

namespace FaceSorter.Hashing;

/// <summary>
/// Streaming SHA-256 with a 1 MiB buffer and sequential-scan hints, about 1.5 GB/s here through OpenSSL's
/// SHA-NI code (docs/linux-facts.md, "Hashing speed"). After hashing, the open file is re-checked: if its
/// size or mtime moved since it settled, the hash is worthless and the file goes back to the settle rule
/// (docs/linux-facts.md, "When a download is finished"). Size, mtime and ctime are read from the open
/// descriptor before and after the read: any write during hashing moves ctime, even one that puts mtime
/// back (docs/linux-facts.md "Writers FaceSorter cannot see").
/// </summary>
public sealed class Hasher
{
    private const int BufferSize = 1024 * 1024;

    /// <summary>
    /// The lower-case hex SHA-256 of the file at <paramref name="path"/>, or null when it is no longer
    /// <paramref name="length"/> bytes with mtime <paramref name="lastWriteUtc"/> (as it was observed), or
    /// changed while it was read.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    public async Task<string?> HashAsync(string path, long length, DateTime lastWriteUtc, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
            BufferSize = 0,
        });
        var before = Watching.FileIdentity.StampOf(stream.SafeFileHandle);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        var after = Watching.FileIdentity.StampOf(stream.SafeFileHandle);
        var unchanged = total == length
            && stream.Length == length
            && File.GetLastWriteTimeUtc(stream.SafeFileHandle) == lastWriteUtc
            && before == after;
        return unchanged ? Convert.ToHexStringLower(hash.GetHashAndReset()) : null;
    }
}
