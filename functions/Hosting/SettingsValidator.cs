using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Hosting;

/// <summary>
/// Checks an options class's DataAnnotations and reports each broken rule by its message alone: the messages name the
/// setting as it is configured ("Load:MaxConcurrentLoads must be between 1 and 1000."), one line an operator can act on.
/// </summary>
public sealed class SettingsValidator<T> : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var results = new List<ValidationResult>();
        return Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(results.Select(r => r.ErrorMessage ?? $"{typeof(T).Name}: {string.Join(", ", r.MemberNames)} is not valid."));
    }
}
