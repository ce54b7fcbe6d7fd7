namespace SyntheticPec;

/// <summary>
/// What a synthetic municipality looks like. <paramref name="Citizens"/> is the number of distinct
/// people; about 5% of them get a second <c>tb_fat_cidadao_pec</c> row (a duplicate), so the table
/// holds a little more. <paramref name="Today"/> anchors every date (the data never depends on the
/// clock), and the same seed always produces byte-identical data.
/// </summary>
/// <param name="Citizens">Distinct people in the municipality (at least 1).</param>
/// <param name="Seed">Seed of the pseudo-random generators.</param>
/// <param name="IbgeCode">7-digit IBGE code of the municipality.</param>
/// <param name="MunicipalityName">Name of the municipality.</param>
/// <param name="Today">The date the data is generated "as of".</param>
public sealed record PecSeed(int Citizens, int Seed, string IbgeCode, string MunicipalityName, DateOnly Today)
{
    /// <summary>The PEC version recorded in <c>tb_migracao</c> and <c>tb_config_sistema</c>.</summary>
    public string PecVersion { get; init; } = "5.2.38";
}
