using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The gallery's unit vectors as float32, read only to re-rank the few candidates the 8-bit scan
/// leaves (<see cref="Matcher"/>). Up to <see cref="DefaultMemoryLimit"/> bytes they are kept in
/// memory; beyond that (e.g. 1,000,000 × 512 floats = 2 GB) they go to a file in the data folder that
/// is unlinked as soon as it is opened, so it never outlives the process and is freed with the
/// snapshot (docs/matching.md, "Gallery memory").
/// </summary>
internal sealed class ExactVectors
{
    /// <summary>Floats kept in memory up to this size: 256 MB, about 131,000 faces of 512 dimensions.</summary>
    public const long DefaultMemoryLimit = 256L * 1024 * 1024;

    private readonly int _dimensions;
    private readonly string _spillFolder;
    private readonly long _memoryLimit;
    private float[] _memory = [];
    private FileStream? _file;

    public ExactVectors(int dimensions, int capacity, string spillFolder, long memoryLimit)
    {
        _dimensions = dimensions;
        _spillFolder = spillFolder;
        _memoryLimit = memoryLimit;
        if ((long)capacity * dimensions * sizeof(float) <= memoryLimit)
        {
            _memory = new float[capacity * dimensions];
        }
        else
        {
            Spill();
        }
    }

    /// <summary>Bytes of this process's memory the floats take (0 once they live in a file).</summary>
    public long MemoryBytes => (long)_memory.Length * sizeof(float);

    /// <summary>True when the floats live in an (unlinked) file.</summary>
    public bool InFile => _file is not null;

    /// <summary>Stores row <paramref name="row"/>; rows come in order, each once (a skipped row is overwritten by the next).</summary>
    public void Write(int row, ReadOnlySpan<float> vector)
    {
        if (_file is null && (long)(row + 1) * _dimensions > _memory.Length)
        {
            var wanted = Math.Max((long)(row + 1) * _dimensions, (long)_memory.Length * 2);
            if (wanted * sizeof(float) > _memoryLimit)
            {
                Spill();
            }
            else
            {
                Array.Resize(ref _memory, (int)wanted);
            }
        }

        if (_file is null)
        {
            vector.CopyTo(_memory.AsSpan(row * _dimensions, _dimensions));
            return;
        }

        _file.Position = (long)row * _dimensions * sizeof(float);
        _file.Write(MemoryMarshal.AsBytes(vector));
    }

    /// <summary>Ends writing; reads may follow.</summary>
    public void Complete() => _file?.Flush();

    /// <summary>Copies row <paramref name="row"/> into <paramref name="destination"/> (length = dimensions).</summary>
    public void Read(int row, Span<float> destination)
    {
        if (_file is null)
        {
            _memory.AsSpan(row * _dimensions, _dimensions).CopyTo(destination);
            return;
        }

        var bytes = MemoryMarshal.AsBytes(destination[.._dimensions]);
        var offset = (long)row * _dimensions * sizeof(float);
        while (!bytes.IsEmpty)
        {
            var read = RandomAccess.Read(Handle, bytes, offset);
            if (read == 0)
            {
                throw new IOException($"The gallery's vector file ended before row {row}.");
            }

            bytes = bytes[read..];
            offset += read;
        }
    }

    private SafeFileHandle Handle => _file!.SafeFileHandle;

    private void Spill()
    {
        Directory.CreateDirectory(_spillFolder);
        var path = Path.Combine(_spillFolder, $".facesorter-gallery-{Guid.NewGuid():N}.f32");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        try
        {
            // Unlinked at once: the open handle keeps the data, and nothing is left after a crash.
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still open elsewhere (not on Linux); the file stays until removed by hand.
        }

        for (var row = 0; row < _memory.Length / Math.Max(_dimensions, 1); row++)
        {
            file.Write(MemoryMarshal.AsBytes(_memory.AsSpan(row * _dimensions, _dimensions)));
        }

        _file = file;
        _memory = [];
    }
}
