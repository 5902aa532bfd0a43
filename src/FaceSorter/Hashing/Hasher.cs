using System.Buffers;
using System.Security.Cryptography;
using FaceSorter.Media;

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
    public async Task<string?> HashAsync(string path, long length, DateTime lastWriteUtc, CancellationToken cancellationToken) =>
        (await DigestAsync(path, length, lastWriteUtc, cancellationToken))?.Sha256;

    /// <summary>
    /// True when <paramref name="path"/> is a regular file (not a symbolic link) whose content is <paramref name="fileHash"/>
    /// (SHA-256, lower-case hex) now; false when it is gone, unreadable, other content, or changing while read. Used
    /// before acting on a file found at a recorded path, which may since hold something else.
    /// </summary>
    public async Task<bool> HoldsAsync(string path, string fileHash, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return false;
        }

        try
        {
            return await HashAsync(path, info.Length, info.LastWriteTimeUtc, cancellationToken) == fileHash; // null: still changing
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false; // gone or unreadable meanwhile
        }
    }

    /// <summary>
    /// <see cref="HashAsync"/>, and the media type the file's first <see cref="MediaTypes.HeadLength"/>
    /// bytes show (<see cref="MediaTypes.Sniff"/>), taken from the same read: one open of the file instead
    /// of two (issue 13, burst).
    /// </summary>
    /// <returns>Null when the file changed (as <see cref="HashAsync"/>).</returns>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    public async Task<FileDigest?> DigestAsync(string path, long length, DateTime lastWriteUtc, CancellationToken cancellationToken)
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
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var head = ArrayPool<byte>.Shared.Rent(MediaTypes.HeadLength);
        var headLength = 0;
        long total = 0;
        MediaType? type;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                total += read;

                // A read may be short (network filesystems), so the head is gathered across reads.
                var wanted = Math.Min(read, MediaTypes.HeadLength - headLength);
                buffer.AsSpan(0, wanted).CopyTo(head.AsSpan(headLength));
                headLength += wanted;
            }

            type = MediaTypes.Sniff(head.AsSpan(0, headLength));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var after = Watching.FileIdentity.StampOf(stream.SafeFileHandle);
        var unchanged = total == length
            && stream.Length == length
            && File.GetLastWriteTimeUtc(stream.SafeFileHandle) == lastWriteUtc
            && before == after;
        return unchanged ? new FileDigest(Convert.ToHexStringLower(hash.GetHashAndReset()), type, after) : null;
    }
}

/// <summary>What one read of a file found (<see cref="Hasher.DigestAsync"/>).</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the whole file.</param>
/// <param name="Type">The media type its leading bytes show, or null when they show none of <see cref="MediaTypes"/>.</param>
/// <param name="Stamp">Its size, mtime and ctime as it was read (null when statx(2) could not tell): the file is still the one hashed only while they stay.</param>
public sealed record FileDigest(string Sha256, MediaType? Type, Watching.FileStamp? Stamp = null);
