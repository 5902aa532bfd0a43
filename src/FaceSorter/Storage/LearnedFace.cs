namespace FaceSorter.Storage;

/// <summary>A face learned from an approval: a named reference for <paramref name="PersonName"/> (the folder name).</summary>
public sealed record LearnedFace(string FileHash, string PersonName, float[] Embedding);
