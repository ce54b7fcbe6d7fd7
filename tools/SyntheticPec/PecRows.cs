namespace SyntheticPec;

internal readonly record struct CodeRow(long Id, string Code, string Name);

internal readonly record struct MunicipioRow(long Id, string Ibge, string Name, string Uf);

internal readonly record struct ProfissionalRow(long Id, string Cns, string Name, long Cbo);

internal readonly record struct CidadaoRow(
    long Id, string? Name, string? SocialName, long Birth, long Sexo, string? Cpf, string? Cns, string? Phone,
    int Faleceu, long Municipio);

internal readonly record struct CadRow(
    long Id, long? Cidadao, long Tempo, int Hipertensao, int Diabete, long Equipe, long Unidade, long Profissional,
    long Cbo, string Uuid);

internal readonly record struct AtdRow(
    long Id, long? Cidadao, long Tempo, long Cbo, long Profissional, long Equipe, long Unidade, DateTime Start,
    int? Sistolica, int? Diastolica, decimal? Peso, decimal? Altura, string Uuid);

internal readonly record struct ProblemaRow(long Id, long Atendimento, long Cid, long Ciap);

internal readonly record struct VisitaRow(
    long Id, long? Cidadao, long Tempo, long Profissional, long Cbo, long Equipe, long Unidade, string Uuid);

internal readonly record struct MigracaoRow(string Id, string Filename, DateTime Executed, int Order, string Md5);

internal readonly record struct ProcessamentoRow(long Id, DateTime Start, DateTime End);

/// <summary>Everything <see cref="PecDatabase.PopulateAsync"/> writes, generated in memory first.</summary>
internal sealed class PecData
{
    public required DateOnly FirstDay { get; init; }
    public required DateOnly LastDay { get; init; }
    public required IReadOnlyList<CodeRow> Sexos { get; init; }
    public required IReadOnlyList<CodeRow> Equipes { get; init; }
    public required IReadOnlyList<CodeRow> Unidades { get; init; }
    public required IReadOnlyList<ProfissionalRow> Profissionais { get; init; }
    public required IReadOnlyList<CodeRow> Cbos { get; init; }
    public required IReadOnlyList<CodeRow> Cids { get; init; }
    public required IReadOnlyList<CodeRow> Ciaps { get; init; }
    public required IReadOnlyList<MunicipioRow> Municipios { get; init; }
    public required IReadOnlyList<CidadaoRow> Cidadaos { get; init; }
    public required IReadOnlyList<CadRow> Cadastros { get; init; }
    public required IReadOnlyList<AtdRow> Atendimentos { get; init; }
    public required IReadOnlyList<ProblemaRow> Problemas { get; init; }
    public required IReadOnlyList<VisitaRow> Visitas { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Config { get; init; }
    public required IReadOnlyList<MigracaoRow> Migracoes { get; init; }
    public required IReadOnlyList<ProcessamentoRow> Processamentos { get; init; }
}
