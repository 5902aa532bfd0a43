namespace FaceSorter.IntegrationTests.Support;

/// <summary>What one <c>POST /predict</c> sent to the <see cref="MachineLearningEmulator"/>.</summary>
public sealed record MachineLearningEmulatorRequest(string? Entries, string? FileName, byte[] Image);
