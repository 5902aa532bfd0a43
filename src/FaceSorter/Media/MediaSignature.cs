namespace FaceSorter.Media;

/// <summary>
/// One way a type's leading bytes can look. <see cref="Magic"/> is a set of byte strings at fixed
/// offsets; <see cref="Brands"/> names ISO base media (<c>ftyp</c>) brands, which
/// <see cref="MediaTypes.Sniff"/> weighs across the whole table; <see cref="Test"/> is for the few
/// types whose signature is a rule (MPEG-TS packets, SVG text, a BMP header size).
/// </summary>
public abstract record MediaSignature
{
    private MediaSignature()
    {
    }

    /// <summary>Whether the file's first bytes (up to <see cref="MediaTypes.HeadLength"/>) carry this signature.</summary>
    public abstract bool Matches(ReadOnlySpan<byte> head);

    /// <summary>All <paramref name="parts"/> at their offsets.</summary>
    public sealed record Magic(params (int Offset, byte[] Bytes)[] Parts) : MediaSignature
    {
        public Magic(byte[] prefix)
            : this((0, prefix))
        {
        }

        public override bool Matches(ReadOnlySpan<byte> head)
        {
            foreach (var (offset, bytes) in Parts)
            {
                if (head.Length < offset + bytes.Length || !head.Slice(offset, bytes.Length).SequenceEqual(bytes))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>An ISO base media file (<c>size ftyp major minor compatible…</c>) whose major or a compatible brand is one of these four-letter codes.</summary>
    public sealed record Brands(params string[] Codes) : MediaSignature
    {
        public override bool Matches(ReadOnlySpan<byte> head) => FileTypeBox.Read(head) is { } box && box.Brands.Any(Codes.Contains);
    }

    /// <summary>A rule over the leading bytes; <paramref name="Description"/> says what it checks.</summary>
    public sealed record Test(string Description, TestBytes Rule) : MediaSignature
    {
        public override bool Matches(ReadOnlySpan<byte> head) => Rule(head);
    }

    public delegate bool TestBytes(ReadOnlySpan<byte> head);
}
