using Microsoft.Extensions.Options;

namespace PecLists.Functions.Hosting;

/// <summary>Binds an options class to its configuration section once and has it checked when the app starts.</summary>
public static class ValidatedSettings
{
    public static IServiceCollection AddValidatedSettings<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>, SettingsValidator<T>>();
        return services;
    }
}
