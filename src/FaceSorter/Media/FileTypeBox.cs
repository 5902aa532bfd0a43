using System.Buffers.Binary;
using System.Text;

namespace FaceSorter.Media;

/// <summary>
/// The <c>ftyp</c> box that starts an ISO base media file (ISO/IEC 14496-12 4.3): MP4, MOV, 3GP,
/// HEIF/HEIC/AVIF and Canon's CR3 all start with it and differ only in its brands.
/// </summary>
/// <param name="Major">The major brand: what the writer calls the file.</param>
/// <param name="Compatible">The compatible brands: the specifications a reader may read it by.</param>
public sealed record FileTypeBox(string Major, IReadOnlyList<string> Compatible)
{
    /// <summary>Brands that say only how the boxes are laid out (ISO base media, HEIF's image structure), not what the file is.</summary>
    public static readonly IReadOnlySet<string> StructuralBrands = new HashSet<string>(StringComparer.Ordinal)
    {
        "isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mif1", "mif2", "msf1", "miaf",
    };

    public IEnumerable<string> Brands => Compatible.Prepend(Major);

    /// <summary>The box, or null when <paramref name="head"/> does not start with one.</summary>
    public static FileTypeBox? Read(ReadOnlySpan<byte> head)
    {
        if (head.Length < 12 || !head[4..8].SequenceEqual("ftyp"u8))
        {
            return null;
        }

        var size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(head), int.MaxValue);
        if (size < 16 && size != 12)
        {
            return null;
        }

        var end = Math.Min(size, head.Length);
        var compatible = new List<string>();
        for (var offset = 16; offset + 4 <= end; offset += 4)
        {
            compatible.Add(Encoding.Latin1.GetString(head.Slice(offset, 4)));
        }

        return new FileTypeBox(Encoding.Latin1.GetString(head[8..12]), compatible);
    }
}
