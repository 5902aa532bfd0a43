using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using NetVips;

namespace FaceSorter.Media;

/// <summary>
/// Keeps what decoding pictures allocates from staying resident once the pictures are done
/// (docs/operations.md, "Memory after decoding"). Two process-wide settings, because libvips and the C
/// heap are each one per process:
/// <list type="bullet">
/// <item>libvips' operation cache is off from start: FaceSorter decodes a file once, so the cache (by
/// default 100 operations and 100 MB) only kept the pixels of pictures already sorted.</item>
/// <item>Every <see cref="TrimInterval"/> the C heap gives its free pages back to the system
/// (glibc's <c>malloc_trim(3)</c>): libvips decodes on its own threads, and glibc keeps what each
/// thread freed in that thread's arena, so after a few camera-sized pictures tens of megabytes stay
/// resident unused. A trim costs about 0.1 ms when little is free and a few milliseconds after a
/// burst. Where the C library has no <c>malloc_trim</c> (musl), nothing is trimmed.</item>
/// </list>
/// </summary>
public sealed partial class DecoderMemory(TimeProvider time) : BackgroundService
{
    /// <summary>How often the C heap is trimmed.</summary>
    public static readonly TimeSpan TrimInterval = TimeSpan.FromSeconds(2);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        Cache.Max = 0;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var timer = new PeriodicTimer(TrimInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                _ = MallocTrim(0); // 1 when pages were given back, 0 when none were free: both are fine
            }
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc: its heap is left as it is.
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
