using System.ComponentModel.DataAnnotations;
using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// The operator's list-signing public key ("Lists" configuration section; environment <c>Lists__SigningPublicKey</c>):
/// base64 SubjectPublicKeyInfo or PEM, as <c>lists keygen</c> prints it. When set, publishing (command and API) refuses a
/// definition whose signature it does not verify. Unset, publishing stores signatures unchecked (uploaders still verify).
/// </summary>
public sealed class ListSigningOptions : IValidatableObject
{
    public const string Section = "Lists";

    public string? SigningPublicKey { get; set; }

    /// <summary>The key as SubjectPublicKeyInfo DER, or null when none is configured.</summary>
    public byte[]? PublicKey => string.IsNullOrWhiteSpace(SigningPublicKey) ? null : ListDefinitionSignature.ReadPublicKey(SigningPublicKey);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? problem = null;
        try
        {
            _ = PublicKey;
        }
        catch (FormatException ex)
        {
            problem = $"Lists:SigningPublicKey must be the ECDSA P-256 public key 'lists keygen' printed (base64 or PEM): {ex.Message}.";
        }

        return problem is null ? [] : [new ValidationResult(problem, [nameof(SigningPublicKey)])];
    }
}
