namespace FaceSorter.IntegrationTests.Support;

/// <summary>What one <c>POST /predict</c> sent to the <see cref="MachineLearningEmulator"/>.</summary>
public sealed record MachineLearningEmulatorRequest(string? Entries, string? FileName, byte[] Image)
{
    /// <summary>The <see cref="TestImages.Photo"/> tag of the image received (it is a preview, not the file's bytes).</summary>
    public int Tag => TestImages.TagOf(Image);

    /// <summary>The received image as the ML service's Pillow sees it: stored width and height, and any EXIF orientation left in it (Pillow does not apply it).</summary>
    public (int Width, int Height, int Orientation) Decoded()
    {
        using var image = NetVips.Image.NewFromBuffer(Image);
        var orientation = image.GetTypeOf("orientation") == 0 ? 1 : (int)image.Get("orientation");
        return (image.Width, image.Height, orientation);
    }
}
