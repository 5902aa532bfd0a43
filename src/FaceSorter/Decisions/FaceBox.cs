namespace FaceSorter.Decisions;

/// <summary>A face box in the image's pixels (Immich may report values outside the image).</summary>
public sealed record FaceBox(double X1, double Y1, double X2, double Y2)
{
    public double Area => Math.Max(0, X2 - X1) * Math.Max(0, Y2 - Y1);
}
