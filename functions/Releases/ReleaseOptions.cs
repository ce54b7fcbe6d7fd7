using System.ComponentModel.DataAnnotations;
using PecLists.Contracts;

namespace PecLists.Functions.Releases;

/// <summary>
/// Uploader releases ("Releases" section): the Blob container of the binaries (<c>Releases__Container</c>) and the
/// release public keys a manifest must verify with to be published (<c>Releases__SigningPublicKeys</c>: one or more
/// base64 SubjectPublicKeyInfo keys as <c>releases keygen</c> prints them, separated by commas; two during a key
/// rotation). Without a key, nothing can be published: the backend never takes a release it cannot check.
/// This is not the list key (docs/adr/0026-uploader-releases-and-rollout.md): code and SQL are different roles.
/// </summary>
public sealed class ReleaseOptions : IValidatableObject
{
    public const string Section = "Releases";

    /// <summary>Blob container of the release binaries (Azure's rules for container names).</summary>
    [Required(ErrorMessage = "Releases:Container must be set.")]
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$",
        ErrorMessage = "Releases:Container must be 3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string Container { get; set; } = "releases";

    public string? SigningPublicKeys { get; set; }

    /// <summary>The configured keys as SubjectPublicKeyInfo DER (empty when none is configured).</summary>
    public IReadOnlyList<byte[]> PublicKeys =>
        string.IsNullOrWhiteSpace(SigningPublicKeys)
            ? []
            : [.. SigningPublicKeys.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ListDefinitionSignature.ReadPublicKey)];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            _ = PublicKeys;
        }
        catch (FormatException ex)
        {
            problem = $"Releases:SigningPublicKeys must be the ECDSA P-256 public keys 'releases keygen' printed (base64, separated by commas): {ex.Message}.";
        }

        return problem is null ? [] : [new ValidationResult(problem, [nameof(SigningPublicKeys)])];
    }
}
