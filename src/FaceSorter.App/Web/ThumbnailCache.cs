using System.Globalization;
using FaceSorter.Media;
using FaceSorter.Options;
using FaceSorter.Review;
using FaceSorter.Storage;
using Microsoft.Extensions.Logging;
using NetVips;

namespace FaceSorter.App.Web;

/// <summary>
/// JPEG thumbnails of review files, made once with libvips (NetVips: shrink-on-load, EXIF
/// orientation applied) and kept on disk in <c>thumbnails/</c> beside the SQLite database (or beside
/// the review folder with PostgreSQL). The cache key holds the review id, the file's size and mtime,
/// so a replaced file gets a fresh thumbnail. A thumbnail is written under a temporary name and
/// renamed, so a reader never sees half a file; one is generated at a time (2 cores are shared
/// with the sorting pipeline). A file libvips cannot decode is remembered by its cache key: it is
/// logged once (a Warning with libvips' message; the stack at Debug) and not tried again on every
/// page load, until the file changes. A file the pipeline routed to review comes with its thumbnail,
/// made from the file's one decode (<see cref="ReviewThumbnails"/>); only a file without one is decoded here.
/// </summary>
internal sealed class ThumbnailCache(StoreLocation store, ReviewThumbnails kept, ILogger<ThumbnailCache> logger) : IDisposable
{
    public const int Size = 320;
    private readonly SemaphoreSlim _gate = new(1, 1); // one libvips job at a time
    private readonly string _folder = Path.Combine(store.DataFolder, "thumbnails");
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _failed = new(StringComparer.Ordinal); // cache keys libvips could not decode

    public string Folder => _folder;

    public void Dispose() => _gate.Dispose();

    /// <summary>The cached thumbnail's path, made now if missing; null when the file is not a decodable image.</summary>
    public async Task<string?> GetAsync(ReviewItem item, CancellationToken cancellationToken)
    {
        var info = new FileInfo(item.FilePath);
        if (!info.Exists)
        {
            return null;
        }

        if (kept.Find(item) is { } madeByThePipeline)
        {
            return madeByThePipeline;
        }

        var key = string.Create(CultureInfo.InvariantCulture, $"{item.Id}-{info.Length}-{info.LastWriteTimeUtc.Ticks}.jpg");
        var path = Path.Combine(_folder, key);
        if (File.Exists(path))
        {
            return path;
        }

        if (_failed.ContainsKey(key))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
            {
                return path;
            }

            Directory.CreateDirectory(_folder);
            var partial = path + ".partial";
            try
            {
                PictureLimits.CheckHeader(item.FilePath);
                using (var thumbnail = Image.Thumbnail(item.FilePath, Size, height: Size, failOn: PictureLimits.FailOn))
                {
                    thumbnail.Jpegsave(partial, q: 80, keep: Enums.ForeignKeep.None);
                }

                File.Move(partial, path, overwrite: true);
                return path;
            }
            catch (Exception exception) when (exception is VipsException or PictureNotDecodedException)
            {
                File.Delete(partial);
                if (_failed.TryAdd(key, 0))
                {
                    logger.ThumbnailFailed(item.FilePath, PictureLimits.Reason(exception));
                    logger.ThumbnailFailedDetail(exception, item.FilePath);
                }

                return null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
