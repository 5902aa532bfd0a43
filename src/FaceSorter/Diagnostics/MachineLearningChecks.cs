using System.Diagnostics;
using FaceSorter.Immich;
using FaceSorter.Immich.MachineLearning;
using FaceSorter.Options;

namespace FaceSorter.Diagnostics;

/// <summary>Immich's ML service: answers its ping, and reads a test image with the configured model.</summary>
public sealed class MachineLearningChecks(MachineLearningClient client)
{
    private const string UrlKey = ImmichOptions.Section + ":MachineLearningUrl";

    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken)
    {
        if (!await client.PingAsync(cancellationToken))
        {
            return [DoctorCheck.Failed("ML service", $"{client.BaseAddress} does not answer GET ping with \"pong\"", $"start immich-machine-learning and publish its port 3003, or set {UrlKey}")];
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var probe = new MemoryStream(ProbeImage.Bytes.ToArray(), writable: false);
            var prediction = await client.PredictFacesAsync(probe, ProbeImage.FileName, cancellationToken);
            return prediction is FacePrediction.Detected
                ? [DoctorCheck.Ok("ML service", $"{client.BaseAddress} read a test image in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms")]
                : [DoctorCheck.Failed("ML service", $"{client.BaseAddress} answers its ping but not a face prediction: {prediction}", $"check {ImmichOptions.Section}:ModelName and the ML container's log")];
        }
        catch (FaceServiceUnavailableException exception)
        {
            return [DoctorCheck.Failed("ML service", exception.Message, $"check {ImmichOptions.Section}:ModelName and the ML container's log (the first request downloads the model)")];
        }
    }
}
