using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;

namespace FaceSorter.Notifications;

public static class NotificationServiceCollectionExtensions
{
    /// <summary>The webhook notifier of <c>run</c>; it idles when <c>FaceSorter:Web:NotifyUrl</c> is empty.</summary>
    public static IServiceCollection AddFaceSorterNotifications(this IServiceCollection services)
    {
        services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationOptions>, NotificationOptionsValidator>();
        services.AddHttpClient(ReviewNotifier.HttpClientName);
        services.AddHostedService<ReviewNotifier>();
        return services;
    }
}
