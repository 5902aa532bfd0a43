using System.Globalization;
using FaceSorter.Options;
using FaceSorter.Storage;

namespace FaceSorter.Review;

/// <summary>
/// The review page's thumbnails made by the pipeline from the one decode of a file routed to review
/// (docs/architecture.md, "One decode per file"), so the page never decodes that original again. Kept in
/// <c>thumbnails/</c> of the data folder (beside the SQLite database, or beside the review folder with
/// PostgreSQL) as <c>review-&lt;sha256&gt;-&lt;bytes&gt;-&lt;mtime ticks&gt;.jpg</c>: a thumbnail is served only
/// while the review file still has that content's size and modification time (a move keeps both), and
/// one that is missing is simply made again by the page. Removed when the item is approved or rejected,
/// and at start for every content no longer pending.
/// </summary>
public sealed class ReviewThumbnails(StoreLocation store)
{
    private const string Prefix = "review-";

    /// <summary>The folder the page's thumbnails live in.</summary>
    public string Folder { get; } = Path.Combine(store.DataFolder, "thumbnails");

    /// <summary>Writes <paramref name="jpeg"/> as the thumbnail of content <paramref name="fileHash"/> with that size and mtime (under a temporary name, then renamed).</summary>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    public void Keep(string fileHash, long length, DateTime lastWriteUtc, byte[] jpeg)
    {
        Directory.CreateDirectory(Folder);
        var path = PathOf(fileHash, length, lastWriteUtc);
        var partial = path + ".partial";
        File.WriteAllBytes(partial, jpeg);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The kept thumbnail of <paramref name="item"/>'s file as it is now, or null.</summary>
    public string? Find(ReviewItem item)
    {
        if (item.FileHash is null)
        {
            return null;
        }

        var file = new FileInfo(item.FilePath);
        if (!file.Exists)
        {
            return null;
        }

        var path = PathOf(item.FileHash, file.Length, file.LastWriteTimeUtc);
        return File.Exists(path) ? path : null;
    }

    /// <summary>Removes the kept thumbnails of content <paramref name="fileHash"/> (its item left review).</summary>
    public void Forget(string? fileHash)
    {
        if (fileHash is null || !Directory.Exists(Folder))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles(Folder, $"{Prefix}{fileHash}-*"))
        {
            File.Delete(path);
        }
    }

    /// <summary>Removes the kept thumbnails whose content is not among <paramref name="pendingHashes"/>; returns how many.</summary>
    public int Sweep(IReadOnlySet<string> pendingHashes)
    {
        if (!Directory.Exists(Folder))
        {
            return 0;
        }

        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(Folder, $"{Prefix}*"))
        {
            var name = Path.GetFileName(path);
            var hash = name.Substring(Prefix.Length, Math.Max(0, name.IndexOf('-', Prefix.Length) - Prefix.Length));
            if (!pendingHashes.Contains(hash))
            {
                File.Delete(path);
                removed++;
            }
        }

        return removed;
    }

    private string PathOf(string fileHash, long length, DateTime lastWriteUtc) =>
        Path.Combine(Folder, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{fileHash}-{length}-{lastWriteUtc.Ticks}.jpg"));
}
