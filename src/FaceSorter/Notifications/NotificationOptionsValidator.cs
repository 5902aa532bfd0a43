using Microsoft.Extensions.Options;

namespace FaceSorter.Notifications;

internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        if (options.NotifyBatchSize < 1)
        {
            failures.Add($"{NotificationOptions.Section}:NotifyBatchSize = '{options.NotifyBatchSize}' is not valid: use a whole number of at least 1, e.g. 10");
        }

        if (options.NotifyInterval <= TimeSpan.Zero)
        {
            failures.Add($"{NotificationOptions.Section}:NotifyInterval = '{options.NotifyInterval}' is not valid: use a positive duration, e.g. 01:00:00");
        }

        if (options.NotifyCheckInterval < TimeSpan.FromSeconds(1))
        {
            failures.Add($"{NotificationOptions.Section}:NotifyCheckInterval = '{options.NotifyCheckInterval}' is not valid: use a duration of at least 00:00:01, e.g. 00:00:15");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
