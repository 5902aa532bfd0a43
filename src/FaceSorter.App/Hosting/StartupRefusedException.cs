namespace FaceSorter.App.Hosting;

/// <summary>The daemon cannot start for a reason outside the config's values (a busy web address): one line, exit code 3.</summary>
internal sealed class StartupRefusedException(string message) : Exception(message);
