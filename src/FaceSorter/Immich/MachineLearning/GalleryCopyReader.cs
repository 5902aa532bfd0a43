using System.Buffers.Binary;
using System.Text;

namespace FaceSorter.Immich.MachineLearning;

/// <summary>
/// Reads PostgreSQL's binary COPY output (PostgreSQL 17 docs, "COPY", "Binary Format") of
/// <see cref="ImmichSchema.GallerySql"/> — person_id text, name text, face_id uuid, version bigint,
/// embedding as <c>array_send</c>'s bytea, which is the binary form of a real[] — straight into a
/// <see cref="GalleryBuilder"/>, with no array or row object per face; or of <see cref="ImmichSchema.GalleryKeysSql"/> (the same without the embedding).
/// </summary>
internal sealed class GalleryCopyReader
{
    /// <summary>"PGCOPY\n\377\r\n\0".</summary>
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0];

    private readonly Stream _stream;
    private byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    public GalleryCopyReader(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>Adds every row of <see cref="ImmichSchema.GallerySql"/> to <paramref name="builder"/>; returns the number of rows read.</summary>
    /// <exception cref="InvalidDataException">The stream is not binary COPY output of the expected columns.</exception>
    public async Task<int> ReadAsync(GalleryBuilder builder, CancellationToken cancellationToken)
    {
        await ReadHeaderAsync(cancellationToken);
        var embedding = new float[GalleryBuilder.MaxDimensions];
        var rows = 0;
        while (await ReadRowStartAsync(5, cancellationToken))
        {
            var (personId, name, faceId, version) = await ReadKeyAsync(cancellationToken);
            var dimensions = await ReadEmbeddingAsync(embedding, cancellationToken);
            builder.Add(personId, name, faceId, embedding.AsSpan(0, Math.Max(dimensions, 0)), version);
            rows++;
        }

        return rows;
    }

    /// <summary>Every row of <see cref="ImmichSchema.GalleryKeysSql"/>, in the order sent.</summary>
    /// <exception cref="InvalidDataException">The stream is not binary COPY output of the expected columns.</exception>
    public async Task<List<GalleryKey>> ReadKeysAsync(CancellationToken cancellationToken)
    {
        await ReadHeaderAsync(cancellationToken);
        var keys = new List<GalleryKey>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal); // a person's id and name once, not once per face
        while (await ReadRowStartAsync(4, cancellationToken))
        {
            var (personId, name, faceId, version) = await ReadKeyAsync(cancellationToken);
            keys.Add(new GalleryKey(Shared(texts, personId), Shared(texts, name), faceId, version));
        }

        return keys;
    }

    private static string Shared(Dictionary<string, string> texts, string text)
    {
        if (texts.TryGetValue(text, out var shared))
        {
            return shared;
        }

        texts.Add(text, text);
        return text;
    }

    private async Task ReadHeaderAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(19, cancellationToken);
        if (!_buffer.AsSpan(_start, 11).SequenceEqual(Signature))
        {
            throw new InvalidDataException("Not PostgreSQL binary COPY output.");
        }

        _start += 15;
        var extension = BinaryPrimitives.ReadInt32BigEndian(Take(4));
        await EnsureAsync(extension, cancellationToken);
        _start += extension;
    }

    /// <summary>False at the end of the data.</summary>
    private async ValueTask<bool> ReadRowStartAsync(int columns, CancellationToken cancellationToken)
    {
        await EnsureAsync(2, cancellationToken);
        var fields = BinaryPrimitives.ReadInt16BigEndian(Take(2));
        if (fields == -1)
        {
            return false;
        }

        return fields == columns ? true : throw new InvalidDataException($"Expected {columns} columns, got {fields}.");
    }

    private async ValueTask<(string PersonId, string Name, Guid FaceId, uint Version)> ReadKeyAsync(CancellationToken cancellationToken)
    {
        var personId = await ReadTextAsync(cancellationToken);
        var name = await ReadTextAsync(cancellationToken);
        var faceLength = await ReadLengthAsync(cancellationToken);
        if (faceLength != 16)
        {
            throw new InvalidDataException($"A face id of {faceLength} bytes.");
        }

        var faceId = new Guid(Take(16), bigEndian: true);
        var versionLength = await ReadLengthAsync(cancellationToken);
        if (versionLength != 8)
        {
            throw new InvalidDataException($"A version of {versionLength} bytes.");
        }

        var version = unchecked((uint)BinaryPrimitives.ReadInt64BigEndian(Take(8)));
        return (personId ?? "", name ?? "", faceId, version);
    }

    private async ValueTask<string?> ReadTextAsync(CancellationToken cancellationToken)
    {
        var length = await ReadLengthAsync(cancellationToken);
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>A field's length (−1 for NULL), with that many bytes then buffered.</summary>
    private async ValueTask<int> ReadLengthAsync(CancellationToken cancellationToken)
    {
        await EnsureAsync(4, cancellationToken);
        var length = BinaryPrimitives.ReadInt32BigEndian(Take(4));
        if (length > 0)
        {
            await EnsureAsync(length, cancellationToken);
        }

        return length;
    }

    /// <summary>A one-dimensional real[] into <paramref name="destination"/>: its length, or −1 when NULL, too long or holding NULLs.</summary>
    private async ValueTask<int> ReadEmbeddingAsync(float[] destination, CancellationToken cancellationToken)
    {
        var length = await ReadLengthAsync(cancellationToken);
        if (length < 0)
        {
            return -1;
        }

        var field = Take(length);
        var dimensions = BinaryPrimitives.ReadInt32BigEndian(field);
        if (dimensions == 0)
        {
            return 0;
        }

        var count = BinaryPrimitives.ReadInt32BigEndian(field[12..]);
        if (dimensions != 1 || count > destination.Length || field.Length != 20 + (count * 8))
        {
            return -1;
        }

        var elements = field[20..];
        for (var i = 0; i < count; i++)
        {
            var element = elements.Slice(i * 8, 8);
            if (BinaryPrimitives.ReadInt32BigEndian(element) != 4)
            {
                return -1;
            }

            destination[i] = BinaryPrimitives.ReadSingleBigEndian(element[4..]);
        }

        return count;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        var span = _buffer.AsSpan(_start, count);
        _start += count;
        return span;
    }

    private async ValueTask EnsureAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return;
        }

        if (count > _buffer.Length)
        {
            var bigger = new byte[Math.Max(count, _buffer.Length * 2)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        }

        _end -= _start;
        _start = 0;
        while (_end < count)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new InvalidDataException("The COPY output ended in the middle of a row.");
            }

            _end += read;
        }
    }
}

/// <summary>One face as <see cref="ImmichSchema.GalleryKeysSql"/> lists it: who, which face, which version of its embedding.</summary>
internal readonly record struct GalleryKey(string PersonId, string Name, Guid FaceId, uint Version);
