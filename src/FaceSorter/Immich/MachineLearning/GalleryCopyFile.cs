using System.Runtime.InteropServices;
using System.Text;
using FaceSorter.Decisions;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// The gallery kept in the data folder between runs, so a start reads from PostgreSQL only the
/// embeddings written since (docs/matching.md, "Gallery copy on disk"). Layout, little-endian:
/// "FSGALLY2"; int32 dimensions, rows, people; int64 horizon; source (length-prefixed UTF-8); per
/// person its id and name; then per row, array by array: face id (16 bytes), version (uint32),
/// person index (int32), scale, error bound (float32), codes (dimensions × int8), 2-bit step and
/// error bound (float32), 2-bit codes (<see cref="GalleryBuilder.CoarseBytes"/> bytes), vector
/// (dimensions × float32); and "FSGALEND". Every code is stored, not recomputed: a start reads the
/// file and nothing else. Written to a temporary file, flushed to the disk and
/// renamed over the old one, so a crash leaves the old copy or the new one, never half of one.
/// </summary>
internal static class GalleryCopyFile
{
    public const string FileName = "gallery-copy.bin";

    private static ReadOnlySpan<byte> Start => "FSGALLY2"u8;

    private static ReadOnlySpan<byte> End => "FSGALEND"u8;

    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Write(GallerySnapshot snapshot, string path)
    {
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            using (var writer = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Start);
                writer.Write(snapshot.Dimensions);
                writer.Write(snapshot.Count);
                writer.Write(snapshot.People.Count);
                writer.Write(snapshot.Horizon);
                writer.Write(snapshot.Source ?? "");
                foreach (var person in snapshot.People)
                {
                    writer.Write(person.PersonId);
                    writer.Write(person.Name);
                }
            }

            var count = snapshot.Count;
            file.Write(MemoryMarshal.AsBytes(snapshot.RowFace.AsSpan(0, count)));
            file.Write(MemoryMarshal.AsBytes(snapshot.RowVersion.AsSpan(0, count)));
            file.Write(MemoryMarshal.AsBytes(snapshot.RowPerson.AsSpan(0, count)));
            file.Write(MemoryMarshal.AsBytes(snapshot.Scales));
            file.Write(MemoryMarshal.AsBytes(snapshot.Errors));
            file.Write(MemoryMarshal.AsBytes(snapshot.Codes));
            var coarse = snapshot.Coarse;
            file.Write(MemoryMarshal.AsBytes(coarse.Steps[..count]));
            file.Write(MemoryMarshal.AsBytes(coarse.Errors[..count]));
            file.Write(coarse.Codes[..(count * coarse.BytesPerRow)]);
            var vector = new float[snapshot.Dimensions];
            for (var row = 0; row < count; row++)
            {
                snapshot.ReadExact(row, vector);
                file.Write(MemoryMarshal.AsBytes(vector.AsSpan()));
            }

            file.Write(End);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The snapshot in <paramref name="path"/>, with its rows' versions and source, and no fingerprint (so it is never taken as current).</summary>
    /// <exception cref="InvalidDataException">Not a copy this version wrote, or cut short.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static GallerySnapshot Read(string path, TimeProvider timeProvider, string spillFolder)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var reader = new BinaryReader(file, Encoding.UTF8, leaveOpen: true);
        Span<byte> magic = stackalloc byte[8];
        file.ReadExactly(magic);
        if (!magic.SequenceEqual(Start))
        {
            throw new InvalidDataException("not a gallery copy written by this version");
        }

        var dimensions = reader.ReadInt32();
        var count = reader.ReadInt32();
        var peopleCount = reader.ReadInt32();
        var horizon = reader.ReadInt64();
        var source = reader.ReadString();
        if (dimensions is <= 0 or > GalleryBuilder.MaxDimensions || count < 0 || peopleCount < 0 || peopleCount > count)
        {
            throw new InvalidDataException($"a header of {dimensions} dimensions, {count} rows, {peopleCount} people");
        }

        var coarseBytes = GalleryBuilder.CoarseBytes(dimensions);
        var rowBytes = 16L + 4 + 4 + 4 + 4 + dimensions + 4 + 4 + coarseBytes + (4L * dimensions);
        if (file.Length - file.Position < (count * rowBytes) + End.Length)
        {
            throw new InvalidDataException("it is cut short");
        }

        var people = new GalleryPerson[peopleCount];
        for (var i = 0; i < peopleCount; i++)
        {
            var personId = reader.ReadString();
            var name = reader.ReadString();
            people[i] = new GalleryPerson(name, PersonName.Sanitize(name) ?? throw new InvalidDataException($"a person named '{name}'"), personId);
        }

        var faces = new Guid[count];
        var versions = new uint[count];
        var rowPerson = new int[count];
        var scales = new float[count];
        var errors = new float[count];
        var codes = new sbyte[count * dimensions];
        file.ReadExactly(MemoryMarshal.AsBytes(faces.AsSpan()));
        file.ReadExactly(MemoryMarshal.AsBytes(versions.AsSpan()));
        file.ReadExactly(MemoryMarshal.AsBytes(rowPerson.AsSpan()));
        file.ReadExactly(MemoryMarshal.AsBytes(scales.AsSpan()));
        file.ReadExactly(MemoryMarshal.AsBytes(errors.AsSpan()));
        file.ReadExactly(MemoryMarshal.AsBytes(codes.AsSpan()));
        var coarseSteps = new float[count];
        var coarseErrors = new float[count];
        var coarse = new byte[count * coarseBytes];
        file.ReadExactly(MemoryMarshal.AsBytes(coarseSteps.AsSpan()));
        file.ReadExactly(MemoryMarshal.AsBytes(coarseErrors.AsSpan()));
        file.ReadExactly(coarse);
        foreach (var person in rowPerson)
        {
            if ((uint)person >= (uint)peopleCount)
            {
                throw new InvalidDataException($"a row of person {person} of {peopleCount}");
            }
        }

        var exact = new ExactVectors(dimensions, count, spillFolder, ExactVectors.DefaultMemoryLimit);
        var block = new float[dimensions * Math.Max(1, Math.Min(count, 4096))];
        var rowsPerBlock = block.Length / dimensions;
        for (var row = 0; row < count; row += rowsPerBlock)
        {
            var rows = Math.Min(rowsPerBlock, count - row);
            file.ReadExactly(MemoryMarshal.AsBytes(block.AsSpan(0, rows * dimensions)));
            for (var i = 0; i < rows; i++)
            {
                exact.Write(row + i, block.AsSpan(i * dimensions, dimensions));
            }
        }

        exact.Complete();
        file.ReadExactly(magic);
        if (!magic.SequenceEqual(End) || file.Position != file.Length)
        {
            throw new InvalidDataException("it does not end where its header says");
        }

        return new GallerySnapshot(dimensions, codes, scales, errors, new CoarseCodes(coarse, coarseSteps, coarseErrors, coarseBytes), exact, rowPerson, faces, count, people, timeProvider.GetUtcNow())
        {
            Source = source.Length == 0 ? null : source,
            Horizon = horizon,
            RowVersion = versions,
        };
    }
}
