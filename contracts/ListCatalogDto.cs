namespace PecLists.Contracts;

/// <summary>The lists a site must send; <c>Site</c> is the IBGE code the token belongs to (install learns it here).</summary>
public sealed record ListCatalogDto(IReadOnlyList<ListDefinitionDto> Lists, string? Site = null);
