using System.Text.Json.Nodes;

namespace FaceSorter.IntegrationTests.Support;

/// <summary>Writes a config file into a test folder: the shipped defaults plus the test's changes.</summary>
public static class TestConfig
{
    /// <param name="logFile">Keep the shipped rolling log file (<c>logs/</c> beside the config); tests log to the console only otherwise.</param>
    public static string Write(string folder, Action<JsonObject>? configure = null, bool logFile = false)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "etc", "facesorter.json")))!.AsObject();
        var faceSorter = config["FaceSorter"]!.AsObject();
        faceSorter["SettleTime"] = "00:00:00.300";
        faceSorter["Web"]!["Enabled"] = false;
        faceSorter["Immich"]!["ApiKey"] = "test-key";
        faceSorter["Immich"]!["MaxRetryDelay"] = "00:00:01";
        faceSorter["Immich"]!["FaceWaitTimeout"] = "00:00:10";
        if (!logFile)
        {
            config["Serilog"]!["WriteTo"]!.AsArray().RemoveAt(1); // console only: no log files in tests
        }

        configure?.Invoke(faceSorter);
        var path = Path.Combine(folder, "facesorter.json");
        File.WriteAllText(path, config.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }
}
