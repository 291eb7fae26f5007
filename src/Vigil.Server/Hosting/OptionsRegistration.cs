using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Vigil.Server.Hosting;

/// <summary>
/// Options are bound from one configuration section, validated when the process starts, and
/// every failure names the configuration key at fault (<c>Server:HttpPort: ...</c>), so an
/// operator can fix it from the message alone. Unknown keys inside a section are errors too:
/// a typo must not silently fall back to a default.
/// </summary>
internal static class OptionsRegistration
{
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.AddSingleton<IValidateOptions<T>>(sp => new KeyNamingValidator<T>(section, sp.GetRequiredService<IConfiguration>()));
        return services.AddOptions<T>()
            .BindConfiguration(section)
            .ValidateOnStart();
    }

    private sealed class KeyNamingValidator<T>(string section, IConfiguration configuration) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var failures = new List<string>();
            var known = typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToList();
            foreach (var child in configuration.GetSection(section).GetChildren())
            {
                if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    failures.Add($"{section}:{child.Key}: unknown setting (known: {string.Join(", ", known.Where(k => typeof(T).GetProperty(k)!.CanWrite || IsCollection(k)))})");
                }
            }

            var results = new List<ValidationResult>();
            Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
            failures.AddRange(results.Select(r => r.MemberNames.FirstOrDefault() is { } member
                ? $"{section}:{member}: {r.ErrorMessage}"
                : $"{section}: {r.ErrorMessage}"));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }

        private static bool IsCollection(string property) =>
            typeof(System.Collections.IEnumerable).IsAssignableFrom(typeof(T).GetProperty(property)!.PropertyType)
            && typeof(T).GetProperty(property)!.PropertyType != typeof(string);
    }
}
